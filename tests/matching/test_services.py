"""Matching services: publish, run, follow a match to a deal; scope of firms and districts; audit rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.matching import selectors, services
from chainleader.matching.models import Match, Need, Offer

from ..factories import ChainFactory, EnterpriseFactory, SegmentFactory, region


@pytest.fixture
def chain(db):
    return ChainFactory(name="智能家电", level="city", region=region("3702"))


@pytest.fixture
def master(db):
    return EnterpriseFactory(name="链主集团有限公司", region=region("370211"))


def publish_need(actor, enterprise, product, **extra):
    return services.need_publish(
        actor=actor, data={"enterprise": enterprise, "product": product, **extra}
    )


def publish_offer(actor, enterprise, product, **extra):
    return services.offer_publish(
        actor=actor, data={"enterprise": enterprise, "product": product, **extra}
    )


def test_a_run_pushes_the_copper_tube_maker_above_the_plastic_one(office_user, chain, master):
    need = publish_need(office_user, master, "铜管", chain=chain)
    copper = publish_offer(office_user, EnterpriseFactory(), "紫铜管")
    plastic = publish_offer(office_user, EnterpriseFactory(), "塑料管")
    assert services.match_run(actor=office_user) == 2
    matches = list(Match.objects.filter(need=need).order_by("rank"))
    assert [m.offer_id for m in matches] == [copper.pk, plastic.pk]
    assert matches[0].status == Match.Status.PUSHED
    parts = matches[0].components
    total = sum(p["value"] * p["weight"] for p in parts.values())
    assert total == pytest.approx(matches[0].score, abs=1e-3)
    assert AuditEvent.objects.filter(event_type="match_run").count() == 1


def test_a_second_run_keeps_the_status_and_adds_no_duplicate(office_user, chain, master):
    publish_need(office_user, master, "铜管", chain=chain)
    publish_offer(office_user, EnterpriseFactory(), "紫铜管")
    services.match_run(actor=office_user)
    match = Match.objects.get()
    services.match_advance(
        match=match, actor=office_user, step="contacted", expected_version=match.version
    )
    assert services.match_run(actor=office_user) == 0
    assert Match.objects.get().status == Match.Status.CONTACTED


def test_same_leaf_lifts_an_offer(office_user, chain, master):
    leaf = SegmentFactory(chain=chain)
    publish_need(office_user, master, "控制器", chain=chain, segment=leaf)
    other = publish_offer(office_user, EnterpriseFactory(), "控制器")
    same = publish_offer(office_user, EnterpriseFactory(), "控制器", segment=leaf)
    services.match_run(actor=office_user)
    ranked = list(Match.objects.order_by("rank").values_list("offer_id", flat=True))
    assert ranked == [same.pk, other.pk]


def test_a_firm_is_not_matched_with_itself(office_user, chain, master):
    publish_need(office_user, master, "铜管", chain=chain)
    publish_offer(office_user, master, "铜管")
    assert services.match_run(actor=office_user) == 0


def test_a_match_is_followed_to_a_deal_with_its_amount(office_user, chain, master):
    publish_need(office_user, master, "铜管", chain=chain)
    publish_offer(office_user, EnterpriseFactory(), "紫铜管")
    services.match_run(actor=office_user)
    match = Match.objects.get()
    for step in ("contacted", "quoted"):
        match = services.match_advance(
            match=match, actor=office_user, step=step, expected_version=match.version
        )
    with pytest.raises(ServiceError):
        services.match_advance(
            match=match, actor=office_user, step="dealt", expected_version=match.version
        )
    match = services.match_advance(
        match=match,
        actor=office_user,
        step="dealt",
        expected_version=match.version,
        deal_amount_wan=Decimal("120"),
    )
    assert match.status == Match.Status.DEALT
    summary = selectors.chain_summary(office_user)
    assert summary == [
        {
            "chain_id": chain.pk,
            "chain": "智能家电",
            "needs": 1,
            "matched": 1,
            "deals": 1,
            "amount_wan": Decimal("120"),
        }
    ]
    assert AuditEvent.objects.filter(event_type="match_dealt").count() == 1
    assert match.history.count() >= 4


def test_wrong_order_stale_version_and_missing_reason_change_nothing(office_user, chain, master):
    publish_need(office_user, master, "铜管", chain=chain)
    publish_offer(office_user, EnterpriseFactory(), "紫铜管")
    services.match_run(actor=office_user)
    match = Match.objects.get()
    with pytest.raises(WorkflowConflict):
        services.match_advance(
            match=match, actor=office_user, step="dealt", expected_version=match.version
        )
    with pytest.raises(StaleEdit):
        services.match_advance(
            match=match, actor=office_user, step="contacted", expected_version=match.version + 5
        )
    with pytest.raises(ServiceError):
        services.match_advance(
            match=match, actor=office_user, step="closed", expected_version=match.version
        )
    fresh = Match.objects.get()
    assert (fresh.status, fresh.version) == (Match.Status.PUSHED, match.version)
    closed = services.match_advance(
        match=match,
        actor=office_user,
        step="closed",
        expected_version=match.version,
        reason="价格不合适",
    )
    assert (closed.status, closed.close_reason) == (Match.Status.CLOSED, "价格不合适")


def test_a_firm_publishes_only_for_itself_and_answers_only_its_own_matches(
    office_user, firm, firm_user, chain, master
):
    with pytest.raises(WorkflowForbidden):
        publish_offer(firm_user, master, "铜管")
    own = publish_offer(firm_user, firm, "紫铜管")
    publish_need(office_user, master, "铜管", chain=chain)
    publish_need(office_user, master, "铜棒", chain=chain)
    stranger = publish_offer(office_user, EnterpriseFactory(), "铜棒材")
    services.match_run(actor=office_user)
    mine = Match.objects.for_user(firm_user)
    assert set(mine.values_list("offer_id", flat=True)) == {own.pk}
    theirs = Match.objects.get(offer=stranger, need__product="铜棒")
    assert not Match.objects.for_user(firm_user).filter(pk=theirs.pk).exists()
    with pytest.raises(WorkflowForbidden):
        services.match_advance(
            match=theirs, actor=firm_user, step="contacted", expected_version=theirs.version
        )
    match = mine.first()
    answered = services.match_advance(
        match=match, actor=firm_user, step="contacted", expected_version=match.version
    )
    assert answered.status == Match.Status.CONTACTED
    assert set(Offer.objects.for_user(firm_user)) == {own}
    assert not Need.objects.for_user(firm_user).exists()


def test_a_district_sees_listings_of_firms_on_its_territory(
    district_a_user, district_b_user, office_user, chain
):
    in_a = EnterpriseFactory(region=region("370211"))
    in_b = EnterpriseFactory(region=region("370212"))
    need_a = publish_need(office_user, in_a, "铜管")
    publish_need(office_user, in_b, "铝板")
    assert list(Need.objects.for_user(district_a_user)) == [need_a]
    with pytest.raises(ServiceError):
        publish_need(district_a_user, in_b, "铝板")  # would be outside its scope
    assert Need.objects.count() == 2


def test_a_run_by_a_firm_is_refused(firm_user):
    with pytest.raises(WorkflowForbidden):
        services.match_run(actor=firm_user)
