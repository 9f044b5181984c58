from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "chainleader.matching"
    verbose_name = _("Supply and demand matching")

    def ready(self) -> None:
        # A firm's page shows its matches (enterprises/hooks.py; decision 0018).
        from chainleader.enterprises import hooks as registry_hooks

        from . import selectors

        registry_hooks.enterprise_panels["matches"].supply(selectors.enterprise_matches_panel)
