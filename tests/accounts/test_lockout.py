"""A2 login failure handling: 5 failures of an account within 15 min lock it for 30 min; 50 per IP."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from chainleader.accounts import services
from chainleader.accounts.models import Role
from chainleader.core.exceptions import ServiceError
from chainleader.core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory

from .conftest import GENERIC_LOGIN_ERROR, form_errors, logged_in, login


def lock(client, username="office", ip="127.0.0.1"):
    for _ in range(5):
        login(client, username, "wrong-password", ip=ip)


def test_five_wrong_passwords_then_the_right_one_is_refused_with_the_same_message(
    client, office_user, clock
):
    wrong = login(client, "office", "wrong-password")
    for _ in range(4):
        login(client, "office", "wrong-password")
    right = login(client, "office", PASSWORD)
    assert wrong.status_code == right.status_code == 200
    assert form_errors(right) == form_errors(wrong) == [GENERIC_LOGIN_ERROR]
    assert not logged_in(client)
    assert AuditEvent.objects.filter(event_type="login_locked", username="office").count() == 1


def test_the_fifth_failure_locks_and_is_audited_on_a_running_clock(client, office_user):
    """Without a frozen clock the failure log's save time lies after the request's attempt time: the fifth
    failure must still be the one that locks, with its login_locked row (issue 13, item 7)."""
    lock(client)
    assert AuditEvent.objects.filter(event_type="login_locked", username="office").count() == 1
    assert AccessFailureLog.objects.filter(username="office", locked_out=True).count() == 1
    assert form_errors(login(client, "office")) == [GENERIC_LOGIN_ERROR]
    assert AuditEvent.objects.filter(event_type="login_locked", username="office").count() == 1


def test_the_lock_lasts_30_minutes_and_then_ends_by_itself(client, office_user, clock):
    lock(client)
    clock.shift(timedelta(minutes=29))
    assert form_errors(login(client, "office")) == [GENERIC_LOGIN_ERROR]
    clock.shift(timedelta(minutes=2))  # 31 min after the fifth failure
    resp = login(client, "office")
    assert resp.status_code == 302
    assert logged_in(client)


def test_an_unknown_username_gets_the_identical_message(client, office_user):
    known = login(client, "office", "wrong-password")
    unknown = login(client, "nobody", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    assert form_errors(known) == form_errors(unknown) == [GENERIC_LOGIN_ERROR]


def test_a_locked_unknown_username_looks_like_a_locked_real_one(client, office_user, clock):
    lock(client, "nobody")
    lock(client, "office")
    assert form_errors(login(client, "nobody")) == form_errors(login(client, "office"))


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, office_user, clock):
    for _ in range(4):
        login(client, "office", "wrong-password")
    clock.shift(timedelta(minutes=16))
    login(client, "office", "wrong-password")  # the fifth, but the first four are older than 15 min
    assert login(client, "office").status_code == 302


def test_failures_from_several_addresses_count_for_one_account(client, office_user, clock):
    for i in range(5):
        login(client, "office", "wrong-password", ip=f"10.1.0.{i}")
    assert form_errors(login(client, "office", ip="10.1.0.99")) == [GENERIC_LOGIN_ERROR]


def test_a_successful_login_starts_a_new_count(client, office_user, clock):
    for _ in range(4):
        login(client, "office", "wrong-password")
    assert login(client, "office").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        login(client, "office", "wrong-password")
    assert login(client, "office").status_code == 302


def test_one_address_is_blocked_after_50_failures_across_accounts(client, office_user, clock):
    for i in range(50):
        login(client, f"guess{i}", "wrong-password", ip="10.9.9.9")
    assert form_errors(login(client, "office", ip="10.9.9.9")) == [GENERIC_LOGIN_ERROR]
    assert (
        login(client, "office", ip="10.9.9.10").status_code == 302
    )  # the account itself is not locked
    assert AuditEvent.objects.filter(event_type="login_locked", detail__scope="ip").count() == 1


def test_the_security_admin_can_unlock_an_account_early(client, office_user, clock):
    lock(client)
    security_admin = UserFactory(username="secadmin", role=Role.SECURITY_ADMIN)
    services.account_unlock(username="office", actor=security_admin)
    assert login(client, "office").status_code == 302
    assert AuditEvent.objects.filter(event_type="account_unlock", user=security_admin).count() == 1


def test_an_unlocked_account_is_not_locked_again_by_its_old_failures(client, office_user, clock):
    lock(client)
    services.account_unlock(username="office", actor=UserFactory(role=Role.SECURITY_ADMIN))
    login(client, "office", "wrong-password")
    assert login(client, "office").status_code == 302


def test_only_the_security_admin_may_unlock(office_user, system_admin):
    with pytest.raises(ServiceError):
        services.account_unlock(username="office", actor=system_admin)


def test_wrong_old_passwords_on_the_change_form_count_toward_the_lock(client, office_user, clock):
    client.force_login(office_user)
    url = reverse("accounts:password_change")
    data = {
        "old_password": "wrong-password",
        "new_password1": "N3w-Passw0rd!",
        "new_password2": "N3w-Passw0rd!",
    }
    for _ in range(4):
        assert client.post(url, data).status_code == 200
    resp = client.post(url, data)
    assert resp.status_code == 302
    assert resp["Location"] == reverse("accounts:login")
    assert not logged_in(client)
    assert form_errors(login(client, "office")) == [GENERIC_LOGIN_ERROR]


def _hashes_during(client, username, password):
    """How many password hashes one login attempt runs (a spy on the test settings' hasher)."""
    real = MD5PasswordHasher.verify
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True, side_effect=real) as spy:
        login(client, username, password)
    return spy.call_count


def test_a_locked_account_costs_the_same_password_hash(client, office_user, clock):
    """A refusal for a running lock must not answer faster than a wrong password (the time told it was
    locked, issue 13 item 7): the locked attempt runs the password hash too."""
    assert _hashes_during(client, "office", "wrong-password") == 1
    lock(client)
    assert _hashes_during(client, "office", "wrong-password") == 1
    assert _hashes_during(client, "office", PASSWORD) == 1
    assert not logged_in(client)
    assert form_errors(login(client, "office")) == [GENERIC_LOGIN_ERROR]
