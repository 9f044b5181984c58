"""Scope rules of parks and land zones."""

from __future__ import annotations

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope


class ParkQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        for code in scope.region_prefixes:
            q |= Q(region__code__startswith=code)
        if scope.chain_ids:
            q |= Q(chains__in=scope.chain_ids)
        if scope.department_ids:
            q |= Q(chains__lead_department__in=scope.department_ids)
        if scope.enterprise_ids:
            q |= Q(enterprises__in=scope.enterprise_ids)
        return q


class LandZoneQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        for code in scope.region_prefixes:
            q |= Q(region__code__startswith=code)
        return q
