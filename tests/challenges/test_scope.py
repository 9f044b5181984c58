"""The scope matrix (tests/scope_harness.py) on this app's routes alone: every page route that names an object and
every API endpoint of challenges, scenes, labs, diagnoses and titles, for every role. The whole-product matrices
(tests/core/test_scope_matrix.py, tests/api/test_scope_matrix.py) hold the same rules for every app; this module
runs them where a change to this app shows first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent
from tests.api.test_scope_matrix import WRITES, client_for
from tests.scope_harness import (
    MISSING_ID,
    POST_BODY,
    ROLES,
    api_endpoints,
    expect_in_scope_get,
    hidden_object,
    list_pages,
    out_of_scope_get_ok,
    out_of_scope_post_ok,
    page_routes,
    readable_not_writable,
    route_gaps,
    state,
    visible_object,
    visible_pks,
    world,  # noqa: F401 - the module-scoped world fixture
)

pytestmark = pytest.mark.django_db

APP = "challenges:"


def _pages():
    return [r for r in page_routes() if r.name.startswith(APP)]


def _endpoints():
    return [ep for ep in api_endpoints() if ep.model._meta.app_label == "challenges"]


def test_the_world_has_a_case_for_every_route_of_the_app(world):  # noqa: F811
    mine = {r.name for r in _pages()} | {ep.name("list") for ep in _endpoints()}
    assert len(mine) >= 25
    assert {k: v for k, v in route_gaps(world).items() if k in mine} == {}


@pytest.mark.parametrize("role", ROLES)
def test_pages_out_of_scope_and_in_scope(client, world, role):  # noqa: F811
    user = world.users[role]
    client.force_login(user)
    audit_rows = AuditEvent.objects.count()
    out = inside = 0
    for route in _pages():
        for hidden in (hidden_object(route, user), readable_not_writable(route, user)):
            if hidden is None:
                continue
            models = {route.model, route.target}
            before = [state(m) for m in models]
            answer = client.get(route.url(hidden)).status_code
            missing = client.get(route.url(None)).status_code
            assert out_of_scope_get_ok(user, route, answer, missing), (
                role,
                route.name,
                answer,
                missing,
            )
            posted = client.post(route.url(hidden), POST_BODY).status_code
            assert out_of_scope_post_ok(user, route, posted), (role, route.name, posted)
            assert [state(m) for m in models] == before, (role, route.name)
            out += 1
        obj = visible_object(route, user)
        if obj is not None:
            status = client.get(route.url(obj)).status_code
            assert status == expect_in_scope_get(user, route), (role, route.name, status)
            inside += 1
    assert AuditEvent.objects.filter(event_type__in=("create", "update")).count() <= audit_rows
    assert out + inside >= 10, (role, out, inside)


@pytest.mark.parametrize("role", ROLES)
def test_list_pages_hold_only_the_roles_rows(client, world, role):  # noqa: F811
    user = world.users[role]
    client.force_login(user)
    for route in list_pages():
        if not route.name.startswith(APP):
            continue
        url = reverse(route.name)
        visible = visible_pks(route.model, user)
        page = client.get(url)
        assert page.status_code == 200, (role, route.name)
        rows = {obj.pk for obj, _cells in page.context["rows"]}
        assert rows <= visible, (role, route.name, rows - visible)
        assert client.get(url, {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_details_and_refused_writes(world, role):  # noqa: F811
    user = world.users[role]
    client = client_for(user)
    for ep in _endpoints():
        model = ep.model
        before = state(model)
        visible = visible_pks(model, user)
        resp = client.get(reverse(ep.name("list")), {"page_size": 200})
        assert resp.status_code == 200, (role, ep.name("list"))
        ids = {row["id"] for row in resp.json()["results"]}
        assert ids == visible, (role, ep.name("list"), ids ^ visible)
        hidden = model._base_manager.exclude(pk__in=visible).order_by("pk").first()
        detail = ep.name("detail")
        if visible:
            assert client.get(reverse(detail, kwargs={"pk": min(visible)})).status_code == 200
        assert client.get(reverse(detail, kwargs={"pk": MISSING_ID})).status_code == 404
        if hidden is None:
            continue
        assert client.get(reverse(detail, kwargs={"pk": hidden.pk})).status_code == 404
        for method, action in WRITES:
            if not ep.has(action) or method not in ep.viewset.http_method_names:
                continue
            answer = getattr(client, method)(
                reverse(detail, kwargs={"pk": hidden.pk}), {"version": 1}, format="json"
            ).status_code
            assert answer in ((404,) if ep.allows(user, method) else (403,)), (role, detail, method)
        for action_name, methods in ep.actions(detail=True):
            if "post" in methods:
                answer = client.post(
                    reverse(action_name, kwargs={"pk": hidden.pk}), {}, format="json"
                ).status_code
                may = ep.allows(user, "post", action_name)
                assert answer == (404 if may else 403), (role, action_name, answer)
            if "get" in methods:
                answer = client.get(reverse(action_name, kwargs={"pk": hidden.pk})).status_code
                assert answer == 404, (role, action_name, answer)
        assert state(model) == before, (role, ep.name("list"))
