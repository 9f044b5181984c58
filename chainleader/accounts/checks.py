"""Deploy checks (`manage.py check --deploy`): production refuses settings that switch login security off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
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
