"""Account services (账户服务): login bookkeeping, lock release, passwords, the second factor, sessions.

Each writes its audit row in the same transaction (STYLE §3.2). A refusal that must be remembered (a wrong
code, a stale account) commits its rows first and then raises ServiceError, so the refusal cannot roll its
own record back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError, StaleEdit
from chainleader.core.models import AuditEvent

from . import lockout, security
from .models import OrgUnit, PasswordHistory, Role, User, UserSession

FAILURE = AuditEvent.Outcome.FAILURE
# Break-glass use must reach a human (SECURITY.md TP3): log handlers route this logger to the alert channel.
alerts = logging.getLogger("chainleader.security")

# Backup codes: 12 characters without look-alikes (about 60 bits), shown once as xxxx-xxxx-xxxx.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 12


# --- sessions --------------------------------------------------------------------------------------------


def _session_store(session_key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def _end_sessions(*, user: User, keep_session_key: str | None = None) -> int:
    """Delete the user's server-side sessions (all, or all but one); the number ended."""
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store.delete(key)
    rows.delete()
    return len(keys)


def _session_rekeyed(old_key: str | None, new_key: str | None) -> None:
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _session_cycle(request: HttpRequest) -> None:
    """A new session id after a privilege step (second factor), keeping the session's list entry."""
    old_key = request.session.session_key
    request.session.cycle_key()
    _session_rekeyed(old_key, request.session.session_key)


@transaction.atomic
def sessions_end_others(*, request: HttpRequest, user: User) -> int:
    """ "End all my other sessions" on the profile page (SECURITY.md S2)."""
    ended = _end_sessions(user=user, keep_session_key=request.session.session_key)
    audit.record(
        actor=user,
        event_type="session_end",
        obj=user,
        detail={"sessions_ended": ended, "scope": "others"},
    )
    return ended


@transaction.atomic
def user_sessions_end(*, user: User, actor: Any) -> int:
    """An administrator ends every session of a user (SECURITY.md S2)."""
    ended = _end_sessions(user=user)
    audit.record(
        actor=actor,
        event_type="session_end",
        obj=user,
        detail={"sessions_ended": ended, "scope": "all"},
    )
    return ended


# --- login, logout ---------------------------------------------------------------------------------------


def _client(request: HttpRequest | None) -> tuple[str, str]:
    if request is None:
        return "", ""
    return request.META.get("REMOTE_ADDR", "")[:45], request.META.get("HTTP_USER_AGENT", "")[:200]


