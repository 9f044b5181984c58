"""API for projects, monthly reports and problems: the same scopes and workflow rules as the pages
(wrong state 409, wrong role 403, out of scope 404), and a schema that validates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from chainleader.projects.models import MonthlyReport, Problem, Project
from tests.factories import region

from .factories import ProblemFactory, ProjectFactory


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


def test_the_office_creates_a_project_and_moves_it_forward(office_user, team_chain):
    client = api(office_user)
    resp = client.post(
        "/api/projects/",
        {
            "name": "接口项目",
            "chain": team_chain.pk,
            "district": "370211",
            "kind": "new",
            "total_investment_yi": "21.5",
            "planned_started_on": "2027-03-01",
            "stage": "counted",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["stage"] == "signed" and body["big"] is True and body["code"].startswith("XM2026-")
    pk = body["id"]
    resp = client.post(
        f"/api/projects/{pk}/advance/",
        {"to_stage": "registered", "evidence": "备案证明", "version": body["version"]},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["stage"] == "registered"
    assert resp.json()["registered_on"] == "2026-11-24"


def test_a_wrong_transition_is_409_and_changes_nothing(office_user, team_chain):
    project = ProjectFactory(chain=team_chain, stage="signed")
    client = api(office_user)
    resp = client.post(
        f"/api/projects/{project.pk}/advance/",
        {"to_stage": "started", "evidence": "x"},
        format="json",
    )
    assert resp.status_code == 409
    resp = client.post(
        f"/api/projects/{project.pk}/move-back/",
        {"to_stage": "signed", "reason": "x"},
        format="json",
    )
    assert resp.status_code == 409
    project.refresh_from_db()
    assert (project.stage, project.version) == ("signed", 1)


def test_stage_and_actual_dates_cannot_be_patched(office_user, team_chain):
    project = ProjectFactory(chain=team_chain, stage="signed")
    resp = api(office_user).patch(
        f"/api/projects/{project.pk}/",
        {"stage": "counted", "counted_on": "2026-01-01", "name": "改名", "version": 1},
        format="json",
    )
    assert resp.status_code == 200
    project.refresh_from_db()
    assert (project.stage, project.counted_on, project.name) == ("signed", None, "改名")


def test_a_district_cannot_see_or_move_another_districts_project(district_b_user, team_chain):
    project = ProjectFactory(chain=team_chain)  # 370211
    client = api(district_b_user)
    assert client.get(f"/api/projects/{project.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/projects/{project.pk}/advance/",
            {"to_stage": "registered", "evidence": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert client.get("/api/projects/").json()["count"] == 0


def test_a_district_cannot_create_a_project_outside_its_territory(district_a_user, team_chain):
    resp = api(district_a_user).post(
        "/api/projects/",
        {
            "name": "越界项目",
            "chain": team_chain.pk,
            "district": "370212",
            "kind": "new",
            "total_investment_yi": "2",
        },
        format="json",
    )
    assert resp.status_code == 400
    assert not Project.objects.exists()


def test_a_firm_reads_its_projects_but_may_not_move_them(firm_user, firm, team_chain):
    project = ProjectFactory(chain=team_chain, investor=firm, district=region("370212"))
    client = api(firm_user)
    assert client.get(f"/api/projects/{project.pk}/").status_code == 200
    assert (
        client.post(
            f"/api/projects/{project.pk}/advance/",
            {"to_stage": "registered", "evidence": "x"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/projects/{project.pk}/", {"name": "x", "version": 1}, format="json"
        ).status_code
        == 403
    )


def test_monthly_reports_over_the_api(district_a_user, team_chain):
    project = ProjectFactory(chain=team_chain)
    client = api(district_a_user)
    resp = client.post(
        "/api/monthly-reports/",
        {"project": project.pk, "month": "2026-10-15", "planned_yi": "1.5", "completed_yi": "1.2"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["month"] == "2026-10-01"
    pk = resp.json()["id"]
    resp = client.patch(
        f"/api/monthly-reports/{pk}/", {"completed_yi": "1.4", "version": 1}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["completed_yi"] == "1.4000"
    assert (
        client.patch(
            f"/api/monthly-reports/{pk}/", {"completed_yi": "1.6", "version": 1}, format="json"
        ).status_code
        == 409
    )
    assert MonthlyReport.objects.get().completed_yi == Decimal("1.4")


def test_the_problem_workflow_over_the_api(
    district_a_user, office_user, department_user, department_unit, team_chain
):
    project = ProjectFactory(chain=team_chain)
    resp = api(district_a_user).post(
        "/api/problems/",
        {"project": project.pk, "title": "用地问题", "category": "land"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    pk = resp.json()["id"]
    office, dept = api(office_user), api(department_user)
    assert office.post(f"/api/problems/{pk}/close/", {}, format="json").status_code == 409  # AC5
    assert (
        office.post(
            f"/api/problems/{pk}/assign/",
            {"department": department_unit.pk, "deadline": "2026-12-15"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        office.post(f"/api/problems/{pk}/answer/", {"answer": "x"}, format="json").status_code
        == 403
    )
    assert (
        dept.post(f"/api/problems/{pk}/answer/", {"answer": "已解决"}, format="json").status_code
        == 200
    )
    assert (
        dept.post(f"/api/problems/{pk}/verify/", {"accepted": True}, format="json").status_code
        == 403
    )
    assert (
        office.post(f"/api/problems/{pk}/verify/", {"accepted": True}, format="json").status_code
        == 200
    )
    assert dept.post(f"/api/problems/{pk}/close/", {}, format="json").status_code == 403
    resp = office.post(f"/api/problems/{pk}/close/", {"note": "销号"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "closed"


def test_close_on_a_new_ticket_is_409_and_the_state_is_unchanged(office_user, team_chain):
    problem = ProblemFactory(chain=team_chain)
    assert (
        api(office_user).post(f"/api/problems/{problem.pk}/close/", {}, format="json").status_code
        == 409
    )
    problem.refresh_from_db()
    assert (problem.status, problem.version) == ("raised", 1)


def test_problems_cannot_be_edited_or_deleted_directly(office_user, team_chain):
    problem = ProblemFactory(chain=team_chain)
    client = api(office_user)
    assert (
        client.patch(
            f"/api/problems/{problem.pk}/", {"status": "closed", "version": 1}, format="json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/problems/{problem.pk}/").status_code == 405
    assert Problem.objects.get().status == "raised"


def test_filters_by_stage_and_band(office_user, team_chain):
    ProjectFactory(chain=team_chain, stage="started", total_investment_yi=Decimal("25"))
    ProjectFactory(chain=team_chain, stage="started", total_investment_yi=Decimal("2"))
    ProjectFactory(chain=team_chain, stage="signed", total_investment_yi=Decimal("0.5"))
    client = api(office_user)
    assert client.get("/api/projects/", {"stage": "started"}).json()["count"] == 2
    assert client.get("/api/projects/", {"band": "big"}).json()["count"] == 1
    assert client.get("/api/projects/", {"band": "small"}).json()["count"] == 1


def test_the_schema_validates_with_the_new_endpoints(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
    )
    text = (tmp_path / "schema.yml").read_text(encoding="utf-8")
    for path in (
        "/api/projects/{id}/advance/",
        "/api/monthly-reports/",
        "/api/problems/{id}/close/",
        "/api/work-items/{id}/review/",
    ):
        assert path in text
    assert "'409':" in text


def test_report_dates_are_real_months(office_user, team_chain):
    project = ProjectFactory(chain=team_chain)
    resp = api(office_user).post(
        "/api/monthly-reports/",
        {"project": project.pk, "month": "2026-13-01", "planned_yi": "1"},
        format="json",
    )
    assert resp.status_code == 400
    assert MonthlyReport.objects.filter(project=project, month=date(2026, 1, 1)).count() == 0


def test_a_project_moves_one_stage_back_with_its_reason(office_user, team_chain):
    project = ProjectFactory(chain=team_chain, stage="signed")
    client = api(office_user)
    ahead = client.post(
        f"/api/projects/{project.pk}/advance/",
        {"to_stage": "registered", "evidence": "备案证明"},
        format="json",
    )
    assert ahead.status_code == 200, ahead.content
    blank = client.post(
        f"/api/projects/{project.pk}/move-back/",
        {"to_stage": "signed", "reason": ""},
        format="json",
    )
    assert blank.status_code == 400
    back = client.post(
        f"/api/projects/{project.pk}/move-back/",
        {"to_stage": "signed", "reason": "备案信息有误，退回重报"},
        format="json",
    )
    assert (back.status_code, back.json()["stage"]) == (200, "signed"), back.content
    project.refresh_from_db()
    assert project.stage == "signed" and project.registered_on is None
