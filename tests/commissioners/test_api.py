"""The API: assignments (create, update, end, log a visit; no delete) and visits (read), scoped; in the schema."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.commissioners import services
from chainleader.commissioners.models import Assignment, Visit

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_create_update_end_and_no_delete(office_user, firm_a, cadre):
    client = api(office_user)
    resp = client.post(
        reverse("api:assignment-list"),
        {"enterprise": firm_a.pk, "commissioner": cadre.pk, "kind": "key", "since": "2026-02-01"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["commissioner_name"] == "王建国" and body["due_on"] == "2026-05-02"
    assert body["overdue"] is True and body["visit_interval_days"] == 90
    detail = reverse("api:assignment-detail", kwargs={"pk": body["id"]})
    resp = client.patch(detail, {"visit_interval_days": 180, "version": 1}, format="json")
    assert resp.status_code == 200 and resp.json()["due_on"] == "2026-07-31"
    assert client.patch(detail, {"kind": "small", "version": 1}, format="json").status_code == 409
    assert client.delete(detail).status_code == 405
    resp = client.post(
        reverse("api:assignment-end", kwargs={"pk": body["id"]}),
        {"until": "2026-05-31"},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["until"] == "2026-05-31"
    again = client.post(reverse("api:assignment-end", kwargs={"pk": body["id"]}), {}, format="json")
    assert again.status_code == 409


def test_the_commissioner_logs_a_visit_and_reads_the_log(
    assigned, cadre, firm_user, district_b_user
):
    a, b = assigned
    client = api(cadre)
    url = reverse("api:assignment-visit", kwargs={"pk": b.pk})
    resp = client.post(
        url, {"on": "2026-05-20", "form": "phone", "notes": "电话回访"}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["due_on"] == "2026-08-18" and resp.json()["overdue"] is False
    bad = client.post(url, {"on": "2026-07-01"}, format="json")
    assert bad.status_code == 400
    # Another district's editor: 404 (outside the scope); a firm: read only (403 from the service).
    assert (
        api(district_b_user)
        .post(
            reverse("api:assignment-visit", kwargs={"pk": a.pk}),
            {"on": "2026-05-20"},
            format="json",
        )
        .status_code
        == 404
    )
    visits = client.get(reverse("api:visit-list"), {"enterprise": b.enterprise_id}).json()
    assert visits["count"] == 1 and visits["results"][0]["notes"] == "电话回访"
    visit = Visit.objects.get()
    assert client.get(reverse("api:visit-detail", kwargs={"pk": visit.pk})).status_code == 200


def test_a_firm_reads_its_own_without_notes_and_writes_nothing(assigned, cadre, firm_b):
    from chainleader.accounts.models import OrgUnit, Role
    from tests.factories import OrgUnitFactory, UserFactory

    _a, b = assigned
    services.visit_log(actor=cadre, assignment=b, on=date(2026, 5, 1), notes="内部判断")
    unit = OrgUnitFactory(name=firm_b.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    client = api(UserFactory(role=Role.ENTERPRISE, org_unit=unit))
    rows = client.get(reverse("api:assignment-list")).json()["results"]
    assert [r["id"] for r in rows] == [b.pk] and rows[0]["commissioner_name"] == "王建国"
    visits = client.get(reverse("api:visit-list")).json()["results"]
    assert len(visits) == 1 and visits[0]["notes"] == ""
    assert (
        client.post(
            reverse("api:assignment-visit", kwargs={"pk": b.pk}),
            {"on": "2026-05-20"},
            format="json",
        ).status_code
        == 403
    )
    assert client.post(reverse("api:assignment-list"), {}, format="json").status_code == 403
    assert Visit.objects.count() == 1 and Assignment.objects.count() == 2


def test_the_endpoints_are_in_the_schema(office_user):
    resp = api(office_user).get(reverse("api-schema"), {"format": "json"})
    paths = resp.json()["paths"]
    assert "/api/commissioner-assignments/" in paths
    assert "/api/commissioner-assignments/{id}/visit/" in paths
    assert "/api/commissioner-visits/" in paths
    assert "/api/commissioner-assignments/coverage/" in paths


def test_coverage_endpoint(office_user, district_a_user, assigned, firm_user):
    resp = api(office_user).get(reverse("api:assignment-coverage"), {"year": 2026})
    assert resp.status_code == 200
    body = resp.json()
    assert body["year"] == 2026
    assert [(r["region"], r["key_firms"], r["assigned"]) for r in body["districts"]] == [
        ("370211", 1, 1),
        ("370212", 1, 1),
    ]
    assert body["units"][0]["unit_name"] == "市工业和信息化局" and body["units"][0]["firms"] == 2
    mine = api(district_a_user).get(reverse("api:assignment-coverage")).json()
    assert [r["region"] for r in mine["districts"]] == ["370211"]
    assert api(firm_user).get(reverse("api:assignment-coverage")).status_code == 403
