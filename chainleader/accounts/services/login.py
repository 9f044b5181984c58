"""Login and logout bookkeeping (登录), the stale-account check, disabling an account, lifting a lock."""

from __future__ import annotations

import logging
import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError
from chainleader.core.models import AuditEvent

from .. import security
from ..models import Role, User, UserSession
from .sessions import end_sessions

FAILURE = AuditEvent.Outcome.FAILURE
# Break-glass use must reach a human (SECURITY.md TP3): log handlers route this logger to the alert channel.
alerts = logging.getLogger("chainleader.security")


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
    ended = end_sessions(user=user)
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
