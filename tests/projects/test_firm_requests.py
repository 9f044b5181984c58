"""Firm requests (企业诉求, issue 15 item 1): problems with source=firm on the ledger's own workflow."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chainleader.accounts.models import OrgUnit, Role
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.projects import selectors, services
from chainleader.projects.models import Notification, Problem, ProblemEvent
from tests.factories import (
    EnterpriseFactory,
    OrgUnitFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    region,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), tick=False):
        yield


def firm_account(name: str, code: str = "370211"):
    firm = EnterpriseFactory(name=name, region=region(code))
    unit = OrgUnitFactory(name=name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm)
    return UserFactory(username=f"u{firm.pk}", role=Role.ENTERPRISE, org_unit=unit)


def raise_one(user, **kw) -> Problem:
    return services.request_raise(
        actor=user,
        title=kw.pop("title", "融资需求"),
        description=kw.pop("description", "需要流动资金贷款 2000 万元"),
        category=kw.pop("category", "finance"),
        **kw,
    )


def routed(req, office_user, department_unit) -> Problem:
    return services.problem_assign(
        problem=req, actor=office_user, department=department_unit, deadline=date(2026, 12, 10)
    )


def test_a_firm_raises_confirms_and_the_office_closes(
    firm_user, firm, office_user, department_user, department_unit
):
    req = raise_one(firm_user)
    assert (req.source, req.enterprise, req.chain, req.status) == ("firm", firm, None, "raised")
    assert req.region.code == "370212"  # the firm's district
    assert Notification.objects.filter(user=office_user).count() == 1
    routed(req, office_user, department_unit)
    services.problem_answer(problem=req, actor=department_user, answer="已对接银行授信")
    services.request_confirm(problem=req, actor=firm_user, rating=5, note="满意")
    req.refresh_from_db()
    assert (req.status, req.rating) == ("verified", 5) and req.firm_confirmed_at
    services.problem_close(problem=req, actor=office_user)
    req.refresh_from_db()
    assert req.status == "closed"
    actions = list(ProblemEvent.objects.filter(problem=req).values_list("action", flat=True))
    assert actions == ["raise", "assign", "answer", "confirm", "close"]
    types = list(
        AuditEvent.objects.filter(object_id=str(req.pk), event_type__startswith="problem_")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert types == [
        "problem_raise",
        "problem_assign",
        "problem_answer",
        "problem_confirm",
        "problem_close",
    ]


def test_a_reopened_request_returns_to_the_same_department(
    firm_user, office_user, department_user, department_unit
):
    req = routed(raise_one(firm_user), office_user, department_unit)
    services.problem_answer(problem=req, actor=department_user, answer="请自行联系银行")
    services.request_reopen(problem=req, actor=firm_user, note="没有解决")
    req.refresh_from_db()
    assert (req.status, req.department_id, req.rating) == ("assigned", department_unit.pk, None)
    assert Notification.objects.filter(user=department_user).count() == 2  # assigned, reopened
    # The department answers again; the firm confirms the second answer.
    services.problem_answer(problem=req, actor=department_user, answer="已协调授信 2000 万")
    services.request_confirm(problem=req, actor=firm_user, rating=4)
    req.refresh_from_db()
    assert (req.status, req.rating) == ("verified", 4)


def test_reopen_needs_a_reason_and_rating_must_be_1_to_5(
    firm_user, office_user, department_user, department_unit
):
    req = routed(raise_one(firm_user), office_user, department_unit)
    services.problem_answer(problem=req, actor=department_user, answer="答复")
    with pytest.raises(ServiceError):
        services.request_reopen(problem=req, actor=firm_user, note=" ")
    for bad in (0, 6):
        with pytest.raises(ServiceError):
            services.request_confirm(problem=req, actor=firm_user, rating=bad)
    req.refresh_from_db()
    assert (req.status, req.version) == ("answered", 3)


def test_close_needs_the_firms_confirmation_or_the_offices_review_note(
    firm_user, office_user, department_user, department_unit
):
    req = routed(raise_one(firm_user), office_user, department_unit)
    services.problem_answer(problem=req, actor=department_user, answer="答复")
    services.problem_verify(problem=req, actor=office_user, accepted=True)  # the office reviews
    with pytest.raises(ServiceError):
        services.problem_close(problem=req, actor=office_user, note="")
    req.refresh_from_db()
    assert req.status == "verified"
    services.problem_close(problem=req, actor=office_user, note="企业未回复，办公室审核销号")
    req.refresh_from_db()
    assert req.status == "closed"


def test_only_the_raising_firm_confirms_or_reopens(
    firm_user, office_user, department_user, department_unit
):
    other = firm_account("他企业有限公司", "370212")
    req = routed(raise_one(firm_user), office_user, department_unit)
    with pytest.raises(WorkflowConflict):  # not answered yet
        services.request_confirm(problem=req, actor=firm_user, rating=5)
    services.problem_answer(problem=req, actor=department_user, answer="答复")
    for actor in (other, office_user, department_user):
        with pytest.raises(WorkflowForbidden):
            services.request_confirm(problem=req, actor=actor, rating=5)
        with pytest.raises(WorkflowForbidden):
            services.request_reopen(problem=req, actor=actor, note="x")
    req.refresh_from_db()
    assert req.status == "answered"
    assert services.allowed_actions(req, firm_user) == ["confirm", "reopen"]
    assert "confirm" not in services.allowed_actions(req, office_user)


def test_only_a_firm_account_raises_a_request_and_a_category_is_checked(
    office_user, district_a_user, firm_user
):
    for actor in (office_user, district_a_user):
        with pytest.raises(WorkflowForbidden):
            raise_one(actor)
    with pytest.raises(ServiceError):
        raise_one(firm_user, category="infrastructure")
    with pytest.raises(ServiceError):
        raise_one(firm_user, description="")
    assert not Problem.objects.filter(source="firm").exists()


def test_a_firm_never_sees_another_firms_request(firm_user):
    other = firm_account("他企业有限公司", "370212")
    mine, theirs = raise_one(firm_user), raise_one(other, title="他们的诉求")
    assert list(Problem.objects.for_user(firm_user)) == [mine]
    assert list(Problem.objects.for_user(other)) == [theirs]
    assert not ProblemEvent.objects.for_user(firm_user).filter(problem=theirs).exists()


def test_a_firm_does_not_see_the_ledger_of_its_chain(firm_user, team_chain):
    Problem.objects.create(chain=team_chain, title="链上问题", raised_on=date(2026, 11, 1))
    assert not Problem.objects.for_user(firm_user).exists()


def test_a_department_sees_only_requests_assigned_to_it(
    firm_user, office_user, department_user, department_unit
):
    other_unit = OrgUnitFactory(name="市发改委", kind=OrgUnit.Kind.DEPARTMENT)
    other_dept = UserFactory(username="dept2", role=Role.DEPARTMENT, org_unit=other_unit)
    req = raise_one(firm_user)
    assert not Problem.objects.for_user(department_user).exists()
    routed(req, office_user, department_unit)
    assert list(Problem.objects.for_user(department_user)) == [req]
    assert not Problem.objects.for_user(other_dept).exists()


def test_a_district_sees_requests_of_firms_on_its_territory(
    firm_user, district_a_user, district_b_user, office_user
):
    req = raise_one(firm_user)  # the firm sits in 370212 (district B)
    assert list(Problem.objects.for_user(district_b_user)) == [req]
    assert not Problem.objects.for_user(district_a_user).exists()
    assert list(Problem.objects.for_user(office_user)) == [req]


def test_a_request_linked_to_a_chain_counts_in_its_problems(
    firm_user, firm, team_chain, office_user, chain_team_user
):
    with pytest.raises(ServiceError):  # a chain the firm is not placed in is outside its scope
        raise_one(firm_user, chain=team_chain)
    PlacementFactory(segment=SegmentFactory(chain=team_chain), enterprise=firm)
    req = raise_one(firm_user, chain=team_chain)
    assert list(Problem.objects.for_user(chain_team_user)) == [req]  # the chain team sees it
    counts = selectors.problem_counts(
        Problem.objects.for_user(office_user).filter(chain=team_chain), date(2026, 11, 24)
    )
    assert req.chain == team_chain
    assert (counts["open"], counts["total"]) == (1, 1)


def test_an_overdue_request_escalates_to_the_office(firm_user, office_user, department_unit):
    req = routed(raise_one(firm_user), office_user, department_unit)
    Notification.objects.all().delete()
    assert services.problems_escalate_overdue(on=date(2026, 12, 11)) == 1
    req.refresh_from_db()
    assert req.escalated_at is not None
    assert Notification.objects.filter(user=office_user).count() == 1
    assert ProblemEvent.objects.filter(problem=req, action="escalate").count() == 1
