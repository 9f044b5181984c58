"""A3 two factors: TOTP (django-otp) for every role but enterprise; a code once per time step; backup codes
stored hashed; bad codes count toward the A2 lock."""

from __future__ import annotations

from base64 import b32encode
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chainleader.accounts import services
from chainleader.accounts.services import backup_code_hash
from chainleader.core.models import AuditEvent

from .conftest import GENERIC_LOGIN_ERROR, current_code, form_errors, login, totp_device

pytestmark = pytest.mark.usefixtures("otp_on")

VERIFY = reverse("accounts:otp_verify")
SETUP = reverse("accounts:otp_setup")
LOCKED = "账户已锁定"


def plain_paths(patterns=None, prefix="/"):
    """Every URL pattern of the site that takes no argument, as a path."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = str(p.pattern)
        if "<" in route or "(?P" in route:
            continue
        route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        if isinstance(p, URLResolver):
            yield from plain_paths(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + route


def wrong_code(device) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def verify(client, code):
    return client.post(VERIFY, {"token": code})


def test_a_password_only_session_is_sent_to_otp_for_every_url_except_logout(client, office_user):
    totp_device(office_user)
    assert login(client, "office").status_code == 302
    paths = set(plain_paths()) - {reverse("accounts:logout"), VERIFY, SETUP}
    assert {"/", "/accounts/profile/", "/accounts/password/", "/api/", "/chains/"} <= paths
    for path in sorted(paths):
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp["Location"].startswith(VERIFY), path
    resp = client.post(reverse("accounts:logout"))
    assert resp.status_code == 302
    assert resp["Location"] == reverse("accounts:login")


def test_after_the_code_the_pages_open_and_next_is_kept(client, office_user, clock):
    device = totp_device(office_user)
    login(client, "office")
    resp = client.get("/accounts/profile/")
    assert resp["Location"] == f"{VERIFY}?next=%2Faccounts%2Fprofile%2F"
    resp = client.post(resp["Location"], {"token": current_code(device)})
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    assert AuditEvent.objects.filter(event_type="otp_success", user=office_user).count() == 1


def test_a_code_cannot_be_used_twice_in_the_same_time_step(client, office_user, clock):
    device = totp_device(office_user)
    code = current_code(device)
    login(client, "office")
    assert verify(client, code).status_code == 302
    second = Client()
    login(second, "office")
    resp = verify(second, code)
    assert resp.status_code == 200
    assert "验证码错误或已使用过" in resp.content.decode()
    assert second.get("/accounts/profile/")["Location"].startswith(VERIFY)
    clock.shift(timedelta(seconds=30))  # the next time step gives a new code
    assert verify(second, current_code(device)).status_code == 302


def test_five_bad_codes_lock_the_account_and_then_even_a_correct_code_is_refused(
    client, office_user, clock
):
    device = totp_device(office_user)
    login(client, "office")
    for _ in range(5):
        assert verify(client, wrong_code(device)).status_code == 200
    clock.shift(
        timedelta(seconds=60)
    )  # past django-otp's own back-off: the refusal below is the lock
    resp = verify(client, current_code(device))
    assert resp.status_code == 200
    assert LOCKED in resp.content.decode()
    assert client.get("/accounts/profile/")["Location"].startswith(VERIFY)
    assert AuditEvent.objects.filter(event_type="login_locked", username="office").count() == 1
    assert AuditEvent.objects.filter(event_type="otp_failure", user=office_user).count() == 6
    # the password step is locked too, with the generic message
    assert form_errors(login(Client(), "office")) == [GENERIC_LOGIN_ERROR]
    clock.shift(timedelta(minutes=31))
    fresh = Client()
    assert login(fresh, "office").status_code == 302
    assert verify(fresh, current_code(device)).status_code == 302


def test_without_a_device_the_user_enrols_with_an_inline_qr_code_and_gets_ten_backup_codes(
    client, office_user, clock
):
    login(client, "office")
    assert client.get("/")["Location"].startswith(SETUP)
    page = client.get(SETUP)
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=office_user, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    assert secret[:4] in body
    assert secret[-4:] in body
    assert 'src="data:image/svg+xml;base64,' in body
    assert "otpauth" not in body
    assert (
        client.get(SETUP).context["secret_groups"] == page.context["secret_groups"]
    )  # same device on reload
    resp = client.post(SETUP, {"token": current_code(device)})
    assert resp.status_code == 200
    codes = resp.context["codes"]
    assert len(codes) == 10
    assert all(c in resp.content.decode() for c in codes)
    stored = set(
        StaticToken.objects.filter(device__user=office_user).values_list("token", flat=True)
    )
    assert stored == {backup_code_hash(c) for c in codes}
    assert not stored & {c.replace("-", "") for c in codes}
    assert client.get("/accounts/profile/").status_code == 200
    assert AuditEvent.objects.filter(event_type="otp_setup", user=office_user).count() == 1


def test_a_wrong_first_code_does_not_enrol(client, office_user, clock):
    login(client, "office")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=office_user)
    resp = client.post(SETUP, {"token": wrong_code(device)})
    assert resp.status_code == 200
    assert resp.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(event_type="otp_failure", user=office_user).count() == 1


def test_a_backup_code_works_once(client, office_user, clock):
    totp_device(office_user)
    codes = services.otp_backup_codes_regenerate(user=office_user)
    login(client, "office")
    assert verify(client, codes[0].upper().replace("-", " ")).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, "office")
    assert verify(client, codes[0]).status_code == 200
    assert StaticToken.objects.filter(device__user=office_user).count() == 9


def test_an_enterprise_user_logs_in_with_a_password_alone(client, firm_user):
    assert login(client, "firm").status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_every_other_role_needs_the_second_factor(client, system_admin, department_user):
    for user in (system_admin, department_user):
        c = Client()
        login(c, user.username)
        assert c.get("/accounts/profile/")["Location"].startswith(SETUP)


def test_with_the_setting_off_a_password_is_enough(client, office_user, settings):
    settings.CHAINLEADER_OTP_REQUIRED = False
    login(client, "office")
    assert client.get("/accounts/profile/").status_code == 200
