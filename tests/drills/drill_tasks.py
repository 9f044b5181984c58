"""The Excel import as a background job, for the crash drill (docs/drills.md).

The product runs an Excel import inside the request that confirms it (core.import_views, one transaction);
this task runs the same import service on the same pipeline (excel.read_rows, core.imports.run_import) in the
task worker, so the drill can kill the process in the middle of a large import and look at what is left.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django_tasks import task

from chainleader.core import excel
from chainleader.core.imports import run_import
from chainleader.core.jobs import job_finish, job_reporter


@task()
def excel_import_task(kind: str, path: str, actor_id: int, job_id: int) -> int:
    from chainleader.core.import_views import IMPORT_VIEWS

    view = IMPORT_VIEWS[kind]
    actor = get_user_model().objects.get(pk=actor_id)
    report = job_reporter(job_id)
    report(5, "reading")
    rows = excel.read_rows(Path(path), view.columns)
    report(10, f"importing {len(rows)} rows")
    plan = run_import(view.import_service, actor=actor, rows=rows, filename=Path(path).name)
    job_finish(job_id, ok=True, message=f"{len(plan.created)} created")
    return len(plan.created)
