"""The cockpit's routes and endpoints on the shared scope harness (tests/scope_harness.py), checked here on their
own as tests/core/test_scope_matrix.py and tests/api/test_scope_matrix.py check every route: out of scope looks
like missing, in scope answers as the role may, the API's lists hold exactly the role's rows. The world holds a
chain scheme with a published run and a district scheme with a draft run."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.models import AuditEvent
from tests.scope_harness import (
    POST_BODY,
    ROLES,
    api_endpoints,
    expect_in_scope_get,
    hidden_object,
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

ROUTES = [r for r in page_routes() if r.name.startswith("cockpit:")]
ENDPOINTS = [ep for ep in api_endpoints() if ep.basename.startswith(("cockpit", "assessment"))]


def test_the_cockpit_routes_are_in_the_matrix_and_filled(world):  # noqa: F811
    assert {
        "cockpit:chain",
        "cockpit:chain_record_xlsx",
        "cockpit:scheme_detail",
        "cockpit:scheme_edit",
        "cockpit:adjustment_add",
        "cockpit:run_compute",
        "cockpit:run_detail",
        "cockpit:run_publish",
    } <= {r.name for r in ROUTES}
    assert {ep.name("list") for ep in ENDPOINTS} == {
        "api:cockpit-chain-list",
        "api:assessment-scheme-list",
        "api:assessment-run-list",
    }
    mine = {r.name for r in ROUTES} | {ep.name("list") for ep in ENDPOINTS}
    assert {k: v for k, v in route_gaps(world).items() if k in mine} == {}


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_answers_like_missing_and_changes_nothing(client, world, role):  # noqa: F811
    user = world.users[role]
    client.force_login(user)
    audit_rows = AuditEvent.objects.count()
    for route in ROUTES:
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
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.parametrize("role", ROLES)
def test_in_scope_answers_as_the_role_may(client, world, role):  # noqa: F811
    user = world.users[role]
    client.force_login(user)
    for route in ROUTES:
        obj = visible_object(route, user)
        if obj is None:
            continue
        status = client.get(route.url(obj)).status_code
        assert status == expect_in_scope_get(user, route), (role, route.name, status)


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_hold_exactly_the_roles_rows(world, role):  # noqa: F811
    user = world.users[role]
    client = APIClient()
    client.force_login(user)
    for ep in ENDPOINTS:
        visible = visible_pks(ep.model, user)
        resp = client.get(reverse(ep.name("list")), {"page_size": 200})
        assert resp.status_code == 200, (role, ep.name("list"))
        ids = {row["id"] for row in resp.json()["results"]}
        assert ids == visible, (role, ep.name("list"), ids ^ visible)
        hidden = ep.model._base_manager.exclude(pk__in=visible).order_by("pk").first()
        if hidden is not None:
            assert (
                client.get(reverse(ep.name("detail"), kwargs={"pk": hidden.pk})).status_code == 404
            )
    summary = client.get(reverse("api:cockpit-chain-summary")).status_code
    assert summary == (200 if role in ("office", "district", "district_b", "team") else 403), role


def test_a_district_reads_the_published_run_not_the_draft(client, world):  # noqa: F811
    client.force_login(world.users["district"])
    assert client.get(world.assessment_run.get_absolute_url()).status_code == 200
    assert client.get(world.assessment_draft.get_absolute_url()).status_code == 404
    body = client.get(reverse("cockpit:home")).content.decode()
    assert world.assessment_scheme.name in body
