"""Growth plans (倍增): the pace from the yearly figures, the lagging flag with its reason, writes through the
services with audit rows and optimistic locking, scopes (a district its firms' plans, a firm its own, read
only), confidential figures hidden from a department."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.growth import selectors, services
from chainleader.growth.models import GrowthPlan, Measure, PlanYear


def loaded(plan, user):
    return selectors.with_progress(GrowthPlan.objects.filter(pk=plan.pk), user).get()


def test_the_pace_comes_from_the_base_years_figures_and_doubles(plan_a, office_user):
    progress = loaded(plan_a, office_user).progress()
    revenue = progress.metric("revenue")
    assert revenue.base == Decimal(100000) and revenue.target == Decimal(200000)
    points = {p.year: p for p in revenue.points}
    assert points[2024].expected == Decimal("141421.36")  # 100,000 × √2
    # 2023: 110,000 < 118,920.71 × 0.95 = 112,974.67: that year lagged; 2024: 120,000 < 134,350.29 lags too
    assert points[2023].lagging is True and points[2024].lagging is True
    assert points[2025].actual is None and points[2025].lagging is None
    tax = {p.year: p for p in progress.metric("tax").points}
    assert tax[2024].lagging is False  # 7,000 ≥ 7,071.07 × 0.95
    assert progress.lagging is True
    assert "2024" in progress.reason and "141,421.36" in progress.reason


def test_an_explicit_year_target_and_a_wider_tolerance_change_the_verdict(
    plan_a, office_user, settings
):
    services.plan_year_save(
        plan=plan_a, actor=office_user, data={"year": 2024, "revenue_wan": Decimal(125000)}
    )
    # 120,000 ≥ 125,000 × 0.95 = 118,750: on pace against the year's own target
    assert loaded(plan_a, office_user).progress().lagging is False
    settings.CHAINLEADER_GROWTH_TOLERANCE = "0.2"
    PlanYear.objects.all().delete()
    assert loaded(plan_a, office_user).progress().lagging is False  # 120,000 ≥ 141,421.36 × 0.8


def test_a_plan_not_in_progress_is_not_judged(plan_a, office_user):
    plan_a.status = GrowthPlan.Status.STOPPED
    plan_a.save()
    assert loaded(plan_a, office_user).progress().lagging is None


def test_lagging_filter_is_judged_in_python(plan_a, firm_b_plan, office_user):
    qs = GrowthPlan.objects.all()
    assert selectors.lagging_ids(qs, office_user, True) == [plan_a.pk]
    assert selectors.lagging_ids(qs, office_user, False) == [firm_b_plan.pk]


def test_create_update_with_audit_and_a_stale_edit(firm_a, district_a_user):
    plan = services.plan_create(
        actor=district_a_user,
        data={"enterprise": firm_a, "base_year": 2022, "target_year": 2025, "kind": "doubling"},
    )
    assert AuditEvent.objects.filter(event_type="create", object_id=str(plan.pk)).exists()
    plan = services.plan_update(
        plan=plan,
        actor=district_a_user,
        data={"target_revenue_wan": Decimal(180000)},
        expected_version=plan.version,
    )
    update = AuditEvent.objects.get(event_type="update", object_id=str(plan.pk))
    # confidential values never reach the audit row
    assert update.detail["changes"]["target_revenue_wan"] == "***"
    with pytest.raises(StaleEdit):
        services.plan_update(
            plan=plan, actor=district_a_user, data={"notes": "x"}, expected_version=1
        )


def test_a_target_year_before_the_base_year_is_refused(firm_a, office_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.plan_create(
            actor=office_user, data={"enterprise": firm_a, "base_year": 2024, "target_year": 2023}
        )
    assert not GrowthPlan.objects.exists()


def test_another_districts_firm_is_refused(firm_a, district_b_user):
    with pytest.raises(ServiceError):
        services.plan_create(
            actor=district_b_user,
            data={"enterprise": firm_a, "base_year": 2022, "target_year": 2026},
        )


def test_a_year_outside_the_plan_is_refused(plan_a, office_user):
    with pytest.raises(ServiceError) as exc:
        services.plan_year_save(plan=plan_a, actor=office_user, data={"year": 2030})
    assert exc.value.field == "year"


def test_a_measure_is_marked_done_once_with_its_audit_row(plan_a, district_a_user):
    measure = plan_a.measures.get()
    done = services.measure_mark_done(measure=measure, actor=district_a_user, on=date(2025, 3, 1))
    assert done.done and done.done_on == date(2025, 3, 1) and done.version == measure.version + 1
    assert AuditEvent.objects.filter(
        event_type="growth_measure_done", object_id=str(measure.pk)
    ).exists()
    with pytest.raises(ServiceError):
        services.measure_mark_done(measure=done, actor=district_a_user)


def test_a_firms_unit_is_no_responsible_unit(plan_a, office_user, firm_user):
    with pytest.raises(ServiceError):
        services.measure_save(
            plan=plan_a,
            actor=office_user,
            data={"text": "x", "responsible_unit": firm_user.org_unit},
        )


def test_scopes(plan_a, firm_b_plan, district_a_user, district_b_user, firm_user, office_user):
    assert set(GrowthPlan.objects.for_user(office_user)) == {plan_a, firm_b_plan}
    assert list(GrowthPlan.objects.for_user(district_a_user)) == [plan_a]
    assert list(GrowthPlan.objects.for_user(district_b_user)) == [firm_b_plan]
    assert list(GrowthPlan.objects.for_user(firm_user)) == [firm_b_plan]
    assert list(Measure.objects.for_user(district_b_user)) == []
    # a firm reads its plan but does not write it
    with pytest.raises(WorkflowForbidden):
        services.plan_update(
            plan=firm_b_plan, actor=firm_user, data={"notes": "x"}, expected_version=1
        )
    with pytest.raises(WorkflowForbidden):
        services.plan_update(
            plan=plan_a, actor=district_b_user, data={"notes": "x"}, expected_version=1
        )


def test_a_department_sees_no_figures_and_no_verdict(plan_a, department_user, team_chain):
    from tests.factories import PlacementFactory, SegmentFactory

    team_chain.lead_department = department_user.org_unit
    team_chain.save()
    PlacementFactory(segment=SegmentFactory(chain=team_chain), enterprise=plan_a.enterprise)
    plan = loaded(plan_a, department_user)
    assert plan.progress().lagging is None
    assert list(PlanYear.objects.for_user(department_user)) == []
