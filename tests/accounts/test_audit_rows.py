"""AU1/AU2 for logins: exactly one audit row per login success, failure, logout and superuser login; input is
escaped; no password reaches the log."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from chainleader.accounts.models import Role
from chainleader.core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory

from .conftest import login


def count(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def test_exactly_one_row_per_login_success_failure_and_logout(client, office_user):
    login(client, "office", "wrong-password")
    assert (count("login_failure"), count("login_success"), count("logout")) == (1, 0, 0)
    login(client, "office")
    assert (count("login_failure"), count("login_success"), count("logout")) == (1, 1, 0)
    client.post(reverse("accounts:logout"))
    assert (count("login_failure"), count("login_success"), count("logout")) == (1, 1, 1)
    success = AuditEvent.objects.get(event_type="login_success")
    assert success.user == office_user
    assert success.source_ip == "127.0.0.1"
    assert success.request_id


def test_a_username_with_a_newline_gives_one_row_with_the_newline_escaped(client, db):
    login(client, "a\nFAKE", "wrong-password")
    rows = AuditEvent.objects.filter(event_type="login_failure")
    assert rows.count() == 1
    assert rows.get().username == "a\\x0aFAKE"


def test_a_superuser_login_writes_superuser_login(client, db, caplog):
    UserFactory(username="breakglass", role=Role.SYSTEM_ADMIN, is_superuser=True)
    login(client, "breakglass")
    assert count("superuser_login") == 1
    assert count("login_success") == 1
    assert any("superuser login" in r.getMessage() for r in caplog.records)


def test_no_password_reaches_the_audit_log(client, office_user):
    login(client, "office", "Wr0ng-Secret!")
    login(client, "office")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-Passw0rd!",
            "new_password2": "N3w-Passw0rd!",
        },
    )
    for secret in ("Wr0ng-Secret!", PASSWORD, "N3w-Passw0rd!"):
        hit = Q(username__contains=secret) | Q(detail__icontains=secret)
        assert not AuditEvent.objects.filter(hit).exists()
    assert count("password_change") == 1
