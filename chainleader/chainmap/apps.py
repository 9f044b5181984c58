from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainmapConfig(AppConfig):
    name = "chainleader.chainmap"
    verbose_name = _("Chain maps")

    def ready(self) -> None:
        # The chain map is built on chains and the registry: it answers their hooks and follows their changes
        # (chains/hooks.py, enterprises/hooks.py; decision 0018).
        from chainleader.chains import hooks as chain_hooks
        from chainleader.enterprises import hooks as registry_hooks

        from . import receivers, selectors

        chain_hooks.segment_badges.supply(selectors.segment_badges)
        registry_hooks.listed_firm_products.supply(selectors.listed_firm_products)
        registry_hooks.product_graph_ready.supply(selectors.product_graph_ready)
        receivers.connect()
