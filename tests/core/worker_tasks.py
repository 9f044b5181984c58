"""Tasks the worker tests enqueue (module-level, as the database backend requires)."""

from __future__ import annotations

from django.db import OperationalError
from django_tasks import task

from chainleader.core.jobs import job_finish, job_reporter

CALLS = {"n": 0, "fail": 2}


@task()
def flaky_import(job_id: int | None = None) -> int:
    """Meets "database is locked" the first CALLS["fail"] times, as a long import beside a busy writer did."""
    CALLS["n"] += 1
    job_reporter(job_id)(20, "reading")
    if CALLS["n"] <= CALLS["fail"]:
        raise OperationalError("database is locked")
    job_finish(job_id, ok=True, message="imported")
    return CALLS["n"]
