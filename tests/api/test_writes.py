"""Writes: editor roles only (403 otherwise), through services (audit), optimistic locking (RL1),
no mass assignment (AC4), scoped related fields, and a write may not leave the writer's scope."""

from __future__ import annotations

import pytest

from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import Park
from tests.factories import EnterpriseFactory, SegmentFactory, make_uscc, region

pytestmark = pytest.mark.django_db


def enterprise_payload(n: int, area: str = "370211", **extra) -> dict:
    return {"uscc": make_uscc(n, area), "name": f"新企业{n}有限公司", "region": area, **extra}


# -- Roles (every endpoint × every read-only role: tests/api/test_scope_matrix.py) ----------------------------


def test_firm_user_cannot_edit_its_own_record(api, firm_user, world):
    client = api(firm_user)
    resp = client.patch(
        f"/api/enterprises/{world.firm.pk}/", {"name": "改名", "version": 1}, format="json"
    )
    assert resp.status_code == 403
    assert Enterprise.objects.get(pk=world.firm.pk).name == "本企业有限公司"


# -- Create and update through services ---------------------------------------------------------------


def test_office_creates_an_enterprise_through_the_service(api, office_user, world):
    client = api(office_user)
    resp = client.post(
        "/api/enterprises/",
        enterprise_payload(1, park=world.park_a.pk, industry="3951"),
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["version"] == 1
    assert body["region"] == "370211"
    assert body["industry"] == "3951"
    assert resp["ETag"] == '"1"'
    ent = Enterprise.objects.get(pk=body["id"])
    assert ent.park == world.park_a
    ev = AuditEvent.objects.get(event_type="create", object_type="enterprises.enterprise")
    assert ev.object_id == str(ent.pk)
    assert ev.user == office_user


def test_uscc_is_checked_and_normalised(api, office_user, world):
    client = api(office_user)
    good = make_uscc(2)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    resp = client.post("/api/enterprises/", {**enterprise_payload(2), "uscc": bad}, format="json")
    assert resp.status_code == 400
    assert "uscc" in resp.json()
    assert not Enterprise.objects.filter(uscc=bad).exists()
    resp = client.post(
        "/api/enterprises/", {**enterprise_payload(2), "uscc": f" {good.lower()} "}, format="json"
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["uscc"] == good
    # The same code again: the service's uniqueness check answers 400, not 500.
    again = client.post("/api/enterprises/", enterprise_payload(2), format="json")
    assert again.status_code == 400
    assert "uscc" in again.json()


def test_district_cannot_create_in_another_district(api, district_a_user, world):
    client = api(district_a_user)
    before = Enterprise.objects.count()
    resp = client.post("/api/enterprises/", enterprise_payload(3, area="370212"), format="json")
    assert resp.status_code == 400
    assert Enterprise.objects.count() == before
    assert client.post("/api/enterprises/", enterprise_payload(4), format="json").status_code == 201


def test_moving_a_firm_out_of_scope_is_refused(api, district_a_user, world):
    client = api(district_a_user)
    ent = world.ent_a
    resp = client.patch(
        f"/api/enterprises/{ent.pk}/", {"region": "370212", "version": ent.version}, format="json"
    )
    assert resp.status_code == 400
    fresh = Enterprise.objects.get(pk=ent.pk)
    assert fresh.region.code == "370211"
    assert fresh.version == ent.version
    assert not AuditEvent.objects.filter(event_type="update").exists()


@pytest.mark.parametrize(
    ("endpoint", "field", "value_of"),
    [
        ("enterprises", "park", lambda w: w.park_b.pk),
        ("segments", "chain", lambda w: w.chain_b.pk),
        ("segments", "parent", lambda w: w.seg_b.pk),
        ("chain-targets", "chain", lambda w: w.chain_b.pk),
        ("placements", "enterprise", lambda w: w.ent_b.pk),
        ("placements", "segment", lambda w: w.seg_b.pk),
        ("enterprise-tiers", "enterprise", lambda w: w.ent_b.pk),
        ("year-figures", "enterprise", lambda w: w.ent_b.pk),
        ("chains", "masters", lambda w: [w.ent_b.pk]),
        ("parks", "chains", lambda w: [w.chain_b.pk]),
    ],
)
def test_related_fields_only_accept_records_in_scope(
    api, district_a_user, world, endpoint, field, value_of
):
    client = api(district_a_user)
    valid = {
        "enterprises": enterprise_payload(5),
        "segments": {"chain": world.chain_a.pk, "name": "新环节", "position": "up"},
        "chain-targets": {"chain": world.chain_a.pk, "year": 2026, "indicator": "产值"},
        "placements": {"segment": world.seg_a.pk, "enterprise": world.ent_a.pk, "role": "core"},
        "enterprise-tiers": {
            "enterprise": world.ent_a.pk,
            "tier": "gazelle",
            "level": "city",
            "year": 2024,
        },
        "year-figures": {"enterprise": world.ent_a.pk, "year": 2020, "tax_wan": "1.00"},
        "chains": {"name": "新链", "level": "district", "region": "370211"},
        "parks": {"name": "新园区", "region": "370211"},
    }[endpoint]
    resp = client.post(f"/api/{endpoint}/", {**valid, field: value_of(world)}, format="json")
    assert resp.status_code == 400
    assert field in resp.json()
    # Out of scope is reported like a nonexistent id.
    missing = [99999999] if isinstance(value_of(world), list) else 99999999
    assert (
        client.post(f"/api/{endpoint}/", {**valid, field: missing}, format="json").json().keys()
        == resp.json().keys()
    )
    # The same payload with an in-scope value is accepted (the placement variant duplicates pl_a).
    if endpoint != "placements":
        ok = client.post(f"/api/{endpoint}/", valid, format="json")
        assert ok.status_code == 201, ok.json()


def test_segment_parent_must_be_in_the_same_chain(api, office_user, world):
    client = api(office_user)
    resp = client.post(
        "/api/segments/",
        {"chain": world.chain_a.pk, "parent": world.seg_b.pk, "name": "子环节", "position": "mid"},
        format="json",
    )
    assert resp.status_code == 400
    assert "parent" in resp.json()
    resp = client.post(
        "/api/segments/",
        {"chain": world.chain_a.pk, "parent": world.seg_a.pk, "name": "子环节", "position": "mid"},
        format="json",
    )
    assert resp.status_code == 201
    child = Segment.objects.get(pk=resp.json()["id"])
    assert child.parent == world.seg_a
    assert child.chain == world.chain_a
    # Under itself: refused by segment_save.
    resp = client.patch(
        f"/api/segments/{world.seg_a.pk}/", {"parent": child.pk, "version": 1}, format="json"
    )
    assert resp.status_code == 400
    assert "parent" in resp.json()


def test_placement_goes_through_segment_place_firm(api, office_user, world):
    client = api(office_user)
    body = {"segment": world.seg_a.pk, "enterprise": world.ent_a.pk, "role": "core"}
    resp = client.post("/api/placements/", body, format="json")
    assert resp.status_code == 400
    assert "enterprise" in resp.json()  # already placed in this segment
    ent = EnterpriseFactory(region=region("370211"))
    resp = client.post("/api/placements/", {**body, "enterprise": ent.pk}, format="json")
    assert resp.status_code == 201
    pl = Placement.objects.get(pk=resp.json()["id"])
    # Only the role changes afterwards; segment and enterprise are create-only.
    resp = client.patch(
        f"/api/placements/{pl.pk}/",
        {"role": "master", "segment": world.seg_b.pk, "enterprise": world.ent_b.pk, "version": 1},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    pl.refresh_from_db()
    assert (pl.role, pl.segment, pl.enterprise) == ("master", world.seg_a, ent)


def test_chain_detail_counts_segments(api, office_user, world):
    SegmentFactory(chain=world.chain_a)
    body = api(office_user).get(f"/api/chains/{world.chain_a.pk}/").json()
    assert body["segment_count"] == 2
    assert body["region"] == "370211"
    assert set(body) >= {
        "level",
        "category",
        "leader_post",
        "deputy_posts",
        "lead_department",
        "team",
        "description",
        "order",
        "masters",
        "version",
    }


def test_a_district_reads_a_city_chain_but_cannot_change_it(api, district_a_user, world):
    chain = world.team_chain
    chain.masters.add(world.ent_a, world.ent_b)
    client = api(district_a_user)
    body = client.get(f"/api/chains/{chain.pk}/").json()
    assert body["masters"] == [world.ent_a.pk]  # district B's firm is not shown
    resp = client.patch(
        f"/api/chains/{chain.pk}/", {"masters": [], "version": body["version"]}, format="json"
    )
    assert resp.status_code == 404
    assert set(Chain.objects.get(pk=chain.pk).masters.all()) == {world.ent_a, world.ent_b}


def test_hidden_masters_stay_linked_when_a_team_edits_its_chain(api, chain_team_user, world):
    chain = world.team_chain
    hidden = world.ent_b
    chain.masters.add(hidden)
    client = api(chain_team_user)
    body = client.get(f"/api/chains/{chain.pk}/").json()
    assert hidden.pk not in body["masters"]
    resp = client.patch(
        f"/api/chains/{chain.pk}/", {"masters": [], "version": body["version"]}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert set(Chain.objects.get(pk=chain.pk).masters.all()) == {hidden}


def test_hidden_chains_stay_linked_on_a_park(api, district_b_user, office_user, world):
    park = world.park_b
    park.chains.add(world.chain_a)  # a chain of district A, invisible to district B
    client = api(district_b_user)
    body = client.get(f"/api/parks/{park.pk}/").json()
    assert body["chains"] == [world.chain_b.pk]
    resp = client.put(
        f"/api/parks/{park.pk}/",
        {
            **{k: body[k] for k in ("name", "region", "kind")},
            "chains": [],
            "version": body["version"],
        },
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    assert set(Park.objects.get(pk=park.pk).chains.all()) == {world.chain_a}


def test_delete_goes_through_the_service(api, office_user, world):
    client = api(office_user)
    assert client.delete(f"/api/chain-targets/{world.target_a.pk}/").status_code == 204
    assert not ChainTarget.objects.filter(pk=world.target_a.pk).exists()
    assert (
        AuditEvent.objects.filter(event_type="delete", object_type="chains.chaintarget").count()
        == 1
    )


# -- Optimistic locking (SECURITY.md RL1) -------------------------------------------------------------


def test_stale_version_gets_409_and_the_newer_value_stays(api, office_user, district_a_user, world):
    ent = world.ent_a
    a, b = api(office_user), api(district_a_user)
    v = a.get(f"/api/enterprises/{ent.pk}/").json()["version"]
    assert b.get(f"/api/enterprises/{ent.pk}/").json()["version"] == v
    history = ent.history.count()
    first = a.patch(f"/api/enterprises/{ent.pk}/", {"name": "A的名称", "version": v}, format="json")
    assert first.status_code == 200
    assert first.json()["version"] == v + 1
    assert first["ETag"] == f'"{v + 1}"'
    second = b.patch(
        f"/api/enterprises/{ent.pk}/", {"name": "B的名称", "version": v}, format="json"
    )
    assert second.status_code == 409
    assert "detail" in second.json()
    fresh = Enterprise.objects.get(pk=ent.pk)
    assert (fresh.name, fresh.version) == ("A的名称", v + 1)
    assert ent.history.count() == history + 1


def test_if_match_header(api, office_user, world):
    client = api(office_user)
    ent = world.ent_a
    resp = client.get(f"/api/enterprises/{ent.pk}/")
    etag = resp["ETag"]
    assert etag == f'"{ent.version}"'
    ok = client.patch(
        f"/api/enterprises/{ent.pk}/", {"name": "新名"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200
    stale = client.patch(
        f"/api/enterprises/{ent.pk}/", {"name": "旧名"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    for junk in ('W/"2"', '"2", "3"', "abc", '"99999999999999"'):
        assert (
            client.patch(
                f"/api/enterprises/{ent.pk}/", {"name": "x"}, format="json", HTTP_IF_MATCH=junk
            ).status_code
            == 412
        )
    mismatch = client.patch(
        f"/api/enterprises/{ent.pk}/",
        {"name": "x", "version": 1},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert mismatch.status_code == 400
    assert "version" in mismatch.json()
    assert Enterprise.objects.get(pk=ent.pk).name == "新名"
    # Delete honours If-Match too.
    tgt = world.target_a
    assert client.delete(f"/api/chain-targets/{tgt.pk}/", HTTP_IF_MATCH='"7"').status_code == 412
    assert client.delete(f"/api/chain-targets/{tgt.pk}/", HTTP_IF_MATCH='"1"').status_code == 204


def test_update_without_a_version_is_refused(api, office_user, world):
    client = api(office_user)
    resp = client.patch(f"/api/enterprises/{world.ent_a.pk}/", {"name": "无版本"}, format="json")
    assert resp.status_code == 428
    assert Enterprise.objects.get(pk=world.ent_a.pk).name == world.ent_a.name
    resp = client.patch(
        f"/api/enterprises/{world.ent_a.pk}/", {"name": "x", "version": "abc"}, format="json"
    )
    assert resp.status_code == 400
    assert "version" in resp.json()


# -- Mass assignment (SECURITY.md AC4) ----------------------------------------------------------------


def test_mass_assignment_is_ignored(api, office_user, world):
    client = api(office_user)
    ent = world.ent_a
    created = ent.created_at
    payload = {"is_synthetic": True, "version": 999, "created_at": "2000-01-01T00:00:00Z"}
    # A client-chosen version is only ever a precondition: 999 is stale, nothing changes.
    assert client.patch(f"/api/enterprises/{ent.pk}/", payload, format="json").status_code == 409
    payload.update(version=ent.version, updated_at="2000-01-01T00:00:00Z", id=123456, name="改名")
    resp = client.patch(f"/api/enterprises/{ent.pk}/", payload, format="json")
    assert resp.status_code == 200
    fresh = Enterprise.objects.get(pk=ent.pk)
    assert fresh.name == "改名"
    assert fresh.is_synthetic is False
    assert fresh.created_at == created
    assert fresh.version == ent.version + 1
    assert not Enterprise.objects.filter(pk=123456).exists()
    assert resp.json()["id"] == ent.pk


def test_child_records_cannot_be_moved_to_another_parent(api, office_user, world):
    client = api(office_user)
    resp = client.patch(
        f"/api/segments/{world.seg_a.pk}/", {"chain": world.chain_b.pk, "version": 1}, format="json"
    )
    assert resp.status_code == 200
    assert Segment.objects.get(pk=world.seg_a.pk).chain == world.chain_a
    resp = client.patch(
        f"/api/year-figures/{world.fig_a.pk}/",
        {"enterprise": world.ent_b.pk, "version": 1},
        format="json",
    )
    assert resp.status_code == 200
    world.fig_a.refresh_from_db()
    assert world.fig_a.enterprise == world.ent_a


def test_bad_input_gives_400_not_500(api, office_user, world):
    client = api(office_user)
    url = f"/api/enterprises/{world.ent_a.pk}/"
    for body in (
        {"registered_capital_wan": "NaN", "version": 1},
        {"registered_capital_wan": "1e400", "version": 1},
        {"founded_on": "2024-13-45", "version": 1},
        {"name": "a\x00b", "version": 1},
        {"park": 10**30, "version": 1},
        {"region": ["x"], "version": 1},
        {"version": 10**30},
    ):
        assert client.patch(url, body, format="json").status_code == 400, body
    assert (
        client.post(
            "/api/chains/",
            {"name": "x", "level": "district", "region": "370211", "masters": list(range(1000))},
            format="json",
        ).status_code
        == 400
    )
    assert client.get("/api/enterprises/", {"page": "abc"}).status_code == 404
    assert client.get(f"/api/enterprises/{10**30}/").status_code == 404
    assert client.get("/api/enterprises/abc/").status_code == 404


def test_unique_constraints_answer_400_with_non_field_errors(api, office_user, world):
    client = api(office_user)
    resp = client.post(
        "/api/year-figures/",
        {"enterprise": world.ent_a.pk, "year": world.fig_a.year, "tax_wan": "1.00"},
        format="json",
    )
    assert resp.status_code == 400
    assert "non_field_errors" in resp.json()
    resp = client.post(
        "/api/chains/",
        {"name": world.chain_a.name, "level": "district", "region": "370211"},
        format="json",
    )
    assert resp.status_code == 400
