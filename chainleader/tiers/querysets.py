"""Scope rules of the tier pipeline: a candidate goes with its firm (the district of its territory, the chain teams
and departments of its chains); firm accounts see none of it (the office's working list, as the investment target
list is). A city target is seen by every government scope and written by the office only (services); a district's
target by that district."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import enterprise_scope_q


class TierCandidateQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(replace(scope, enterprise_ids=frozenset()), prefix="enterprise__")


class TierTargetQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        for code in scope.region_prefixes:
            q |= Q(region__code__startswith=code)
        # The city's own targets: every government scope reads them (a district through its city prefix, which
        # its writable scope drops); a firm account has none of these and sees no target.
        if scope.city_prefixes or scope.chain_ids or scope.department_ids:
            q |= Q(region__isnull=True)
        return q
