"""The data-scope policy (数据权限): which Scope each role gets. ScopedQuerySet.for_user() applies it."""

from __future__ import annotations

from typing import Any

from chainleader.core.scope import Scope

from .models import Role

NOTHING = Scope(nothing=True)


def scope_for(user: Any) -> Scope:
    role = getattr(user, "role", "")
    unit = getattr(user, "org_unit", None)
    # Office and general chain leader see everything, figures included.
    if role in (Role.OFFICE, Role.GENERAL_LEADER):
        return Scope(everything=True, confidential=True)
    # A chain leader and the special team see their chains and what belongs to them.
    if role in (Role.CHAIN_LEADER, Role.TEAM_MEMBER):
        ids = frozenset(user.chains.values_list("pk", flat=True)) if user.pk else frozenset()
        return Scope(chain_ids=ids, confidential=True) if ids else NOTHING
    # A district sees its territory (and the city chains reaching into it).
    if role == Role.DISTRICT and unit is not None and unit.region_id:
        code = unit.region.code
        return Scope(region_prefixes=(code,), city_prefixes=(code[:4],), confidential=True)
    # A department sees what is assigned to it, without confidential figures unless granted.
    if role == Role.DEPARTMENT and unit is not None:
        return Scope(department_ids=frozenset({unit.pk}))
    # A firm sees itself.
    if role == Role.ENTERPRISE and unit is not None and unit.enterprise_id:
        return Scope(enterprise_ids=frozenset({unit.enterprise_id}), confidential=True)
    # The three administrators and accounts without a role see no business data (TP1).
    return NOTHING
