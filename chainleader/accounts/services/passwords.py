"""Passwords (口令): the history, the user's own change, a wrong old password, an administrator's reset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chainleader.core import audit

from .. import lockout, security
from ..models import PasswordHistory, User
from .login import FAILURE
from .sessions import end_sessions, session_rekeyed


def password_store(*, user: User, raw_password: str, must_change: bool) -> None:
    outgoing = user.password
    # A password set outside these services (a factory, createsuperuser) is not in the history yet.
    if outgoing and not PasswordHistory.objects.filter(user=user, password_hash=outgoing).exists():
        PasswordHistory.objects.create(
            user=user,
            password_hash=outgoing,
            created_at=user.password_changed_at or user.date_joined,
        )
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password_hash=user.password)
    keep = settings.CHAINLEADER_PASSWORD_HISTORY
    older = list(PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:])
    PasswordHistory.objects.filter(pk__in=older).delete()


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, new_password: str) -> int:
    """The user changes their own password (validated by the form). Their other sessions end (S2)."""
    forced = security.password_change_required(user, timezone.now())
    password_store(user=user, raw_password=new_password, must_change=False)
    ended = end_sessions(user=user, keep_session_key=request.session.session_key)
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # this session stays valid, under a new id
    session_rekeyed(old_key, request.session.session_key)
    audit.record(
        actor=user,
        event_type="password_change",
        obj=user,
        detail={"forced": forced, "sessions_ended": ended},
    )
    return ended


def password_change_failed(*, request: HttpRequest, user: User) -> bool:
    """A wrong old password on the change form counts toward the lock, as a login failure would (A2)."""
    locked = lockout.record_failure(request, user.username)
    with transaction.atomic():
        audit.record(
            actor=user,
            event_type="password_change",
            obj=user,
            outcome=FAILURE,
            detail={"reason": "old_password_wrong", "locked": locked},
        )
    return locked


@transaction.atomic
def password_set(*, user: User, new_password: str, actor: Any) -> None:
    """An administrator sets an initial or reset password: it must be changed at the next login (A4)."""
    password_store(user=user, raw_password=new_password, must_change=True)
    ended = end_sessions(user=user)
    audit.record(
        actor=actor, event_type="password_reset", obj=user, detail={"sessions_ended": ended}
    )
