from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "chainleader.indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # The indicator system is built on chains: it answers the chain page's hook (chains/hooks.py; decision
        # 0018) with the link to the chain's targets, actuals and attainment.
        from chainleader.chains import hooks as chain_hooks

        from . import selectors

        chain_hooks.target_links.supply(selectors.chain_links)
