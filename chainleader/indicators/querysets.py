"""Scope rules of the indicator system (decision 0026).

| what                  | office, 总链长 | district                                  | chain team       | department                          | firm |
|-----------------------|---------------|-------------------------------------------|------------------|-------------------------------------|------|
| indicator library     | all           | all                                       | all              | all                                 | none |
| targets, values       | all           | its own district, its chains, the city's (read) | its chains | the indicators it owns, its chains | none |
| warnings              | all           | its district's, its chains'               | its chains'      | its units', its chains' (no sealed) | none |
| relocation flags      | all           | its firms                                 | its chains' firms| its chains' firms                   | none |

A district writes its own subjects only: the city's rows come through city_prefixes, which the writable scope
drops (Scope.for_write).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db.models import Q

from chainleader.chains.querysets import chain_scope_q
from chainleader.core.querysets import ScopedQuerySet, scope_for
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import enterprise_scope_q


def _government(scope: Scope) -> bool:
    return bool(
        scope.region_prefixes or scope.city_prefixes or scope.chain_ids or scope.department_ids
    )


def _no_firm(scope: Scope) -> Scope:
    return replace(scope, enterprise_ids=frozenset())


class IndicatorQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return Q() if _government(scope) else Q(pk__in=[])


class SubjectQuerySet(ScopedQuerySet):
    """Targets and values: by their subject (the city, a district, a chain)."""

    def scope_filter(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        for code in scope.region_prefixes:
            q |= Q(region__code__startswith=code)
        if scope.chain_ids or scope.region_prefixes or scope.department_ids:
            q |= Q(chain__isnull=False) & chain_scope_q(_no_firm(scope), prefix="chain__")
        if scope.city_prefixes:
            q |= Q(region__isnull=True, chain__isnull=True)
        if scope.department_ids:
            q |= Q(indicator__owner__in=scope.department_ids, chain__isnull=True)
        return q

    def city(self) -> SubjectQuerySet:
        return self.filter(region__isnull=True, chain__isnull=True)


class WarningQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        if not _government(scope):
            return Q(pk__in=[])
        q = Q(chain__isnull=False) & chain_scope_q(_no_firm(scope), prefix="chain__")
        for code in scope.region_prefixes:
            q |= Q(region__code__startswith=code)
        if scope.department_ids:
            q |= Q(owner_unit__in=scope.department_ids)
        if scope.city_prefixes:
            q |= Q(region__isnull=True, chain__isnull=True, indicator__isnull=False)
        return q

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        qs = super().for_user(user, write=write)
        authenticated = user is not None and getattr(user, "is_authenticated", False)
        if authenticated and not scope_for(user).confidential:
            qs = qs.filter(confidential=False)
        return qs


class RelocationFlagQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(_no_firm(scope), prefix="enterprise__")
