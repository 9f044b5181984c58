"""The supervised task worker and stale jobs (issue 13 items 2 and 7).

The probe saw the worker exit on "database is locked" during a 50,000-row import, leaving a queued task with
nothing to run it, and a killed worker's job show "运行中 20%" forever. Mechanisms, not timings: a task that
meets a locked database runs again; the worker's loop survives a locked database; a running job without a
sign of life is marked failed with the reason when a worker starts and when its progress is read.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chainleader.core import jobs
from chainleader.core.management.commands import task_worker
from chainleader.core.models import Job

from . import worker_tasks

# The worker closes and reopens its connection between tasks (close_old_connections), as db_worker does: inside
# a test transaction that would close the test's own connection, so these tests commit (transaction=True).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_backend(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(task_worker.time, "sleep", lambda _s: None)
    worker_tasks.CALLS.update(n=0, fail=2)


def worker() -> task_worker.SupervisedWorker:
    made = task_worker.SupervisedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    made.max_loop_errors = 5  # a broken database fails the test instead of looping
    return made


def job(status=Job.Status.RUNNING, minutes_ago=0, heartbeat=True, **kw) -> Job:
    made = Job.objects.create(kind="import", status=status, progress=20, **kw)
    at = timezone.now() - timedelta(minutes=minutes_ago)
    Job.objects.filter(pk=made.pk).update(created_at=at, heartbeat_at=at if heartbeat else None)
    return made


def test_a_task_that_meets_a_locked_database_runs_again_and_its_job_finishes():
    running = job(status=Job.Status.QUEUED)
    result = worker_tasks.flaky_import.enqueue(job_id=running.pk)
    worker().run()
    assert worker_tasks.CALLS["n"] == 3  # two locked runs, then the one that went through
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    running.refresh_from_db()
    assert (running.status, running.message) == (Job.Status.DONE, "imported")


def test_a_task_locked_every_time_fails_with_the_error_and_the_worker_goes_on():
    worker_tasks.CALLS["fail"] = 99
    first = worker_tasks.flaky_import.enqueue()
    worker().run()
    assert worker_tasks.CALLS["n"] == task_worker.LOCK_RETRIES + 1
    assert DBTaskResult.objects.get(pk=first.id).status == "FAILED"


def test_the_worker_loop_survives_a_locked_database(monkeypatch):
    result = worker_tasks.flaky_import.enqueue()
    worker_tasks.CALLS["fail"] = 0
    real = DBTaskResult.objects.ready
    calls = {"n": 0}

    def busy_once():
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return real()

    monkeypatch.setattr(DBTaskResult.objects, "ready", busy_once)
    worker().run()  # db_worker's own loop would end here with the error
    assert calls["n"] >= 2
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


def test_a_starting_worker_marks_jobs_that_lost_their_worker_failed():
    dead = job(minutes_ago=jobs.stale_minutes() + 5)
    never_beat = job(minutes_ago=jobs.stale_minutes() + 5, heartbeat=False)
    alive = job(minutes_ago=1)
    queued = job(status=Job.Status.QUEUED, minutes_ago=60)
    worker().run()
    for stale in (dead, never_beat):
        stale.refresh_from_db()
        assert stale.status == Job.Status.FAILED
        assert stale.message == jobs.stale_message() and stale.finished_at is not None
    alive.refresh_from_db()
    queued.refresh_from_db()
    assert (alive.status, queued.status) == (Job.Status.RUNNING, Job.Status.QUEUED)


def test_the_progress_page_of_a_dead_job_says_it_failed_and_why(client, office_user):
    dead = job(minutes_ago=jobs.stale_minutes() + 1, created_by=office_user)
    client.force_login(office_user)
    page = client.get(reverse("core:job_progress", args=[dead.pk]))
    assert page.context["job"].status == Job.Status.FAILED
    body = page.content.decode()
    assert "every 2s" not in body  # the page stops polling
    assert jobs.stale_message()[:20] in body


def test_the_heartbeat_keeps_a_long_job_alive(settings):
    running = job(minutes_ago=jobs.stale_minutes() + 5)
    with task_worker.heartbeat(running.pk, every=3600):
        running.refresh_from_db()
        assert running.heartbeat_at > timezone.now() - timedelta(minutes=1)
    assert jobs.fail_stale_jobs() == 0
    assert task_worker.job_id_of(worker_tasks.flaky_import, (), {"job_id": 7}) == 7
    assert task_worker.job_id_of(worker_tasks.flaky_import, (7,), {}) == 7
