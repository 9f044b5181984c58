"""Firm request pages: the firm's list and raise form, the confirm/reopen steps, the office's list with the
overdue first and its Excel export; other roles may not raise, other firms get 404."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from chainleader.accounts.models import OrgUnit, Role
from chainleader.projects import services
from chainleader.projects.models import Problem
from tests.factories import EnterpriseFactory, OrgUnitFactory, UserFactory, region


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def raise_one(user, title="融资需求") -> Problem:
    return services.request_raise(
        actor=user, title=title, description="需要流动资金贷款", category="finance"
    )


def test_a_firm_raises_a_request_from_its_page(client, firm_user, firm):
    client.force_login(firm_user)
    page = client.get(reverse("projects:request_list"))
    assert page.status_code == 200 and reverse("projects:request_add").encode() in page.content
    r = client.post(
        reverse("projects:request_add"),
        {"title": "招工难", "category": "talent", "description": "缺 30 名技术工人"},
    )
    req = Problem.objects.get()
    assert r.status_code == 302 and r.url == req.get_absolute_url()
    assert (req.enterprise, req.source, req.category) == (firm, "firm", "talent")
    assert "招工难" in client.get(reverse("projects:request_list")).content.decode()


def test_other_roles_may_not_raise_a_request(client, office_user, department_user):
    for user in (office_user, department_user):
        client.force_login(user)
        assert client.get(reverse("projects:request_add")).status_code == 403
        r = client.post(
            reverse("projects:request_add"),
            {"title": "x", "category": "other", "description": "y"},
        )
        assert r.status_code == 403
    assert not Problem.objects.exists()


def test_a_firm_confirms_and_reopens_through_the_pages(
    client, firm_user, office_user, department_user, department_unit
):
    req = raise_one(firm_user)
    services.problem_assign(
        problem=req, actor=office_user, department=department_unit, deadline=date(2026, 12, 1)
    )
    services.problem_answer(problem=req, actor=department_user, answer="答复一")
    client.force_login(firm_user)
    detail = client.get(req.get_absolute_url()).content.decode()
    assert reverse("projects:request_confirm", args=[req.pk]) in detail
    r = client.post(reverse("projects:request_reopen", args=[req.pk]), {"note": "未解决"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == "assigned"
    services.problem_answer(problem=req, actor=department_user, answer="答复二")
    r = client.post(reverse("projects:request_confirm", args=[req.pk]), {"rating": "4"})
    req.refresh_from_db()
    assert (r.status_code, req.status, req.rating) == (302, "verified", 4)


def test_another_firm_gets_404_on_every_request_page(client, firm_user):
    other_firm = EnterpriseFactory(name="他企业", region=region("370212"))
    unit = OrgUnitFactory(name="他企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=other_firm)
    other = UserFactory(username="other_firm", role=Role.ENTERPRISE, org_unit=unit)
    req = raise_one(firm_user)
    client.force_login(other)
    for name in ("problem_detail", "request_confirm", "request_reopen", "problem_history"):
        assert client.get(reverse(f"projects:{name}", args=[req.pk])).status_code == 404
    r = client.post(reverse("projects:request_reopen", args=[req.pk]), {"note": "x"})
    assert r.status_code == 404
    assert "融资需求" not in client.get(reverse("projects:request_list")).content.decode()


def test_the_office_list_puts_overdue_first_and_exports_to_excel(
    client, firm_user, office_user, department_unit
):
    late = raise_one(firm_user, title="逾期诉求")
    raise_one(firm_user, title="新诉求")
    services.problem_assign(
        problem=late, actor=office_user, department=department_unit, deadline=date(2026, 11, 30)
    )
    with time_machine.travel(datetime(2026, 12, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        client.force_login(office_user)  # a session of the day (they expire after 12 h)
        html = client.get(reverse("projects:request_list")).content.decode()
        assert html.index("逾期诉求") < html.index("新诉求")
        r = client.get(reverse("projects:request_list"), {"export": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][0] == "逾期诉求"
    assert "本企业有限公司" in rows[1]


def test_filters_by_category(client, firm_user, office_user):
    raise_one(firm_user, title="融资A")
    services.request_raise(actor=firm_user, title="用地B", description="d", category="land")
    client.force_login(office_user)
    html = client.get(reverse("projects:request_list"), {"category": "land"}).content.decode()
    assert "用地B" in html and "融资A" not in html
