"""The scope matrix of the pages (tests/scope_harness.py): every page route that names an object × every role.

Out of scope: 404 on GET and POST, the same answer as for an id that does not exist, and the POST changes
nothing; a write route answers a read-only role 403 before any lookup, a view its refused_roles 403. In scope:
read routes 200, write routes 200 to editors and 403 to the others. A route the world has no case for fails
``test_every_object_route_has_a_case_in_the_world`` by name.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Contact, Enterprise
from tests.scope_harness import (
    MISSING_ID,
    POST_BODY,
    ROLES,
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

# The fewest cases each role must be checked on (pinned near today's counts, so a world or harness change that
# quietly drops cases fails here): out-of-scope routes, in-scope routes.
MIN_OUT = {
    "office": 6,
    "district": 115,
    "district_b": 90,
    "team": 100,
    "department": 85,
    "firm": 105,
    "system_admin": 105,
}
MIN_IN = {
    "office": 105,
    "district": 92,
    "district_b": 92,
    "team": 95,
    "department": 80,
    "firm": 65,
    "system_admin": 2,
}


def test_the_matrix_found_the_routes_of_every_app():
    names = {r.name for r in page_routes()}
    assert {
        "enterprises:enterprise_detail",
        "enterprises:figure_edit",
        "chains:chain_edit",
        "chains:placement_add",
        "chains:segment_history",
        "parks:park_delete",
        "chainmap:segment_panel",
        "projects:project_detail",
        "projects:project_stage",
        "projects:report_edit",
        "projects:stage_file",
        "projects:problem_close",
        "projects:problem_file",
        "projects:batch_edit",
        "projects:chain_brief",
        "projects:chain_dashboard",
        "worklists:item_review",
        "worklists:note_file",
        "worklists:chain_lists",
        "investment:lead_step_file",
        "investment:catalogue",
        "matching:match_contacted",
        "evaluation:run_detail",
        "evaluation:result_list",
        "evaluation:result_detail",
        "evaluation:result_appeal",
        "evaluation:appeal_detail",
        "evaluation:appeal_decide",
        "evaluation:appeal_evidence",
        "evaluation:measure_edit",
        "evaluation:scheme_detail",
        "accounts:user_edit",
        "core:job_progress",
    } <= names


def test_every_object_route_has_a_case_in_the_world(world):  # noqa: F811
    """A new route whose object the world does not make (or whose kwargs the harness cannot fill) fails here,
    by name: add the object to tests/scope_harness.build_world()."""
    assert route_gaps(world) == {}


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_objects_answer_like_missing_ones_and_posts_change_nothing(
    client,
    world,  # noqa: F811
    role,
):
    user = world.users[role]
    client.force_login(user)
    audit_rows = AuditEvent.objects.count()
    checked = 0
    for route in page_routes():
        for hidden in (hidden_object(route, user), readable_not_writable(route, user)):
            if hidden is None:
                continue
            url = route.url(hidden)
            models = {route.model, route.target}
            before = [state(m) for m in models]
            answer = client.get(url).status_code
            # Out of scope and nonexistent look the same (Zulip's access_*_by_id, SECURITY.md AC1).
            missing = client.get(route.url(None)).status_code
            assert out_of_scope_get_ok(user, route, answer, missing), (
                role,
                route.name,
                answer,
                missing,
            )
            posted = client.post(url, POST_BODY).status_code
            assert out_of_scope_post_ok(user, route, posted), (role, route.name, posted)
            assert [state(m) for m in models] == before, (role, route.name)
            checked += 1
    # Nothing refused wrote anything, not even an audit row.
    assert AuditEvent.objects.count() == audit_rows
    assert checked >= MIN_OUT[role], f"{role}: only {checked} out-of-scope cases"


@pytest.mark.parametrize("role", ROLES)
def test_in_scope_objects_answer_on_read_routes_and_write_routes_follow_the_role(
    client,
    world,  # noqa: F811
    role,
):
    user = world.users[role]
    client.force_login(user)
    checked = 0
    for route in page_routes():
        obj = visible_object(route, user)
        if obj is None:
            continue
        status = client.get(route.url(obj)).status_code
        assert status == expect_in_scope_get(user, route), (role, route.name, status)
        checked += 1
    assert checked >= MIN_IN[role], f"{role}: only {checked} in-scope cases"


@pytest.mark.parametrize("role", ROLES)
def test_list_pages_their_partials_and_exports_hold_only_the_roles_rows(
    client,
    world,  # noqa: F811
    role,
):
    """A list, the htmx partial of the same URL and its Excel export come from one scoped queryset: no row
    outside the role's scope, on any of the three (NetBox's ObjectListView test)."""
    user = world.users[role]
    client.force_login(user)
    shown = 0
    for route in list_pages():
        url = reverse(route.name)
        visible = visible_pks(route.model, user)
        page = client.get(url)
        if role == "office":
            assert page.status_code == 200, route.name
        if page.status_code != 200:
            assert page.status_code == 403, (role, route.name, page.status_code)
            continue
        partial = client.get(url, headers={"HX-Request": "true"})
        assert partial.status_code == 200 and b"<html" not in partial.content, (role, route.name)
        for resp in (page, partial):
            rows = {obj.pk for obj, _cells in resp.context["rows"]}
            assert rows <= visible, (role, route.name, rows - visible)
        assert client.get(url, {"export": "xlsx"}).status_code == 200, (role, route.name)
        exported = AuditEvent.objects.filter(event_type="export").latest("id").detail["rows"]
        assert exported <= len(visible), (role, route.name, exported, len(visible))
        shown += 1
    assert shown >= (20 if role != "system_admin" else 0), f"{role}: {shown} list pages"


# --- what a persona sees on the pages, by example -------------------------------------------------------------


def test_the_firm_sees_only_itself(client, world):  # noqa: F811
    client.force_login(world.users["firm"])
    body = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "崂山企业" in body and "黄岛企业" not in body and "城阳企业" not in body


def test_the_department_sees_firms_of_its_chains_but_no_figures(client, world):  # noqa: F811
    client.force_login(world.users["department"])
    body = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "黄岛企业" in body and "崂山企业" not in body
    detail = client.get(Enterprise.objects.get(name="黄岛企业").get_absolute_url())
    assert detail.status_code == 200 and detail.context["figures"] == []


def test_contacts_phone_is_masked_for_a_role_without_the_grant(client, world):  # noqa: F811
    client.force_login(world.users["department"])
    firm = Contact.objects.get(enterprise__name="黄岛企业").enterprise
    body = client.get(firm.get_absolute_url()).content.decode()
    assert "13812345678" not in body and "138****5678" in body


def test_a_missing_id_is_404_for_the_office_on_every_route(client, world):  # noqa: F811
    """The office sees everything, so it has no out-of-scope case: a missing id stands in for one."""
    client.force_login(world.users["office"])
    for route in page_routes():
        if route.admin or not route.takes("get"):
            continue
        assert client.get(reverse(route.name, kwargs=route.kwargs(None))).status_code == 404, (
            route.name
        )
    assert MISSING_ID not in {r.pk for r in Enterprise.objects.all()}
