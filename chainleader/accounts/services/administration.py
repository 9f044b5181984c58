"""Security administration (安全管理员, TP1): accounts, roles, data scopes and organisation units."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError, StaleEdit

from ..models import OrgUnit, Role, User
from .login import user_deactivate
from .passwords import password_set, password_store
from .sessions import end_sessions

# Roles whose data scope is a list of chains (policy.scope_for); any other role keeps no chains.
CHAIN_ROLES = frozenset({Role.CHAIN_LEADER, Role.TEAM_MEMBER})
# What the security administrator may change on an account. Never is_staff or is_superuser (TP1, TP3).
USER_ADMIN_FIELDS = ("full_name", "role", "org_unit", "phone", "is_active")
UNIT_ADMIN_FIELDS = ("name", "kind", "parent", "region", "enterprise")
# Roles that need a unit of one kind (the same table as User.clean): a unit keeps its kind while they use it.
_ROLE_UNIT_KIND = {
    Role.DISTRICT: OrgUnit.Kind.DISTRICT,
    Role.DEPARTMENT: OrgUnit.Kind.DEPARTMENT,
    Role.ENTERPRISE: OrgUnit.Kind.ENTERPRISE,
}


def _require_security_admin(actor: Any) -> None:
    # 三权分立: accounts, roles and data scopes belong to the security administrator alone (§8.1.5.3).
    if getattr(actor, "role", "") != Role.SECURITY_ADMIN or not getattr(actor, "is_active", False):
        raise ServiceError(
            _("Only the security administrator can manage accounts and organisation units.")
        )


def _masked(phone: str) -> str:
    # The audit log is read by the audit administrator: a changed phone number is shown masked (DP4).
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else ("****" if phone else "")


def _user_values(user: User) -> dict[str, Any]:
    """The administered values of an account as plain values (unit and chains as ids)."""
    values: dict[str, Any] = {name: getattr(user, name) for name in ("full_name", "role", "phone")}
    values["is_active"] = user.is_active
    values["org_unit"] = user.org_unit_id
    values["chains"] = sorted(user.chains.values_list("pk", flat=True)) if user.pk else []
    return values


def _for_audit(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "phone": _masked(values.get("phone") or "")}


def user_fingerprint(user: User) -> str:
    """A hash of the account's administered values, carried by the edit form (no lost updates, RL1).

    User has no version column. The form is loaded with this hash; the update refuses when the account's
    current values hash differently, which covers the chains (many-to-many) too.
    """
    canonical = json.dumps(_user_values(user), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _password_checked(password: str, user: User) -> None:
    """The password policy (A1) on a password an administrator sets, reported under "password"."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc


def _refuse_break_glass(user: User) -> None:
    # The superuser is break-glass only (TP3): managing it here would let the security admin take it over.
    if user.is_superuser:
        raise ServiceError(_("The break-glass superuser is not managed on these pages."))


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    org_unit: OrgUnit | None = None,
    phone: str = "",
    chains: Iterable[Any] = (),
) -> User:
    """Open an account (开户): one role, its unit and chains; the initial password is changed at first login."""
    _require_security_admin(actor)
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        org_unit=org_unit,
        phone=phone,
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )
    # User.clean checks the unit a role needs (district, department, firm).
    user.full_clean(exclude=["password"])
    _password_checked(password, user)
    user.save()
    user.chains.set(list(chains) if role in CHAIN_ROLES else [])
    # A4: the initial password is changed at the first login.
    password_store(user=user, raw_password=password, must_change=True)
    audit.record(
        actor=actor,
        event_type="user_create",
        obj=user,
        detail={"username": user.username, **_for_audit(_user_values(user))},
    )
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    actor: Any,
    data: dict[str, Any],
    chains: Iterable[Any],
    expected_fingerprint: str | None,
) -> User:
    """Change an account's name, role, unit, chains, phone or active flag; one user_update row.

    Switching the account off ends its sessions (S2). Switching it back on restarts its 90-day idle clock
    (last_login), or the next login would disable it again at once (A4); its real logins are in the audit log.
    """
    _require_security_admin(actor)
    unknown = set(data) - set(USER_ADMIN_FIELDS)
    if unknown:
        raise ValueError(f"not administered here: {sorted(unknown)}")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if expected_fingerprint is not None and expected_fingerprint != user_fingerprint(locked):
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    _refuse_break_glass(locked)
    before = _user_values(locked)
    if locked.pk == getattr(actor, "pk", None) and (
        data.get("role", locked.role) != locked.role or not data.get("is_active", True)
    ):
        # Separation of powers: the security admin cannot hand itself another role (TP1).
        raise ServiceError(_("You cannot change your own role or deactivate your own account."))
    for name, value in data.items():
        setattr(locked, name, value)
    reactivated = locked.is_active and not before["is_active"]
    if reactivated:
        locked.last_login = timezone.now()
    locked.full_clean(exclude=["password"])
    locked.save()
    locked.chains.set(list(chains) if locked.role in CHAIN_ROLES else [])
    after = _user_values(locked)
    old, new = _for_audit(before), _for_audit(after)
    detail: dict[str, Any] = {
        "changes": {k: [old[k], new[k]] for k in new if before[k] != after[k]}
    }
    if before["is_active"] and not after["is_active"]:
        detail["sessions_ended"] = end_sessions(user=locked)
    if reactivated:
        detail["idle_clock_restarted"] = True
    audit.record(actor=actor, event_type="user_update", obj=locked, detail=detail)
    return locked


