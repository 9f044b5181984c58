"""Background work of the indicator system: the daily computed actuals and early warnings (the pattern of
projects/tasks.py mark_lagging_daily)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services

DAILY_AT = time(2, 0)  # local time: after the projects' lagging check (01:30)


def daily(today: Any = None) -> dict[str, Any]:
    """Compute this year's actuals (the year so far and the current month) and raise the day's warnings."""
    today = today or timezone.localdate()
    computed = services.compute_actuals(today.year, 0) + services.compute_actuals(
        today.year, today.month
    )
    raised = services.run_warnings(today=today)
    return {"computed": computed, "warnings": raised}


@task()
def run_warnings_daily(reschedule: bool = False) -> dict[str, Any]:
    summary = daily()
    if reschedule:
        schedule_next()
    return summary


def next_run(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def schedule_next() -> bool:
    """Queue tomorrow's run with the worker (database backend); a cron job can call `run_warnings` instead."""
    backend = run_warnings_daily.get_backend()
    if not getattr(backend, "supports_defer", False):
        return False
    try:  # one pending run at a time
        from django_tasks_db.models import DBTaskResult

        pending = DBTaskResult.objects.filter(
            task_path=run_warnings_daily.module_path,
            status="READY",
            run_after__gt=timezone.now(),
        )
        if pending.exists():
            return False
    except (ImportError, LookupError):
        pass
    run_warnings_daily.using(run_after=next_run()).enqueue(reschedule=True)
    return True
