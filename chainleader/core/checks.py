"""Deploy checks of core (`manage.py check --deploy`): the keys that seal confidential columns (SECURITY.md DP2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from . import crypto


@register(Tags.security, deploy=True)
def field_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production seals with its own key: configured, well formed, and never the development key."""
    keys = list(getattr(settings, "CHAINLEADER_FIELD_KEYS", ()) or ())
    hint = (
        "Set CHAINLEADER_FIELD_KEYS or CHAINLEADER_FIELD_KEY_FILE to a key of `manage.py rotate_field_keys "
        "--new-key` (docs/decisions/0021-encryption-at-rest.md)."
    )
    if not keys:
        return [Error("No field encryption key is configured.", hint=hint, id="core.E020")]
    if crypto.DEV_KEY in keys:
        return [
            Error(
                "The development field key is configured: anyone with the source can open the sealed columns.",
                hint=hint,
                id="core.E021",
            )
        ]
    cipher = getattr(settings, "CHAINLEADER_FIELD_CIPHER", crypto.DEFAULT_CIPHER)
    if cipher not in crypto.CIPHERS:
        return [
            Error(
                f"CHAINLEADER_FIELD_CIPHER is {cipher!r}; it must be one of {', '.join(crypto.CIPHERS)}.",
                id="core.E023",
            )
        ]
    try:
        crypto.KeyRing(keys, cipher)
    except crypto.FieldKeyError as exc:
        return [Error(f"A field encryption key is unusable: {exc}", hint=hint, id="core.E022")]
    return []
