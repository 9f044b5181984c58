"""Parks (园区) and land zones (集聚区/保护区): edit with a version and audit, removal, the list filters and the export
of the filtered list, a district's parks kept in its district, and the same through the API. (Create, detail
and history: tests/core/test_pages.py; the route × role matrix: tests/core/test_scope_matrix.py.)"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.models import AuditEvent
from chainleader.parks.models import LandZone, Park
from tests.factories import ChainFactory, LandZoneFactory, ParkFactory, region

pytestmark = pytest.mark.django_db


def rows(resp) -> list[str]:
    return sorted(obj.name for obj, _cells in resp.context["rows"])


def park_form(park: Park, **changes: object) -> dict[str, object]:
    return {
        "name": park.name,
        "region": park.region_id,
        "kind": park.kind,
        "version": park.version,
        **changes,
    }


def test_editing_a_park_changes_its_chains_with_a_version_and_an_audit_row(client, office_user):
    park, chain = ParkFactory(kind="professional"), ChainFactory()
    client.force_login(office_user)
    url = reverse("parks:park_edit", args=[park.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, park_form(park, leading_industry="智能家电", chains=[chain.pk]))
    assert resp.status_code == 302
    park.refresh_from_db()
    assert (park.leading_industry, park.version, list(park.chains.all())) == (
        "智能家电",
        2,
        [chain],
    )
    resp = client.post(url, park_form(park, version=1, leading_industry="旧的"))  # stale
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    assert AuditEvent.objects.filter(event_type="update", object_type="parks.park").count() == 1


def test_a_district_keeps_its_parks_in_its_district(client, district_a_user):
    client.force_login(district_a_user)
    data = {"name": "崂山园区", "region": region("370212").pk, "kind": "professional"}
    assert client.post(reverse("parks:park_add"), data).status_code == 200
    assert not Park.objects.exists()
    data = {**data, "name": "黄岛园区", "region": region("370211").pk}
    assert client.post(reverse("parks:park_add"), data).status_code == 302
    assert Park.objects.get().name == "黄岛园区"


def test_a_land_zone_is_edited_and_removed(client, office_user):
    zone = LandZoneFactory(name="董家口集聚区")
    client.force_login(office_user)
    url = reverse("parks:landzone_edit", args=[zone.pk])
    resp = client.post(
        url,
        {
            "name": "董家口集聚区",
            "kind": "protection",
            "region": zone.region_id,
            "area_km2": "12.5",
            "version": 1,
        },
    )
    assert resp.status_code == 302
    zone.refresh_from_db()
    assert (zone.kind, zone.version) == ("protection", 2)
    delete = reverse("parks:landzone_delete", args=[zone.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not LandZone.objects.exists()
    events = AuditEvent.objects.filter(object_type="parks.landzone")
    assert sorted(events.values_list("event_type", flat=True)) == ["delete", "update"]


def test_the_park_list_filters_by_district_kind_chain_and_words(client, office_user):
    chain = ChainFactory()
    ParkFactory(name="黄岛家电园", region=region("370211"), kind="professional").chains.add(chain)
    ParkFactory(name="黄岛高新区", region=region("370211"), kind="high_tech")
    ParkFactory(name="崂山软件园", region=region("370212"), kind="professional")
    client.force_login(office_user)
    url = reverse("parks:park_list")
    assert rows(client.get(url, {"region": region("370211").pk})) == ["黄岛家电园", "黄岛高新区"]
    assert rows(client.get(url, {"kind": "professional"})) == ["崂山软件园", "黄岛家电园"]
    assert rows(client.get(url, {"chain": chain.pk})) == ["黄岛家电园"]
    assert rows(client.get(url, {"q": "软件"})) == ["崂山软件园"]


def test_the_land_zone_list_filters_by_kind_and_name(client, office_user):
    LandZoneFactory(name="董家口集聚区", kind="agglomeration")
    LandZoneFactory(name="胶州湾保护区", kind="protection")
    client.force_login(office_user)
    url = reverse("parks:landzone_list")
    assert rows(client.get(url, {"kind": "protection"})) == ["胶州湾保护区"]
    assert rows(client.get(url, {"q": "董家口"})) == ["董家口集聚区"]


def test_the_park_export_is_the_filtered_list(client, office_user):
    ParkFactory(name="黄岛家电园", kind="professional")
    ParkFactory(name="黄岛高新区", kind="high_tech")
    client.force_login(office_user)
    resp = client.get(reverse("parks:park_list"), {"kind": "high_tech", "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    assert [row[0] for row in ws.iter_rows(min_row=2, values_only=True)] == ["黄岛高新区"]
    assert AuditEvent.objects.get(event_type="export").detail["rows"] == 1


def test_the_api_creates_changes_and_removes_a_park_and_a_land_zone(office_user):
    chain = ChainFactory()
    api = APIClient()
    api.force_login(office_user)
    resp = api.post(
        "/api/parks/",
        {"name": "新园区", "region": "370211", "kind": "professional", "chains": [chain.pk]},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    park = Park.objects.get(pk=resp.json()["id"])
    assert list(park.chains.all()) == [chain]
    resp = api.patch(f"/api/parks/{park.pk}/", {"area_mu": "300", "version": 1}, format="json")
    assert resp.status_code == 200 and resp.json()["version"] == 2
    assert api.delete(f"/api/parks/{park.pk}/").status_code == 204
    resp = api.post(
        "/api/land-zones/",
        {"name": "新集聚区", "kind": "agglomeration", "region": "370211"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert LandZone.objects.get().name == "新集聚区"
    assert not Park.objects.exists()


def test_the_api_keeps_a_districts_park_in_its_district(district_a_user):
    api = APIClient()
    api.force_login(district_a_user)
    resp = api.post(
        "/api/parks/", {"name": "崂山园区", "region": "370212", "kind": "other"}, format="json"
    )
    assert resp.status_code == 400
    assert not Park.objects.exists()
