"""The access policy, in one module: who sees what (scope_for, the data scope that ScopedQuerySet.for_user()
applies) and who writes what (is_editor, can_write, and the few rules that differ from them, each named here).

is_editor and can_write are written in core.policy, which core's generic views and viewsets call without
importing an app (decision 0018); every app imports them from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chainleader.core.policy import can_write, is_editor
from chainleader.core.scope import Scope

from .models import Role

__all__ = [
    "can_write",
    "can_write_as_holder",
    "can_write_for_firm",
    "firm_of",
    "is_editor",
    "is_editor_or_firm",
    "is_office",
    "scope_for",
]

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


# --- who writes ------------------------------------------------------------------------------------------
# The common rule is can_write(user, obj): an editor role, and obj in the user's writable scope. The rules
# below differ from it on purpose; each says where it applies.


def is_office(user: Any) -> bool:
    """The chain-leader office (链长办): the steps only it takes (the evaluation scheme and runs, deciding an
    appeal, closing out a list item, closing a problem)."""
    return getattr(user, "role", "") == Role.OFFICE


def firm_of(user: Any) -> int | None:
    """The enterprise a firm account speaks for; None for every other account, and for a firm account whose unit
    is not linked to its firm (it then speaks for nobody)."""
    if getattr(user, "role", "") != Role.ENTERPRISE:
        return None
    return getattr(getattr(user, "org_unit", None), "enterprise_id", None)


def is_editor_or_firm(user: Any) -> bool:
    """The roles that write at all: the editors, and firm accounts for their own records (needs and offers, the
    answers to their matches, appeals of their evaluation). The page and API gate of matching and evaluation
    (readers and administrators get 403 there); the services then decide which records, by the rules here."""
    return is_editor(user) or getattr(user, "role", "") == Role.ENTERPRISE


def can_write_for_firm(user: Any, enterprise_ids: Iterable[int | None], obj: Any = None) -> bool:
    """Matching's rule (a firm publishes and answers for itself): a firm account writes for its own firm only
    (one of ``enterprise_ids``, the firms the record speaks for), whatever its scope; any other account by
    can_write(user, obj)."""
    firm = firm_of(user)
    if firm is not None:
        return firm in set(enterprise_ids)
    return can_write(user, obj)


def can_write_as_holder(user: Any, holder_id: int | None, obj: Any = None) -> bool:
    """Service commissioners' rule (decision 0023): the cadre a record names as its holder (a firm's service
    commissioner) logs its entries (visits) whatever their role's writable scope, if the role is not an
    administrator's or a firm's; anyone else by can_write(user, obj)."""
    role = getattr(user, "role", "")
    if (
        holder_id is not None
        and getattr(user, "pk", None) == holder_id
        and getattr(user, "is_active", False)
        and role
        and role not in (Role.ENTERPRISE, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    ):
        return True
    return can_write(user, obj)
