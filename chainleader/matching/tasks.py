"""Background tasks of matching (卡位入链, django-tasks): the office's full matching run."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def match_run_task(actor_id: int | None, job_id: int | None) -> int:
    """Run ``services.match_run`` for every open need in the actor's scope; progress and result in the Job row
    (a refusal or a crash marks the Job failed). Returns the number of new matches."""
    from chainleader.core.jobs import job_finish, job_reporter

    from .services import match_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    job_reporter(job_id)(5, _("Matching the open needs against the open offers…"))
    try:
        new = match_run(actor=actor)
    except Exception as exc:
        job_finish(job_id, ok=False, message=getattr(exc, "message", "") or str(exc))
        raise
    job_finish(
        job_id,
        ok=True,
        message=_("Matching done: %(new)s new matches pushed.") % {"new": new},
        result_url=reverse("matching:match_list"),
    )
    return new
