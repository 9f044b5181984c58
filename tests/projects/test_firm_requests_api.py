"""Firm requests over the API (/api/firm-requests/): the same services as the pages; a wrong role is 403, a wrong
state 409, another firm's request 404, and the endpoints are in the schema."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from chainleader.accounts.models import OrgUnit, Role
from chainleader.projects.models import Problem
from tests.factories import EnterpriseFactory, OrgUnitFactory, UserFactory, region


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


BODY = {"title": "用电增容", "description": "新产线需要增容 2000 千伏安", "category": "energy"}


def test_the_firm_request_round_trip_over_the_api(
    firm_user, firm, office_user, department_user, department_unit
):
    created = api(firm_user).post("/api/firm-requests/", BODY, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["enterprise"] == firm.pk and created.json()["source"] == "firm"
    r = api(office_user).post(
        f"/api/firm-requests/{pk}/assign/",
        {"department": department_unit.pk, "deadline": "2026-12-10"},
        format="json",
    )
    assert r.status_code == 200, r.content
    r = api(department_user).post(
        f"/api/firm-requests/{pk}/answer/", {"answer": "已协调供电公司"}, format="json"
    )
    assert r.status_code == 200
    r = api(firm_user).post(f"/api/firm-requests/{pk}/reopen/", {"note": "未落实"}, format="json")
    assert (r.status_code, r.json()["status"]) == (200, "assigned")
    api(department_user).post(
        f"/api/firm-requests/{pk}/answer/", {"answer": "已完成增容"}, format="json"
    )
    r = api(firm_user).post(f"/api/firm-requests/{pk}/confirm/", {"rating": 5}, format="json")
    assert (r.status_code, r.json()["status"], r.json()["rating"]) == (200, "verified", 5)
    r = api(office_user).post(f"/api/firm-requests/{pk}/close/", {}, format="json")
    assert (r.status_code, r.json()["status"]) == (200, "closed")


def test_writes_are_403_for_the_auditor_and_roles_that_may_not_raise(
    firm_user, office_user, department_user
):
    auditor = UserFactory(username="auditor", role=Role.AUDIT_ADMIN)
    for user in (auditor, office_user, department_user):
        assert api(user).post("/api/firm-requests/", BODY, format="json").status_code == 403
    pk = api(firm_user).post("/api/firm-requests/", BODY, format="json").json()["id"]
    r = api(auditor).post(f"/api/firm-requests/{pk}/close/", {}, format="json")
    assert r.status_code in (403, 404)
    assert Problem.objects.get(pk=pk).status == "raised"


def test_a_wrong_state_is_409_and_changes_nothing(firm_user, office_user):
    pk = api(firm_user).post("/api/firm-requests/", BODY, format="json").json()["id"]
    r = api(firm_user).post(f"/api/firm-requests/{pk}/confirm/", {"rating": 4}, format="json")
    assert r.status_code == 409
    r = api(office_user).post(f"/api/firm-requests/{pk}/close/", {}, format="json")
    assert r.status_code == 409
    assert Problem.objects.get(pk=pk).version == 1


def test_another_firm_gets_404_and_sees_none_in_its_list(firm_user):
    other_firm = EnterpriseFactory(name="他企业", region=region("370212"))
    unit = OrgUnitFactory(name="他企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=other_firm)
    other = UserFactory(username="other_firm", role=Role.ENTERPRISE, org_unit=unit)
    pk = api(firm_user).post("/api/firm-requests/", BODY, format="json").json()["id"]
    assert api(other).get(f"/api/firm-requests/{pk}/").status_code == 404
    assert api(other).get("/api/firm-requests/").json()["count"] == 0
    assert api(other).post(f"/api/firm-requests/{pk}/reopen/", {"note": "x"}).status_code == 404


def test_the_caller_cannot_set_the_firm_or_the_status(firm_user, firm):
    other_firm = EnterpriseFactory(name="他企业", region=region("370212"))
    body = {**BODY, "enterprise": other_firm.pk, "status": "closed", "source": "ledger"}
    r = api(firm_user).post("/api/firm-requests/", body, format="json")
    assert r.status_code == 201
    row = Problem.objects.get(pk=r.json()["id"])
    assert (row.enterprise_id, row.status, row.source) == (firm.pk, "raised", "firm")


def test_the_schema_has_the_firm_request_endpoints(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    text = (tmp_path / "s.yml").read_text(encoding="utf-8")
    for path in (
        "/api/firm-requests/",
        "/api/firm-requests/{id}/confirm/",
        "/api/firm-requests/{id}/reopen/",
    ):
        assert path in text


def test_the_office_may_verify_an_answer_in_the_firms_stead(
    firm_user, office_user, department_user, department_unit
):
    """销号 after the firm's confirmation or the office's review: the office verifies (or sends back) an answer
    the firm has not confirmed, through the same endpoint family."""
    pk = api(firm_user).post("/api/firm-requests/", BODY, format="json").json()["id"]
    api(office_user).post(
        f"/api/firm-requests/{pk}/assign/",
        {"department": department_unit.pk, "deadline": "2026-12-10"},
        format="json",
    )
    api(department_user).post(
        f"/api/firm-requests/{pk}/answer/", {"answer": "已协调"}, format="json"
    )
    assert api(firm_user).post(
        f"/api/firm-requests/{pk}/verify/", {"accepted": True}, format="json"
    ).status_code in (403, 409)
    back = api(office_user).post(
        f"/api/firm-requests/{pk}/verify/", {"accepted": False, "note": "答复不具体"}, format="json"
    )
    assert (back.status_code, back.json()["status"]) == (200, "assigned")
    api(department_user).post(
        f"/api/firm-requests/{pk}/answer/", {"answer": "已增容"}, format="json"
    )
    ok = api(office_user).post(
        f"/api/firm-requests/{pk}/verify/", {"accepted": True}, format="json"
    )
    assert (ok.status_code, ok.json()["status"]) == (200, "verified")
    assert Problem.objects.get(pk=pk).status == "verified"
