"""Scope rules of enterprise data; the policy (who has which Scope) lives in accounts.policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet, scope_for
from chainleader.core.scope import Scope


def enterprise_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Which enterprises a scope reaches; `prefix` is the lookup path to the enterprise (e.g. "enterprise__")."""
    q = Q(pk__in=[])
    for code in scope.region_prefixes:
        # A district sees the firms on its territory.
        q |= Q(**{f"{prefix}region__code__startswith": code})
    if scope.chain_ids:
        # A chain team sees firms placed in its chains' segments, wherever they are.
        q |= Q(**{f"{prefix}placements__segment__chain__in": scope.chain_ids})
    if scope.department_ids:
        # A department sees the firms of the chains it leads.
        q |= Q(**{f"{prefix}placements__segment__chain__lead_department__in": scope.department_ids})
    if scope.enterprise_ids:
        q |= Q(**{f"{prefix}pk__in": scope.enterprise_ids})
    return q


class EnterpriseQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope)

    def above_size(self) -> EnterpriseQuerySet:
        return self.filter(above_size=True)


class EnterpriseChildQuerySet(ScopedQuerySet):
    """Rows that belong to one enterprise (tiers, products, contacts) share its scope."""

    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="enterprise__")


class ConfidentialQuerySet(EnterpriseChildQuerySet):
    """Yearly figures (tax, revenue, energy ...): only scopes granted confidential access see any row."""

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if not scope_for(user).confidential:
            return self.none()
        return super().for_user(user, write=write)
