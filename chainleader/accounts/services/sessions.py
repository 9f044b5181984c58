"""Server-side sessions of an account (SECURITY.md S2): the session list, ending sessions, new session ids."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest

from chainleader.core import audit

from ..models import User, UserSession


def _session_store(session_key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def end_sessions(*, user: User, keep_session_key: str | None = None) -> int:
    """Delete the user's server-side sessions (all, or all but one); the number ended."""
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store.delete(key)
    rows.delete()
    return len(keys)


def session_rekeyed(old_key: str | None, new_key: str | None) -> None:
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_cycle(request: HttpRequest) -> None:
    """A new session id after a privilege step (second factor), keeping the session's list entry."""
    old_key = request.session.session_key
    request.session.cycle_key()
    session_rekeyed(old_key, request.session.session_key)


@transaction.atomic
def sessions_end_others(*, request: HttpRequest, user: User) -> int:
    """ "End all my other sessions" on the profile page (SECURITY.md S2)."""
    ended = end_sessions(user=user, keep_session_key=request.session.session_key)
    audit.record(
        actor=user,
        event_type="session_end",
        obj=user,
        detail={"sessions_ended": ended, "scope": "others"},
    )
    return ended


@transaction.atomic
def user_sessions_end(*, user: User, actor: Any) -> int:
    """An administrator ends every session of a user (SECURITY.md S2)."""
    ended = end_sessions(user=user)
    audit.record(
        actor=actor,
        event_type="session_end",
        obj=user,
        detail={"sessions_ended": ended, "scope": "all"},
    )
    return ended
