"""The rules of assignments and visits: the one overdue rule on hand-worked dates, replacing a commissioner,
who may log a visit, and the coverage counts."""

from __future__ import annotations

from datetime import date

import pytest

from chainleader.commissioners import selectors, services
from chainleader.commissioners.models import Assignment, Visit
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from tests.factories import EnterpriseFactory, UserFactory, region

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_due_date_is_the_last_visit_or_the_start_plus_the_interval():
    assert services.due_date(date(2026, 1, 1), None, 90) == date(2026, 4, 1)
    assert services.due_date(date(2026, 1, 1), date(2026, 3, 15), 90) == date(2026, 6, 13)
    # A visit logged before the start (an earlier assignment's) does not count before the start.
    assert services.due_date(date(2026, 1, 1), date(2025, 12, 1), 30) == date(2026, 1, 31)


def test_overdue_on_hand_worked_dates(office_user, firm_a, cadre):
    a = services.assign(
        actor=office_user,
        enterprise=firm_a,
        commissioner=cadre,
        kind="key",
        since=date(2026, 1, 1),
        visit_interval_days=90,
    )
    assert a.due_on == date(2026, 4, 1)
    # Due on 1 April: not overdue that day, overdue the day after.
    assert not Assignment.objects.overdue(date(2026, 4, 1)).filter(pk=a.pk).exists()
    assert Assignment.objects.overdue(date(2026, 4, 2)).filter(pk=a.pk).exists()
    assert a.is_overdue(date(2026, 4, 2)) and not a.is_overdue(date(2026, 4, 1))
    services.visit_log(actor=cadre, assignment=a, on=date(2026, 3, 15), form="phone")
    a.refresh_from_db()
    assert a.due_on == date(2026, 6, 13)
    assert not Assignment.objects.overdue(TODAY).filter(pk=a.pk).exists()
    assert Assignment.objects.overdue(date(2026, 6, 14)).filter(pk=a.pk).exists()
    # An earlier visit logged later does not move the due date back.
    services.visit_log(actor=cadre, assignment=a, on=date(2026, 2, 1))
    a.refresh_from_db()
    assert a.due_on == date(2026, 6, 13)
    # A shorter interval brings the next visit forward: 15 March + 30 days = 14 April, overdue today.
    services.assignment_update(
        actor=office_user, assignment=a, data={"visit_interval_days": 30}, expected_version=1
    )
    a.refresh_from_db()
    assert a.due_on == date(2026, 4, 14) and a.is_overdue(TODAY)
    # An ended assignment is never overdue.
    services.unassign(actor=office_user, assignment=a, until=TODAY)
    a.refresh_from_db()
    assert a.due_on is None and not Assignment.objects.overdue(date(2030, 1, 1)).exists()


def test_a_new_commissioner_ends_the_current_assignment_the_day_before(
    office_user, assigned, cadre2
):
    old = assigned[0]
    new = services.assign(
        actor=office_user,
        enterprise=old.enterprise,
        commissioner=cadre2,
        kind="key",
        since=date(2026, 5, 1),
    )
    old.refresh_from_db()
    assert old.until == date(2026, 4, 30) and old.version == 2
    assert list(Assignment.objects.current().filter(enterprise=old.enterprise)) == [new]
    row = AuditEvent.objects.filter(event_type="commissioner_assign").order_by("-id").first()
    assert row.detail["replaced"] == old.pk and row.detail["commissioner"] == "lixiaohong"
    # The same commissioner again is a conflict; a start before the current one's is refused.
    with pytest.raises(WorkflowConflict):
        services.assign(
            actor=office_user, enterprise=old.enterprise, commissioner=cadre2, kind="key"
        )
    with pytest.raises(ServiceError) as err:
        services.assign(
            actor=office_user,
            enterprise=old.enterprise,
            commissioner=old.commissioner,
            kind="key",
            since=date(2026, 4, 1),
        )
    assert err.value.field == "since"


def test_who_may_be_named_and_who_may_name(
    office_user, district_a_user, firm_a, firm_b, cadre, firm_user, system_admin
):
    with pytest.raises(ServiceError) as err:
        services.assign(actor=office_user, enterprise=firm_a, commissioner=firm_user, kind="key")
    assert err.value.field == "commissioner"
    with pytest.raises(ServiceError):
        services.assign(actor=office_user, enterprise=firm_a, commissioner=system_admin, kind="key")
    # A department may not name commissioners; a district only for its own territory's firms.
    with pytest.raises(WorkflowForbidden):
        services.assign(actor=cadre, enterprise=firm_a, commissioner=cadre, kind="key")
    with pytest.raises(ServiceError):
        services.assign(actor=district_a_user, enterprise=firm_b, commissioner=cadre, kind="key")
    a = services.assign(actor=district_a_user, enterprise=firm_a, commissioner=cadre, kind="key")
    assert a.since == date(2026, 6, 1) and a.visit_interval_days == 90
    with pytest.raises(ServiceError) as err:
        services.assign(
            actor=office_user,
            enterprise=firm_b,
            commissioner=cadre,
            kind="key",
            visit_interval_days=0,
        )
    assert err.value.field == "visit_interval_days"
    assert Assignment.objects.count() == 1


