"""Growth plan pages: the list (filters, search, sort, Excel export read back), a plan's page (chart, lagging
flag with its reason, years, measures), the echelons page, the forms; confidential figures hidden from a
department, audited for the others."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.growth.models import GrowthPlan, Measure, PlanYear
from tests.factories import EnterpriseFactory, PlacementFactory, SegmentFactory, YearFigureFactory
from tests.factories import region as region_of


def sheet(resp):
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_the_list_filters_lagging_and_exports(client, office_user, plan_a, firm_b_plan):
    client.force_login(office_user)
    url = reverse("growth:plan_list")
    resp = client.get(url)
    assert resp.status_code == 200
    assert "黄岛倍增企业有限公司" in resp.content.decode()
    lagging = client.get(url, {"lagging": "true"}).content.decode()
    assert "黄岛倍增企业有限公司" in lagging and firm_b_plan.enterprise.name not in lagging
    on_pace = client.get(url, {"lagging": "false"}).content.decode()
    assert "黄岛倍增企业有限公司" not in on_pace
    assert (
        firm_b_plan.enterprise.name
        in client.get(url, {"region": region_of("370212").pk}).content.decode()
    )
    assert client.get(url, {"q": "黄岛倍增", "sort": "-base_year"}).status_code == 200
    export = client.get(url, {"export": "xlsx", "lagging": "true"})
    assert export.status_code == 200
    rows = sheet(export)
    assert "统一社会信用代码" in rows[0] and "目标纳税额(万元)" in rows[0]
    assert len(rows) == 2 and rows[1][0] == plan_a.enterprise.uscc
    assert rows[1][rows[0].index("目标纳税额(万元)")] == 10000
    assert AuditEvent.objects.filter(event_type="view_confidential", detail__view="export").exists()


def test_a_plans_page_shows_the_chart_the_flag_and_the_measures(client, district_a_user, plan_a):
    client.force_login(district_a_user)
    resp = client.get(reverse("growth:plan_detail", args=[plan_a.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'data-testid="lagging"' in html and "141,421.36" in html
    assert "协调新厂区用地" in html
    chart = resp.context["chart"]
    assert chart["xAxis"]["data"] == ["2022", "2023", "2024", "2025", "2026"]
    json.dumps(chart)  # the page embeds it as JSON
    assert AuditEvent.objects.filter(
        event_type="view_confidential", object_type="growth.growthplan"
    ).exists()
    export = client.get(reverse("growth:plan_detail", args=[plan_a.pk]), {"export": "xlsx"})
    rows = sheet(export)
    assert [r[0] for r in rows[1:]] == [2022, 2023, 2024, 2025, 2026]
    assert rows[3][1] == Decimal("141421.36") or float(rows[3][1]) == pytest.approx(141421.36)


def test_a_department_sees_the_plan_without_figures(client, department_user, plan_a, team_chain):
    team_chain.lead_department = department_user.org_unit
    team_chain.save()
    PlacementFactory(segment=SegmentFactory(chain=team_chain), enterprise=plan_a.enterprise)
    client.force_login(department_user)
    html = client.get(reverse("growth:plan_detail", args=[plan_a.pk])).content.decode()
    assert 'data-testid="figures-hidden"' in html and "141,421.36" not in html
    assert "100,000" not in html and 'data-testid="lagging"' not in html
    assert (
        client.get(reverse("growth:plan_detail", args=[plan_a.pk]), {"export": "xlsx"}).status_code
        == 403
    )
    rows = sheet(client.get(reverse("growth:plan_list"), {"export": "xlsx"}))
    assert rows[1][rows[0].index("目标纳税额(万元)")] is None
    echelons = client.get(reverse("growth:echelons")).content.decode()
    assert 'data-testid="figures-hidden"' in echelons
    assert not AuditEvent.objects.filter(event_type="view_confidential").exists()


def test_another_district_gets_404(client, district_b_user, plan_a):
    client.force_login(district_b_user)
    assert client.get(reverse("growth:plan_detail", args=[plan_a.pk])).status_code == 404


def test_the_echelons_page_shows_who_moved(client, office_user):
    up = EnterpriseFactory(name="升档企业有限公司")
    down = EnterpriseFactory(name="降档企业有限公司")
    for year, a, b in ((2023, 290000, 1100000), (2024, 520000, 900000)):
        YearFigureFactory(enterprise=up, year=year, revenue_wan=a)
        YearFigureFactory(enterprise=down, year=year, revenue_wan=b)
    client.force_login(office_user)
    resp = client.get(reverse("growth:echelons"), {"year": 2024})
    assert resp.status_code == 200
    table = resp.context["table"]
    assert [r.enterprise.name for r in table.up] == ["升档企业有限公司"]
    assert [r.enterprise.name for r in table.down] == ["降档企业有限公司"]
    assert table.counts == {100: 0, 50: 2, 30: 0}
    rows = sheet(client.get(reverse("growth:echelons"), {"year": 2024, "export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["降档企业有限公司", "升档企业有限公司"]
    assert rows[1][4] == 50 and rows[1][6] == 100


def test_forms_create_and_edit_plans_years_and_measures(client, office_user, firm_a, plan_a):
    client.force_login(office_user)
    assert client.get(reverse("growth:plan_add")).status_code == 200
    resp = client.post(
        reverse("growth:plan_add"),
        {
            "enterprise": firm_a.pk,
            "kind": "other",
            "base_year": 2023,
            "target_year": 2027,
            "status": "active",
        },
    )
    assert resp.status_code == 302
    plan = GrowthPlan.objects.get(enterprise=firm_a, base_year=2023)
    assert client.get(reverse("growth:plan_edit", args=[plan.pk])).status_code == 200
    resp = client.post(
        reverse("growth:plan_edit", args=[plan.pk]),
        {"kind": "other", "target_year": 2028, "status": "active", "version": plan.version},
    )
    assert resp.status_code == 302
    assert client.get(reverse("growth:plan_history", args=[plan.pk])).status_code == 200
    assert client.get(reverse("growth:year_add", args=[plan_a.pk])).status_code == 200
    resp = client.post(
        reverse("growth:year_add", args=[plan_a.pk]), {"year": 2024, "revenue_wan": "125000"}
    )
    assert resp.status_code == 302
    year = PlanYear.objects.get(plan=plan_a)
    assert client.get(reverse("growth:year_edit", args=[plan_a.pk, year.pk])).status_code == 200
    assert client.get(reverse("growth:year_delete", args=[plan_a.pk, year.pk])).status_code == 200
    assert client.post(reverse("growth:year_delete", args=[plan_a.pk, year.pk])).status_code == 302
    assert client.get(reverse("growth:measure_add", args=[plan_a.pk])).status_code == 200
    resp = client.post(
        reverse("growth:measure_add", args=[plan_a.pk]), {"text": "帮助申报技改补助"}
    )
    assert resp.status_code == 302
    measure = Measure.objects.get(text="帮助申报技改补助")
    assert (
        client.get(reverse("growth:measure_edit", args=[plan_a.pk, measure.pk])).status_code == 200
    )
    resp = client.post(reverse("growth:measure_done", args=[plan_a.pk, measure.pk]))
    assert resp.status_code == 302
    measure.refresh_from_db()
    assert measure.done and measure.done_on is not None
    assert (
        client.get(reverse("growth:measure_delete", args=[plan_a.pk, measure.pk])).status_code
        == 200
    )
    assert (
        client.post(reverse("growth:measure_delete", args=[plan_a.pk, measure.pk])).status_code
        == 302
    )
    assert client.get(reverse("growth:plan_delete", args=[plan.pk])).status_code == 200
    assert client.post(reverse("growth:plan_delete", args=[plan.pk])).status_code == 302
    assert not GrowthPlan.objects.filter(pk=plan.pk).exists()


def test_a_firm_reads_its_plan_and_may_not_edit(client, firm_user, firm_b_plan):
    client.force_login(firm_user)
    assert client.get(reverse("growth:plan_detail", args=[firm_b_plan.pk])).status_code == 200
    assert client.get(reverse("growth:plan_edit", args=[firm_b_plan.pk])).status_code == 403
