"""Deploy checks (A3 OTP on, A2 lock-out on, TP3 one superuser) and A2 on the API: tokens or sessions only."""

from __future__ import annotations

import pytest
from django.contrib.auth import views as auth_views
from django.core.checks import registry
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken

from chainleader.accounts import checks
from chainleader.accounts.models import Role
from tests.factories import UserFactory


def ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_check_deploy_refuses_the_second_factor_turned_off(settings, db):
    settings.CHAINLEADER_OTP_REQUIRED = False
    assert ids(checks.otp_required_check()) == ["accounts.E001"]
    with pytest.raises(SystemCheckError, match=r"accounts\.E001"):
        call_command("check", deploy=True, tags=["security"])
    settings.CHAINLEADER_OTP_REQUIRED = True
    assert checks.otp_required_check() == []


def test_check_deploy_refuses_the_lock_out_turned_off(settings):
    assert checks.lockout_enabled_check() == []
    settings.AXES_ENABLED = False
    assert ids(checks.lockout_enabled_check()) == ["accounts.E003"]


def test_the_login_checks_run_with_deploy_only():
    deploy = registry.registry.get_checks(include_deployment_checks=True)
    everyday = registry.registry.get_checks(include_deployment_checks=False)
    for check in (
        checks.otp_required_check,
        checks.lockout_enabled_check,
        checks.single_superuser_check,
        checks.default_accounts_check,
    ):
        assert check in deploy
        assert check not in everyday


def test_more_than_one_active_superuser_fails_the_deploy_check(db):
    first = UserFactory(username="root1", role=Role.SYSTEM_ADMIN, is_superuser=True)
    assert checks.single_superuser_check(databases=["default"]) == []
    UserFactory(username="root2", role=Role.SYSTEM_ADMIN, is_superuser=True)
    assert ids(checks.single_superuser_check(databases=["default"])) == ["accounts.E002"]
    assert checks.single_superuser_check(databases=None) == []  # reads the DB only with --database
    first.is_active = False
    first.save()
    assert checks.single_superuser_check(databases=["default"]) == []


def test_demo_accounts_fail_the_deploy_check_without_being_asked_for_the_database(db):
    """SECURITY.md A4: `manage.py check --deploy` on a database holding the demo accounts fails (issue 13
    item 7); no --database needed, unlike the superuser count."""
    UserFactory(username="office", role=Role.OFFICE, full_name="链长办演示账号")
    assert ids(checks.default_accounts_check()) == ["accounts.E005"]
    with pytest.raises(SystemCheckError, match=r"accounts\.E005"):
        call_command("check", deploy=True, tags=["security"])


def test_a_default_password_on_a_well_known_name_fails_the_deploy_check(db):
    office = UserFactory(username="office", role=Role.OFFICE)  # the tests' own password: fine
    admin = UserFactory(username="admin", role=Role.SYSTEM_ADMIN)
    assert checks.default_accounts_check() == []
    admin.set_password("admin")
    admin.save()
    office.set_password("Chainleader-Demo-2026")
    office.save()
    assert ids(checks.default_accounts_check()) == ["accounts.E005"]
    assert "admin, office" in checks.default_accounts_check()[0].msg
    admin.is_active = office.is_active = False
    admin.save()
    office.save()
    assert checks.default_accounts_check() == []


def test_the_check_knows_every_demo_account_and_the_demo_password():
    """accounts may not import the demo app (not installed in production): the check keeps its own list."""
    from chainleader.demo.accounts import DEFAULT_PASSWORD, DEMO_ACCOUNTS

    assert {a.username for a in DEMO_ACCOUNTS} <= set(checks.DEFAULT_USERNAMES)
    assert all(checks.DEMO_ACCOUNT_MARK in a.full_name for a in DEMO_ACCOUNTS)
    assert DEFAULT_PASSWORD in checks.DEFAULT_PASSWORDS


def test_a_wrong_api_token_is_refused_and_a_right_one_accepted(client, office_user):
    # 403 rather than 401: DRF takes WWW-Authenticate from the first class, SessionAuthentication.
    wrong = client.get("/api/", headers={"Authorization": "Token " + "f" * 40})
    assert wrong.status_code in (401, 403)
    token = Token.objects.create(user=office_user)
    assert client.get("/api/", headers={"Authorization": f"Token {token.key}"}).status_code == 200


def _views(patterns=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)


def test_no_url_takes_a_password_except_the_login_page():
    """The API accepts tokens (issued by `manage.py drf_create_token`) and sessions only, so the web
    login's A2 limits cover every password check. A new password endpoint must add them, and this test."""
    password_views = [
        v
        for v in _views()
        if isinstance(v, type) and issubclass(v, ObtainAuthToken | auth_views.LoginView)
    ]
    assert [v.__module__ + "." + v.__name__ for v in password_views] == [
        "chainleader.accounts.views.LoginView"
    ]