@transaction.atomic
def login_record_success(*, user: User, request: HttpRequest | None) -> None:
    """After django.contrib.auth.login(): stamp the session's clock, list the session, audit the login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[security.LOGIN_AT] = now
        session[security.LAST_ACTIVITY] = now
        if session.session_key:
            ip, agent = _client(request)
            UserSession.objects.update_or_create(
                session_key=session.session_key,
                defaults={
                    "user": user,
                    "created_at": timezone.now(),
                    "ip_address": ip,
                    "user_agent": agent,
                },
            )
    audit.record(
        actor=user, event_type="login_success", detail={"otp_pending": security.otp_required(user)}
    )
    if user.is_superuser:
        audit.record(actor=user, event_type="superuser_login")
        alerts.warning("superuser login: user id %s", user.pk)


@transaction.atomic
def login_record_failure(*, username: str, request: HttpRequest | None) -> None:
    """A failed password login (Django's user_login_failed): one audit row, whatever the reason."""
    # The axes backend marks an attempt it refused because of a running lock before the signal is sent;
    # the failure it counts itself gets axes_failures_since_start. Both give the user the same message.
    refused_by_lock = bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    audit.record(
        actor=None,
        event_type="login_failure",
        username=username,
        outcome=FAILURE,
        detail={"reason": "locked" if refused_by_lock else "invalid_credentials"},
    )


@transaction.atomic
def logout_record(*, user: User, request: HttpRequest | None) -> None:
    """Before the session is flushed (Django's user_logged_out): drop it from the list, audit the logout."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
    reason = getattr(request, "logout_reason", "user")
    audit.record(actor=user, event_type="logout", detail={"reason": reason})


def login_refusal(*, user: User) -> str | None:
    """Checks after a correct password. An account unused for 90 days is disabled now (SECURITY.md A4).

    Returns the message for the login form, or None when the login may go on.
    """
    if not security.account_stale(user, timezone.now()):
        return None
    with transaction.atomic():
        user_deactivate(user=user, actor=None, reason="unused_90_days")
        audit.record(
            actor=None,
            event_type="login_failure",
            username=user.username,
            outcome=FAILURE,
            detail={"reason": "account_disabled"},
        )
    return _("This account has been disabled. Ask the security administrator to re-enable it.")


@transaction.atomic
def user_deactivate(*, user: User, actor: Any, reason: str) -> int:
    """Disable an account and end all its sessions (SECURITY.md A4, S2); the number of sessions ended."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions(user=user)
    audit.record(
        actor=actor,
        event_type="user_deactivate",
        obj=user,
        detail={"reason": reason, "sessions_ended": ended},
    )
    return ended


@transaction.atomic
def account_unlock(*, username: str, actor: Any) -> int:
    """The security administrator lifts an account's lock before its 30 minutes are up (SECURITY.md A2)."""
    if getattr(actor, "role", "") != Role.SECURITY_ADMIN:
        raise ServiceError(_("Only the security administrator can unlock an account."))
    cleared = int(AxesProxyHandler.reset_attempts(username=username))
    audit.record(
        actor=actor,
        event_type="account_unlock",
        object_type="accounts.user",
        detail={"username": username, "attempts_cleared": cleared},
    )
    return cleared


# --- passwords -------------------------------------------------------------------------------------------


def _password_store(*, user: User, raw_password: str, must_change: bool) -> None:
    outgoing = user.password
    # A password set outside these services (a factory, createsuperuser) is not in the history yet.
    if outgoing and not PasswordHistory.objects.filter(user=user, password_hash=outgoing).exists():
        PasswordHistory.objects.create(
            user=user,
            password_hash=outgoing,
            created_at=user.password_changed_at or user.date_joined,
        )
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password_hash=user.password)
    keep = settings.CHAINLEADER_PASSWORD_HISTORY
    older = list(PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:])
    PasswordHistory.objects.filter(pk__in=older).delete()


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, new_password: str) -> int:
    """The user changes their own password (validated by the form). Their other sessions end (S2)."""
    forced = security.password_change_required(user, timezone.now())
    _password_store(user=user, raw_password=new_password, must_change=False)
    ended = _end_sessions(user=user, keep_session_key=request.session.session_key)
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # this session stays valid, under a new id
    _session_rekeyed(old_key, request.session.session_key)
    audit.record(
        actor=user,
        event_type="password_change",
        obj=user,
        detail={"forced": forced, "sessions_ended": ended},
    )
    return ended


def password_change_failed(*, request: HttpRequest, user: User) -> bool:
    """A wrong old password on the change form counts toward the lock, as a login failure would (A2)."""
    locked = lockout.record_failure(request, user.username)
    with transaction.atomic():
        audit.record(
            actor=user,
            event_type="password_change",
            obj=user,
            outcome=FAILURE,
            detail={"reason": "old_password_wrong", "locked": locked},
        )
    return locked


@transaction.atomic
def password_set(*, user: User, new_password: str, actor: Any) -> None:
    """An administrator sets an initial or reset password: it must be changed at the next login (A4)."""
    _password_store(user=user, raw_password=new_password, must_change=True)
    ended = _end_sessions(user=user)
    audit.record(
        actor=actor, event_type="password_reset", obj=user, detail={"sessions_ended": ended}
    )


# --- second factor (TOTP and backup codes) ----------------------------------------------------------------


def backup_code_hash(code: str) -> str:
    """What is stored for a backup code. StaticToken.token holds 16 characters: the first 64 bits of the
    SHA-256 of the normalised code (the code itself carries about 60 bits and is never stored)."""
    normalised = re.sub(r"[\s-]", "", code).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _backup_code() -> str:
    raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, BACKUP_CODE_LENGTH, 4))


