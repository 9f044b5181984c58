"""Progress of background jobs: a task reports into its Job row; the page polls it (htmx, not activity)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

# Sent with ``job_ids`` when running jobs are marked failed because their worker was lost (fail_stale_jobs).
job_lost = Signal()


def job_create(*, kind: str, actor: Any) -> Job:
    return Job.objects.create(kind=kind, created_by=actor if getattr(actor, "pk", None) else None)


def job_reporter(job_id: int | None) -> Callable[[int, str], None]:
    """A progress callback that writes straight to the Job row (autocommit, outside the task's work)."""

    def report(pct: int, message: str) -> None:
        if job_id is not None:
            Job.objects.filter(pk=job_id).update(
                status=Job.Status.RUNNING,
                progress=max(0, min(int(pct), 100)),
                message=str(message)[:500],
                heartbeat_at=timezone.now(),
            )

    return report


def job_finish(job_id: int | None, *, ok: bool, message: str = "", result_url: str = "") -> None:
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE if ok else Job.Status.FAILED,
            progress=100 if ok else 0,
            message=str(message)[:4000],
            result_url=result_url,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )


def job_heartbeat(job_id: int | None) -> None:
    """A sign of life of the worker running the job (the task worker sends one every 30 s)."""
    if job_id is not None:
        Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            heartbeat_at=timezone.now()
        )


def stale_minutes() -> int:
    return int(getattr(settings, "CHAINLEADER_JOB_STALE_MINUTES", 15))


def stale_jobs() -> Any:
    """Running jobs without a sign of life (progress or heartbeat) for CHAINLEADER_JOB_STALE_MINUTES: their
    worker was killed or died (issue 13 item 2)."""
    cutoff = timezone.now() - timedelta(minutes=stale_minutes())
    return Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


def stale_message() -> str:
    return _(
        "The background process stopped: no sign of life for %(minutes)s minutes. What it had not finished "
        "was not saved. Start the job again."
    ) % {"minutes": stale_minutes()}


def fail_stale_jobs(*, pk: int | None = None) -> int:
    """Mark stale running jobs failed with the reason, so no page shows "running 20 %" forever; they can be
    started again (every job is all-or-nothing and idempotent: SECURITY.md RL2, RL3). Called when a task
    worker starts and when a job's progress is read. Returns how many were marked."""
    jobs = stale_jobs()
    if pk is not None:
        jobs = jobs.filter(pk=pk)
    lost = list(jobs.values_list("pk", flat=True))
    if not lost:
        return 0
    # One transaction: a job shows failed only once what its killed run left is removed (a job that commits
    # in steps, as the evaluation's result batches; issue 13 item 2, docs/drills.md).
    with transaction.atomic():
        marked = Job.objects.filter(pk__in=lost, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, message=stale_message(), finished_at=timezone.now()
        )
        job_lost.send(sender=Job, job_ids=lost)
    return marked


def refresh_planner_statistics(*tables: str) -> None:
    """After a bulk load, let PostgreSQL's planner see the new rows (autovacuum would, later): without this,
    the empty-table estimates pick nested loops that turn a chart aggregate over a few thousand rows into
    minutes. ANALYZE may run inside a transaction and counts the transaction's own new rows. No-op on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if tables:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # nosec B608
        else:
            cursor.execute("ANALYZE")
