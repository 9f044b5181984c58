"""Password validators (密码复杂度, SECURITY.md A1) added to Django's own in AUTH_PASSWORD_VALIDATORS.

Composition rules and reuse limits are 等保 §8.1.4.1a requirements that ASVS V6.2.5 argues against; 等保 wins
here (SECURITY.md "Conflicts resolved" (a), docs/decisions/0005-login-security.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, with a message its Chinese catalogue translates.

    Django 5.2.19 changed the message's msgid to "... at least %d characters." and its zh_Hans catalogue still
    holds the old "%(min_length)d" msgid, so the error came out in English. This one uses the old msgid.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class MaximumLengthValidator:
    """At most 128 characters. Longer ones are refused, never silently truncated."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long. It must contain at most %(max_length)d characters."),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password can contain at most %(max_length)d characters.") % {
            "max_length": self.max_length
        }


def character_classes(password: str) -> int:
    """How many of upper-case, lower-case, digits and symbols the password uses."""
    upper = any(ch.isupper() for ch in password)
    lower = any(ch.islower() for ch in password)
    digit = any(ch.isdigit() for ch in password)
    # Anything else counts as a symbol: punctuation, spaces, and characters without case such as 汉字.
    symbol = any(not (ch.isupper() or ch.islower() or ch.isdigit()) for ch in password)
    return upper + lower + digit + symbol


class CharacterClassesValidator:
    """At least 3 of the 4 character classes (测评 practice for §8.1.4.1a)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "This password must mix at least %(min_classes)d of these 4 kinds of character: "
                    "upper-case letters, lower-case letters, digits and symbols."
                ),
                code="password_too_few_classes",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(min_classes)d of these: upper-case letters, "
            "lower-case letters, digits and symbols."
        ) % {"min_classes": self.min_classes}


class PasswordHistoryValidator:
    """None of the user's last 5 passwords (the current one included) may be used again."""

    def __init__(self, history: int | None = None) -> None:
        self._history = history

    @property
    def history(self) -> int:
        return self._history or settings.CHAINLEADER_PASSWORD_HISTORY

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from .models import PasswordHistory

        # The current hash first: a password set outside password_change() may not be in the history yet.
        recent = [user.password]
        recent += PasswordHistory.objects.filter(user_id=user.pk).values_list(
            "password_hash", flat=True
        )[: self.history]
        hashes = list(dict.fromkeys(h for h in recent if h))[: self.history]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _(
                    "You used this password recently. Choose one that differs from your last %(count)d."
                ),
                code="password_reused",
                params={"count": self.history},
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be one of your last %(count)d passwords.") % {
            "count": self.history
        }
