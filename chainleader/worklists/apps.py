from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistsConfig(AppConfig):
    name = "chainleader.worklists"
    verbose_name = _("The four lists")

    def ready(self) -> None:
        # The project pages and briefs show the lists' status rows (projects.hooks, decision 0018).
        from chainleader.projects import hooks

        from . import selectors

        hooks.list_status.supply(selectors.list_status)
        # The chain brief reports what became of the last chain meeting's decisions.
        hooks.meeting_outcomes.supply(selectors.meeting_outcomes)
