"""The scope matrix of the REST API (tests/scope_harness.py, SECURITY.md AC1 and TP2): every viewset of the router
in chainleader/api_urls.py × every role, found from the router, not listed.

Lists hold exactly the role's scoped rows and count them; a detail inside the scope answers 200, outside it 404 as
for an id that does not exist; writes (create, update, delete, every workflow action) answer 403 to a role the
endpoint's permission does not let write, 404 outside the (writable) scope to the others, 405 where the endpoint
takes no such method, and change nothing; unauthenticated requests get 401 with a Token challenge.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.api import ScopedViewSetMixin
from chainleader.core.models import AuditEvent
from tests.scope_harness import (
    MISSING_ID,
    ROLES,
    api_endpoints,
    route_gaps,
    state,
    visible_pks,
    world,  # noqa: F401 - the module-scoped world fixture
)

pytestmark = pytest.mark.django_db

WRITES = (("patch", "partial_update"), ("put", "update"), ("delete", "destroy"))
# The fewest refused writes checked per role (pinned near today's counts, so a world or harness change that
# quietly drops cases fails here).
MIN_HIDDEN = {
    "office": 25,
    "district": 120,
    "district_b": 100,
    "team": 105,
    "department": 120,
    "firm": 130,
    "system_admin": 90,
}


def scoped_only(ep) -> bool:
    """The viewset's queryset is the user's scoped set, nothing more (no own get_queryset narrowing it)."""
    return ep.viewset.get_queryset is ScopedViewSetMixin.get_queryset


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_router_s_endpoints_are_all_in_the_matrix():
    names = {ep.name("list") for ep in api_endpoints()}
    assert {
        "api:enterprise-list",
        "api:yearfigure-list",
        "api:chain-list",
        "api:placement-list",
        "api:landzone-list",
        "api:project-list",
        "api:workitem-list",
        "api:lead-list",
        "api:match-list",
        "api:appeal-list",
        "api:region-list",
    } <= names


def test_every_endpoint_has_a_case_in_the_world(world):  # noqa: F811
    assert {k: v for k, v in route_gaps(world).items() if k.startswith("api:")} == {}


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_details_hold_exactly_the_roles_scoped_rows(world, role):  # noqa: F811
    user = world.users[role]
    client = client_for(user)
    for ep in api_endpoints():
        name = ep.name("list")
        visible = visible_pks(ep.model, user)
        hidden = ep.model._base_manager.exclude(pk__in=visible).order_by("pk").first()
        if ep.has("list"):
            resp = client.get(reverse(name), {"page_size": 200})
            assert resp.status_code == 200, (role, name, resp.status_code)
            body = resp.json()
            ids = {row["id"] for row in body["results"]}
            assert ids <= visible, (role, name, ids - visible)
            if role == "office" or ep.public:
                assert ids, (role, name)  # every endpoint has rows in the world
            if ep.public:  # reference data: thousands of rows, 200 a page
                assert body["count"] == len(visible), (role, name)
            else:
                assert body["count"] == len(ids), (role, name)
                # Exactly the scoped rows: all of them, unless the endpoint narrows its set on purpose.
                expected = visible if scoped_only(ep) else ep.queryset_pks(user)
                assert ids == expected, (role, name, expected ^ ids)
            if role == "system_admin" and not ep.public:
                assert body["count"] == 0, name  # the administrators see no business data (TP1)
        if ep.has("retrieve"):
            detail = ep.name("detail")
            shown = ids if ep.has("list") else visible
            if shown:
                first = min(shown)
                got = client.get(reverse(detail, kwargs={"pk": first}))
                assert got.status_code == 200 and got.json()["id"] == first, (role, detail)
            if hidden is not None:
                # Out of scope looks exactly like nonexistent.
                answer = client.get(reverse(detail, kwargs={"pk": hidden.pk})).status_code
                assert answer == 404, (role, detail, answer)
            assert client.get(reverse(detail, kwargs={"pk": MISSING_ID})).status_code == 404
        for action_name, methods in ep.actions(detail=True):
            if "get" not in methods:
                continue
            if visible:
                answer = client.get(reverse(action_name, kwargs={"pk": min(visible)})).status_code
                assert answer == 200, (role, action_name, answer)
            if hidden is not None:
                answer = client.get(reverse(action_name, kwargs={"pk": hidden.pk})).status_code
                assert answer == 404, (role, action_name, answer)


@pytest.mark.parametrize("role", ROLES)
def test_writes_outside_the_scope_or_the_role_are_refused_and_change_nothing(world, role):  # noqa: F811
    user = world.users[role]
    client = client_for(user)
    audit_rows = AuditEvent.objects.count()
    checked = 0
    for ep in api_endpoints():
        model = ep.model
        before = state(model)
        name, detail = ep.name("list"), ep.name("detail")
        may_post = ep.allows(user, "post")
        # Create: a role that may not write gets 403 before the body is read (TP2).
        if ep.has("list"):
            answer = client.post(reverse(name), {}, format="json").status_code
            if not ep.has("create"):
                assert answer in (403, 405), (role, name, answer)
            elif not may_post:
                assert answer == 403, (role, name, answer)
        readable = visible_pks(model, user)
        writable = visible_pks(model, user, write=True)
        hidden = model._base_manager.exclude(pk__in=readable).order_by("pk").first()
        read_only = model._base_manager.filter(pk__in=readable - writable).order_by("pk").first()
        # A role that may not write is refused even on its own records.
        own = model._base_manager.filter(pk__in=readable).order_by("pk").first()
        for obj in {hidden, read_only, own} - {None}:
            for method, action in WRITES:
                if not ep.has(action) or method not in ep.viewset.http_method_names:
                    expected = (403, 405) if ep.has("retrieve") else None
                elif not ep.allows(user, method):
                    expected = (403,)
                elif obj.pk not in writable:
                    expected = (404,)
                else:
                    expected = (
                        None  # a permitted write on a writable record: the write tests' business
                    )
                if expected is None:
                    continue
                body = {"version": getattr(obj, "version", 1)}
                answer = getattr(client, method)(
                    reverse(detail, kwargs={"pk": obj.pk}), body, format="json"
                ).status_code
                assert answer in expected, (role, detail, method, answer)
                checked += 1
            if obj is not hidden:
                continue
            # Workflow actions look the record up in the readable scope: 404 outside it, or 403 first.
            for action_name, methods in ep.actions(detail=True):
                if "post" not in methods:
                    continue
                answer = client.post(
                    reverse(action_name, kwargs={"pk": obj.pk}), {}, format="json"
                ).status_code
                may = ep.allows(user, "post", action_name)
                assert answer == (404 if may else 403), (role, action_name, answer)
                checked += 1
        assert state(model) == before, (role, name)
    # Nothing refused wrote anything, not even an audit row.
    assert AuditEvent.objects.count() == audit_rows
    assert checked >= MIN_HIDDEN[role], f"{role}: only {checked} refused writes"


def test_unauthenticated_requests_are_refused_with_a_token_challenge(world):  # noqa: F811
    client = APIClient()
    for ep in api_endpoints():
        if ep.has("list"):
            resp = client.get(reverse(ep.name("list")))
            assert resp.status_code == 401, ep.name("list")
            assert resp["WWW-Authenticate"].startswith("Token")
        if ep.has("retrieve"):
            obj = ep.model._base_manager.first()
            assert client.get(reverse(ep.name("detail"), kwargs={"pk": obj.pk})).status_code == 401
