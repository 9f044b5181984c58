"""Helpers for the login-security tests: a frozen clock, a login through the real form, TOTP codes."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

# What a wrong password, an unknown user and a locked account all show (SECURITY.md A2).
GENERIC_LOGIN_ERROR = "登录失败：用户名或密码错误，或该账户当前无法登录。"


@pytest.fixture(autouse=True)
def _second_factor_off_unless_asked(settings):
    """The test settings switch TOTP off; say so here too, so these tests do not depend on that file.
    OTP tests turn it on with the `otp_on` fixture."""
    settings.CHAINLEADER_OTP_REQUIRED = False


@pytest.fixture
def otp_on(settings):
    settings.CHAINLEADER_OTP_REQUIRED = True


@pytest.fixture
def clock(db):
    """Time stands still unless the test moves it (time-machine; never sleep)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def login(client, username, password=PASSWORD, ip="127.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def form_errors(resp) -> list[str]:
    return [str(e) for e in resp.context["form"].non_field_errors()]


def logged_in(client) -> bool:
    """Does the client's cookie name a signed-in session? (client.session would create one.)"""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        return False
    return SESSION_KEY in SessionStore(cookie.value).load()


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
