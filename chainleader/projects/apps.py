from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "chainleader.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # A firm's page shows the projects it invests in and its requests (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks as registry_hooks

        from . import selectors

        registry_hooks.enterprise_panels["projects"].supply(selectors.enterprise_projects_panel)
        registry_hooks.enterprise_panels["requests"].supply(selectors.enterprise_requests_panel)
        # A growth plan shows the investment its firm's projects completed (issue 15).
        registry_hooks.firm_project_investment.supply(selectors.firm_investment_by_year)
