"""A4 stale accounts: unused for 90 days or more, the account is refused with 账户已停用 and disabled."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from chainleader.accounts.models import Role, User
from chainleader.core.models import AuditEvent
from tests.factories import UserFactory

from .conftest import GENERIC_LOGIN_ERROR, form_errors, logged_in, login


def test_a_user_last_seen_91_days_ago_is_refused_with_account_disabled(client, clock):
    user = UserFactory(username="old", role=Role.OFFICE)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=91))
    resp = login(client, "old")
    assert resp.status_code == 200
    assert "账户已停用" in resp.content.decode()
    assert not logged_in(client)
    user.refresh_from_db()
    assert not user.is_active
    assert (
        AuditEvent.objects.filter(event_type="user_deactivate", object_id=str(user.pk)).count() == 1
    )
    assert (
        AuditEvent.objects.filter(
            event_type="login_failure", username="old", detail__reason="account_disabled"
        ).count()
        == 1
    )


def test_a_user_created_91_days_ago_who_never_logged_in_is_refused(client, clock):
    clock.shift(timedelta(days=-91))
    UserFactory(username="never", role=Role.OFFICE)
    clock.shift(timedelta(days=91))
    assert "账户已停用" in login(client, "never").content.decode()


def test_a_user_last_seen_89_days_ago_logs_in(client, clock):
    user = UserFactory(username="recent", role=Role.OFFICE)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=89))
    assert login(client, "recent").status_code == 302


def test_the_disabled_message_needs_the_right_password(client, clock):
    user = UserFactory(username="old", role=Role.OFFICE)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=91))
    assert form_errors(login(client, "old", "wrong-password")) == [GENERIC_LOGIN_ERROR]
    assert User.objects.get(pk=user.pk).is_active
