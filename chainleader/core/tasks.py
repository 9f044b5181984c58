"""Core's background tasks: a large list export runs in a task worker, not in a web worker (issue 13 item 4).

A list page answers an export of more than CHAINLEADER_EXPORT_ASYNC_ROWS rows with a job page; the task rebuilds
the same list view for the same user and query string (the same scope, filters, sort and columns: one code path
for both ways), writes the workbook to the default storage (the shared volume in production) and offers it on the
job page to the user who asked for it alone (core.views.JobFileView).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from .jobs import job_finish, job_reporter
from .models import Job

EXPORT_PREFIX = "exports"
EXPORT_KEEP = timedelta(days=1)


def purge_old_exports() -> int:
    """Delete the files of exports finished over a day ago (they may hold confidential figures)."""
    old = Job.objects.filter(kind="export", finished_at__lt=timezone.now() - EXPORT_KEEP).exclude(
        result_file=""
    )
    count = 0
    for pk, name in old.values_list("pk", "result_file"):
        default_storage.delete(name)
        Job.objects.filter(pk=pk).update(result_file="", result_url="")
        count += 1
    return count


def export_filename(response: Any, default: str = "export.xlsx") -> str:
    """The download name a synchronous export would have had (RFC 5987 part of Content-Disposition)."""
    disposition = response.get("Content-Disposition", "")
    marker = "filename*=UTF-8''"
    if marker in disposition:
        return unquote(disposition.split(marker, 1)[1].strip())
    return default


@task()
def export_task(
    view_path: str, path: str, query: str, kwargs: dict[str, Any], user_id: int, job_id: int
) -> int:
    """Build ``view_path``'s export for ``user_id`` as at ``path?query``; returns the number of rows."""
    report = job_reporter(job_id)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        job_finish(
            job_id,
            ok=False,
            message=_("The account that asked for this export is no longer active."),
        )
        return 0
    purge_old_exports()
    report(1, _("Preparing the export…"))
    request = RequestFactory().get(f"{path}?{query}" if query else path)
    request.user = user
    request.htmx = False  # type: ignore[attr-defined]
    view = import_string(view_path)()
    view.setup(request, **kwargs)
    try:
        qs = view.ordered_queryset()
        total = qs.count()
        done = 0
        original = view.export_objects

        def counted(queryset: Any) -> Iterable[Any]:
            nonlocal done

            def rows() -> Iterator[Any]:
                nonlocal done
                for obj in original(queryset):
                    done += 1
                    if done % 2000 == 0:
                        report(
                            min(95, 100 * done // max(total, 1)),
                            _("%(done)s of %(total)s rows written…")
                            % {"done": done, "total": total},
                        )
                    yield obj

            return rows()

        view.export_objects = counted
        response = view.export(qs)
        name = export_filename(response)
        stored = default_storage.save(
            f"{EXPORT_PREFIX}/{job_id}/{uuid.uuid4().hex}.xlsx", ContentFile(response.content)
        )
    except Exception as exc:
        job_finish(job_id, ok=False, message=getattr(exc, "message", "") or str(exc))
        raise
    Job.objects.filter(pk=job_id).update(result_file=stored, result_name=name[:200])
    job_finish(
        job_id,
        ok=True,
        message=_("Export done: %(rows)s rows.") % {"rows": total},
        result_url=reverse("core:job_file", args=[job_id]),
    )
    return total
