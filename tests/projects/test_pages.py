"""Project pages: totals on the filtered list, summaries, the map, the ≥ 20亿 target, 集中开工 batches, exports safe
against formula injection (SECURITY.md IN3), and list pages at a fixed number of queries."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.projects.models import Project, StartBatch
from tests.factories import ChainFactory, region

from .factories import BatchFactory, ProblemFactory, ProjectFactory, ReportFactory


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_list_totals_follow_the_filters(client, office_user, team_chain):
    big = ProjectFactory(chain=team_chain, stage="building", total_investment_yi=Decimal("30"))
    ProjectFactory(chain=team_chain, stage="signed", total_investment_yi=Decimal("0.5"))
    ProjectFactory(
        chain=team_chain,
        stage="building",
        total_investment_yi=Decimal("2"),
        district=region("370212"),
    )
    ReportFactory(project=big, month=date(2026, 3, 1), completed_yi=Decimal("4"))
    ReportFactory(
        project=big, month=date(2025, 12, 1), completed_yi=Decimal("9")
    )  # last year: not counted
    client.force_login(office_user)
    url = reverse("projects:project_list")
    totals = client.get(url).context["totals"]
    assert (totals["count"], totals["total_yi"], totals["completed_year_yi"]) == (
        3,
        Decimal("32.5"),
        Decimal("4"),
    )
    assert (totals["above_100m"], totals["big"]) == (2, 1)
    totals = client.get(url, {"stage": "building", "district": region("370211").pk}).context[
        "totals"
    ]
    assert (totals["count"], totals["total_yi"]) == (1, Decimal("30"))
    totals = client.get(url, {"band": "above_100m"}).context["totals"]
    assert (totals["count"], totals["total_yi"]) == (1, Decimal("2"))
    partial = client.get(url, {"band": "big"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and partial.context["totals"]["count"] == 1


def test_the_summary_groups_by_stage_band_district_and_chain(client, office_user, team_chain):
    other = ChainFactory(name="新一代半导体")
    ProjectFactory(chain=team_chain, stage="started", total_investment_yi=Decimal("25"))
    ProjectFactory(
        chain=other, stage="started", total_investment_yi=Decimal("5"), district=region("370212")
    )
    client.force_login(office_user)
    groups = {
        key: rows
        for key, _label, rows in client.get(reverse("projects:project_summary")).context["groups"]
    }
    assert [r["key"] for r in groups["stage"]] == ["started"]
    assert {r["key"]: r["count"] for r in groups["band"]} == {"big": 1, "above_100m": 1}
    assert {r["label"]: r["total_yi"] for r in groups["chain"]} == {
        "智能家电": Decimal("25"),
        "新一代半导体": Decimal("5"),
    }
    assert {r["label"] for r in groups["district"]} == {"黄岛区", "崂山区"}


def test_the_map_page_uses_the_local_boundary_file_and_scoped_figures(
    client, district_a_user, team_chain
):
    ProjectFactory(chain=team_chain, total_investment_yi=Decimal("12"))
    ProjectFactory(chain=team_chain, district=region("370212"), total_investment_yi=Decimal("99"))
    client.force_login(district_a_user)
    resp = client.get(reverse("projects:project_map"))
    html = resp.content.decode()
    assert "geo/qingdao-370200.json" in html and "js/projects.js" in html
    option = resp.context["option"]
    data = {d["name"]: d for d in option["series"][0]["data"]}
    assert data["黄岛区"]["value"] == 12.0 and data["崂山区"]["value"] == 0.0
    assert len(data) == 10


def test_the_boundary_file_holds_the_ten_districts_under_their_reference_names(db):
    path = Path(settings.BASE_DIR) / "chainleader" / "static" / "geo" / "qingdao-370200.json"
    geo = json.loads(path.read_text(encoding="utf-8"))
    names = {f["properties"]["code"]: f["properties"]["name"] for f in geo["features"]}
    from chainleader.reference.models import Region

    assert names == dict(
        Region.objects.filter(code__startswith="3702", level=3).values_list("code", "name")
    )


def test_the_chain_kpi_counts_big_projects_signed_this_year(client, office_user, team_chain):
    ProjectFactory(chain=team_chain, total_investment_yi=Decimal("20"), signed_on=date(2026, 3, 1))
    ProjectFactory(
        chain=team_chain, total_investment_yi=Decimal("19.99"), signed_on=date(2026, 3, 1)
    )
    ProjectFactory(
        chain=team_chain, total_investment_yi=Decimal("50"), signed_on=date(2025, 12, 31)
    )
    client.force_login(office_user)
    kpis = client.get(reverse("projects:chain_kpi")).context["kpis"]
    kpi = next(k for k in kpis if k.chain == team_chain)
    assert (kpi.big_signed, kpi.target, kpi.met) == (1, 2, False)
    ProjectFactory(chain=team_chain, total_investment_yi=Decimal("35"), signed_on=date(2026, 8, 1))
    kpi = next(
        k
        for k in client.get(reverse("projects:chain_kpi")).context["kpis"]
        if k.chain == team_chain
    )
    assert kpi.met
    last_year = client.get(reverse("projects:chain_kpi"), {"year": "2025"}).context["kpis"]
    assert next(k for k in last_year if k.chain == team_chain).big_signed == 1


def test_a_start_batch_shows_its_headline_figures(client, office_user, district_a_user, team_chain):
    p1 = ProjectFactory(chain=team_chain, stage="started", total_investment_yi=Decimal("22"))
    p2 = ProjectFactory(chain=team_chain, stage="started", total_investment_yi=Decimal("3"))
    client.force_login(district_a_user)
    resp = client.post(
        reverse("projects:batch_add"),
        {
            "name": "三月集中开工",
            "held_on": "2026-03-18",
            "region": region("370211").pk,
            "projects": [p1.pk, p2.pk],
        },
    )
    assert resp.status_code == 302
    batch = StartBatch.objects.get()
    figures = client.get(batch.get_absolute_url()).context["figures"]
    assert (figures["count"], figures["total_yi"], figures["above_100m"], figures["big"]) == (
        2,
        Decimal("25"),
        2,
        1,
    )
    listed = client.get(reverse("projects:batch_list")).context["rows"]
    assert listed[0][0].project_count == 2


def test_a_district_cannot_put_another_districts_project_in_a_batch(
    client, district_a_user, team_chain
):
    outside = ProjectFactory(chain=team_chain, district=region("370212"))
    client.force_login(district_a_user)
    resp = client.post(
        reverse("projects:batch_add"),
        {
            "name": "批次",
            "held_on": "2026-03-18",
            "region": region("370211").pk,
            "projects": [outside.pk],
        },
    )
    assert resp.status_code == 200
    assert not StartBatch.objects.exists()
    city = BatchFactory(region=region("3702"))
    assert client.get(reverse("projects:batch_edit", args=[city.pk])).status_code == 404


@pytest.mark.parametrize(
    ("url", "make"),
    [
        (
            "projects:project_list",
            lambda chain: ProjectFactory(
                chain=chain,
                name='=HYPERLINK("http://x","y")',
                total_investment_yi=Decimal("-0") + 5,
            ),
        ),
        ("projects:problem_list", lambda chain: ProblemFactory(chain=chain, title="@SUM(A1:A9)")),
        (
            "projects:report_list",
            lambda chain: ReportFactory(
                project=ProjectFactory(chain=chain), note="+cmd|' /C calc'!A0"
            ),
        ),
    ],
)
def test_exports_are_safe_against_formula_injection(client, office_user, team_chain, url, make):
    make(team_chain)
    client.force_login(office_user)
    resp = client.get(reverse(url), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    dangerous = [c for c in cells if isinstance(c.value, str) and c.value.lstrip("'")[:1] in "=+-@"]
    assert dangerous and all(c.data_type == "s" and c.value.startswith("'") for c in dangerous)
    numbers = [c for c in cells if isinstance(c.value, (int, float))]
    assert all(c.data_type == "n" for c in numbers)  # numbers stay numeric
    assert AuditEvent.objects.filter(event_type="export").count() == 1


def test_the_project_export_holds_every_planned_and_actual_date(client, office_user, team_chain):
    ProjectFactory(
        chain=team_chain, planned_started_on=date(2026, 5, 1), signed_on=date(2026, 1, 2)
    )
    client.force_login(office_user)
    ws = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("projects:project_list"), {"export": "xlsx"}).content)
    ).active
    headers = [c.value for c in ws[1]]
    # and the description (项目说明) and 行业引领性, which the import takes too
    assert len(headers) == 10 + 14 + 4
    row = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert row[str(Project._meta.get_field("planned_started_on").verbose_name)].date() == date(
        2026, 5, 1
    )


def test_a_project_page_shows_stages_reports_problems_and_the_change_form(
    client, office_user, team_chain
):
    project = ProjectFactory(chain=team_chain, planned_started_on=date(2026, 5, 1))
    ReportFactory(project=project, month=date(2026, 10, 1))
    ProblemFactory(chain=team_chain, project=project, title="配套电力不足")
    client.force_login(office_user)
    resp = client.get(project.get_absolute_url())
    html = resp.content.decode()
    assert resp.context["stage_form"] is not None and "配套电力不足" in html
    assert resp.context["chart"]["xAxis"]["data"] == ["2026-10"]
    assert 'id="project-chart" type="application/json"' in html and "echarts.min.js" in html


def test_the_firm_sees_its_project_without_the_change_form(client, firm_user, firm, team_chain):
    project = ProjectFactory(chain=team_chain, investor=firm, district=region("370212"))
    client.force_login(firm_user)
    resp = client.get(project.get_absolute_url())
    assert resp.status_code == 200 and resp.context["stage_form"] is None


def test_a_district_names_project_owners_from_its_own_unit_only(
    client, district_a_user, district_b_user
):
    client.force_login(district_a_user)
    owners = set(
        client.get(reverse("projects:project_add")).context["form"].fields["owner"].queryset
    )
    assert district_a_user in owners and district_b_user not in owners


def test_a_batch_tells_the_citys_and_the_districts_chain_of_the_same_name_apart(
    client, office_user, team_chain
):
    from tests.factories import ChainFactory

    district_chain = ChainFactory(name=team_chain.name, level="district", region=region("370211"))
    p1 = ProjectFactory(chain=team_chain, stage="started", total_investment_yi=Decimal("5"))
    p2 = ProjectFactory(chain=district_chain, stage="started", total_investment_yi=Decimal("3"))
    batch = StartBatch.objects.create(
        name="同名链批次", held_on="2026-03-18", region=region("370211")
    )
    batch.projects.set([p1, p2])
    client.force_login(office_user)
    by_chain = client.get(batch.get_absolute_url()).context["figures"]["by_chain"]
    assert sorted((r["label"], r["count"]) for r in by_chain) == sorted(
        [(team_chain.name, 1), (str(district_chain), 1)]
    )
    assert str(district_chain) != team_chain.name


def test_chart_data_reaches_the_page_through_json_script(client, office_user):
    """A project name holding </script> cannot end the chart's script element (issue 12, item 7)."""
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(name="</script><script>alert(1)</script>")
    client.force_login(office_user)
    body = client.get(project.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body
