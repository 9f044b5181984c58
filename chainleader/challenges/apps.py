from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "chainleader.challenges"
    verbose_name = _("Innovation")

    def ready(self) -> None:
        # A project born of a diagnosis's recommendation links back to it (projects/hooks.py; decision 0018).
        from chainleader.projects import hooks as project_hooks

        from . import selectors

        project_hooks.project_origins.supply(selectors.project_origins)
