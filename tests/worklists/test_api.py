"""The list-item endpoint /api/work-items/ on the site's own router: in the schema, scoped like the pages (out
of scope is 404), and the audit administrator's writes refused (403) with nothing changed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chainleader.accounts.models import Role
from chainleader.worklists.models import WorkItem
from tests.factories import ChainFactory, UserFactory, region
from tests.projects.factories import WorkItemFactory


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def items(district_a_unit, district_b_unit):
    """One item owned by each district (a district sees its own unit's items by territory)."""
    return (
        WorkItemFactory(
            chain=ChainFactory(region=region("370211")),
            owner_unit=district_a_unit,
            title="甲区任务",
        ),
        WorkItemFactory(
            chain=ChainFactory(region=region("370212")),
            owner_unit=district_b_unit,
            title="乙区任务",
        ),
    )


def test_the_work_item_endpoints_are_in_the_schema(office_user):
    spec = api(office_user).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/work-items/", "/api/work-items/{id}/", "/api/work-items/{id}/close/"):
        assert path in spec["paths"], path


def test_a_district_lists_and_reads_only_its_own_items(items, district_a_user):
    mine, other = items
    client = api(district_a_user)
    listed = {row["id"] for row in client.get("/api/work-items/").json()["results"]}
    assert listed == {mine.pk}
    assert client.get(f"/api/work-items/{mine.pk}/").status_code == 200
    assert client.get(f"/api/work-items/{other.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/work-items/{other.pk}/", {"title": "改", "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert WorkItem.objects.get(pk=other.pk).title == "乙区任务"


def test_the_auditor_gets_403_on_every_write_and_nothing_changes(items, team_chain):
    auditor = UserFactory(username="auditor", role=Role.AUDIT_ADMIN)
    item = items[0]
    client = api(auditor)
    url = f"/api/work-items/{item.pk}/"
    assert (
        client.post(
            "/api/work-items/",
            {"kind": "task", "chain": team_chain.pk, "title": "x", "year": 2026},
            format="json",
        ).status_code
        == 403
    )
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(url, {"version": 1}, format="json").status_code == 403
    # A workflow step finds the item in the auditor's scope first: there is none, so 404.
    assert client.post(f"{url}close/", {"text": "销号"}, format="json").status_code in (403, 404)
    assert WorkItem.objects.count() == 2
    assert WorkItem.objects.get(pk=item.pk).version == item.version


def test_an_owner_adds_a_progress_note_through_the_api(items, district_a_user):
    mine, theirs = items
    client = api(district_a_user)
    answer = client.post(
        f"/api/work-items/{mine.pk}/note/", {"text": "已对接用地指标"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["id"] == mine.pk
    assert mine.notes.filter(text="已对接用地指标").exists()
    assert (
        client.post(f"/api/work-items/{theirs.pk}/note/", {"text": "x"}, format="json").status_code
        == 404
    )
    assert not theirs.notes.exists()
