from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    name = "chainleader.tiers"
    verbose_name = _("Tier pipeline")

    def ready(self) -> None:
        # A firm's page shows its tier candidacies (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks as registry_hooks

        from . import selectors

        registry_hooks.enterprise_panels["candidates"].supply(selectors.enterprise_candidates_panel)
