"""Progress of background jobs: a task reports into its Job row; the page polls it (htmx, not activity)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .models import Job


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
        )


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
