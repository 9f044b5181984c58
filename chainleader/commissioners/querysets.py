"""Scope rules of service commissioners, and the one overdue rule.

An assignment (and its visits) goes with its firm: a district sees its territory's firms, a chain team the firms
of its chains, a department the firms of the chains it leads, the office all, a firm account its own firm's
(read only: services refuse it every write). A commissioner also sees the assignments they hold, whatever their
role's scope (a department cadre serving a firm of a chain their department does not lead)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import enterprise_scope_q

# Roles that never hold or see an assignment as its commissioner: the three administrators (TP1) and firms.
NOT_COMMISSIONER_ROLES = ("system_admin", "security_admin", "audit_admin", "enterprise")


def _may_hold(user: Any) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", "") not in NOT_COMMISSIONER_ROLES
        and bool(getattr(user, "role", ""))
    )


class AssignmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="enterprise__")

    def for_user(self, user: Any, *, write: bool = False) -> Any:
        base = super().for_user(user, write=write)
        if write or not _may_hold(user):
            return base
        # The commissioner reads their own assignments (writes: services.may_log_visit).
        inner = self.model._base_manager.filter(commissioner=user).values("pk")
        return base | self.filter(pk__in=inner)

    def current(self) -> AssignmentQuerySet:
        return self.filter(until__isnull=True)

    def overdue(self, on: date | None = None) -> AssignmentQuerySet:
        """Current assignments whose next visit was due before ``on`` (default today): the last visit (or the
        assignment's start, when there was none) is older than the visit interval. The one overdue rule."""
        today = on or timezone.localdate()
        return self.filter(until__isnull=True, due_on__lt=today)


class VisitQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return enterprise_scope_q(scope, prefix="assignment__enterprise__")

    def for_user(self, user: Any, *, write: bool = False) -> Any:
        base = super().for_user(user, write=write)
        if write or not _may_hold(user):
            return base
        inner = self.model._base_manager.filter(assignment__commissioner=user).values("pk")
        return base | self.filter(pk__in=inner)
