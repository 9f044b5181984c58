"""Scope rules of the policy library and 免申即享 (decision 0029).

Policies and their items are public documents once published: every signed-in user with a business scope reads
the published ones; drafts are the office's working copies. Only the office writes policies, runs eligibility,
confirms results and records payments. Results and payments are a firm's confidential data (their reasons and
amounts are made of its yearly figures): a scope sees them only with the confidential grant and only for firms
in its enterprise scope, as the yearly figures (enterprises.querysets.ConfidentialQuerySet); a firm account
sees its own. A run holds only counts: the confidential scopes other than firm accounts read it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainleader.accounts.models import Role
from chainleader.core.querysets import ScopedQuerySet, scope_for
from chainleader.core.scope import Scope
from chainleader.enterprises.querysets import ConfidentialQuerySet

PUBLISHED = "published"


def _active(user: Any) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def _office_only(user: Any) -> bool:
    return _active(user) and getattr(user, "role", "") == Role.OFFICE


class _OfficeWrites(ScopedQuerySet):
    path = ""

    def scope_filter(self, scope: Scope) -> Q:
        return Q(**{f"{self.path}status": PUBLISHED})

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if write:
            return self if _office_only(user) else self.none()
        return super().for_user(user)


class PolicyQuerySet(_OfficeWrites):
    path = ""

    def published(self) -> PolicyQuerySet:
        return self.filter(status=PUBLISHED)


class PolicyItemQuerySet(_OfficeWrites):
    path = "policy__"


class PolicyItemVersionQuerySet(_OfficeWrites):
    path = "item__policy__"


class EligibilityRunQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return Q()

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if not _active(user) or not scope_for(user).confidential:
            return self.none()
        if getattr(user, "role", "") == Role.ENTERPRISE:
            return self.none()  # a firm sees its own results, not the run over every firm
        if write:
            return self if _office_only(user) else self.none()
        return super().for_user(user)


class EligibilityResultQuerySet(ConfidentialQuerySet):
    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if write and not _office_only(user):
            return self.none()
        return super().for_user(user, write=write)

    def eligible(self) -> EligibilityResultQuerySet:
        return self.filter(eligible=True)


class PaymentQuerySet(EligibilityResultQuerySet):
    pass


class MeasureRuleQuerySet(ScopedQuerySet):
    """The measure rules are public policy (every business scope reads them); only the office changes them.
    The firms a rule applies to are read through the evaluation results (confidential, scoped)."""

    def scope_filter(self, scope: Scope) -> Q:
        return Q(active=True)

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if write:
            return self if _office_only(user) else self.none()
        return super().for_user(user)
