"""The run list and the runs API count firms in the reader's scope (issue 13 item 7): a district or firm
account saw the city-wide numbers of firms scored and graded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.evaluation.models import EvaluationResult

pytestmark = pytest.mark.django_db


def _list_counts(client, user, run):
    client.force_login(user)
    page = client.get(reverse("evaluation:run_list"))
    assert page.status_code == 200
    for obj, cells in page.context["rows"]:
        if obj.pk == run.pk:
            return {str(c.label): v for c, v in cells}
    raise AssertionError("the run is not on the list")


@pytest.mark.parametrize("who", ["district_a_user", "firm_user"])
def test_the_run_list_counts_the_readers_own_firms(client, who, reviewing_2024, request):
    user = request.getfixturevalue(who)
    mine = EvaluationResult.objects.for_user(user).filter(run=reviewing_2024)
    assert 0 < mine.count() < reviewing_2024.counts["firms"]
    cells = _list_counts(client, user, reviewing_2024)
    assert cells["企业数"] == mine.count()
    assert cells["参评定级"] == mine.filter(graded=True).count()


def test_the_office_still_sees_the_city_counts(client, office_user, reviewing_2024):
    cells = _list_counts(client, office_user, reviewing_2024)
    assert cells["企业数"] == reviewing_2024.counts["firms"]
    assert cells["参评定级"] == reviewing_2024.counts["graded"]


def test_the_runs_api_counts_in_scope(api, district_a_user, office_user, reviewing_2024):
    mine = EvaluationResult.objects.for_user(district_a_user).filter(run=reviewing_2024)
    body = api(district_a_user).get(f"/api/evaluation-runs/{reviewing_2024.pk}/").json()
    assert body["counts"]["firms"] == mine.count()
    assert body["counts"]["graded"] == mine.filter(graded=True).count()
    assert sum(body["counts"][g] for g in "ABCD") == body["counts"]["graded"]
    city = api(office_user).get(f"/api/evaluation-runs/{reviewing_2024.pk}/").json()
    assert city["counts"] == reviewing_2024.counts
