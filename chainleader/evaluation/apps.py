from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "chainleader.evaluation"
    verbose_name = _("Per-mu yield evaluation")

    def ready(self) -> None:
        # A firm's page shows its latest result (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks

        from . import selectors

        hooks.latest_evaluation.supply(selectors.latest_result_for)

        # A computation whose worker was killed leaves no half of its results (docs/drills.md).
        from chainleader.core import jobs

        from . import receivers

        jobs.job_lost.connect(receivers.jobs_lost, dispatch_uid="evaluation.jobs_lost")
