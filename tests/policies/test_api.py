"""The policy API: bad conditions are a 400 naming the node, a run, confirmation, a payment; a firm reads only
its own results and payments."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chainleader.policies.models import EligibilityResult, PolicyItem

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_items_runs_results_and_payments_through_the_api(
    office_user, hand_case, item_data, firm_user, district_a_user
):
    office = api(office_user)
    body = {**item_data, "policy": hand_case["policy"].pk, "rate_pct": "10", "cap_wan": "80"}
    bad = office.post(
        "/api/policy-items/",
        {**body, "conditions": {"any": [{"fact": "nope", "op": "==", "value": 1}]}},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["conditions"][0].startswith(
        "any[0]：未知的数据项“nope”"
    )
    shape = office.post("/api/policy-items/", {**body, "conditions": {"all": "x"}}, format="json")
    assert shape.status_code == 400 and "conditions" in shape.json()
    made = office.post("/api/policy-items/", body, format="json")
    assert made.status_code == 201, made.json()
    item = PolicyItem.objects.get()
    assert (
        api(district_a_user)
        .post("/api/eligibility-runs/", {"item": item.pk, "year": 2024})
        .status_code
        == 403
    )
    run = office.post("/api/eligibility-runs/", {"item": item.pk, "year": 2024}, format="json")
    assert run.status_code == 201 and run.json()["counts"]["eligible"] == 1
    assert run.json()["item_version_number"] == 1
    star = EligibilityResult.objects.get(run_id=run.json()["id"], enterprise=hand_case["star"])
    decided = office.post("/api/eligibility-results/decide/", {"ids": [star.pk]}, format="json")
    assert decided.status_code == 200 and decided.json()["decided"] == 1
    paid = office.post(
        "/api/policy-payments/",
        {"result": star.pk, "amount_wan": "80", "paid_on": "2025-03-01", "voucher_no": "PZ-1"},
        format="json",
    )
    assert paid.status_code == 201, paid.json()
    again = office.post(
        "/api/policy-payments/",
        {"result": star.pk, "amount_wan": "1", "paid_on": "2025-03-01", "voucher_no": "PZ-1"},
        format="json",
    )
    assert again.status_code == 400
    # The firm account of the eligible firm reads its own result and payment, nothing else.
    firm_user.org_unit.enterprise = hand_case["star"]
    firm_user.org_unit.save()
    firm = api(firm_user)
    results = firm.get("/api/eligibility-results/").json()["results"]
    assert [r["enterprise"] for r in results] == [hand_case["star"].pk]
    assert results[0]["reasons"][0]["passed"] is True
    assert len(firm.get("/api/policy-payments/").json()["results"]) == 1
    assert firm.get("/api/eligibility-runs/").json()["results"] == []
    assert (
        firm.post("/api/policies/", {"title": "x", "issuer": "y"}, format="json").status_code == 403
    )


def test_a_policy_is_created_published_and_edited_with_its_version(office_user):
    office = api(office_user)
    made = office.post("/api/policies/", {"title": "政策", "issuer": "管委"}, format="json")
    assert made.status_code == 201
    pk = made.json()["id"]
    assert office.post(f"/api/policies/{pk}/publish/").json()["status"] == "published"
    stale = office.patch(f"/api/policies/{pk}/", {"title": "新", "version": 1}, format="json")
    assert stale.status_code == 409
    fresh = office.patch(f"/api/policies/{pk}/", {"title": "新", "version": 2}, format="json")
    assert fresh.status_code == 200 and fresh.json()["title"] == "新"
    rule = office.post(
        "/api/measure-rules/",
        {"grade": "D", "min_years": 2, "kind": "power", "measure": "加价"},
        format="json",
    )
    assert rule.status_code == 201
    assert office.get(f"/api/measure-rules/{rule.json()['id']}/").status_code == 200
    assert office.get("/api/measure-rules/").status_code == 200


def test_the_details_of_every_endpoint(office_user, item, hand_case):
    from chainleader.policies import services

    run = services.run_item(item=item, actor=office_user, year=2024)
    star = run.results.get(enterprise=hand_case["star"])
    services.results_decide(run=run, actor=office_user, ids=[star.pk])
    star.refresh_from_db()
    payment = services.payment_record(
        result=star,
        actor=office_user,
        amount_wan=star.amount_wan,
        paid_on=__import__("datetime").date(2025, 1, 2),
        voucher_no="PZ-D",
    )
    office = api(office_user)
    for url in (
        f"/api/policies/{item.policy_id}/",
        f"/api/policy-items/{item.pk}/",
        f"/api/eligibility-runs/{run.pk}/",
        f"/api/eligibility-results/{star.pk}/",
        f"/api/policy-payments/{payment.pk}/",
        "/api/policies/",
        "/api/policy-items/",
        "/api/eligibility-runs/",
    ):
        assert office.get(url).status_code == 200, url
    assert office.get(f"/api/eligibility-runs/{run.pk}/").json()["conditions"] == item.conditions
