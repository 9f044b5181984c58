"""Login-security rules (登录安全规则): who needs a second factor, session limits, password age, stale accounts.

Plain functions over a user, a session's data and "now", so the middlewares, the services and the tests share
one definition of each rule (SECURITY.md A1, A3, A4, S1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import ADMIN_ROLES, Role

# Session keys (seconds since the epoch, as floats: the session serializer is JSON).
LOGIN_AT = "accounts.login_at"
LAST_ACTIVITY = "accounts.last_activity"


def otp_required(user: Any) -> bool:
    """Every government-side and admin account needs TOTP; an enterprise account may use a password alone."""
    if not getattr(settings, "CHAINLEADER_OTP_REQUIRED", True):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    # An account without a role is not "enterprise" either: it gets the stricter rule.
    return getattr(user, "role", "") != Role.ENTERPRISE


def is_admin_account(user: Any) -> bool:
    """The three separated administrators (三权分立), and the break-glass superuser."""
    return getattr(user, "role", "") in ADMIN_ROLES or bool(getattr(user, "is_superuser", False))


def idle_limit(user: Any) -> timedelta:
    """30 min for staff, 15 min for the admin roles (SECURITY.md S1, 测评 practice)."""
    if is_admin_account(user):
        return timedelta(minutes=settings.CHAINLEADER_ADMIN_SESSION_IDLE_MINUTES)
    return timedelta(minutes=settings.CHAINLEADER_SESSION_IDLE_MINUTES)


def absolute_limit() -> timedelta:
    return timedelta(hours=settings.CHAINLEADER_SESSION_ABSOLUTE_HOURS)


def session_expiry(data: Mapping[str, Any], user: Any, now: float) -> str | None:
    """Why this session has ended ("idle_timeout", "absolute_timeout"), or None while it is alive."""
    login_at, last = data.get(LOGIN_AT), data.get(LAST_ACTIVITY)
    if login_at is None or last is None:
        return None  # not stamped yet: the middleware stamps it on this request
    if now - float(login_at) > absolute_limit().total_seconds():
        return "absolute_timeout"
    if now - float(last) > idle_limit(user).total_seconds():
        return "idle_timeout"
    return None


def is_poll(request: HttpRequest) -> bool:
    """A background poll (htmx progress bars) is not user activity and never extends a session (S1).

    Pages mark their polls with the header ``X-Chainleader-Poll: 1`` (hx-headers) or ``?poll=1`` on a GET.
    The marker can only shorten the caller's own session, so it needs no protection against spoofing.
    """
    if request.headers.get("X-Chainleader-Poll") == "1":
        return True
    return request.method == "GET" and request.GET.get("poll") == "1"


def password_expired(user: Any, now: datetime) -> bool:
    """Older than CHAINLEADER_PASSWORD_MAX_AGE_DAYS (90). No recorded change: the account's creation counts."""
    changed = user.password_changed_at or user.date_joined
    return now - changed > timedelta(days=settings.CHAINLEADER_PASSWORD_MAX_AGE_DAYS)


def password_change_required(user: Any, now: datetime) -> bool:
    """An initial or reset password (must_change_password), or an expired one, is changed before any page."""
    return bool(user.must_change_password) or password_expired(user, now)


def account_stale(user: Any, now: datetime) -> bool:
    """Unused for 90 days or more: last login, or creation when it never logged in (SECURITY.md A4)."""
    last_seen = user.last_login or user.date_joined
    return now - last_seen >= timedelta(days=settings.CHAINLEADER_ACCOUNT_INACTIVE_DAYS)
