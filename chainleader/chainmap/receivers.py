"""What the chain map does when the apps below it change (their hooks.py signals, decision 0018): the maps follow
the trees, the registry and the firms' products, each derived again in the background. Connected in
ChainmapConfig.ready()."""

from __future__ import annotations

from typing import Any

from chainleader.chains import hooks as chain_hooks
from chainleader.enterprises import hooks as registry_hooks

from . import services, tasks


def tree_changed(*, chains: list[Any], actor: Any, **_kwargs: Any) -> None:
    services.map_derive_enqueue(chains=chains, actor=actor)


def registry_changed(*, enterprise_ids: list[int], actor: Any, **_kwargs: Any) -> None:
    tasks.registry_changed_task.enqueue(enterprise_ids, getattr(actor, "pk", None))


def products_changed(*, actor: Any, **_kwargs: Any) -> None:
    services.map_derive_enqueue(chains=None, actor=actor)


def connect() -> None:
    chain_hooks.tree_changed.connect(tree_changed, dispatch_uid="chainmap.tree_changed")
    registry_hooks.registry_changed.connect(registry_changed, dispatch_uid="chainmap.registry")
    registry_hooks.products_changed.connect(products_changed, dispatch_uid="chainmap.products")
