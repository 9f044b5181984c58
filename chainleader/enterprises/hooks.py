"""What the registry's pages and product suggestions read of the apps built on it, and what those apps follow
(core.hooks, decision 0018).

The chain map (chainmap) and the evaluation sit above the registry: they read firms, products and figures. They
supply and receive these in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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


def _no_investment(enterprise: Any, user: Any) -> dict[int, Any]:
    return {}


# The investment completed by the projects the firm invests in, per year (亿元, from the projects' monthly
# reports), as the user sees those projects; a growth plan shows it beside the investment its plan tracks (issue
# 15). projects.selectors.firm_investment_by_year.
firm_project_investment: Hook[[Any, Any], dict[int, Any]] = Hook(
    "enterprises.firm_project_investment", _no_investment
)

# Sent once a registry import is committed, with enterprise_ids=[the firms written] and actor: chainmap links them
# to listed companies, takes over their products and derives the chain maps again (in the background).
registry_changed = Signal()

# Sent when firms' products changed (suggested products confirmed), with actor: placement and relatedness read
# them, so chainmap derives every chain map again (in the background).
products_changed = Signal()


# --- the firm's whole record (issue 15 item 5) ---------------------------------------------------------------


@dataclass
class PanelRow:
    """One line of a section on the firm's page: what it is, where it leads, and a short note (stage, date)."""

    text: str
    url: str = ""
    note: str = ""


@dataclass
class Panel:
    """A section of the firm's page an app above the registry supplies: its rows the user may see (the latest
    few), how many there are in all, and the app's list narrowed to this firm."""

    key: str
    title: str
    count: int
    rows: list[PanelRow] = field(default_factory=list)
    all_url: str = ""


# The sections of the firm's page, in the page's order. Each key is supplied by one app above the registry in its
# ready() with a function (enterprise, user) -> Panel | None (None: the user sees no such section); grep
# "enterprise_panels.supply" finds them.
PANEL_ORDER = ("projects", "leads", "matches", "requests", "visits", "candidates", "plans")
PANEL_ROWS = 5


def _no_panel(enterprise: Any, user: Any) -> Panel | None:
    return None


enterprise_panels: dict[str, Hook[[Any, Any], Panel | None]] = {
    key: Hook(f"enterprises.panel.{key}", _no_panel) for key in PANEL_ORDER
}


def panels_for(enterprise: Any, user: Any) -> list[Panel]:
    """The sections of ``enterprise``'s page for ``user``, in PANEL_ORDER; each costs its app a fixed number of
    queries (a count and the latest PANEL_ROWS rows)."""
    found = (enterprise_panels[key](enterprise, user) for key in PANEL_ORDER)
    return [p for p in found if p is not None]
