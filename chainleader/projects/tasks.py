"""Background work of the projects app: the daily lagging check and problem escalation."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services

DAILY_AT = time(1, 30)  # local time: after the day's reports, before the office opens


@task()
def mark_lagging_daily(reschedule: bool = False) -> dict[str, Any]:
    """Mark lagging projects, notify their owners, escalate overdue problems (thin wrapper on services)."""
    summary = services.projects_mark_lagging()
    summary["escalated"] = services.problems_escalate_overdue()
    if reschedule:
        schedule_next()
    return summary


def next_run(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def schedule_next() -> bool:
    """Queue tomorrow's run with the worker (database backend); a cron job can call `mark_lagging` instead."""
    backend = mark_lagging_daily.get_backend()
    if not getattr(backend, "supports_defer", False):
        return False
    try:  # one pending run at a time, however often this is called
        from django_tasks_db.models import DBTaskResult

        pending = DBTaskResult.objects.filter(
            task_path=mark_lagging_daily.module_path, status="READY", run_after__gt=timezone.now()
        )
        if pending.exists():
            return False
    except (ImportError, LookupError):
        pass
    mark_lagging_daily.using(run_after=next_run()).enqueue(reschedule=True)
    return True