def _backup_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [_backup_code() for _ in range(settings.CHAINLEADER_OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_hash(c)) for c in codes
    )
    return codes


def _otp_refused(*, request: HttpRequest, user: User, stage: str, reason: str) -> bool:
    """Record a refused code (audit otp_failure, and a failure toward the lock); True when now locked."""
    locked = reason == "locked" or lockout.record_failure(request, user.username)
    with transaction.atomic():
        audit.record(
            actor=user,
            event_type="otp_failure",
            outcome=FAILURE,
            detail={"stage": stage, "reason": reason, "locked": locked},
        )
    return locked


def _locked_message() -> str:
    return _(
        "Too many failed attempts: this account is locked for 30 minutes. Try again later, "
        "or ask the security administrator to unlock it."
    )


def _wrong_code_message() -> str:
    return _("The code is wrong or was already used. Wait for the next code and try again.")


@transaction.atomic
def otp_setup_device(*, user: User) -> Any:
    """The not-yet-confirmed TOTP device a user enrols (one per user, kept across page reloads)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ServiceError(_("An authenticator app is already set up for this account."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def otp_setup_confirm(*, request: HttpRequest, user: User, token: str) -> list[str]:
    """Confirm the enrolment with a first code; returns the backup codes, shown this once."""
    if lockout.is_locked(request, user.username):
        _otp_refused(request=request, user=user, stage="setup", reason="locked")
        raise ServiceError(_locked_message())
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        verified = device is not None and device.verify_token(token.strip())
    if not verified:
        locked = _otp_refused(request=request, user=user, stage="setup", reason="wrong_code")
        raise ServiceError(_locked_message() if locked else _wrong_code_message())
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _backup_codes_replace(user)
        audit.record(actor=user, event_type="otp_setup", detail={"backup_codes": len(codes)})
    AxesProxyHandler.reset_attempts(username=user.username)
    otp_login(request, device)
    _session_cycle(request)
    return codes


def otp_verify(*, request: HttpRequest, user: User, token: str) -> str:
    """Second step of the login: a TOTP code (each time step once: TOTPDevice.last_t) or a backup code.

    Returns the kind of device used ("totp" or "backup_code").
    """
    if lockout.is_locked(request, user.username):
        _otp_refused(request=request, user=user, stage="verify", reason="locked")
        raise ServiceError(_locked_message())
    token = token.strip()
    # Six digits go to the app's device, anything else to the backup codes, so one wrong entry
    # never counts twice against django-otp's per-device throttle.
    kind = "totp" if re.fullmatch(r"\d{6}", token) else "backup_code"
    with transaction.atomic():
        if kind == "totp":
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            verified = device is not None and device.verify_token(token)
        else:
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            verified = device is not None and device.verify_token(backup_code_hash(token))
    if not verified:
        locked = _otp_refused(request=request, user=user, stage="verify", reason="wrong_code")
        raise ServiceError(_locked_message() if locked else _wrong_code_message())
    with transaction.atomic():
        detail: dict[str, Any] = {"device": kind}
        if kind == "backup_code":
            detail["backup_codes_left"] = StaticToken.objects.filter(device=device).count()
        audit.record(actor=user, event_type="otp_success", detail=detail)
    AxesProxyHandler.reset_attempts(
        username=user.username
    )  # the login is complete: a new series starts
    otp_login(request, device)
    _session_cycle(request)
    return kind


@transaction.atomic
def otp_backup_codes_regenerate(*, user: User) -> list[str]:
    """New backup codes (the old ones stop working), for a user who passed the second factor."""
    codes = _backup_codes_replace(user)
    audit.record(actor=user, event_type="otp_backup_codes", detail={"backup_codes": len(codes)})
    return codes


# --- security administration: accounts, roles, data scopes, units (安全管理员, TP1) -------------------------

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
    _password_store(user=user, raw_password=password, must_change=True)
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
        detail["sessions_ended"] = _end_sessions(user=locked)
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
