"""Hooks (core.hooks, decision 0018): every hook a lower app declares is supplied by the app above it once the
apps are loaded, every change signal has its receiver, and a hook answers with its default until supplied."""

from __future__ import annotations

import pytest
from django.dispatch import Signal

from chainleader.chains import hooks as chain_hooks
from chainleader.core.hooks import Hook
from chainleader.enterprises import hooks as registry_hooks
from chainleader.projects import hooks as project_hooks

DECLARING = (chain_hooks, registry_hooks, project_hooks)


def test_every_declared_hook_is_supplied_and_every_signal_received():
    seen = 0
    for module in DECLARING:
        for name, value in vars(module).items():
            if (
                isinstance(value, dict)
                and value
                and all(isinstance(h, Hook) for h in value.values())
            ):
                # A family of hooks (the firm page's sections, enterprises.hooks.enterprise_panels).
                for key, hook in value.items():
                    assert hook.supplied, f"{module.__name__}.{name}[{key!r}] has no supplier"
                    seen += 1
            elif isinstance(value, Hook):
                assert value.supplied, f"{module.__name__}.{name} has no supplier"
                seen += 1
            elif isinstance(value, Signal):
                assert value.has_listeners(), f"{module.__name__}.{name} has no receiver"
                seen += 1
    # 13 single hooks and signals (since 2026-12-07: chain targets with actuals, meeting outcomes in the brief, a
    # project's origins, a firm's project investment), 7 sections of the firm page
    assert seen == 20


def test_a_hook_answers_with_its_default_until_one_function_is_supplied():
    hook: Hook[[int], int] = Hook("test.double", lambda n: 0)
    assert hook(21) == 0

    def double(n: int) -> int:
        return 2 * n

    hook.supply(double)
    hook.supply(double)  # ready() may run twice: the same function again is harmless
    assert hook(21) == 42
    with pytest.raises(RuntimeError):
        hook.supply(lambda n: n)
