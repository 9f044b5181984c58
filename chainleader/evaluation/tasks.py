"""Background work of the evaluation: the yearly run, a thin wrapper that reports into its Job row."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def evaluation_run_task(run_id: int, actor_id: int | None, job_id: int | None) -> int:
    """Compute a run (services.evaluation_run_compute) with progress in the Job row; returns the result count."""
    from chainleader.core.jobs import job_finish, job_reporter

    from .models import EvaluationRun
    from .services import evaluation_run_compute

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    run = EvaluationRun.objects.get(pk=run_id)
    try:
        run = evaluation_run_compute(run=run, actor=actor, progress=job_reporter(job_id))
    except Exception as exc:
        job_finish(job_id, ok=False, message=str(exc))
        raise
    firms = int(run.counts.get("firms", 0))
    job_finish(
        job_id,
        ok=True,
        message=_("%(firms)s firms evaluated, %(graded)s graded.")
        % {"firms": firms, "graded": run.counts.get("graded", 0)},
        result_url=reverse("evaluation:run_detail", args=[run.pk]),
    )
    return firms
