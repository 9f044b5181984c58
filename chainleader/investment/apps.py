from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "chainleader.investment"
    verbose_name = _("Investment attraction")

    def ready(self) -> None:
        # A firm's page shows the leads on it (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks as registry_hooks

        from . import selectors

        registry_hooks.enterprise_panels["leads"].supply(selectors.enterprise_leads_panel)
