"""The second factor (双因素): TOTP enrolment and verification, backup codes (SECURITY.md A3)."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError

from .. import lockout
from ..models import User
from .login import FAILURE
from .sessions import session_cycle

# Backup codes: 12 characters without look-alikes (about 60 bits), shown once as xxxx-xxxx-xxxx.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 12


def backup_code_hash(code: str) -> str:
    """What is stored for a backup code. StaticToken.token holds 16 characters: the first 64 bits of the
    SHA-256 of the normalised code (the code itself carries about 60 bits and is never stored)."""
    normalised = re.sub(r"[\s-]", "", code).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _backup_code() -> str:
    raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, BACKUP_CODE_LENGTH, 4))


def _backup_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [_backup_code() for _ in range(settings.CHAINLEADER_OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_hash(c)) for c in codes
    )
    return codes


def _otp_refused(*, request: HttpRequest, user: User, stage: str, reason: str) -> bool:
    """Record a refused code (audit otp_failure, and a failure toward the lock); True when now locked."""
    locked = reason == "locked" or lockout.record_failure(request, user.username)
    with transaction.atomic():
        audit.record(
            actor=user,
            event_type="otp_failure",
            outcome=FAILURE,
            detail={"stage": stage, "reason": reason, "locked": locked},
        )
    return locked


def _locked_message() -> str:
    return _(
        "Too many failed attempts: this account is locked for 30 minutes. Try again later, "
        "or ask the security administrator to unlock it."
    )


def _wrong_code_message() -> str:
    return _("The code is wrong or was already used. Wait for the next code and try again.")


@transaction.atomic
def otp_setup_device(*, user: User) -> Any:
    """The not-yet-confirmed TOTP device a user enrols (one per user, kept across page reloads)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ServiceError(_("An authenticator app is already set up for this account."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def otp_setup_confirm(*, request: HttpRequest, user: User, token: str) -> list[str]:
    """Confirm the enrolment with a first code; returns the backup codes, shown this once."""
    if lockout.is_locked(request, user.username):
        _otp_refused(request=request, user=user, stage="setup", reason="locked")
        raise ServiceError(_locked_message())
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        verified = device is not None and device.verify_token(token.strip())
    if not verified:
        locked = _otp_refused(request=request, user=user, stage="setup", reason="wrong_code")
        raise ServiceError(_locked_message() if locked else _wrong_code_message())
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _backup_codes_replace(user)
        audit.record(actor=user, event_type="otp_setup", detail={"backup_codes": len(codes)})
    AxesProxyHandler.reset_attempts(username=user.username)
    otp_login(request, device)
    session_cycle(request)
    return codes


def otp_verify(*, request: HttpRequest, user: User, token: str) -> str:
    """Second step of the login: a TOTP code (each time step once: TOTPDevice.last_t) or a backup code.

    Returns the kind of device used ("totp" or "backup_code").
    """
    if lockout.is_locked(request, user.username):
        _otp_refused(request=request, user=user, stage="verify", reason="locked")
        raise ServiceError(_locked_message())
    token = token.strip()
    # Six digits go to the app's device, anything else to the backup codes, so one wrong entry
    # never counts twice against django-otp's per-device throttle.
    kind = "totp" if re.fullmatch(r"\d{6}", token) else "backup_code"
    with transaction.atomic():
        if kind == "totp":
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            verified = device is not None and device.verify_token(token)
        else:
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            verified = device is not None and device.verify_token(backup_code_hash(token))
    if not verified:
        locked = _otp_refused(request=request, user=user, stage="verify", reason="wrong_code")
        raise ServiceError(_locked_message() if locked else _wrong_code_message())
    with transaction.atomic():
        detail: dict[str, Any] = {"device": kind}
        if kind == "backup_code":
            detail["backup_codes_left"] = StaticToken.objects.filter(device=device).count()
        audit.record(actor=user, event_type="otp_success", detail=detail)
    AxesProxyHandler.reset_attempts(
        username=user.username
    )  # the login is complete: a new series starts
    otp_login(request, device)
    session_cycle(request)
    return kind


@transaction.atomic
def otp_backup_codes_regenerate(*, user: User) -> list[str]:
    """New backup codes (the old ones stop working), for a user who passed the second factor."""
    codes = _backup_codes_replace(user)
    audit.record(actor=user, event_type="otp_backup_codes", detail={"backup_codes": len(codes)})
    return codes
