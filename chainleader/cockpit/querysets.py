"""Who reads the cockpit and the assessment (docs/decisions/0027): the office and the chief chain leader read
everything; chain leaders, their teams and districts read published runs (the city's rankings) and their own
figures; firms, departments and the administrators read none of it. Drafts and runs in review are the office's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainleader.accounts.models import Role
from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope

# The roles that open the cockpit at all.
READERS = frozenset(
    {Role.OFFICE, Role.GENERAL_LEADER, Role.CHAIN_LEADER, Role.TEAM_MEMBER, Role.DISTRICT}
)
PUBLISHED = "published"


def is_reader(user: Any) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", "") in READERS
    )


class _ReadersOnly(ScopedQuerySet):
    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if not is_reader(user):
            return self.none()
        if write and getattr(user, "role", "") != Role.OFFICE:
            return self.none()  # the office alone writes schemes, adjustments and runs
        return super().for_user(user, write=write)


class SchemeQuerySet(_ReadersOnly):
    def scope_filter(self, scope: Scope) -> Q:
        return Q(runs__status=PUBLISHED)


class AdjustmentQuerySet(_ReadersOnly):
    def scope_filter(self, scope: Scope) -> Q:
        return Q(scheme__runs__status=PUBLISHED)


class RunQuerySet(_ReadersOnly):
    def scope_filter(self, scope: Scope) -> Q:
        return Q(status=PUBLISHED)

    def published(self) -> RunQuerySet:
        return self.filter(status=PUBLISHED)


class ScoreQuerySet(_ReadersOnly):
    def scope_filter(self, scope: Scope) -> Q:
        return Q(run__status=PUBLISHED)
