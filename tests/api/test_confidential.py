"""AC3: yearly figures only through /api/year-figures/, only for confidential scopes, every read audited."""

from __future__ import annotations

import pytest

from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import YearFigure

from .conftest import ALL_ENDPOINTS, SENTINEL_TAX, ids

pytestmark = pytest.mark.django_db


def views():
    return AuditEvent.objects.filter(event_type="view_confidential").order_by("id")


def test_office_reads_figures_and_each_request_is_audited_once(api, office_user, world):
    client = api(office_user)
    resp = client.get("/api/year-figures/")
    assert resp.status_code == 200
    assert str(SENTINEL_TAX) in resp.content.decode()
    n = len(resp.json()["results"])
    assert n == YearFigure.objects.count()
    assert views().count() == 1
    ev = views().last()
    assert (ev.user, ev.object_type, ev.detail) == (
        office_user,
        "enterprises.yearfigure",
        {"count": n},
    )
    resp = client.get(f"/api/year-figures/{world.fig_a.pk}/")
    assert resp.status_code == 200
    assert views().count() == 2
    ev = views().last()
    assert ev.detail == {"count": 1}
    assert ev.object_id == str(world.fig_a.pk)
    # A page counts the rows it returned.
    client.get("/api/year-figures/", {"page_size": 1})
    assert views().last().detail == {"count": 1}
    assert views().count() == 3


def test_district_reads_only_its_own_figures(api, district_a_user, world):
    resp = api(district_a_user).get("/api/year-figures/")
    assert ids(resp) == {world.fig_a.pk}
    assert views().get().detail == {"count": 1}


def test_department_sees_no_figures_and_nothing_is_logged_as_viewed(api, department_user, world):
    client = api(department_user)
    assert client.get("/api/year-figures/").json()["count"] == 0
    assert client.get(f"/api/year-figures/{world.fig_b.pk}/").status_code == 404
    assert client.get("/api/year-figures/", {"ordering": "-tax_wan"}).json()["count"] == 0
    assert not views().exists()


def test_enterprise_json_carries_no_figures(api, office_user, world):
    client = api(office_user)
    for resp in (
        client.get("/api/enterprises/"),
        client.get(f"/api/enterprises/{world.ent_a.pk}/"),
    ):
        text = resp.content.decode()
        assert str(SENTINEL_TAX) not in text
        for field in YearFigure.CONFIDENTIAL_FIELDS:
            assert field not in text
    assert not views().exists()


@pytest.mark.parametrize("role", ["department_user", "system_admin"])
def test_sentinel_appears_in_no_response_for_roles_without_the_grant(request, api, world, role):
    """Crawl every list and every visible detail, with an ordering on the figures too: no sentinel."""
    client = api(request.getfixturevalue(role))
    seen = []
    for endpoint in ALL_ENDPOINTS:
        for params in ({}, {"ordering": "-tax_wan"}, {"search": "乙区"}):
            resp = client.get(f"/api/{endpoint}/", params)
            seen.append(resp)
            if resp.status_code == 200:
                seen.extend(
                    client.get(f"/api/{endpoint}/{row['id']}/")
                    for row in resp.json()["results"][:20]
                )
    for fig in (world.fig_a, world.fig_b):
        seen.append(client.get(f"/api/year-figures/{fig.pk}/"))
        seen.append(client.patch(f"/api/year-figures/{fig.pk}/", {"tax_wan": "1"}, format="json"))
    assert len(seen) > 30
    for resp in seen:
        assert str(SENTINEL_TAX) not in resp.content.decode()
    assert not views().exists()


def test_browsable_api_page_is_audited_once_too(api, office_user, world):
    client = api(office_user)
    assert client.get("/api/year-figures/", HTTP_ACCEPT="text/html").status_code == 200
    assert (
        client.get(f"/api/year-figures/{world.fig_a.pk}/", HTTP_ACCEPT="text/html").status_code
        == 200
    )
    assert views().count() == 2
