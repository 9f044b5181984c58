"""The pages: the list (filters, search, sort, the export read back), an assignment with its visits, assign /
change / end, log a visit, my firms, coverage (and its export), the firm's page; what a district and a firm see."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from chainleader.commissioners import services
from chainleader.commissioners.models import Assignment, Visit
from chainleader.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def sheet_rows(content: bytes, index: int = 0) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list(book.worksheets[index].iter_rows(values_only=True))


def test_the_list_filters_searches_sorts_and_exports(client, office_user, assigned, cadre):
    a, b = assigned
    services.visit_log(actor=cadre, assignment=b, on=date(2026, 5, 1))
    login(client, office_user)
    url = reverse("commissioners:assignment_list")
    resp = client.get(url)
    assert resp.status_code == 200
    assert "黄岛链主集团有限公司" in resp.text and "王建国" in resp.text
    district_b = b.enterprise.region
    assert list(client.get(url, {"district": district_b.pk}).context["page_obj"].object_list) == [b]
    rows = client.get(url, {"overdue": "true"}).context["page_obj"].object_list
    assert list(rows) == [a]
    assert list(client.get(url, {"kind": "tiered"}).context["page_obj"].object_list) == [b]
    assert list(client.get(url, {"q": "崂山"}).context["page_obj"].object_list) == [b]
    assert client.get(url, {"sort": "-due_on"}).status_code == 200
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200
    rows = sheet_rows(export.content)
    assert rows[0][:3] == ("统一社会信用代码", "企业名称", "服务专员账号")
    assert {r[1] for r in rows[1:]} == {"黄岛链主集团有限公司", "崂山智能科技有限公司"}
    assert {r[2] for r in rows[1:]} == {"wangjianguo"}
    assert AuditEvent.objects.filter(event_type="export").exists()


def test_a_district_never_sees_another_districts_assignments(
    client, district_a_user, district_b_user, assigned
):
    a, b = assigned
    login(client, district_a_user)
    url = reverse("commissioners:assignment_list")
    assert list(client.get(url).context["page_obj"].object_list) == [a]
    assert client.get(reverse("commissioners:assignment_detail", args=[b.pk])).status_code == 404
    rows = sheet_rows(client.get(url, {"export": "xlsx"}).content)
    assert [r[1] for r in rows[1:]] == ["黄岛链主集团有限公司"]
    coverage = client.get(reverse("commissioners:coverage")).context
    assert [r["region"].code for r in coverage["districts"]] == ["370211"]
    login(client, district_b_user)
    assert list(client.get(url).context["page_obj"].object_list) == [b]


def test_a_firm_reads_its_own_commissioner_and_visits_without_the_notes(
    client, assigned, cadre, firm_b
):
    from chainleader.accounts.models import OrgUnit, Role
    from tests.factories import OrgUnitFactory, UserFactory

    a, b = assigned
    services.visit_log(actor=cadre, assignment=b, on=date(2026, 5, 1), notes="内部判断：扩产意愿强")
    unit = OrgUnitFactory(name=firm_b.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    firm_user = UserFactory(role=Role.ENTERPRISE, org_unit=unit)
    login(client, firm_user)
    url = reverse("commissioners:assignment_list")
    assert list(client.get(url).context["page_obj"].object_list) == [b]
    page = client.get(reverse("commissioners:assignment_detail", args=[b.pk]))
    assert page.status_code == 200 and "王建国" in page.text and "2026-05-01" in page.text
    assert "扩产意愿强" not in page.text
    assert "Log a visit" not in page.text and "记录走访" not in page.text
    assert client.get(reverse("commissioners:assignment_detail", args=[a.pk])).status_code == 404
    assert client.get(reverse("commissioners:assignment_visit", args=[b.pk])).status_code == 403
    assert client.get(reverse("commissioners:assignment_history", args=[b.pk])).status_code == 403
    assert client.get(reverse("commissioners:coverage")).status_code == 403
    assert client.get(reverse("commissioners:my_firms")).status_code == 403
    firm_page = client.get(reverse("enterprises:enterprise_detail", args=[firm_b.pk]))
    assert "王建国" in firm_page.text


def test_assign_change_end_and_history_pages(client, office_user, firm_a, cadre, cadre2):
    login(client, office_user)
    add = reverse("commissioners:assignment_add")
    assert client.get(add, {"enterprise": firm_a.pk}).status_code == 200
    resp = client.post(
        add,
        {
            "enterprise": firm_a.pk,
            "commissioner": cadre.pk,
            "kind": "key",
            "since": "2026-03-01",
            "visit_interval_days": 60,
        },
    )
    a = Assignment.objects.get()
    assert resp.status_code == 302 and resp["Location"] == a.get_absolute_url()
    assert a.due_on == date(2026, 4, 30)
    # Refused: a start in the future, shown on the form.
    bad = client.post(
        add,
        {
            "enterprise": firm_a.pk,
            "commissioner": cadre2.pk,
            "kind": "key",
            "since": "2026-07-01",
            "visit_interval_days": 60,
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    edit = reverse("commissioners:assignment_edit", args=[a.pk])
    assert client.get(edit).status_code == 200
    resp = client.post(
        edit, {"kind": "tiered", "visit_interval_days": 30, "notes": "季度走访", "version": 1}
    )
    assert resp.status_code == 302
    a.refresh_from_db()
    assert (a.kind, a.visit_interval_days, a.due_on) == ("tiered", 30, date(2026, 3, 31))
    stale = client.post(edit, {"kind": "small", "visit_interval_days": 30, "version": 1})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert client.get(reverse("commissioners:assignment_history", args=[a.pk])).status_code == 200
    end = reverse("commissioners:assignment_end", args=[a.pk])
    assert client.get(end).status_code == 200
    assert client.post(end, {"until": "2026-05-31", "version": 2}).status_code == 302
    a.refresh_from_db()
    assert a.until == date(2026, 5, 31)


def test_read_only_roles_may_not_assign(client, cadre, assigned):
    login(client, cadre)  # a department: reads, logs its own visits, does not assign
    assert client.get(reverse("commissioners:assignment_add")).status_code == 403
    a = assigned[0]
    assert client.get(reverse("commissioners:assignment_edit", args=[a.pk])).status_code == 403
    assert client.get(reverse("commissioners:assignment_end", args=[a.pk])).status_code == 403


def test_the_commissioner_logs_a_visit_and_sees_my_firms(client, cadre, assigned, firm_b):
    from chainleader.accounts.models import OrgUnit, Role
    from chainleader.projects.services import problems as problem_services
    from tests.factories import OrgUnitFactory, UserFactory

    a, b = assigned
    unit = OrgUnitFactory(name=firm_b.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    request = problem_services.request_raise(
        actor=UserFactory(role=Role.ENTERPRISE, org_unit=unit),
        title="用电增容",
        description="需要协调电力增容",
        category=problem_services.FIRM_CATEGORIES[0],
    )
    login(client, cadre)
    mine = client.get(reverse("commissioners:my_firms"))
    assert mine.status_code == 200
    assert [x.pk for x in mine.context["assignments"]] == [a.pk, b.pk]
    assert len(mine.context["overdue"]) == 2 and mine.context["requests"] == [request]
    url = reverse("commissioners:assignment_visit", args=[b.pk])
    assert client.get(url).context["allowed"]
    resp = client.post(
        url,
        {"on": "2026-05-30", "form": "on_site", "notes": "走访车间", "requests": [request.pk]},
    )
    assert resp.status_code == 302
    visit = Visit.objects.get()
    assert visit.visitor == cadre and list(visit.requests.all()) == [request]
    detail = client.get(reverse("commissioners:assignment_detail", args=[b.pk]))
    assert "走访车间" in detail.text and "用电增容" in detail.text
    bad = client.post(url, {"on": "2026-06-30", "form": "on_site"})
    assert bad.status_code == 200 and bad.context["form"].errors
    mine = client.get(reverse("commissioners:my_firms"))
    assert len(mine.context["overdue"]) == 1


def test_coverage_page_and_export(client, office_user, assigned, cadre, firm_a2):
    services.visit_log(actor=cadre, assignment=assigned[1], on=date(2026, 5, 1))
    login(client, office_user)
    url = reverse("commissioners:coverage")
    resp = client.get(url, {"year": 2026})
    assert resp.status_code == 200
    by = {r["region"].code: r for r in resp.context["districts"]}
    assert (by["370211"]["key_firms"], by["370211"]["assigned"], by["370211"]["coverage"]) == (
        2,
        1,
        50.0,
    )
    assert resp.context["total"]["key_firms"] == 3 and resp.context["total"]["visits"] == 1
    export = client.get(url, {"year": 2026, "export": "xlsx"})
    assert export.status_code == 200
    districts = sheet_rows(export.content, 0)
    assert [r[1:] for r in districts[1:]] == [(2, 1, 50, 0, 1), (1, 1, 100, 1, 0)]
    units = sheet_rows(export.content, 1)
    assert units[1][0] == "市工业和信息化局" and units[1][1:4] == (1, 2, 1)


def test_the_firm_page_shows_the_commissioner_and_last_visit(
    client, office_user, assigned, cadre, firm_a2
):
    a = assigned[0]
    services.visit_log(actor=cadre, assignment=a, on=date(2026, 5, 2), form="phone")
    login(client, office_user)
    page = client.get(reverse("enterprises:enterprise_detail", args=[a.enterprise_id]))
    assert page.status_code == 200
    assert "王建国" in page.text and "2026-05-02" in page.text
    other = client.get(reverse("enterprises:enterprise_detail", args=[firm_a2.pk]))
    assert 'data-testid="assign-commissioner"' in other.text
