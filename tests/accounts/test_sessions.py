"""S1-S3 sessions: idle 30 min (15 for admins), 12 h absolute, polls are not activity; new id at login,
server-side logout, sessions end on deactivation and password change; cookie flags."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from chainleader.accounts import services
from chainleader.accounts.models import User
from chainleader.core.models import AuditEvent
from tests.conftest import PASSWORD

from .conftest import login

PROFILE = "/accounts/profile/"


def session_key(client) -> str:
    return client.cookies["sessionid"].value


def sent_to_login(resp) -> bool:
    return resp.status_code == 302 and resp["Location"].startswith(reverse("accounts:login"))


def test_31_idle_minutes_end_the_session_and_delete_its_row(client, office_user, clock):
    client.force_login(office_user)
    key = session_key(client)
    assert client.get(PROFILE).status_code == 200
    clock.shift(timedelta(minutes=31))
    assert sent_to_login(client.get(PROFILE))
    assert not Session.objects.filter(session_key=key).exists()
    assert (
        AuditEvent.objects.filter(event_type="logout", detail__reason="idle_timeout").count() == 1
    )


def test_29_idle_minutes_do_not(client, office_user, clock):
    client.force_login(office_user)
    clock.shift(timedelta(minutes=29))
    assert client.get(PROFILE).status_code == 200


def test_activity_every_20_minutes_keeps_the_session_only_until_12_hours(
    client, office_user, clock
):
    client.force_login(office_user)
    for _ in range(36):  # 36 x 20 min = 12 h
        clock.shift(timedelta(minutes=20))
        assert client.get(PROFILE).status_code == 200
    clock.shift(timedelta(minutes=20))
    assert sent_to_login(client.get(PROFILE))
    assert (
        AuditEvent.objects.filter(event_type="logout", detail__reason="absolute_timeout").count()
        == 1
    )


def test_polling_every_10_seconds_for_31_minutes_does_not_keep_the_session(
    client, office_user, clock
):
    client.force_login(office_user)
    key = session_key(client)
    assert client.get(PROFILE).status_code == 200
    statuses = []
    for i in range(31 * 6):
        clock.shift(timedelta(seconds=10))
        if i % 2:
            statuses.append(client.get(PROFILE, headers={"X-Chainleader-Poll": "1"}).status_code)
        else:
            statuses.append(
                client.get(PROFILE, {"poll": "1"}, headers={"HX-Request": "true"}).status_code
            )
    assert statuses[0] == 200
    assert sent_to_login(client.get(PROFILE))
    assert not Session.objects.filter(session_key=key).exists()


def test_an_expired_htmx_request_is_told_to_redirect_the_page(client, office_user, clock):
    client.force_login(office_user)
    clock.shift(timedelta(minutes=31))
    resp = client.get(PROFILE, headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert resp["HX-Redirect"].startswith(reverse("accounts:login"))


def test_an_admin_session_expires_after_16_idle_minutes(client, system_admin, office_user, clock):
    staff = Client()
    client.force_login(system_admin)
    staff.force_login(office_user)
    clock.shift(timedelta(minutes=16))
    assert sent_to_login(client.get(PROFILE))
    assert staff.get(PROFILE).status_code == 200


def test_login_issues_a_new_session_id(client, office_user):
    session = client.session  # an anonymous session, as an attacker could plant one
    session["planted"] = True
    session.save()
    before = session_key(client)
    assert login(client, "office").status_code == 302
    after = session_key(client)
    assert before != after
    assert not Session.objects.filter(session_key=before).exists()


def test_replaying_the_cookie_after_logout_gives_302_to_login(client, office_user):
    login(client, "office")
    old = session_key(client)
    assert client.get(PROFILE).status_code == 200
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=old).exists()
    client.cookies["sessionid"] = old
    assert sent_to_login(client.get(PROFILE))


def test_a_deactivated_users_open_session_gets_302(client, office_user):
    client.force_login(office_user)
    assert client.get(PROFILE).status_code == 200
    User.objects.filter(pk=office_user.pk).update(is_active=False)
    assert sent_to_login(client.get(PROFILE))


def test_deactivating_through_the_service_deletes_every_session(client, office_user, system_admin):
    other = Client()
    client.force_login(office_user)
    other.force_login(office_user)
    keys = {session_key(client), session_key(other)}
    assert (
        services.user_deactivate(user=office_user, actor=system_admin, reason="left the office")
        == 2
    )
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert sent_to_login(other.get(PROFILE))


def test_changing_the_password_ends_the_other_sessions(client, office_user):
    other = Client()
    other.force_login(office_user)
    client.force_login(office_user)
    new = "N3w-Passw0rd!"
    resp = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert resp.status_code == 302
    assert client.get(PROFILE).status_code == 200
    assert sent_to_login(other.get(PROFILE))


def test_ending_my_other_sessions_from_the_profile(client, office_user):
    other = Client()
    other.force_login(office_user)
    client.force_login(office_user)
    assert len(client.get(PROFILE).context["sessions"]) == 2
    assert client.post(reverse("accounts:session_end_others")).status_code == 302
    assert sent_to_login(other.get(PROFILE))
    resp = client.get(PROFILE)
    assert [s.current for s in resp.context["sessions"]] == [True]
    assert AuditEvent.objects.filter(event_type="session_end", user=office_user).count() == 1


def test_the_session_list_leaves_out_timed_out_sessions(client, office_user, clock):
    idle = Client()
    idle.force_login(office_user)
    client.force_login(office_user)
    for _ in range(2):
        clock.shift(timedelta(minutes=20))
        client.get(PROFILE)
    assert len(client.get(PROFILE).context["sessions"]) == 1


def test_the_session_cookie_is_httponly_and_samesite_lax(client, office_user):
    login(client, "office")
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
