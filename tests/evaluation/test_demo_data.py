"""The demo's evaluation (chainleader/demo/evaluation_data.py): published runs with all four classes, a run in
review with two appeals in progress, the West Coast's per-mu tax 30 % above the city's, and idempotence.

load_demo runs once per module inside a transaction that is rolled back at the end (as tests/demo does).
"""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from chainleader.accounts.models import User
from chainleader.demo.evaluation_data import CLAIM_RATIO, DEMO_NOTE
from chainleader.evaluation import selectors
from chainleader.evaluation.models import Appeal, EvaluationResult, EvaluationRun


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    saved_media, saved_password = settings.MEDIA_ROOT, os.environ.pop("DEMO_PASSWORD", None)
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = saved_media
    if saved_password is not None:
        os.environ["DEMO_PASSWORD"] = saved_password


@pytest.mark.django_db
def test_published_runs_with_all_four_classes_and_a_run_in_review(demo):
    runs = {r.year: r for r in EvaluationRun.objects.filter(note=DEMO_NOTE)}
    assert {y: r.status for y, r in runs.items()} == {
        2022: "published",
        2023: "published",
        2024: "reviewing",
    }
    for run in runs.values():
        grades = set(run.results.exclude(grade="").values_list("grade", flat=True))
        assert grades == {"A", "B", "C", "D"}
        assert run.results.count() == run.counts["firms"] >= 2000
    office = User.objects.get(username="office")
    movement = selectors.grade_movement(runs[2023], office)
    assert movement["up"] and movement["down"] and movement["same"]


@pytest.mark.django_db
def test_two_appeals_are_in_progress(demo):
    appeals = {a.status: a for a in Appeal.objects.all()}
    assert set(appeals) == {"submitted", "district_checked"}
    assert appeals["submitted"].enterprise.name == "海尔智家股份有限公司"
    assert appeals["submitted"].submitted_by.username == "firm"
    checked = appeals["district_checked"]
    assert checked.enterprise.region.code == "370211" and checked.checked_by.username == "district"
    assert checked.result.run.year == 2024 and checked.evidence


@pytest.mark.django_db
def test_the_west_coast_per_mu_tax_is_30_percent_above_the_city(demo):
    office = User.objects.get(username="office")
    for run in EvaluationRun.objects.filter(note=DEMO_NOTE):
        data = selectors.tax_per_mu_by_district(run, office)
        west = next(d for d in data["districts"] if d["code"] == "370211")
        assert west["tax_per_mu"] / data["city"] == pytest.approx(CLAIM_RATIO, abs=0.01)
    # The district account sees its own bar and the city figure only.
    district = User.objects.get(username="district")
    mine = selectors.tax_per_mu_by_district(EvaluationRun.objects.get(year=2024), district)
    assert [d["code"] for d in mine["districts"]] == ["370211"]
    assert mine["districts"][0]["vs_city_pct"] == pytest.approx(30, abs=1)


@pytest.mark.django_db
def test_loading_again_writes_nothing(demo):
    before = (
        EvaluationRun.objects.count(),
        EvaluationResult.objects.count(),
        Appeal.objects.count(),
    )
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (
        EvaluationRun.objects.count(),
        EvaluationResult.objects.count(),
        Appeal.objects.count(),
    ) == before
    assert "未新建任何记录" in out.getvalue()
    assert "亩产效益评价批次 3" in demo
