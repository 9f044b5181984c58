"""A computation whose worker was killed (issue 13 item 2, docs/drills.md): its results commit in batches, so a
killed run could leave some of them; when its job is marked lost they are removed, and a retry computes the run
from the start. (tests/drills/ kills a real worker; this is the same rule without a process.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chainleader.core import jobs
from chainleader.core.models import Job
from chainleader.evaluation import services
from chainleader.evaluation.models import EvaluationResult

pytestmark = pytest.mark.django_db


def killed_mid_run(world, office_user, year=2024):
    """A run of ``year`` whose job ran, wrote its results' first batches and lost its worker: the results of a
    computed run are copied onto it, its finish left undone, its job silent for an hour."""
    done = services.evaluation_run_compute(
        run=services.evaluation_run_create(
            year=year, scheme=services.scheme_current(), actor=office_user
        ),
        actor=office_user,
    )
    job = jobs.job_create(kind="mu_evaluation", actor=office_user)
    run = services.evaluation_run_create(
        year=year, scheme=services.scheme_current(), actor=office_user, job=job
    )
    leftovers = list(EvaluationResult.objects.filter(run=done)[:2])
    for result in leftovers:
        result.pk = None
        result.run = run
    EvaluationResult.objects.bulk_create(leftovers)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress=40, heartbeat_at=an_hour_ago
    )
    return done, run, job


def test_a_lost_job_s_half_written_results_are_removed(world, office_user):
    done, run, job = killed_mid_run(world, office_user)
    kept = EvaluationResult.objects.filter(run=done).count()
    assert EvaluationResult.objects.filter(run=run).count() == 2

    assert jobs.fail_stale_jobs() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not EvaluationResult.objects.filter(run=run).exists()
    assert (
        EvaluationResult.objects.filter(run=done).count() == kept
    )  # a finished run keeps its results


def test_the_retry_computes_the_lost_run_from_the_start(world, office_user):
    done, run, _job = killed_mid_run(world, office_user)
    jobs.fail_stale_jobs()
    run = services.evaluation_run_compute(run=run, actor=office_user)
    assert run.finished_at is not None
    assert (
        EvaluationResult.objects.filter(run=run).count()
        == EvaluationResult.objects.filter(run=done).count()
    )
