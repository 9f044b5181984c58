"""The indicator API: the library (written by the office only), targets and values (editors for their subjects,
versioned), warnings with confirm and dismiss; scopes."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from chainleader.indicators import services
from chainleader.indicators.models import Indicator, IndicatorValue, Warning
from tests.factories import region


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def library(db):
    services.load_indicators()


def test_the_library_is_read_by_government_and_written_by_the_office(
    office_user, district_a_user, firm_user, library
):
    rows = api(district_a_user).get("/api/indicators/", {"kind": "binding"}).json()["results"]
    assert {r["code"] for r in rows} == {"P11", "P12", "P13"}
    assert api(firm_user).get("/api/indicators/").json()["results"] == []
    body = {
        "code": "Z9",
        "name": "新指标",
        "direction": "up",
        "frequency": "yearly",
        "kind": "expected",
    }
    assert api(district_a_user).post("/api/indicators/", body, format="json").status_code == 403
    assert api(office_user).post("/api/indicators/", body, format="json").status_code == 201


def test_values_are_written_for_own_subjects_and_versioned(
    district_a_user, district_b_user, library
):
    d04 = Indicator.objects.get(code="D04")
    a = api(district_a_user)
    body = {
        "indicator": d04.pk,
        "region": region("370211").pk,
        "year": 2021,
        "period": 0,
        "value": "75",
    }
    created = a.post("/api/indicator-values/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    city = {"indicator": d04.pk, "year": 2021, "period": 0, "value": "70"}
    assert a.post("/api/indicator-values/", city, format="json").status_code in (400, 403)
    stale = a.patch(f"/api/indicator-values/{pk}/", {"value": "76", "version": 9}, format="json")
    assert stale.status_code == 409
    ok = a.patch(f"/api/indicator-values/{pk}/", {"value": "76", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert api(district_b_user).get(f"/api/indicator-values/{pk}/").status_code == 404
    assert IndicatorValue.objects.count() == 1
    targets = a.get("/api/indicator-targets/", {"indicator": d04.pk}).json()["results"]
    assert [t["target_value"] for t in targets] == ["80.0000"]


def test_warnings_confirm_and_dismiss(
    chain_team_user, firm_user, team_chain, department_unit, library
):
    Warning.objects.create(
        kind="pace", message="落后", key="k1", chain=team_chain, raised_on=date(2026, 1, 1)
    )
    Warning.objects.create(
        kind="pace", message="落后2", key="k2", chain=team_chain, raised_on=date(2026, 1, 1)
    )
    client = api(chain_team_user)
    rows = client.get("/api/warnings/").json()["results"]
    assert {r["key"] if "key" in r else r["message"] for r in rows} == {"落后", "落后2"}
    w1, w2 = sorted(Warning.objects.all(), key=lambda w: w.key)
    resp = client.post(
        f"/api/warnings/{w1.pk}/confirm/",
        {"deadline": "2026-06-30", "owner_unit": department_unit.pk},
        format="json",
    )
    assert (
        resp.status_code == 200
        and resp.json()["status"] == "confirmed"
        and resp.json()["work_item"]
    )
    assert (
        client.post(f"/api/warnings/{w1.pk}/dismiss/", {"reason": "x"}, format="json").status_code
        == 409
    )
    assert (
        client.post(
            f"/api/warnings/{w2.pk}/dismiss/", {"reason": "口径"}, format="json"
        ).status_code
        == 200
    )
    assert api(firm_user).get("/api/warnings/").json()["results"] == []
    assert (
        api(firm_user)
        .post(f"/api/warnings/{w2.pk}/dismiss/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )
