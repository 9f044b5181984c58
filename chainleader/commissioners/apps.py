from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionersConfig(AppConfig):
    name = "chainleader.commissioners"
    verbose_name = _("Service commissioners")

    def ready(self) -> None:
        # A firm's page shows its commissioner and last visit (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks as registry_hooks

        from . import selectors

        registry_hooks.service_commissioner.supply(selectors.for_enterprise)
        registry_hooks.enterprise_panels["visits"].supply(selectors.enterprise_visits_panel)
