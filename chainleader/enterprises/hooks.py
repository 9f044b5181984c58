"""What the registry's pages and product suggestions read of the apps built on it, and what those apps follow
(core.hooks, decision 0018).

The chain map (chainmap) and the evaluation sit above the registry: they read firms, products and figures. They
supply and receive these in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import Signal

from chainleader.core.hooks import Hook


def _no_result(enterprise: Any, user: Any) -> Any:
    return None


def _no_listed_firms() -> tuple[Iterable[tuple[Any, ...]], Iterable[tuple[Any, ...]]]:
    return [], []


def _no_graph() -> bool:
    return False


# The firm's most recent per-mu evaluation result the user may see, for the firm's page (None: none).
# evaluation.selectors.latest_result_for.
latest_evaluation: Hook[[Any, Any], Any] = Hook("enterprises.latest_evaluation", _no_result)

# The firm's current service commissioner and last visit the user may see, for the firm's page (None: none).
# commissioners.selectors.for_enterprise.
service_commissioner: Hook[[Any, Any], Any] = Hook("enterprises.service_commissioner", _no_result)

# The listed firms of the product graph, which product suggestions learn from beside the registry's own firms:
# (rows of (id, short name, full name, Shenwan industry code) by id, rows of (company id, product id, weight,
# product name)). chainmap.selectors.listed_firm_products.
listed_firm_products: Hook[[], tuple[Iterable[tuple[Any, ...]], Iterable[tuple[Any, ...]]]] = Hook(
    "enterprises.listed_firm_products", _no_listed_firms
)

# Whether the product graph has listed firms' products to learn from. chainmap.selectors.product_graph_ready.
product_graph_ready: Hook[[], bool] = Hook("enterprises.product_graph_ready", _no_graph)

# Sent once a registry import is committed, with enterprise_ids=[the firms written] and actor: chainmap links them
# to listed companies, takes over their products and derives the chain maps again (in the background).
registry_changed = Signal()

# Sent when firms' products changed (suggested products confirmed), with actor: placement and relatedness read
# them, so chainmap derives every chain map again (in the background).
products_changed = Signal()
