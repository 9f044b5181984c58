"""Scope rules of the evaluation data; the policy (who has which Scope) lives in accounts.policy.

Results and appeals carry confidential figures (a score is made of tax and land): a user sees them only with
the confidential grant, and only for firms in their enterprise scope (enterprise_scope_q, as YearFigure).
A run in draft is the office's working copy: other scopes see runs once they are in review or published.
Department users and the three administrators see none of it (their scopes have no confidential grant).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainleader.accounts.models import Role
from chainleader.core.querysets import PublicQuerySet, ScopedQuerySet, scope_for
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import ConfidentialQuerySet

VISIBLE_STATUSES = ("reviewing", "published")  # what a scope short of "everything" sees


def _active(user: Any) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


class SchemeVersionQuerySet(ScopedQuerySet):
    """Schemes are published policy, not figures: every user with a business scope reads them."""

    def scope_filter(self, scope: Scope) -> Q:
        return Q()

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if write:
            return self.none()  # versions are never edited; a change is a new version (services)
        return super().for_user(user)


class EvaluationRunQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return Q(status__in=VISIBLE_STATUSES)

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if not _active(user) or not scope_for(user).confidential:
            return self.none()
        return super().for_user(user, write=write)

    def published(self) -> EvaluationRunQuerySet:
        return self.filter(status="published")


class EvaluationResultQuerySet(ConfidentialQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return super().scope_filter(scope) & Q(run__status__in=VISIBLE_STATUSES)

    def graded(self) -> EvaluationResultQuerySet:
        return self.filter(graded=True)


class AppealQuerySet(ConfidentialQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return super().scope_filter(scope) & Q(result__run__status__in=VISIBLE_STATUSES)

    def open(self) -> AppealQuerySet:
        return self.exclude(status="decided")


class ClassMeasureQuerySet(PublicQuerySet):
    """The measures per class are public policy; only the office changes them."""

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if write:
            if not _active(user) or getattr(user, "role", "") != Role.OFFICE:
                return self.none()
            return self
        return super().for_user(user)
