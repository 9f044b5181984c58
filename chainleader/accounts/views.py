"""Login, second factor, password change and profile pages. Thin: forms check shape, services decide."""

from __future__ import annotations

import base64
import io
from base64 import b32encode
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chainleader.core.exceptions import ServiceError

from . import security, selectors, services
from .forms import LoginForm, OTPTokenForm, PasswordChangeForm
from .models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views below are all behind LoginRequiredMixin)."""
    return cast(User, request.user)


def _verified(request: HttpRequest) -> bool:
    """Has this session passed the second factor? (django_otp's middleware adds is_verified.)"""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _next_url(request: HttpRequest) -> str:
    """The page to return to after a step, if it is on this site; else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _keeping_query(request: HttpRequest, url_name: str) -> str:
    query = request.GET.urlencode()
    return f"{resolve_url(url_name)}?{query}" if query else resolve_url(url_name)


def _qr_svg_base64(text: str) -> str:
    """The otpauth:// URI as a QR code, drawn here (segno) so no outside QR service ever sees the secret."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


class LoginView(auth_views.LoginView):
    """Password step. A lock, a wrong password and an unknown user all get the same form error (A2)."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_valid(self, form: Any) -> HttpResponse:
        refusal = services.login_refusal(user=form.get_user())
        if refusal:
            form.add_error(None, refusal)
            return self.form_invalid(form)
        return super().form_valid(form)


class OTPVerifyView(LoginRequiredMixin, View):
    """Second step for users who need TOTP: a code from the app, or a backup code (A3)."""

    template_name = "accounts/otp_verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated:
            if not security.otp_required(user) or _verified(request):
                return redirect(_next_url(request))
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect(_keeping_query(request, "accounts:otp_setup"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(OTPTokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OTPTokenForm(request.POST)
        if form.is_valid():
            try:
                services.otp_verify(
                    request=request, user=_user(request), token=form.cleaned_data["token"]
                )
            except ServiceError as exc:
                form.add_error("token", exc.message)
            else:
                return redirect(_next_url(request))
        return self.page(form)

    def page(self, form: OTPTokenForm) -> HttpResponse:
        return render(
            self.request, self.template_name, {"form": form, "next": _next_url(self.request)}
        )


class OTPSetupView(LoginRequiredMixin, View):
    """Enrolment: the secret as text and as a QR code, confirmed with a first code; then backup codes once."""

    template_name = "accounts/otp_setup.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated:
            if not security.otp_required(user):
                return redirect("accounts:profile")
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect(_keeping_query(request, "accounts:otp_verify"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(OTPTokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OTPTokenForm(request.POST)
        if form.is_valid():
            try:
                codes = services.otp_setup_confirm(
                    request=request,
                    user=_user(request),
                    token=form.cleaned_data["token"],
                )
            except ServiceError as exc:
                form.add_error("token", exc.message)
            else:
                context = {"codes": codes, "next": _next_url(request), "first_time": True}
                return render(request, "accounts/otp_backup_codes.html", context)
        return self.page(form)

    def page(self, form: OTPTokenForm) -> HttpResponse:
        device = services.otp_setup_device(user=_user(self.request))
        secret = b32encode(device.bin_key).decode("ascii")
        context = {
            "form": form,
            "next": _next_url(self.request),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "qr_svg_base64": _qr_svg_base64(device.config_url),
        }
        return render(self.request, self.template_name, context)


class BackupCodesRegenerateView(LoginRequiredMixin, View):
    """New backup codes from the profile page (POST only; the old codes stop working)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not _verified(request):
            return redirect("accounts:profile")
        codes = services.otp_backup_codes_regenerate(user=_user(request))
        context = {"codes": codes, "next": resolve_url("accounts:profile"), "first_time": False}
        return render(request, "accounts/otp_backup_codes.html", context)


class PasswordChangeView(LoginRequiredMixin, View):
    """Change my password: voluntary, or forced when it is older than 90 days or was set by an admin."""

    template_name = "accounts/password_change.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(PasswordChangeForm(request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        form = PasswordChangeForm(user, request.POST)
        if form.is_valid():
            services.password_change(
                request=request, user=user, new_password=form.cleaned_data["new_password1"]
            )
            messages.success(request, _("Your password has been changed."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        if "old_password" in form.errors and services.password_change_failed(
            request=request, user=user
        ):
            request.logout_reason = "locked"  # type: ignore[attr-defined]  # for the logout audit row
            logout(request)
            messages.error(
                request, _("Too many failed attempts: this account is locked for 30 minutes.")
            )
            return redirect(settings.LOGIN_URL)
        return self.page(form)

    def page(self, form: PasswordChangeForm) -> HttpResponse:
        user = _user(self.request)
        context = {
            "form": form,
            "must_change": user.must_change_password,
            "expired": security.password_expired(user, timezone.now()),
            "max_age_days": settings.CHAINLEADER_PASSWORD_MAX_AGE_DAYS,
        }
        return render(self.request, self.template_name, context)


class ProfileView(LoginRequiredMixin, TemplateView):
    """My profile: name, unit, role, chains, second factor, and my signed-in sessions."""

    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = _user(self.request)
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "profile": user,
                "chains": user.chains.order_by("name_sort"),
                "sessions": selectors.user_active_sessions(
                    user=user,
                    current_session_key=self.request.session.session_key,
                ),
                "otp_required": security.otp_required(user),
                "otp_enrolled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
                "backup_codes_left": StaticToken.objects.filter(device__user=user).count(),
            }
        )
        return context


class SessionEndOthersView(LoginRequiredMixin, View):
    """End all my other sessions (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        ended = services.sessions_end_others(request=request, user=_user(request))
        messages.success(request, _("%(count)d other session(s) ended.") % {"count": ended})
        return redirect("accounts:profile")
