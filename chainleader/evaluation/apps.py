from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "chainleader.evaluation"
    verbose_name = _("Per-mu yield evaluation")
