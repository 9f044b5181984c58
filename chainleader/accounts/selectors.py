"""Reads for the profile page: the signed-in sessions of one user (登录会话列表)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from . import security
from .models import User, UserSession


@dataclass(frozen=True)
class SessionRow:
    """One live session as the profile page shows it (never its key)."""

    created_at: datetime
    ip_address: str
    user_agent: str
    current: bool


def user_active_sessions(*, user: User, current_session_key: str | None) -> list[SessionRow]:
    """The user's sessions that still exist and have not passed their idle or absolute limit (S1)."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    now = time.time()
    rows = []
    for entry in UserSession.objects.filter(user=user).order_by("-created_at"):
        data = store_class(entry.session_key).load()  # {} when the session is gone
        if str(data.get(SESSION_KEY, "")) != str(user.pk):
            continue
        if security.session_expiry(data, user, now) is not None:
            continue
        rows.append(
            SessionRow(
                created_at=entry.created_at,
                ip_address=entry.ip_address,
                user_agent=entry.user_agent,
                current=entry.session_key == current_session_key,
            )
        )
    return rows
