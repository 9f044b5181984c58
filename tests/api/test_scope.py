"""AC1 by example: what each persona sees through the API, filters that reveal nothing, reference data, page size.

The route × role matrix (every endpoint of the router: lists exactly the scoped rows, out of scope 404 on read and
write, read-only roles 403, unauthenticated 401) is tests/api/test_scope_matrix.py, on tests/scope_harness.py."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chainleader.core.sorting import pinyin_key
from chainleader.reference.models import Region

from .conftest import READ_ONLY_ENDPOINTS, ids

pytestmark = pytest.mark.django_db


def test_district_sees_the_city_chain_but_not_other_districts_firms_in_it(
    api, district_a_user, world
):
    client = api(district_a_user)
    assert world.team_chain.pk in ids(client.get("/api/chains/"))
    assert world.seg_team.pk in ids(client.get("/api/segments/"))
    # The firm placed in the city chain sits in district B: neither it nor its placement is listed.
    assert world.pl_firm.pk not in ids(client.get("/api/placements/"))
    assert client.get(f"/api/placements/{world.pl_firm.pk}/").status_code == 404
    assert client.get(f"/api/enterprises/{world.firm.pk}/").status_code == 404


def test_firm_user_sees_only_itself(api, firm_user, world):
    client = api(firm_user)
    assert ids(client.get("/api/enterprises/")) == {world.firm.pk}
    assert ids(client.get("/api/chains/")) == {world.team_chain.pk}
    assert ids(client.get("/api/placements/")) == {world.pl_firm.pk}
    assert ids(client.get("/api/year-figures/")) == {world.fig_firm.pk}
    assert ids(client.get("/api/enterprise-tiers/")) == set()
    assert ids(client.get("/api/land-zones/")) == set()
    assert client.get(f"/api/enterprises/{world.ent_b.pk}/").status_code == 404


def test_chain_team_sees_its_chain_and_the_firms_placed_in_it(api, chain_team_user, world):
    client = api(chain_team_user)
    assert ids(client.get("/api/chains/")) == {world.team_chain.pk}
    assert ids(client.get("/api/segments/")) == {world.seg_team.pk}
    assert ids(client.get("/api/enterprises/")) == {world.firm.pk}
    assert client.get(f"/api/chains/{world.chain_a.pk}/").status_code == 404


def test_department_sees_the_chain_it_leads_without_figures(api, department_user, world):
    client = api(department_user)
    assert ids(client.get("/api/chains/")) == {world.chain_b.pk}
    assert ids(client.get("/api/enterprises/")) == {world.ent_b.pk}
    assert ids(client.get("/api/parks/")) == {world.park_b.pk}
    resp = client.get("/api/year-figures/")
    assert resp.status_code == 200
    assert resp.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get(f"/api/year-figures/{world.fig_b.pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", READ_ONLY_ENDPOINTS)
def test_reference_data_is_read_only_for_everyone(api, office_user, endpoint):
    client = api(office_user)
    first = client.get(f"/api/{endpoint}/").json()["results"][0]["id"]
    assert client.post(f"/api/{endpoint}/", {"code": "999999"}, format="json").status_code == 405
    assert (
        client.patch(f"/api/{endpoint}/{first}/", {"name": "x"}, format="json").status_code == 405
    )
    assert client.delete(f"/api/{endpoint}/{first}/").status_code == 405


def test_reference_filters(api, system_admin):
    client = api(system_admin)
    resp = client.get("/api/regions/", {"parent": "3702", "page_size": 200})
    codes = {row["code"] for row in resp.json()["results"]}
    assert {"370211", "370212"} <= codes
    assert all(row["parent"] == "3702" for row in resp.json()["results"])
    resp = client.get("/api/industries/", {"section": "c", "level": 1})
    assert [row["code"] for row in resp.json()["results"]] == ["C"]


def test_inactive_user_is_refused(api, office_user, world):
    client = api(office_user)
    office_user.is_active = False
    office_user.save()
    assert client.get("/api/enterprises/").status_code in (401, 403)


def test_filters_do_not_reveal_out_of_scope_ids(api, district_a_user, world):
    """A filter naming another district's park fails exactly like one naming no park at all."""
    client = api(district_a_user)
    other = client.get("/api/enterprises/", {"park": world.park_b.pk})
    missing = client.get("/api/enterprises/", {"park": 99999999})
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    assert client.get("/api/enterprises/", {"park": world.park_a.pk}).status_code == 200
    assert client.get("/api/segments/", {"chain": world.chain_b.pk}).status_code == 400
    assert client.get("/api/placements/", {"enterprise": world.ent_b.pk}).status_code == 400


def test_list_filters_and_search(api, office_user, world):
    client = api(office_user)
    assert ids(client.get("/api/enterprises/", {"q": "甲区"})) == {world.ent_a.pk}
    assert ids(client.get("/api/segments/", {"chain": world.chain_a.pk})) == {world.seg_a.pk}
    assert ids(client.get("/api/placements/", {"chain": world.chain_b.pk})) == {world.pl_b.pk}
    assert ids(client.get("/api/chain-targets/", {"chain": world.chain_a.pk})) == {
        world.target_a.pk
    }
    assert ids(client.get("/api/enterprise-tiers/", {"search": "乙区"})) == {world.tier_b.pk}
    assert ids(client.get("/api/year-figures/", {"enterprise": world.ent_a.pk})) == {world.fig_a.pk}
    names = [
        row["name"]
        for row in client.get("/api/enterprises/", {"ordering": "-name"}).json()["results"]
    ]
    assert names == sorted(names, key=pinyin_key, reverse=True)  # by pinyin, as the list pages sort


def test_page_size_is_capped(api, office_user):
    """SECURITY.md CF4: ?page_size=100000 returns at most 200 rows."""
    client = api(office_user)
    assert Region.objects.count() > 200
    resp = client.get("/api/regions/", {"page_size": 100000})
    assert resp.status_code == 200
    assert len(resp.json()["results"]) == 200
    assert resp.json()["count"] == Region.objects.count()


def test_password_only_session_reaches_no_data(office_user, world, settings):
    settings.CHAINLEADER_OTP_REQUIRED = True
    """SECURITY.md A3 holds on the API too: a session that skipped the OTP step gets no records."""
    client = APIClient()
    client.force_login(office_user)
    resp = client.get("/api/enterprises/")
    assert resp.status_code in (302, 401, 403)
    assert world.ent_a.name not in resp.content.decode()
