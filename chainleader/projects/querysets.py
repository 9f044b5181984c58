"""Scope rules of project data, written once; the policy (who has which Scope) lives in accounts.policy.

- A project: its chain's team (chain_ids); the district whose territory holds it (region code prefix); the
  department that leads its chain or has one of its problems assigned; the investor firm. Departments and firms
  only read: writes need an editor role (views and services check it, as everywhere in the platform).
- A problem: the chain team, the district of the project (or the district that raised it), the raiser's unit,
  the assigned department; the office sees everything through its Scope. A firm request (企业诉求) also reaches
  the firm that raised it and the district of that firm.
- A 集中开工 batch: its district (and, read-only, every district of its city for a city-wide batch), and
  whoever sees one of its projects.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope


def project_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Which projects a scope reaches; `prefix` is the lookup path to the project (e.g. "project__")."""
    q = Q(pk__in=[])
    if scope.chain_ids:
        q |= Q(**{f"{prefix}chain__in": scope.chain_ids})
    for code in scope.region_prefixes:
        q |= Q(**{f"{prefix}district__code__startswith": code})
    if scope.department_ids:
        q |= Q(**{f"{prefix}chain__lead_department__in": scope.department_ids})
        q |= Q(**{f"{prefix}problems__department__in": scope.department_ids})
    if scope.enterprise_ids:
        q |= Q(**{f"{prefix}investor__in": scope.enterprise_ids})
    return q


def problem_scope_q(scope: Scope, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    if scope.chain_ids:
        q |= Q(**{f"{prefix}chain__in": scope.chain_ids})
    for code in scope.region_prefixes:
        q |= Q(**{f"{prefix}region__code__startswith": code})
        q |= Q(**{f"{prefix}project__district__code__startswith": code})
        # A firm request (企业诉求) reaches the district of the firm that raised it.
        q |= Q(**{f"{prefix}enterprise__region__code__startswith": code})
    if scope.department_ids:
        q |= Q(**{f"{prefix}department__in": scope.department_ids})
        q |= Q(**{f"{prefix}raised_by_unit__in": scope.department_ids})
    if scope.enterprise_ids:
        # A firm sees its own requests only (never another firm's, nor the ledger of its chain).
        q |= Q(**{f"{prefix}enterprise__in": scope.enterprise_ids})
    return q


class ProjectQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return project_scope_q(scope)

    def above_100m(self) -> ProjectQuerySet:
        """亿元以上项目."""
        from .models import BAND_ABOVE_100M_YI

        return self.filter(total_investment_yi__gte=BAND_ABOVE_100M_YI)

    def big(self) -> ProjectQuerySet:
        """Projects of ≥ 20亿."""
        from .models import BAND_BIG_YI

        return self.filter(total_investment_yi__gte=BAND_BIG_YI)

    def lagging(self) -> ProjectQuerySet:
        return self.filter(is_lagging=True)

    def signed_in(self, year: int) -> ProjectQuerySet:
        return self.filter(signed_on__year=year)


class ProjectChildQuerySet(ScopedQuerySet):
    """Monthly reports and stage changes: visible with their project."""

    def scope_filter(self, scope: Scope) -> Q:
        return project_scope_q(scope, prefix="project__")


def overdue_q(today: date) -> Q:
    """The one rule of an overdue problem: assigned to a department and not answered by its deadline (the day
    of the deadline is still on time). Lists, counts, filters, ordering, badges and the escalation use it."""
    return Q(status="assigned", deadline__lt=today)


class ProblemQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return problem_scope_q(scope)

    def open(self) -> ProblemQuerySet:
        return self.exclude(status="closed")

    def overdue(self, today: date) -> ProblemQuerySet:
        """Assigned and not answered by the deadline: escalates to the chain leader."""
        return self.filter(overdue_q(today))


class ProblemChildQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return problem_scope_q(scope, prefix="problem__")


class BatchQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        from .models import Project

        q = Q(pk__in=[])
        for code in scope.region_prefixes:
            q |= Q(region__code__startswith=code)
        for code in scope.city_prefixes:
            # A city-wide batch reaches into every district of the city (read-only: for_write drops these).
            q |= Q(region__code=code)
        if scope.chain_ids or scope.department_ids or scope.enterprise_ids:
            # Chains, departments and firms reach a batch through its projects; a district's territory does
            # not, or a district could change a city-wide batch holding one of its projects.
            reach = replace(scope, region_prefixes=(), city_prefixes=())
            q |= Q(projects__in=Project._base_manager.filter(project_scope_q(reach)).values("pk"))
        return q


class NotificationQuerySet(models.QuerySet):
    """Notifications belong to one user: nobody else sees them, whatever the role."""

    def for_user(self, user: Any, *, write: bool = False) -> NotificationQuerySet:
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not getattr(user, "is_active", False)
        ):
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class BriefQuerySet(models.QuerySet):
    """Brief snapshots are read only by the brief service, per user scope key."""

    def for_user(self, user: Any, *, write: bool = False) -> BriefQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)
