"""Matching API: a firm publishes its own offer, sees only its own matches and answers them; the schema lists it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chainleader.matching import services
from chainleader.matching.models import Match, Offer

from ..factories import EnterpriseFactory, region


def client_for(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def pushed(office_user, firm):
    master = EnterpriseFactory(region=region("370211"))
    services.need_publish(actor=office_user, data={"enterprise": master, "product": "铜管"})
    services.need_publish(actor=office_user, data={"enterprise": master, "product": "铜棒"})
    services.offer_publish(actor=office_user, data={"enterprise": firm, "product": "紫铜管"})
    services.offer_publish(
        actor=office_user, data={"enterprise": EnterpriseFactory(), "product": "铜棒材"}
    )
    services.match_run(actor=office_user)
    return Match.objects.all()


def test_a_firm_publishes_an_offer_for_itself_only(firm, firm_user):
    api = client_for(firm_user)
    ok = api.post(
        "/api/matching-offers/", {"enterprise": firm.pk, "product": "铝型材"}, format="json"
    )
    assert ok.status_code == 201, ok.content
    other = EnterpriseFactory(region=region("370212"))
    refused = api.post(
        "/api/matching-offers/", {"enterprise": other.pk, "product": "铝型材"}, format="json"
    )
    assert refused.status_code in (400, 403)
    assert list(Offer.objects.values_list("enterprise_id", flat=True)) == [firm.pk]


def test_a_firm_lists_and_answers_only_its_own_matches(firm, firm_user, pushed):
    api = client_for(firm_user)
    rows = api.get("/api/matches/").json()
    rows = rows.get("results", rows)
    own = {m.pk for m in pushed if m.offer.enterprise_id == firm.pk}
    assert {r["id"] for r in rows} == own
    match = Match.objects.get(pk=next(iter(own)))
    done = api.post(
        f"/api/matches/{match.pk}/advance/",
        {"step": "contacted", "version": match.version},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "contacted"
    wrong = api.post(f"/api/matches/{match.pk}/advance/", {"step": "dealt"}, format="json")
    assert wrong.status_code == 409
    foreign = next(m for m in pushed if m.offer.enterprise_id != firm.pk)
    assert (
        api.post(
            f"/api/matches/{foreign.pk}/advance/", {"step": "contacted"}, format="json"
        ).status_code
        == 404
    )
    assert Match.objects.get(pk=foreign.pk).status == Match.Status.PUSHED


def test_bad_input_is_a_400_not_a_500(office_user, pushed):
    api = client_for(office_user)
    match = pushed.first()
    bad = api.post(f"/api/matches/{match.pk}/advance/", {"step": "teleport"}, format="json")
    assert bad.status_code == 400
    neg = api.post(
        f"/api/matches/{match.pk}/advance/",
        {"step": "closed", "deal_amount_wan": "-1"},
        format="json",
    )
    assert neg.status_code == 400


def test_the_schema_lists_the_matching_endpoints(office_user):
    schema = client_for(office_user).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/matching-needs/", "/api/matching-offers/", "/api/matches/{id}/advance/"):
        assert path in text
