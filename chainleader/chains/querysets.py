"""Scope rules of chain data; the policy (who has which Scope) lives in accounts.policy."""

from __future__ import annotations

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope


def chain_scope_q(scope: Scope, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    if scope.chain_ids:
        q |= Q(**{f"{prefix}pk__in": scope.chain_ids})
    for code in scope.region_prefixes:
        # A district sees its own chains ...
        q |= Q(**{f"{prefix}region__code__startswith": code})
    for code in scope.city_prefixes:
        # ... and the city-level chains of its city, which reach into its territory.
        q |= Q(**{f"{prefix}region__code": code, f"{prefix}level": "city"})
    if scope.department_ids:
        q |= Q(**{f"{prefix}lead_department__in": scope.department_ids})
    if scope.enterprise_ids:
        # A firm sees the chains it is placed in.
        q |= Q(**{f"{prefix}segments__placements__enterprise__in": scope.enterprise_ids})
    return q


class ChainQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return chain_scope_q(scope)


class ChainChildQuerySet(ScopedQuerySet):
    """Segments, targets: visible with their chain."""

    def scope_filter(self, scope: Scope) -> Q:
        return chain_scope_q(scope, prefix="chain__")


class PlacementQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return chain_scope_q(scope, prefix="segment__chain__")
