from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "chainleader.growth"
    verbose_name = _("Growth plans")

    def ready(self) -> None:
        # A firm's page shows its growth plans (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks as registry_hooks

        from . import selectors

        registry_hooks.enterprise_panels["plans"].supply(selectors.enterprise_plans_panel)
