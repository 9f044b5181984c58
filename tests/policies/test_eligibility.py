"""免申即享 end to end in the services: a hand-worked case of every condition kind, versions kept by old runs,
bad conditions refused with the path, confirmation, payments, notifications, totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.policies import facts, services
from chainleader.policies.models import EligibilityResult, Payment, PolicyItemVersion
from chainleader.projects.models import Notification

pytestmark = pytest.mark.django_db


def test_the_facts_of_the_hand_worked_case(hand_case):
    star = facts.build(2024)[hand_case["star"].pk]
    assert star["tiers"] == {"little_giant", "little_giant:national"}
    assert star["mu_class"] == "A" and star["mu_streak_A"] == 2 and star["mu_streak_D"] == 0
    assert star["industry_code"].startswith("38") and star["region_code"] == "370211"
    assert star["revenue_wan"] == Decimal(20000) and star["tax_wan"] == Decimal(800)
    assert star["rd_ratio_pct"] == Decimal("5.00") and star["revenue_growth_pct"] == Decimal(
        "25.00"
    )
    assert star["land_mu"] == Decimal(50)
    assert star["chains"] == {str(hand_case["chain"].pk)} and star["chain_master"] is True
    plain = facts.build(2024)[hand_case["plain"].pk]
    assert plain["mu_streak_D"] == 2 and plain["tax_wan"] is None and plain["tiers"] == set()


def test_a_run_finds_the_eligible_firm_with_a_reason_per_condition(item, hand_case, office_user):
    run = services.run_item(item=item, actor=office_user, year=2024)
    assert run.counts["eligible"] == 1 and run.counts["firms"] >= 2
    star = EligibilityResult.objects.get(run=run, enterprise=hand_case["star"])
    assert star.eligible and star.amount_wan == Decimal("80.00")  # 1000 × 10% = 100, capped at 80
    assert len(star.reasons) == 17
    # The leaf under "not" (class D) fails, so the "not" passes; one of the "any" fails, the other passes.
    assert {r["path"] for r in star.reasons if not r["passed"]} == {"all[14].not", "all[15].any[1]"}
    # Tier codes read by their names (a firm reads 制造业单项冠军, not single_champion).
    first = star.reasons[0]["reason"]
    assert (
        first.startswith("符合：所获梯度称号含其一")
        and "单项冠军" in first
        and "（国家级）" in first
    )
    assert "little_giant" not in first and "single_champion" not in first
    # A condition under "not" reads as the negated condition the firm meets (class C is not D).
    assert star.reasons[14]["reason"].startswith("符合：并非“")
    plain = EligibilityResult.objects.get(run=run, enterprise=hand_case["plain"])
    assert not plain.eligible and plain.amount_wan is None
    by_fact = {r["path"]: r for r in plain.reasons}
    assert by_fact["all[6]"]["reason"] == "不符合：纳税额（万元）高于500（缺少数据）"
    assert by_fact["all[14].not"]["passed"] is True  # the leaf (class D) passes, so the not fails
    assert AuditEvent.objects.filter(event_type="eligibility_run", object_id=str(run.pk)).exists()


def test_an_edit_of_the_conditions_makes_a_new_version_and_old_runs_keep_theirs(
    item, item_data, office_user
):
    run = services.run_item(item=item, actor=office_user, year=2024)
    assert run.item_version.number == 1
    changed = {**item_data, "conditions": {"all": [{"fact": "mu_class", "op": "==", "value": "D"}]}}
    item = services.item_update(
        item=item, actor=office_user, data=changed, expected_version=item.version
    )
    assert item.current_version == 2
    run2 = services.run_item(item=item, actor=office_user, year=2024)
    assert run2.item_version.number == 2 and run2.counts["eligible"] == 1
    run.refresh_from_db()
    assert run.item_version.number == 1
    assert run.item_version.conditions == item_data["conditions"]
    assert PolicyItemVersion.objects.filter(item=item).count() == 2
    # The same conditions again: no third version.
    services.item_update(item=item, actor=office_user, data=changed, expected_version=item.version)
    assert PolicyItemVersion.objects.filter(item=item).count() == 2


def test_bad_conditions_are_refused_with_the_path_of_the_bad_node(item, item_data, office_user):
    bad = {**item_data, "conditions": {"all": [{"fact": "mu_class", "op": ">=", "value": 1}]}}
    with pytest.raises(ServiceError) as caught:
        services.item_update(item=item, actor=office_user, data=bad, expected_version=item.version)
    assert caught.value.field == "conditions"
    assert caught.value.message.startswith("all[0]：数据项“亩均评价等级”不能用运算“>=”")
    item.refresh_from_db()
    assert item.current_version == 1


def test_confirm_pay_notify_and_totals(item, hand_case, office_user, firm_user):
    # Link the firm account to the eligible firm for the notification.
    firm_user.org_unit.enterprise = hand_case["star"]
    firm_user.org_unit.save()
    run = services.run_item(item=item, actor=office_user, year=2024)
    ids = list(run.results.values_list("pk", flat=True))
    assert (
        services.results_decide(run=run, actor=office_user, ids=ids) == 1
    )  # only the eligible one
    result = EligibilityResult.objects.get(run=run, enterprise=hand_case["star"])
    assert result.status == "confirmed"
    assert Notification.objects.filter(user=firm_user, text__contains="研发投入奖励").count() == 1
    with pytest.raises(WorkflowConflict):
        services.results_decide(run=run, actor=office_user, ids=[result.pk])
    services.payment_record(
        result=result,
        actor=office_user,
        amount_wan=Decimal(80),
        paid_on=date(2025, 3, 1),
        voucher_no="PZ-001",
    )
    assert Notification.objects.filter(user=firm_user).count() == 2
    with pytest.raises(ServiceError) as caught:
        services.payment_record(
            result=result,
            actor=office_user,
            amount_wan=Decimal(1),
            paid_on=date(2025, 3, 2),
            voucher_no="PZ-001",
        )
    assert caught.value.field == "voucher_no"
    rows = services.totals(Payment.objects.for_user(office_user))
    assert rows == [
        {
            "policy_id": item.policy_id,
            "policy": item.policy.title,
            "year": 2025,
            "total": Decimal("80.00"),
            "payments": 1,
            "firms": 1,
        }
    ]


def test_only_the_office_runs_and_pays(item, district_a_user):
    with pytest.raises(WorkflowForbidden):
        services.run_item(item=item, actor=district_a_user, year=2024)
