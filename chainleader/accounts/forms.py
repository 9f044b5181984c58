"""Login, second-factor and password forms. They check shape only; the rules are in services and validators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

# One message for a wrong password, an unknown user, a disabled account and a running lock: a stranger
# learns nothing about the account from it (SECURITY.md A2, ASVS V6.3.8, WSTG-ATHN-03).
GENERIC_LOGIN_ERROR = _(
    "Login failed: the username or password is wrong, or the account cannot log in right now."
)


class LoginForm(auth_forms.AuthenticationForm):
    """The login page's form; field names stay username, password (and next in the template)."""

    error_messages = {"invalid_login": GENERIC_LOGIN_ERROR, "inactive": GENERIC_LOGIN_ERROR}


class OTPTokenForm(forms.Form):
    """A 6-digit code from the authenticator app, or one backup code."""

    token = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "class": "form-control"}
        ),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Old password, new password twice; the validators of AUTH_PASSWORD_VALIDATORS run on the new one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
