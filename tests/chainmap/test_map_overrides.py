"""The team's status on a map segment (专班设定, the map's override): set with its reason, it wins over the derived
status and says why; cleared, the derived status comes back. On the page and through the API alike, audited,
refused to read-only roles and without a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.chains.models import Segment
from chainleader.core.models import AuditEvent
from tests.chainmap.test_maps import mapped, row  # noqa: F401 - the small graph, tree and map


def form(segment: Segment, **changes: object) -> dict[str, object]:
    """The segment page's form as it is, with ``changes``."""
    data = {
        "name": segment.name,
        "parent": segment.parent_id or "",
        "position": segment.position,
        "order": segment.order,
        "kind": segment.kind,
        "key_products": segment.key_products,
        "synonyms": segment.synonyms,
        "industry_codes": segment.industry_codes,
        "keywords": segment.keywords,
        "excludes": segment.excludes,
        "key_technologies": segment.key_technologies,
        "strategic_source": segment.strategic_source,
        "status_override": segment.status_override,
        "override_reason": segment.override_reason,
        "version": segment.version,
        **changes,
    }
    if segment.strategic:
        data["strategic"] = "on"
    return data


@pytest.fixture
def rubber(mapped):  # noqa: F811
    chain = mapped[0]
    return chain, Segment.objects.get(chain=chain, name="橡胶")


def test_a_team_status_wins_over_the_derived_one_and_clearing_it_brings_that_back(
    client, rubber, office_user, django_capture_on_commit_callbacks
):
    chain, seg = rubber
    assert row(chain, "橡胶")["status"] == "missing"
    client.force_login(office_user)
    url = reverse("chains:segment_edit", args=[chain.pk, seg.pk])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, form(seg, status_override="weak", override_reason="两家在建项目"))
    assert resp.status_code == 302
    set_ = row(chain, "橡胶")
    assert set_["status"] == "weak" and set_["overridden"] and "两家在建项目" in set_["reason"]
    seg.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, form(seg, status_override="", override_reason=""))
    assert resp.status_code == 302
    cleared = row(chain, "橡胶")
    assert cleared["status"] == "missing" and not cleared["overridden"]
    assert "两家在建项目" not in cleared["reason"]
    changes = AuditEvent.objects.filter(
        event_type="update", object_type="chains.segment", object_id=str(seg.pk)
    )
    assert changes.count() == 2


def test_a_team_status_without_a_reason_is_refused(client, rubber, office_user):
    chain, seg = rubber
    client.force_login(office_user)
    url = reverse("chains:segment_edit", args=[chain.pk, seg.pk])
    resp = client.post(url, form(seg, status_override="choke", override_reason=" "))
    assert resp.status_code == 200 and "override_reason" in resp.context["form"].errors
    seg.refresh_from_db()
    assert seg.status_override == "" and seg.version == 1


def test_a_read_only_role_cannot_set_a_team_status(client, rubber, department_user):
    chain, seg = rubber
    chain.lead_department = department_user.org_unit
    chain.save()
    client.force_login(department_user)
    url = reverse("chains:segment_edit", args=[chain.pk, seg.pk])
    assert (
        client.post(url, form(seg, status_override="weak", override_reason="x")).status_code == 403
    )
    seg.refresh_from_db()
    assert seg.status_override == ""


def test_the_api_sets_and_clears_a_team_status_with_its_reason(
    rubber, office_user, django_capture_on_commit_callbacks
):
    chain, seg = rubber
    api = APIClient()
    api.force_login(office_user)
    url = f"/api/segments/{seg.pk}/"
    refused = api.patch(url, {"status_override": "weak", "version": seg.version}, format="json")
    assert refused.status_code == 400 and "override_reason" in refused.json()
    with django_capture_on_commit_callbacks(execute=True):
        resp = api.patch(
            url,
            {"status_override": "weak", "override_reason": "两家在建项目", "version": seg.version},
            format="json",
        )
    assert resp.status_code == 200, resp.json()
    assert row(chain, "橡胶")["status"] == "weak"
    with django_capture_on_commit_callbacks(execute=True):
        resp = api.patch(
            url,
            {"status_override": "", "override_reason": "", "version": resp.json()["version"]},
            format="json",
        )
    assert resp.status_code == 200, resp.json()
    assert row(chain, "橡胶")["status"] == "missing"
