"""Login-state gates that run before every view (SECURITY.md S1, A3, A1/A4), in this order:

1. SessionTimeoutMiddleware: an idle (30 min, 15 for admins) or old (12 h) session is logged out;
2. OTPRequiredMiddleware: a password-only session of a user who needs TOTP reaches only the OTP pages;
3. PasswordChangeRequiredMiddleware: an expired or initial password is changed before any page.

Each lets through what the user needs to leave or to comply: logout, the step's own pages, static files.
htmx requests get HX-Redirect (a 302 would be followed by XHR and swapped into a fragment).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import security

GetResponse = Callable[[HttpRequest], HttpResponse]


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _with_next(request: HttpRequest, url: str) -> str:
    if request.method != "GET":
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _static_path(request: HttpRequest) -> bool:
    static = settings.STATIC_URL or ""
    if "://" in static:
        return False
    return request.path.startswith("/" + static.lstrip("/"))


def _exempt(request: HttpRequest, *url_names: str) -> bool:
    if _static_path(request):
        return True
    return request.path in {reverse(name) for name in ("accounts:logout", *url_names)}


def _authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class SessionTimeoutMiddleware:
    """Idle and absolute session limits; background polls do not count as activity (S1)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _authenticated(request):
            now = time.time()
            reason = security.session_expiry(request.session, request.user, now)
            if reason is not None:
                request.logout_reason = reason  # type: ignore[attr-defined]  # read by the logout audit row
                logout(request)  # flushes: the server-side session row is deleted
                messages.info(
                    request,
                    _(
                        "Your session has ended (unused too long, or open too long). Please log in again."
                    ),
                )
                if request.headers.get("HX-Request") == "true":
                    return HttpResponseClientRedirect(
                        _with_next(request, reverse(settings.LOGIN_URL))
                    )
                return redirect_to_login(request.get_full_path())
            if security.LOGIN_AT not in request.session:
                request.session[security.LOGIN_AT] = (
                    now  # a session from before this middleware existed
                )
            if not security.is_poll(request):
                request.session[security.LAST_ACTIVITY] = now
        return self.get_response(request)


class OTPRequiredMiddleware:
    """A user who needs TOTP (every role but enterprise) and has only passed the password step reaches
    nothing but the OTP pages and logout (A3)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            _authenticated(request)
            and security.otp_required(request.user)
            and not request.user.is_verified()  # type: ignore[union-attr]  # set by django_otp's middleware
            and not _exempt(request, "accounts:otp_verify", "accounts:otp_setup")
        ):
            enrolled = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            target = reverse("accounts:otp_verify" if enrolled else "accounts:otp_setup")
            return _redirect(request, _with_next(request, target))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An expired (90 days) or initial/reset password is changed before any other page (A1, A4)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            _authenticated(request)
            and security.password_change_required(request.user, timezone.now())
            and not _exempt(
                request, "accounts:password_change", "accounts:otp_verify", "accounts:otp_setup"
            )
        ):
            return _redirect(request, reverse("accounts:password_change"))
        return self.get_response(request)
