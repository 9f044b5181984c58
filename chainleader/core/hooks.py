"""Hooks: how a lower app asks an upper app for something without importing it (decision 0018).

The apps import each other along declared edges only, one way (pyproject.toml's import-linter contracts): the
chain map reads the chains and the registry, the four lists read the projects. When a lower app's page must
show something an upper app owns (a chain page shows each segment's map status; the project pages show the four
lists' counts), the lower app declares a Hook in its ``hooks.py``: what it asks, and what it gets when no app
supplies an answer. The upper app supplies the function in its ``AppConfig.ready()``. The upper app imports the
lower one, never the reverse, and ``grep -rn "<hook>.supply"`` finds the supplier.

What an upper app must do after a lower app's change (the registry changed: derive the maps again) is a Django
signal declared in the same ``hooks.py``, sent where the change is made, received in the upper app's ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """One function a lower app calls and an upper app supplies; unsupplied, it answers with ``default``."""

    def __init__(self, name: str, default: Callable[P, R]) -> None:
        self.name = name
        self.default = default
        self.supplier: Callable[P, R] | None = None

    def supply(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Name the function that answers (once, from the supplying app's ready(); again with the same one
        is harmless: ready() may run twice in a test process)."""
        if self.supplier is not None and self.supplier is not fn:
            raise RuntimeError(f"hook {self.name} is supplied twice")
        self.supplier = fn
        return fn

    @property
    def supplied(self) -> bool:
        return self.supplier is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        fn = self.supplier or self.default
        return fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"
