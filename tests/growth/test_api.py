"""The growth plan API: plans with their pace (figures null for a department), years and measures through the
services, the echelons action, scopes, the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chainleader.core.models import AuditEvent
from chainleader.growth.models import GrowthPlan, Measure, PlanYear
from tests.factories import PlacementFactory, SegmentFactory, YearFigureFactory


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_plans_with_their_pace(plan_a, firm_b_plan, office_user):
    resp = api(office_user).get("/api/growth-plans/")
    assert resp.status_code == 200
    rows = {r["id"]: r for r in resp.json()["results"]}
    mine = rows[plan_a.pk]
    assert mine["lagging"] is True and "2024" in mine["lagging_reason"]
    revenue = next(m for m in mine["progress"] if m["metric"] == "revenue")
    assert revenue["target"] == "200000.00"
    assert {p["year"]: p["expected"] for p in revenue["points"]}[2024] == "141421.36"
    assert rows[firm_b_plan.pk]["lagging"] is False
    assert AuditEvent.objects.filter(
        event_type="view_confidential", object_type="growth.growthplan"
    ).exists()
    assert api(office_user).get("/api/growth-plans/", {"lagging": "true"}).json()["count"] == 1


def test_a_department_gets_no_figures(plan_a, department_user, team_chain):
    team_chain.lead_department = department_user.org_unit
    team_chain.save()
    PlacementFactory(segment=SegmentFactory(chain=team_chain), enterprise=plan_a.enterprise)
    [row] = api(department_user).get("/api/growth-plans/").json()["results"]
    assert row["target_tax_wan"] is None and row["progress"] is None and row["lagging"] is None
    assert api(department_user).get("/api/growth-plan-years/").json()["count"] == 0
    assert api(department_user).get("/api/growth-plans/echelons/").json() == []
    assert api(department_user).post("/api/growth-plans/", {}).status_code == 403


def test_scope_and_writes(plan_a, firm_b_plan, district_a_user, firm_user, firm_a):
    a = api(district_a_user)
    assert [r["id"] for r in a.get("/api/growth-plans/").json()["results"]] == [plan_a.pk]
    assert a.get(f"/api/growth-plans/{firm_b_plan.pk}/").status_code == 404
    resp = a.post(
        "/api/growth-plans/",
        {"enterprise": firm_a.pk, "base_year": 2023, "target_year": 2027, "kind": "other"},
    )
    assert resp.status_code == 201, resp.json()
    created = GrowthPlan.objects.get(pk=resp.json()["id"])
    resp = a.patch(
        f"/api/growth-plans/{created.pk}/",
        {"target_revenue_wan": "300000", "version": created.version},
    )
    assert resp.status_code == 200 and resp.json()["target_revenue_wan"] == "300000.00"
    assert (
        a.post(
            "/api/growth-plans/",
            {"enterprise": firm_b_plan.enterprise_id, "base_year": 2021, "target_year": 2025},
        ).status_code
        == 400
    )
    resp = a.post(
        "/api/growth-plan-years/", {"plan": plan_a.pk, "year": 2025, "revenue_wan": "150000"}
    )
    assert resp.status_code == 201, resp.json()
    year = PlanYear.objects.get(plan=plan_a)
    assert year.year == 2025
    assert a.get(f"/api/growth-plan-years/{year.pk}/").json()["revenue_wan"] == "150000.00"
    resp = a.post("/api/growth-plan-years/", {"plan": plan_a.pk, "year": 2031})
    assert resp.status_code == 400
    resp = a.post("/api/growth-measures/", {"plan": plan_a.pk, "text": "组织银企对接"})
    assert resp.status_code == 201, resp.json()
    m = Measure.objects.get(text="组织银企对接")
    assert a.get("/api/growth-measures/").json()["count"] == 2
    resp = a.patch(f"/api/growth-measures/{m.pk}/", {"done": True, "version": m.version})
    assert resp.status_code == 200 and resp.json()["done_on"]
    assert a.delete(f"/api/growth-plans/{created.pk}/").status_code == 204
    # the firm reads its own plan, and writes nothing
    f = api(firm_user)
    assert [r["id"] for r in f.get("/api/growth-plans/").json()["results"]] == [firm_b_plan.pk]
    assert (
        f.patch(f"/api/growth-plans/{firm_b_plan.pk}/", {"notes": "x", "version": 1}).status_code
        == 403
    )


def test_the_echelons_action(office_user, firm_a):
    YearFigureFactory(enterprise=firm_a, year=2025, revenue_wan=520000)
    rows = api(office_user).get("/api/growth-plans/echelons/", {"year": 2025}).json()
    assert rows == [
        {
            "enterprise": firm_a.pk,
            "enterprise_name": firm_a.name,
            "revenue_wan": "520000.00",
            "echelon": 50,
            "before_wan": "120000.00",
            "before": 0,
            "move": "up",
            "is_synthetic": False,
        }
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/growth-plans/",
        "/api/growth-plan-years/",
        "/api/growth-measures/",
        "/api/growth-plans/echelons/",
    ],
)
def test_in_the_schema(client, office_user, path):
    client.force_login(office_user)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert path in schema["paths"]
