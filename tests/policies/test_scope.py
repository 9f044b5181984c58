"""The shared scope matrices (tests/scope_harness.py) run on the policy routes and endpoints alone: out of scope
answers like missing and changes nothing, in scope follows the role, lists and exports hold only the role's rows,
a firm account never sees another firm's result or payment. (The whole-product matrices run them too; this keeps
the policy cases green whatever another app's routes do.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.policies.models import EligibilityResult, Payment
from tests import scope_harness as harness
from tests.api import test_scope_matrix as api_matrix
from tests.core import test_scope_matrix as page_matrix
from tests.scope_harness import ROLES, world  # noqa: F401 - the module-scoped world fixture

pytestmark = pytest.mark.django_db


# The harness's own discovery, kept before the fixture below narrows it.
ALL_PAGES, ALL_ENDPOINTS, ALL_LISTS = harness.page_routes, harness.api_endpoints, harness.list_pages


def policy_pages():
    return tuple(r for r in ALL_PAGES() if r.name.startswith("policies:"))


def policy_endpoints():
    return tuple(e for e in ALL_ENDPOINTS() if e.model._meta.app_label == "policies")


def policy_lists():
    return tuple(r for r in ALL_LISTS() if r.name.startswith("policies:"))


@pytest.fixture
def only_policies(monkeypatch):
    for module in (harness, page_matrix, api_matrix):
        for name, fn in (
            ("page_routes", policy_pages),
            ("api_endpoints", policy_endpoints),
            ("list_pages", policy_lists),
        ):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, fn)
    zero = dict.fromkeys(ROLES, 0)
    monkeypatch.setattr(page_matrix, "MIN_OUT", zero)
    monkeypatch.setattr(page_matrix, "MIN_IN", zero)
    monkeypatch.setattr(api_matrix, "MIN_HIDDEN", zero)


def test_every_policy_route_and_endpoint_has_cases(world, only_policies):  # noqa: F811
    assert len(policy_pages()) >= 15 and len(policy_endpoints()) == 6
    assert harness.route_gaps(world) == {}


@pytest.mark.parametrize("role", ROLES)
def test_the_page_matrix(client, world, only_policies, role):  # noqa: F811
    page_matrix.test_out_of_scope_objects_answer_like_missing_ones_and_posts_change_nothing(
        client, world, role
    )
    page_matrix.test_in_scope_objects_answer_on_read_routes_and_write_routes_follow_the_role(
        client, world, role
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_api_matrix(world, only_policies, role):  # noqa: F811
    api_matrix.test_lists_and_details_hold_exactly_the_roles_scoped_rows(world, role)
    api_matrix.test_writes_outside_the_scope_or_the_role_are_refused_and_change_nothing(world, role)


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_exports_hold_only_the_roles_rows(client, world, role):  # noqa: F811
    user = world.users[role]
    client.force_login(user)
    for route in policy_lists():
        url = reverse(route.name)
        visible = harness.visible_pks(route.model, user)
        page = client.get(url)
        if role == "office":
            assert page.status_code == 200, route.name
        if page.status_code != 200:
            assert page.status_code == 403, (role, route.name, page.status_code)
            continue
        rows = {obj.pk for obj, _cells in page.context["rows"]}
        assert rows <= visible, (role, route.name, rows - visible)
        assert client.get(url, {"export": "xlsx"}).status_code == 200, (role, route.name)
        exported = AuditEvent.objects.filter(event_type="export").latest("id").detail["rows"]
        assert exported <= len(visible), (role, route.name, exported, len(visible))


def test_the_firm_sees_its_own_result_and_payment_only(client, world):  # noqa: F811
    firm = world.users["firm"]
    own = {world.firm_b.pk}
    assert set(EligibilityResult.objects.for_user(firm).values_list("enterprise", flat=True)) == own
    assert set(Payment.objects.for_user(firm).values_list("enterprise", flat=True)) == own
    client.force_login(firm)
    body = client.get(reverse("policies:mine")).content.decode()
    assert "崂山企业" in body and "黄岛企业" not in body
