"""Scope rules of growth plans: a plan goes with its firm (enterprises.querysets): a district sees its firms'
plans, a chain team the plans of firms placed in its chains, a firm its own (read-only: firms are no editors)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet, scope_for
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import enterprise_scope_q


class GrowthPlanQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="enterprise__")


class PlanChildQuerySet(ScopedQuerySet):
    """A plan's year targets and measures share the plan's scope."""

    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="plan__enterprise__")


class PlanYearQuerySet(PlanChildQuerySet):
    """A plan's years are all figures (targets and investment made): only scopes granted confidential figures
    see any row, as with the yearly figures (enterprises.querysets.ConfidentialQuerySet)."""

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if not scope_for(user).confidential:
            return self.none()
        return super().for_user(user, write=write)
