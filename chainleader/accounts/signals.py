"""Django's login signals feed the audit log (SECURITY.md AU1): one row per login, failure and logout.

Receivers only hand over to services; every path that logs in through django.contrib.auth (the login page,
force_login in tests, any later admin or API login) is covered without each view remembering it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from . import services


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.login_record_success(user=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    services.login_record_failure(username=str(credentials.get("username") or ""), request=request)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        services.logout_record(user=user, request=request)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts.audit_login")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts.audit_login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts.audit_logout")
