"""Scope rules of challenges, scenes, labs and diagnoses.

- A challenge or a scene is *managed* by its publisher firm (a firm account), the chain team of its chain, the
  department leading its chain or publishing it, the district whose territory holds its publisher firm or whose
  chain it is on; the office manages all. Once published (not a draft, not withdrawn) every business account reads
  it, firms included, so that solvers and suppliers find it; the writable scope is the managed one only.
- An application is seen by its solver (supplier) firm and by whoever manages its challenge (scene).
- A lab goes with its host firm and with the chain of its segment; a diagnosis and a digital title with the firm.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet, scope_for
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import enterprise_scope_q


def managed_q(scope: Scope, prefix: str = "") -> Q:
    """The challenges (scenes) a scope manages; ``prefix`` is the lookup path to the challenge (scene)."""
    q = Q(pk__in=[])
    for code in scope.region_prefixes:
        q |= Q(**{f"{prefix}publisher_firm__region__code__startswith": code})
        q |= Q(**{f"{prefix}chain__region__code__startswith": code})
    if scope.chain_ids:
        q |= Q(**{f"{prefix}chain__in": scope.chain_ids})
    if scope.department_ids:
        q |= Q(**{f"{prefix}chain__lead_department__in": scope.department_ids})
        q |= Q(**{f"{prefix}publisher_unit__in": scope.department_ids})
    if scope.enterprise_ids:
        q |= Q(**{f"{prefix}publisher_firm__in": scope.enterprise_ids})
    return q


def _reaches_anything(user: Any) -> bool:
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return False
    return not scope_for(user).nothing


class _PublishedQuerySet(ScopedQuerySet):
    """Managed ones, plus the published ones for every business account (reads only)."""

    public_statuses: tuple[str, ...] = ()

    def scope_filter(self, scope: Scope) -> Q:
        return managed_q(scope)

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        own = super().for_user(user, write=write)
        if write or not _reaches_anything(user) or scope_for(user).everything:
            return own
        public = self.model._base_manager.filter(status__in=self.public_statuses).values("pk")
        managed = own.values("pk")
        return self.filter(Q(pk__in=managed) | Q(pk__in=public))


class ChallengeQuerySet(_PublishedQuerySet):
    public_statuses = ("published", "selecting", "in_progress", "accepted", "failed")


class SceneQuerySet(_PublishedQuerySet):
    public_statuses = ("published", "closed")


class ChallengeChildQuerySet(ScopedQuerySet):
    """Milestones and the acceptance: read with their challenge (its managers, and everyone once published)."""

    def scope_filter(self, scope: Scope) -> Q:
        return managed_q(scope, prefix="challenge__")

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        from .models import Challenge

        if write:
            return super().for_user(user, write=True)
        seen = Challenge.objects.for_user(user).values("pk")
        return self.filter(challenge__in=seen)


class ApplicationQuerySet(ScopedQuerySet):
    """揭榜 applications: the solver firm's own, and every application to a challenge the scope manages."""

    def scope_filter(self, scope: Scope) -> Q:
        q = managed_q(scope, prefix="challenge__")
        if scope.enterprise_ids:
            q |= Q(solver_firm__in=scope.enterprise_ids)
        return q


class SceneApplicationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        q = managed_q(scope, prefix="scene__")
        if scope.enterprise_ids:
            q |= Q(supplier__in=scope.enterprise_ids)
        return q


class LabQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        q = enterprise_scope_q(scope, prefix="host__")
        if scope.chain_ids:
            q |= Q(segment__chain__in=scope.chain_ids)
        if scope.department_ids:
            q |= Q(segment__chain__lead_department__in=scope.department_ids)
        return q


class FirmOwnedQuerySet(ScopedQuerySet):
    """Diagnoses and digital titles: with their firm (district by territory, chain teams by placement, the firm)."""

    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="enterprise__")


class RecommendationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="diagnosis__enterprise__")
