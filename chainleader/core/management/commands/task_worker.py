"""manage.py task_worker: django-tasks' database worker (db_worker), supervised (issue 13 items 2 and 7).

What the probe saw: during a 50,000-row import the worker exited on "database is locked" and a queued task
stayed ready with nothing to run it; a job whose worker was killed showed "running 20 %" forever. This worker

* marks the running jobs that lost their worker failed, with the reason, when it starts (core.jobs);
* never ends on a busy database: its loop waits and goes on, and any other error of the loop is logged and
  the loop starts again;
* runs a task again when it meets "database is locked" (up to 3 more times, waiting 1, 2, 4 s): every job is
  all-or-nothing and idempotent (SECURITY.md RL2, RL3), so a second run writes what one run would;
* keeps the job's heartbeat while the task runs (every 30 s), which tells a live long job from a dead one.

Options are db_worker's.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import OperationalError, close_old_connections, connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from chainleader.core.jobs import fail_stale_jobs, job_heartbeat
from chainleader.core.tasks import purge_old_exports

logger = logging.getLogger("chainleader.tasks")
T = TypeVar("T")

LOCK_RETRIES = 3
HEARTBEAT_SECONDS = 30.0
LOOP_BACKOFF_MAX = 30.0


def locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and is_locked_database_exception(exc)


def retry_on_lock(call: Callable[[], T], *, what: str, retries: int = LOCK_RETRIES) -> T:
    """``call()``, again after 1, 2, 4 s while it meets "database is locked"; the last error is raised."""
    for attempt in range(retries + 1):
        try:
            return call()
        except OperationalError as exc:
            if not locked(exc) or attempt == retries:
                raise
            wait = 2.0**attempt
            logger.warning("%s: database is locked, again in %.0f s", what, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def job_id_of(task: Any, args: Any, kwargs: Any) -> int | None:
    """The task's ``job_id`` argument (every job task takes one), or None."""
    try:
        bound = inspect.signature(task.func).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    value = bound.arguments.get("job_id")
    return value if isinstance(value, int) else None


@contextmanager
def heartbeat(job_id: int | None, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """A thread that marks the job alive every ``every`` seconds while the body runs (its own connection;
    a beat the busy database refuses is skipped)."""
    if job_id is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    job_heartbeat(job_id)
                except OperationalError as exc:
                    logger.info("job %s: heartbeat skipped (%s)", job_id, exc)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        job_heartbeat(job_id)
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


class SupervisedWorker(db_worker.Worker):
    # Loop errors in a row before the worker gives up: never in production (None); tests set a few, so a broken
    # database fails the test instead of looping.
    max_loop_errors: int | None = None

    def run(self) -> None:
        marked = retry_on_lock(fail_stale_jobs, what="stale jobs")
        if marked:
            logger.warning("%s job(s) had lost their worker: marked failed", marked)
        # Export files expire within a day (SECURITY.md DP3); each export run deletes old ones, and so does a start.
        retry_on_lock(purge_old_exports, what="old export files")
        backoff = 1.0
        errors = 0
        while self.running:
            try:
                super().run()
                return  # batch or max-tasks end, or shutdown
            except OperationalError as exc:
                if locked(exc):
                    logger.warning("worker: database is locked; going on in %.0f s", backoff)
                else:
                    logger.exception("worker: database error; going on in %.0f s", backoff)
            except Exception:
                logger.exception("worker: loop error; going on in %.0f s", backoff)
            errors += 1
            if self.max_loop_errors is not None and errors >= self.max_loop_errors:
                raise RuntimeError(f"worker: {errors} loop errors in a row")
            close_old_connections()
            time.sleep(backoff)
            backoff = min(backoff * 2, LOOP_BACKOFF_MAX)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """db_worker's run_task, with the task run again on a locked database, its result saved the same way,
        and the job's heartbeat while it runs."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            db_worker.task_started.send(sender=backend_type, task_result=task_result)
            args, kwargs = task_result.args, task_result.kwargs
            with heartbeat(job_id_of(task, args, kwargs)):
                if task.takes_context:
                    context = db_worker.TaskContext(task_result=task_result)
                    value = retry_on_lock(
                        lambda: task.call(context, *args, **kwargs), what=str(task.name)
                    )
                else:
                    value = retry_on_lock(lambda: task.call(*args, **kwargs), what=str(task.name))
            retry_on_lock(lambda: db_task_result.set_successful(value), what="task result")
            db_worker.task_finished.send(
                sender=backend_type, task_result=db_task_result.task_result
            )
        except BaseException as exc:
            logger.exception("task %s failed", db_task_result.id)
            error = exc
            retry_on_lock(lambda: db_task_result.set_failed(error), what="task result")
            try:
                sender = type(db_task_result.task.get_backend())
                failed = db_task_result.task_result
            except Exception:
                logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
            else:
                db_worker.task_finished.send(sender=sender, task_result=failed)
        finally:
            self.running_task = False
            self._run_tasks += 1


class Command(db_worker.Command):
    help = "Run the supervised background task worker (django-tasks database backend)."

    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = SupervisedWorker  # type: ignore[misc]  # db_worker.handle builds its Worker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
