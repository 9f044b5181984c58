"""Login failure handling (登录失败处理, SECURITY.md A2) on django-axes.

The rule: 5 failures of one account within 15 minutes lock that account for 30 minutes, after which it
unlocks by itself (or a security admin unlocks it earlier: services.account_unlock). Separately, 50 failures
from one IP address within 15 minutes block that address for 30 minutes. Password logins, second-factor
codes and the old password on the change form all count (web and API share the Django login path).

Axes alone cannot say this: it has one AXES_FAILURE_LIMIT for every lockout parameter, and it counts every
failure since the last success while the gaps stay under the cool-off, with no 15-minute window. So
LockoutHandler keeps axes' storage, signals, reset-on-success and unlock tools, and replaces the count:

* each failure is written to AccessFailureLog (with its time) *before* axes counts;
* the account's current series is the newest N failure-log rows, N being the sum of its live AccessAttempt
  counters (axes clears those on success, on unlock and 30 min after the last failure);
* the account is locked while some failure less than 30 min old closed 5 failures of the series that lie
  within 15 min of each other. A failure during a lock is refused and not counted
  (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so the lock ends 30 min after it began.
* the IP rule is the same window over that address's failure-log rows (a success never clears it).

docs/decisions/0005-login-security.md records the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from chainleader.core import audit
from chainleader.core.models import AuditEvent

# Failure-log rows are the lock-out's working set, not the record (that is the audit log): keep one day.
FAILURE_LOG_RETENTION = timedelta(days=1)


def _username_field() -> str:
    return str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))


def _window() -> timedelta:
    return settings.CHAINLEADER_LOGIN_FAILURE_WINDOW


def _lock_time(request: Any = None) -> timedelta:
    return get_cool_off(request) or timedelta(minutes=30)


def locked_in(
    times: Sequence[datetime], *, limit: int, window: timedelta, lock: timedelta, now: datetime
) -> bool:
    """`times` newest first: is a lock running, i.e. did a failure less than `lock` ago close `limit`
    failures that lie within `window`?"""
    for i in range(len(times) - limit + 1):
        if times[i] <= now - lock:
            return False  # this and all older locks have run out
        if times[i] - times[i + limit - 1] <= window:
            return True
    return False


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a per-parameter limit and a 15-minute window (see the module docstring)."""

    def lock_scope(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> str | None:
        """ "account" or "ip" when a lock is running for this request, else None."""
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        username = get_client_username(request, credentials)
        if username is not None and self._account_locked(request, username, now):
            return "account"
        ip = getattr(request, "axes_ip_address", None)
        if ip and self._ip_locked(request, ip, now):
            return "ip"
        return None

    def _account_locked(self, request: HttpRequest, username: str, now: datetime) -> bool:
        limit = get_failure_limit(request, None)
        lock = _lock_time(request)
        live = AccessAttempt.objects.filter(username=username, attempt_time__gt=now - lock)
        series = live.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if series < limit:
            return False
        times = list(
            AccessFailureLog.objects.filter(username=username, attempt_time__lte=now)
            .order_by("-attempt_time", "-id")
            .values_list("attempt_time", flat=True)[:series]
        )
        return locked_in(times, limit=limit, window=_window(), lock=lock, now=now)

    def _ip_locked(self, request: HttpRequest, ip: str, now: datetime) -> bool:
        limit = settings.CHAINLEADER_LOGIN_IP_FAILURE_LIMIT
        lock = _lock_time(request)
        times = list(
            AccessFailureLog.objects.filter(
                ip_address=ip, attempt_time__gt=now - lock - _window(), attempt_time__lte=now
            )
            .order_by("-attempt_time", "-id")
            .values_list("attempt_time", flat=True)
        )
        return locked_in(times, limit=limit, window=_window(), lock=lock, now=now)

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # axes compares this with AXES_FAILURE_LIMIT (is_locked, and the lock decision after a failure):
        # report "at the limit" exactly when one of our two rules says a lock is running.
        if self.lock_scope(request, credentials):
            return get_failure_limit(request, credentials)
        return 0

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # The backend already refused this attempt because a lock is running: axes neither counts it nor
        # restarts the lock, and neither do we.
        refused = bool(getattr(request, "axes_locked_out", False))
        entry = None
        if not refused and not self.is_whitelisted(request, credentials):
            entry = AccessFailureLog.objects.create(
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
            )
            # attempt_time is auto_now_add, so create() stamps the save time, a moment after the request's
            # axes_attempt_time: the lock check below (failures up to the request's time) would then miss this
            # very failure, the lock would begin only at the next attempt and no login_locked row be written.
            AccessFailureLog.objects.filter(pk=entry.pk).update(
                attempt_time=request.axes_attempt_time
            )
        super().user_login_failed(sender, credentials, request, **kwargs)
        if entry is not None and request.axes_locked_out:
            entry.locked_out = True
            entry.save(update_fields=["locked_out"])
            audit.record(
                actor=None,
                event_type="login_locked",
                username=entry.username or "",
                outcome=AuditEvent.Outcome.FAILURE,
                detail={
                    "scope": self.lock_scope(request, credentials),
                    "minutes": int(_lock_time(request).total_seconds() // 60),
                },
            )

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        # A success clears that account's series only: one valid account must not wipe its IP's count.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        count = super().clean_expired_user_attempts(request, credentials)
        AccessFailureLog.objects.filter(
            attempt_time__lt=timezone.now() - FAILURE_LOG_RETENTION
        ).delete()
        return count


class LockoutBackend(AxesStandaloneBackend):
    """axes' gatekeeper backend (first in AUTHENTICATION_BACKENDS), doing the same work for a locked account.

    axes refuses a locked account before any password check, so a refusal came back in a few milliseconds
    against the password hash's fraction of a second: the answer time told that the account is locked. Here a
    locked attempt first runs what an allowed one runs (ModelBackend: the user lookup and the password hash,
    or Django's dummy hash for an unknown name), throws the result away, and is refused as before.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            kwargs.pop("response_context", None)
            ModelBackend().authenticate(request, username=username, password=password, **kwargs)
            raise


def is_locked(request: HttpRequest, username: str) -> bool:
    """Is a lock running for this account (or this request's IP)? For the steps after the password."""
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, {_username_field(): username})


def record_failure(request: HttpRequest, username: str) -> bool:
    """Count a failed step after the password (OTP code, old password) toward the account's lock.

    Goes to the axes handler directly, not through Django's user_login_failed signal, so the caller writes
    its own audit row (otp_failure, password_change) and no login_failure row is added. True when locked.
    """
    if not settings.AXES_ENABLED:
        return False
    AxesProxyHandler.user_login_failed(
        sender=record_failure,
        credentials={_username_field(): username},
        request=request,
    )
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponseBase:
    """AXES_LOCKOUT_CALLABLE: answer a locked attempt exactly as a wrong password is answered.

    The login view has already re-rendered its form with the generic message, and the OTP and password pages
    render their own refusal, so the page's own response goes out unchanged: no 403, no hint that the
    account exists or is locked (SECURITY.md A2).
    """
    if isinstance(original_response, HttpResponseBase):
        return original_response
    from .forms import LoginForm

    form = LoginForm(request)
    form.add_error(None, form.error_messages["invalid_login"])
    response: HttpResponse = render(request, "accounts/login.html", {"form": form, "next": ""})
    return response