def test_visits_the_commissioner_logs_and_the_rules_of_the_date(
    assigned, cadre, cadre2, district_b_user, firm_user, office_user
):
    a = assigned[0]
    # The commissioner logs, whatever the role's writable scope (a department reads only elsewhere).
    v = services.visit_log(actor=cadre, assignment=a, on=date(2026, 5, 20), notes="了解用地需求")
    assert v.visitor == cadre and v.created_by == cadre
    # An editor of the firm's district may too; another district, a firm and another cadre may not.
    other_cadre = UserFactory(role="department", org_unit=cadre.org_unit)
    for actor in (district_b_user, firm_user, other_cadre):
        with pytest.raises(WorkflowForbidden):
            services.visit_log(actor=actor, assignment=a, on=date(2026, 5, 21))
    services.visit_log(actor=cadre2, assignment=a, on=date(2026, 5, 22))  # district A's editor
    for on, field in ((date(2026, 6, 2), "on"), (date(2025, 12, 31), "on"), (None, "on")):
        with pytest.raises(ServiceError) as err:
            services.visit_log(actor=cadre, assignment=a, on=on)
        assert err.value.field == field
    with pytest.raises(ServiceError):
        services.visit_log(actor=cadre, assignment=a, on=TODAY, form="letter")
    assert Visit.objects.count() == 2
    audit = AuditEvent.objects.filter(event_type="commissioner_visit").order_by("id").first()
    assert audit.detail["on"] == "2026-05-20"


def test_requests_raised_are_the_firms_own(assigned, cadre, firm_b):
    from chainleader.accounts.models import OrgUnit, Role
    from chainleader.projects.services import problems as problem_services
    from tests.factories import OrgUnitFactory

    a, b = assigned
    unit = OrgUnitFactory(name=b.enterprise.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    firm_b_user = UserFactory(role=Role.ENTERPRISE, org_unit=unit)
    request = problem_services.request_raise(
        actor=firm_b_user,
        title="用电增容",
        description="需要协调电力增容",
        category=problem_services.FIRM_CATEGORIES[0],
    )
    with pytest.raises(ServiceError) as err:
        services.visit_log(actor=cadre, assignment=a, on=TODAY, requests=[request])
    assert err.value.field == "requests"
    v = services.visit_log(actor=cadre, assignment=b, on=TODAY, requests=[request])
    assert list(v.requests.all()) == [request]


def test_stale_edit_and_ending_twice(assigned, office_user):
    a = assigned[0]
    with pytest.raises(StaleEdit):
        services.assignment_update(
            actor=office_user, assignment=a, data={"kind": "small"}, expected_version=7
        )
    services.unassign(actor=office_user, assignment=a, until=date(2026, 5, 1))
    with pytest.raises(WorkflowConflict):
        services.unassign(actor=office_user, assignment=a)
    assert AuditEvent.objects.filter(event_type="commissioner_unassign").count() == 1


def test_coverage_counts_per_district_and_unit(assigned, cadre, cadre2, office_user, firm_a2):
    """District A: two key firms (a chain master, a tiered firm), one assigned, overdue; a visit in 2026.
    District B: one key firm, assigned, visited this year (not overdue). An ordinary firm is no key firm."""
    a, b = assigned
    EnterpriseFactory(name="普通企业", region=region("370211"))
    services.visit_log(actor=cadre, assignment=b, on=date(2026, 5, 1))
    services.visit_log(actor=cadre, assignment=a, on=date(2026, 2, 1))  # due 2 May: overdue
    rows = {r["region"].code: r for r in selectors.coverage_by_district(office_user, 2026, TODAY)}
    assert rows["370211"] == {
        **rows["370211"],
        "key_firms": 2,
        "assigned": 1,
        "coverage": 50.0,
        "visits": 1,
        "overdue": 1,
    }
    assert rows["370212"]["key_firms"] == 1 and rows["370212"]["coverage"] == 100.0
    assert rows["370212"]["overdue"] == 0 and rows["370212"]["visits"] == 1
    assert selectors.coverage_by_district(office_user, 2025, TODAY)[0]["visits"] == 0
    # A 包抓 规下 firm (no tier, no chain role) counts once assigned.
    small = EnterpriseFactory(name="小微企业", region=region("370211"))
    services.assign(actor=office_user, enterprise=small, commissioner=cadre2, kind="small")
    rows = {r["region"].code: r for r in selectors.coverage_by_district(office_user, 2026, TODAY)}
    assert (rows["370211"]["key_firms"], rows["370211"]["assigned"]) == (3, 2)
    units = {r["unit_name"]: r for r in selectors.coverage_by_unit(office_user, 2026, TODAY)}
    bureau = units["市工业和信息化局"]
    assert (bureau["commissioners"], bureau["firms"], bureau["visited"], bureau["visits"]) == (
        1,
        2,
        2,
        2,
    )
    assert bureau["overdue"] == 1 and bureau["visited_share"] == 100.0
    assert units["黄岛区"]["firms"] == 1 and units["黄岛区"]["visits"] == 0
