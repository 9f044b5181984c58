"""What a chain's page shows of the apps built on chains, and what those apps follow (core.hooks, decision 0018).

The chain map (chainmap) sits above chains: it reads the trees and the firms placed in them, and supplies and
receives these in its AppConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from chainleader.core.hooks import Hook


def _no_badges(user: Any, chain: Any) -> dict[int, tuple[str, str]]:
    return {}


# Each segment's map status on the chain page, {segment id: (label, colour)}, from the user's view of the chain's
# derived map ({} before the first derivation). chainmap.selectors.segment_badges.
segment_badges: Hook[[Any, Any], dict[int, tuple[str, str]]] = Hook(
    "chains.segment_badges", _no_badges
)


def _no_links(user: Any, chain: Any) -> list[tuple[str, str]]:
    return []


# Links the chain's targets card shows, [(label, url)], for the user (the indicator system's page of the chain's
# targets with their actuals and attainment). indicators.selectors.chain_links.
target_links: Hook[[Any, Any], list[tuple[str, str]]] = Hook("chains.target_links", _no_links)

# Sent after a segment of a chain's tree was saved on the chain pages, with chains=[the chain] and actor=the user:
# the map follows the tree, so chainmap queues the derivation of that chain's map once the edit is committed.
tree_changed = Signal()
