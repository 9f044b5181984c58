"""Scope rules of investment attraction: target lists and leaf opportunities go with their chain; a lead with its
chain or with the district that would host it. Firm accounts see none of it (a target list is the office's own
working paper), though they see the chains they are placed in."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q

from chainleader.chains.querysets import chain_scope_q
from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope


def _office_q(scope: Scope, prefix: str) -> Q:
    return chain_scope_q(replace(scope, enterprise_ids=frozenset()), prefix=prefix)


class TargetQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return _office_q(scope, "chain__")


class LeafOpportunityQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return _office_q(scope, "segment__chain__")


def lead_scope_q(scope: Scope, prefix: str = "") -> Q:
    q = _office_q(scope, f"{prefix}chain__")
    for code in scope.region_prefixes:
        q |= Q(**{f"{prefix}district__code__startswith": code})
    return q


class LeadQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return lead_scope_q(scope)


class LeadStepQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return lead_scope_q(scope, prefix="lead__")
