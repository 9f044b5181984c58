"""What the evaluation pages add to the scope matrix (tests/core/test_scope_matrix.py runs every evaluation route ×
every role on tests/scope_harness.py's world, which holds a run in review with appeals and a draft run).

The roles without an evaluation scope (the department, which sees no confidential figures, and the system
administrator) get exactly 404 on GET of every evaluation record, 403 on its write routes; and any POST of
theirs to an evaluation page is refused outright (403, or 405 on a page without POST), before any lookup.
"""

from __future__ import annotations

import pytest

from chainleader.evaluation.models import EvaluationResult, EvaluationRun
from tests.scope_harness import (
    POST_BODY,
    hidden_object,
    page_routes,
    state,
    world,  # noqa: F401 - the module-scoped world fixture
)

pytestmark = pytest.mark.django_db

ROUTES = [r for r in page_routes() if r.name.startswith("evaluation:")]


def test_the_evaluation_routes_are_in_the_matrix():
    assert {
        "evaluation:run_detail",
        "evaluation:result_list",
        "evaluation:result_detail",
        "evaluation:result_appeal",
        "evaluation:appeal_detail",
        "evaluation:appeal_decide",
        "evaluation:appeal_evidence",
        "evaluation:measure_edit",
        "evaluation:scheme_detail",
    } <= {r.name for r in ROUTES}


def test_the_world_holds_a_run_in_review_and_a_draft(world):  # noqa: F811
    assert set(EvaluationRun.objects.values_list("status", flat=True)) == {"reviewing", "draft"}
    assert EvaluationResult.objects.filter(run__status="reviewing").exists()


@pytest.mark.parametrize("persona", ["department", "system_admin"])
def test_a_role_without_an_evaluation_scope_gets_404_and_403_on_every_post(
    client,
    world,  # noqa: F811
    persona,
):
    user = world.users[persona]
    client.force_login(user)
    checked = 0
    for route in ROUTES:
        hidden = hidden_object(route, user)
        if hidden is None:
            continue
        url = route.url(hidden)
        before = state(route.target)
        expected = 403 if route.is_write else 404
        assert client.get(url).status_code == expected, (persona, route.name)
        answer = client.post(url, POST_BODY).status_code
        assert answer in (403, 405), (persona, route.name, answer)
        assert state(route.target) == before, (persona, route.name)
        checked += 1
    assert checked >= 12, f"{persona}: only {checked} evaluation routes had a hidden object"
    # A record the persona may read (the public measures, the scheme) is no different for a POST.
    office = world.users["office"]
    for route in ROUTES:
        obj = route.target._default_manager.for_user(office).order_by("pk").first()
        before = state(route.target)
        answer = client.post(route.url(obj), POST_BODY).status_code
        assert answer in (403, 405), (persona, route.name, answer)
        assert state(route.target) == before, (persona, route.name)
