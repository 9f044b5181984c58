"""Scope rules of matching (卡位入链): a need or offer is seen where its firm is (district by territory, chain team
by placement, a firm itself) and by the chain it is published for; a match by whoever sees its need or its offer."""

from __future__ import annotations

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import enterprise_scope_q


def listing_scope_q(scope: Scope, prefix: str = "") -> Q:
    q = enterprise_scope_q(scope, prefix=f"{prefix}enterprise__")
    if scope.chain_ids:
        q |= Q(**{f"{prefix}chain__in": scope.chain_ids})
    if scope.department_ids:
        q |= Q(**{f"{prefix}chain__lead_department__in": scope.department_ids})
    return q


class ListingQuerySet(ScopedQuerySet):
    """Needs and offers."""

    def scope_filter(self, scope: Scope) -> Q:
        return listing_scope_q(scope)

    def open(self) -> ListingQuerySet:
        return self.filter(is_open=True)


class MatchQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        # A firm sees the matches of its own needs and of its own offers, nobody else's.
        return listing_scope_q(scope, prefix="need__") | listing_scope_q(scope, prefix="offer__")

    def dealt(self) -> MatchQuerySet:
        return self.filter(status="dealt")
