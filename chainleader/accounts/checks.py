"""Deploy checks (`manage.py check --deploy`): production refuses settings that switch login security off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError
from django.utils.module_loading import import_string


@register(Tags.security, deploy=True)
def otp_required_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """TOTP may be off in the demo and the tests only (SECURITY.md A3)."""
    if getattr(settings, "CHAINLEADER_OTP_REQUIRED", True):
        return []
    return [
        Error(
            "CHAINLEADER_OTP_REQUIRED is False: government and admin accounts would log in with a password only.",
            hint="Only the demo and test settings may turn the second factor off (SECURITY.md A3).",
            id="accounts.E001",
        )
    ]


@register(Tags.security, deploy=True)
def lockout_enabled_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The login failure lock must be on, and axes' backend must come first (SECURITY.md A2)."""
    from axes.backends import AxesStandaloneBackend

    backends = list(getattr(settings, "AUTHENTICATION_BACKENDS", []))
    try:
        first = import_string(backends[0]) if backends else None
    except ImportError:
        first = None
    gatekeeper = isinstance(first, type) and issubclass(first, AxesStandaloneBackend)
    if getattr(settings, "AXES_ENABLED", False) and gatekeeper:
        return []
    return [
        Error(
            "Login failure lock-out is off, or axes' backend (accounts.lockout.LockoutBackend) is not the first backend.",
            hint="Keep the login-security block of chainleader/settings/base.py (SECURITY.md A2).",
            id="accounts.E003",
        )
    ]


@register(Tags.security, deploy=True)
def single_superuser_check(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """At most one active superuser, the break-glass account (SECURITY.md TP3).

    Reads the database, so, like Django's own database checks, it runs only when asked:
    `manage.py check --deploy --database default`.
    """
    if not databases or "default" not in databases:
        return []
    from .models import User

    try:
        count = User.objects.filter(is_superuser=True, is_active=True).count()
    except DatabaseError as exc:
        return [Error(f"Cannot count superusers: {exc}", id="accounts.E004")]
    if count <= 1:
        return []
    return [
        Error(
            f"{count} active superusers; at most one break-glass superuser may exist.",
            hint="Give daily work to the three admin roles (三权分立) and deactivate the other superusers.",
            id="accounts.E002",
        )
    ]


# Accounts that must not exist in production (SECURITY.md A4). The demo app (not installed in production, and
# not importable from accounts) marks its accounts' full names with DEMO_ACCOUNT_MARK and gives them the names
# and the default password below (tests/accounts pin these against chainleader.demo.accounts). Well-known
# administrator names are refused with a default password.
DEMO_ACCOUNT_MARK = "演示账号"
DEFAULT_USERNAMES = (
    "admin",
    "administrator",
    "root",
    "test",
    "demo",
    "office",
    "general_leader",
    "chain_leader",
    "team",
    "district",
    "district2",
    "department",
    "firm",
    "sysadmin",
    "secadmin",
    "auditor",
)
DEFAULT_PASSWORDS = (
    "admin",
    "admin123",
    "password",
    "123456",
    "12345678",
    "Chainleader-Demo-2026",  # the demo's documented default (chainleader.demo.accounts)
)


def default_accounts(user_model: Any) -> list[str]:
    """Usernames of active demo accounts and of well-known names that accept a default password."""
    active = user_model.objects.filter(is_active=True)
    found = set(
        active.filter(full_name__contains=DEMO_ACCOUNT_MARK).values_list("username", flat=True)
    )
    for user in active.filter(username__in=DEFAULT_USERNAMES).exclude(username__in=found):
        # A handful of users at most, each with a handful of hashes: cheap enough for a deploy check.
        if user.has_usable_password() and any(user.check_password(p) for p in DEFAULT_PASSWORDS):
            found.add(user.username)
    return sorted(found)


@register(Tags.security, deploy=True)
def default_accounts_check(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """No demo account and no default password in the database (SECURITY.md A4).

    Unlike the superuser count this reads the database on every `check --deploy`, asked or not: a
    production database loaded with the demo must fail the deploy check itself. An empty database (not
    migrated yet) has no accounts to refuse; an unreachable one is a warning, so the check fails closed
    under --fail-level WARNING.
    """
    from django.db import connection

    from .models import User

    if databases is not None and "default" not in databases:
        return []
    try:
        if User._meta.db_table not in connection.introspection.table_names():
            return []
        found = default_accounts(User)
    except DatabaseError as exc:
        return [
            CheckWarning(
                f"Cannot look for demo or default accounts: {exc}",
                hint="Run the deploy check with the production database reachable.",
                id="accounts.W005",
            )
        ]
    if not found:
        return []
    return [
        Error(
            f"Demo or default accounts exist: {', '.join(found)}.",
            hint="Production never holds the demo data or an account with a default password (SECURITY.md "
            "A4): use a fresh database, or deactivate these accounts.",
            id="accounts.E005",
        )
    ]
