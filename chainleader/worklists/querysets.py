"""Scope rules of the four lists: the chain's team and lead department, the owner unit (a department, or a district
by its territory), the district of a linked project; the office sees everything through its Scope."""

from __future__ import annotations

from django.db.models import Q

from chainleader.core.querysets import ScopedQuerySet
from chainleader.core.scope import Scope


def item_scope_q(scope: Scope, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    if scope.chain_ids:
        q |= Q(**{f"{prefix}chain__in": scope.chain_ids})
    for code in scope.region_prefixes:
        q |= Q(**{f"{prefix}owner_unit__region__code__startswith": code})
        q |= Q(**{f"{prefix}project__district__code__startswith": code})
    if scope.department_ids:
        q |= Q(**{f"{prefix}owner_unit__in": scope.department_ids})
        q |= Q(**{f"{prefix}chain__lead_department__in": scope.department_ids})
    return q


class WorkItemQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return item_scope_q(scope)

    def mine(self, user: object) -> WorkItemQuerySet:
        """My items: I am the owner, or my unit is."""
        unit_id = getattr(user, "org_unit_id", None)
        q = Q(owner_user=user)
        if unit_id:
            q |= Q(owner_unit_id=unit_id)
        return self.filter(q)


class WorkItemNoteQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return item_scope_q(scope, prefix="item__")


def meeting_scope_q(scope: Scope, prefix: str = "") -> Q:
    """A chain meeting: the chain's team and lead department, the convening unit (a district by its territory, a
    department its own), a district's own chains, and the office through its Scope. A department owning a decision sees the decision's
    item on its lists, not the meeting."""
    q = Q(pk__in=[])
    if scope.chain_ids:
        q |= Q(**{f"{prefix}chain__in": scope.chain_ids})
    for code in scope.region_prefixes:
        q |= Q(**{f"{prefix}host_unit__region__code__startswith": code})
        q |= Q(
            **{
                f"{prefix}chain__level": "district",
                f"{prefix}chain__region__code__startswith": code,
            }
        )
    if scope.department_ids:
        q |= Q(**{f"{prefix}host_unit__in": scope.department_ids})
        q |= Q(**{f"{prefix}chain__lead_department__in": scope.department_ids})
    return q


class ChainMeetingQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return meeting_scope_q(scope)


class MeetingDecisionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        return meeting_scope_q(scope, prefix="meeting__")
