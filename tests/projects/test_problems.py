"""The problem ledger: raise → assign → answer → verify → close out (销号), each by its roles (SECURITY.md AC5)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from chainleader.accounts.models import OrgUnit, Role
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.projects import services
from chainleader.projects.models import Notification, Problem, ProblemEvent
from tests.factories import OrgUnitFactory, UserFactory

from .factories import ProblemFactory, ProjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def project(team_chain):
    return ProjectFactory(chain=team_chain, name="智能工厂项目")


def raised(project, user) -> Problem:
    return services.problem_raise(
        actor=user, chain=project.chain, project=project, title="用地指标不足", category="land"
    )


def state(problem: Problem) -> tuple:
    problem.refresh_from_db()
    return problem.status, problem.version, problem.department_id, problem.answer


def test_the_four_roles_take_a_problem_from_raised_to_closed(
    district_a_user, office_user, department_user, department_unit, project
):
    problem = raised(project, district_a_user)
    assert (problem.status, problem.region.code, problem.raised_by_unit.name) == (
        "raised",
        "370211",
        "黄岛区",
    )
    services.problem_assign(
        problem=problem, actor=office_user, department=department_unit, deadline=date(2026, 12, 10)
    )
    services.problem_answer(problem=problem, actor=department_user, answer="已协调新增用地指标")
    services.problem_verify(problem=problem, actor=office_user, accepted=True, note="已核实")
    services.problem_close(problem=problem, actor=office_user, note="销号")
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.closed_at
    actions = list(ProblemEvent.objects.filter(problem=problem).values_list("action", flat=True))
    assert actions == ["raise", "assign", "answer", "verify", "close"]
    assert {e.actor for e in ProblemEvent.objects.filter(problem=problem)} == {
        district_a_user,
        office_user,
        department_user,
    }
    assert (
        AuditEvent.objects.filter(
            event_type__startswith="problem_", object_id=str(problem.pk)
        ).count()
        == 5
    )
    assert problem.history.count() == 5  # every change kept


@pytest.mark.parametrize("status", ["raised", "assigned", "answered", "closed"])
def test_close_out_is_refused_before_verification_and_nothing_changes(
    office_user, department_unit, team_chain, status
):
    problem = ProblemFactory(chain=team_chain, status=status, department=department_unit)
    before = state(problem)
    with pytest.raises(WorkflowConflict):
        services.problem_close(problem=problem, actor=office_user)
    assert state(problem) == before
    assert not ProblemEvent.objects.exists()


@pytest.mark.parametrize(
    "role", ["district", "team", "department", "chain_leader", "general_leader"]
)
def test_close_out_is_refused_for_every_role_but_the_office(
    role,
    team_chain,
    department_unit,
    district_a_unit,
    chain_team_user,
    department_user,
    district_a_user,
):
    users = {
        "district": district_a_user,
        "team": chain_team_user,
        "department": department_user,
        "chain_leader": UserFactory(username="leader", role=Role.CHAIN_LEADER),
        "general_leader": UserFactory(username="general", role=Role.GENERAL_LEADER),
    }
    users["chain_leader"].chains.add(team_chain)
    problem = ProblemFactory(
        chain=team_chain,
        status="verified",
        department=department_unit,
        region=district_a_unit.region,
    )
    before = state(problem)
    with pytest.raises(WorkflowForbidden):
        services.problem_close(problem=problem, actor=users[role])
    assert state(problem) == before


def test_only_the_assigned_department_answers(
    team_chain, department_unit, office_user, department_user
):
    other = UserFactory(
        username="other_dept",
        role=Role.DEPARTMENT,
        org_unit=OrgUnitFactory(name="市财政局", kind=OrgUnit.Kind.DEPARTMENT),
    )
    problem = ProblemFactory(
        chain=team_chain, status="assigned", department=department_unit, deadline=date(2026, 12, 1)
    )
    for user in (other, office_user):
        with pytest.raises(WorkflowForbidden):
            services.problem_answer(problem=problem, actor=user, answer="答复")
    services.problem_answer(problem=problem, actor=department_user, answer="答复")
    assert state(problem)[0] == "answered"


def test_a_raised_problem_cannot_be_answered_or_verified(
    team_chain, department_unit, department_user, office_user
):
    problem = ProblemFactory(chain=team_chain, status="raised", department=department_unit)
    with pytest.raises(WorkflowConflict):
        services.problem_answer(problem=problem, actor=department_user, answer="答复")
    with pytest.raises(WorkflowConflict):
        services.problem_verify(problem=problem, actor=office_user, accepted=True)


def test_an_answer_sent_back_returns_to_the_department(team_chain, department_unit, office_user):
    problem = ProblemFactory(
        chain=team_chain, status="answered", department=department_unit, answer="答复"
    )
    with pytest.raises(ServiceError):
        services.problem_verify(problem=problem, actor=office_user, accepted=False, note="")
    services.problem_verify(problem=problem, actor=office_user, accepted=False, note="未解决")
    assert state(problem)[0] == "assigned"
    assert ProblemEvent.objects.get(problem=problem).action == "reject"


def test_the_chain_team_assigns_its_chains_problems_but_a_district_does_not(
    team_chain, department_unit, chain_team_user, district_a_user
):
    problem = ProblemFactory(chain=team_chain, department=None)
    with pytest.raises(WorkflowForbidden):
        services.problem_assign(
            problem=problem,
            actor=district_a_user,
            department=department_unit,
            deadline=date(2026, 12, 1),
        )
    services.problem_assign(
        problem=problem,
        actor=chain_team_user,
        department=department_unit,
        deadline=date(2026, 12, 1),
    )
    assert state(problem)[0] == "assigned"


def test_assigning_tells_the_department_and_refuses_a_past_deadline(
    team_chain, department_unit, department_user, office_user
):
    problem = ProblemFactory(chain=team_chain)
    with pytest.raises(ServiceError):
        services.problem_assign(
            problem=problem,
            actor=office_user,
            department=department_unit,
            deadline=date(2026, 11, 23),
        )
    services.problem_assign(
        problem=problem, actor=office_user, department=department_unit, deadline=date(2026, 11, 30)
    )
    assert Notification.objects.filter(user=department_user).count() == 1


def test_overdue_problems_escalate_once_to_the_chain_leader(
    team_chain, department_unit, chain_team_user
):
    leader = UserFactory(username="leader", role=Role.CHAIN_LEADER)
    leader.chains.add(team_chain)
    late = ProblemFactory(
        chain=team_chain, status="assigned", department=department_unit, deadline=date(2026, 11, 23)
    )
    ProblemFactory(
        chain=team_chain, status="assigned", department=department_unit, deadline=date(2026, 11, 24)
    )
    ProblemFactory(
        chain=team_chain, status="answered", department=department_unit, deadline=date(2026, 11, 1)
    )
    assert services.problems_escalate_overdue() == 1
    assert services.problems_escalate_overdue() == 0
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"leader", "team"}
    assert ProblemEvent.objects.get(problem=late).action == "escalate"


def test_the_leaders_view_lists_escalated_problems_first(client, team_chain, department_unit):
    leader = UserFactory(username="leader", role=Role.CHAIN_LEADER)
    leader.chains.add(team_chain)
    ProblemFactory(
        chain=team_chain,
        title="按期问题",
        status="assigned",
        department=department_unit,
        deadline=date(2026, 12, 30),
    )
    ProblemFactory(
        chain=team_chain,
        title="逾期问题",
        status="assigned",
        department=department_unit,
        deadline=date(2026, 11, 1),
    )
    services.problems_escalate_overdue()
    client.force_login(leader)
    resp = client.get(reverse("projects:chain_dashboard", args=[team_chain.pk]))
    assert next(iter(resp.context["problems"])).title == "逾期问题"
    assert resp.context["problem_counts"]["escalated"] == 1
    listed = client.get(reverse("projects:problem_list"), {"escalated": "true"})
    assert [o.title for o, _c in listed.context["rows"]] == ["逾期问题"]


def test_the_pages_take_each_step_and_show_a_wrong_one_as_a_form_error(
    client, office_user, department_unit, team_chain
):
    problem = ProblemFactory(chain=team_chain)
    client.force_login(office_user)
    resp = client.post(
        reverse("projects:problem_close", args=[problem.pk]), {"version": problem.version}
    )
    assert resp.status_code == 200 and resp.context["form"].errors
    assert state(problem)[0] == "raised"
    resp = client.post(
        reverse("projects:problem_assign", args=[problem.pk]),
        {"department": department_unit.pk, "deadline": "2026-12-31", "version": problem.version},
    )
    assert resp.status_code == 302 and state(problem)[0] == "assigned"
    detail = client.get(problem.get_absolute_url())
    assert detail.context["actions"] == ["assign"]


def test_a_department_sees_only_the_problems_assigned_to_it(
    client, team_chain, department_unit, department_user
):
    ProblemFactory(
        chain=team_chain, title="指派给本部门", department=department_unit, status="assigned"
    )
    ProblemFactory(chain=team_chain, title="别的问题")
    client.force_login(department_user)
    resp = client.get(reverse("projects:problem_list"))
    assert [o.title for o, _c in resp.context["rows"]] == ["指派给本部门"]


def test_raising_needs_an_editor_role_and_the_project_in_its_writable_scope(
    project, department_user, district_b_user
):
    with pytest.raises(WorkflowForbidden):
        raised(project, department_user)
    with pytest.raises(ServiceError):
        raised(project, district_b_user)
    assert not Problem.objects.exists()


def test_a_district_raises_a_chain_problem_on_a_city_chain(district_a_user, team_chain):
    problem = services.problem_raise(actor=district_a_user, chain=team_chain, title="配套不足")
    assert problem.project is None and problem.region.code == "370211"
    assert Problem.objects.for_user(district_a_user).filter(pk=problem.pk).exists()
