"""Shared field validators: the unified social credit code check character (GB 32100-2015)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 31 characters (digits and capitals without I, O, Z, S, V); weights 3^i mod 31.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The 18th character for a code's first 17 characters (raises ValueError on a bad character)."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when `code` is a valid unified social credit code, else a Chinese-translatable reason."""
    if len(code) != 18:
        return str(_("The unified social credit code must have 18 characters."))
    bad = [ch for ch in code if ch not in USCC_CHARSET]
    if bad:
        return str(
            _("The unified social credit code contains an invalid character: %(ch)s")
            % {"ch": bad[0]}
        )
    if not code[2:8].isdigit():
        return str(_("Characters 3 to 8 of the unified social credit code must be a region code."))
    if uscc_check_char(code[:17]) != code[17]:
        return str(_("The check character of the unified social credit code is wrong."))
    return None


def validate_uscc(value: str) -> None:
    problem = uscc_problem(value or "")
    if problem:
        raise ValidationError(problem, code="uscc")