@transaction.atomic
def account_deactivate(*, user: User, actor: Any) -> int:
    """The security administrator disables an account (停用) and ends its sessions; the number ended."""
    _require_security_admin(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.pk == getattr(actor, "pk", None):
        raise ServiceError(_("You cannot change your own role or deactivate your own account."))
    if not locked.is_active:
        raise ServiceError(_("This account is already deactivated."))
    return user_deactivate(user=locked, actor=actor, reason="security_admin")


@transaction.atomic
def account_password_reset(*, user: User, actor: Any, new_password: str) -> None:
    """The security administrator sets a temporary password; it must be changed at the next login (A4)."""
    _require_security_admin(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.pk == getattr(actor, "pk", None):
        raise ServiceError(_("Change your own password on your profile page."))
    _refuse_break_glass(locked)
    _password_checked(new_password, locked)
    password_set(user=locked, new_password=new_password, actor=actor)


def _unit_check(unit: OrgUnit) -> None:
    """A district unit names its territory and an enterprise unit its firm; no other kind names either,
    since scope_for() reads them. The units stay a tree."""
    district, firm = OrgUnit.Kind.DISTRICT, OrgUnit.Kind.ENTERPRISE
    if unit.kind == district and unit.region_id is None:
        raise ServiceError(_("A district unit needs its region."), field="region")
    if unit.kind != district and unit.region_id is not None:
        raise ServiceError(_("Only a district unit has a region."), field="region")
    if unit.kind == firm and unit.enterprise_id is None:
        raise ServiceError(_("An enterprise unit needs its enterprise."), field="enterprise")
    if unit.kind != firm and unit.enterprise_id is not None:
        raise ServiceError(_("Only an enterprise unit has an enterprise."), field="enterprise")
    ancestor, seen = unit.parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if unit.pk is not None and ancestor.pk == unit.pk:
            raise ServiceError(
                _("A unit cannot be placed under itself or one of its sub-units."), field="parent"
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent
    if unit.pk is not None:
        # A unit keeps the kind its users' roles need (User.clean), or their data scope would break.
        for role, kind in _ROLE_UNIT_KIND.items():
            if kind != unit.kind and unit.users.filter(role=role).exists():
                raise ServiceError(
                    _("Users of this unit need it to stay of kind %(kind)s.")
                    % {"kind": kind.label},
                    field="kind",
                )


def _unit_values(unit: OrgUnit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "region": unit.region_id,
        "enterprise": unit.enterprise_id,
    }


@transaction.atomic
def org_unit_create(*, actor: Any, data: dict[str, Any]) -> OrgUnit:
    """Set up an organisation unit (组织机构): office, district, department, special team or firm."""
    _require_security_admin(actor)
    unknown = set(data) - set(UNIT_ADMIN_FIELDS)
    if unknown:
        raise ValueError(f"not administered here: {sorted(unknown)}")
    unit = OrgUnit(**data)
    _unit_check(unit)
    unit.full_clean()
    unit.save()
    audit.record(actor=actor, event_type="unit_create", obj=unit, detail=_unit_values(unit))
    return unit


@transaction.atomic
def org_unit_update(
    *, unit: OrgUnit, actor: Any, data: dict[str, Any], expected_version: int | None
) -> OrgUnit:
    """Change a unit; a district's region or a firm unit's enterprise changes its users' data scope."""
    _require_security_admin(actor)
    unknown = set(data) - set(UNIT_ADMIN_FIELDS)
    if unknown:
        raise ValueError(f"not administered here: {sorted(unknown)}")
    locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    before = _unit_values(locked)
    for name, value in data.items():
        setattr(locked, name, value)
    _unit_check(locked)
    locked.version += 1
    locked.full_clean()
    locked.save()
    after = _unit_values(locked)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit.record(actor=actor, event_type="unit_update", obj=locked, detail={"changes": changes})
    return locked
