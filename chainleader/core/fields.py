"""Model fields whose column holds only sealed text (SECURITY.md DP2; docs/decisions/0021-encryption-at-rest.md).

`EncryptedDecimalField` and `EncryptedCharField` behave as DecimalField and CharField in Python, forms, the API
and the history tables; the column is text holding `g1:<key id>:…` (chainleader.core.crypto). The plaintext is
padded to a fixed width before sealing, so the column's length tells nothing about a figure's size.

The database cannot compare, sum or sort what it cannot read: the only lookup these fields accept is
`isnull` (NULL stays NULL). Any other lookup raises FieldError at once instead of silently matching nothing,
and so does reading an aggregate or function over such a field (Sum, Max, Coalesce …: the result would be
computed on ciphertext); code that sums or compares the figures reads them and computes in Python. Ordering by such a field sorts
ciphertext: the lists and API orderings leave these fields out.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import IsNull

from . import crypto

ALLOWED_LOOKUPS = {"isnull": IsNull}
PAD = "\0"


def _refuse_computed(name: str, expression: Any) -> None:
    """Max, Min, Sum, Coalesce … over a sealed column would compute on ciphertext: a random firm's figure or 0."""
    raise FieldError(
        f"{name} is encrypted at rest: the database cannot compute {type(expression).__name__}() over it. Read the "
        "values and compute in Python (docs/decisions/0021-encryption-at-rest.md)."
    )


class EncryptedMixin:
    """The column is text; values are sealed on the way in and opened on the way out."""

    name: str

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in ALLOWED_LOOKUPS:
            return ALLOWED_LOOKUPS[lookup_name]
        raise FieldError(
            f"{self.name} is encrypted at rest: the database cannot evaluate “{lookup_name}” on it. Read the "
            "values and compare them in Python (docs/decisions/0021-encryption-at-rest.md)."
        )

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def _plain(self, value: Any) -> str:  # pragma: no cover - each field defines it
        raise NotImplementedError

    def _from_plain(self, text: str) -> Any:  # pragma: no cover - each field defines it
        raise NotImplementedError

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)  # type: ignore[attr-defined]
        if value is None:
            return None
        return crypto.seal_text(self._plain(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if expression is not None and not isinstance(expression, Col):
            _refuse_computed(self.name, expression)
        if value is None:
            return None
        return self._from_plain(crypto.open_text(value))

    def plain_text(self, value: Any) -> str:
        """The padded clear text that is sealed for ``value`` (for bulk writes with KeyRing.seal_texts)."""
        return self._plain(self.get_prep_value(value))  # type: ignore[attr-defined]

    # The migrations that seal a clear column, and open it again backwards (chainleader.core.sealing).
    def from_clear_text(self, raw: Any) -> Any:
        return self.to_python(str(raw))  # type: ignore[attr-defined]

    def to_clear_text(self, value: Any) -> str:
        return str(value)


class EncryptedDecimalField(EncryptedMixin, models.DecimalField):
    """A DecimalField sealed at rest: `max_digits` and `decimal_places` still validate what is stored."""

    def _plain(self, value: Any) -> str:
        text = f"{Decimal(value):.{self.decimal_places}f}"
        return text.ljust((self.max_digits or 0) + 3, PAD)

    def _from_plain(self, text: str) -> Decimal:
        return Decimal(text.rstrip(PAD))


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField sealed at rest: `max_length` bounds the value (forms, API), not the column (text)."""

    def _plain(self, value: Any) -> str:
        return str(value).ljust(self.max_length or 0, PAD)

    def _from_plain(self, text: str) -> str:
        return text.rstrip(PAD)


class EncryptedFloatField(EncryptedMixin, models.FloatField):
    """A FloatField sealed at rest (the evaluation's copies of land and tax)."""

    def _plain(self, value: Any) -> str:
        return repr(float(value)).ljust(24, PAD)

    def _from_plain(self, text: str) -> float:
        return float(text.rstrip(PAD))

    def to_clear_text(self, value: Any) -> str:
        return repr(float(value))


def _pad_json(text: str) -> str:
    return text + PAD * (-len(text) % 64)  # the length tells the size only to 64 characters


class EncryptedJSONField(EncryptedMixin, models.JSONField):
    """A JSONField sealed at rest: no key lookups in SQL (KeyTransform is refused with every other lookup)."""

    def _plain(self, value: Any) -> str:
        return _pad_json(json.dumps(value, cls=self.encoder, ensure_ascii=False))

    def _from_plain(self, text: str) -> Any:
        return json.loads(text.rstrip(PAD), cls=self.decoder)

    def seal_json_text(self, text: str) -> str:
        """Seal JSON that is already text (the evaluation's bulk insert formats it itself)."""
        return crypto.seal_text(_pad_json(text))

    def plain_json_text(self, text: str) -> str:
        """The padded clear text sealed for JSON that is already text (KeyRing.seal_texts)."""
        return _pad_json(text)

    def from_clear_text(self, raw: Any) -> Any:
        return json.loads(raw) if isinstance(raw, str | bytes) else raw

    def to_clear_text(self, value: Any) -> str:
        return json.dumps(value, cls=self.encoder, ensure_ascii=False)


class SealedHexKeyField(models.CharField):
    """A hex secret (the TOTP seed of django-otp's TOTPDevice.key) sealed at rest in its varchar(80) column.

    The seed's raw bytes are sealed (20 bytes → 76 characters), not its hex text, so the sealed value fits the
    column django-otp created. `deconstruct` keeps CharField, so django-otp's migrations see no change;
    chainleader.accounts installs this class on the field at start-up and its migration seals the stored seeds.
    """

    MAX_RAW_BYTES = 22  # 12 + 22 + 16 = 50 bytes → 67 base64url characters + 12 of header = 79 ≤ 80

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def get_lookup(self, lookup_name: str) -> Any:
        return EncryptedMixin.get_lookup(self, lookup_name)  # type: ignore[arg-type]

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:
            return None
        raw = bytes.fromhex(str(value))
        if len(raw) > self.MAX_RAW_BYTES:
            raise ValueError(
                f"A TOTP seed of {len(raw)} bytes cannot be sealed in its column (at most {self.MAX_RAW_BYTES})."
            )
        return crypto.ring().seal(raw)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if expression is not None and not isinstance(expression, Col):
            _refuse_computed(self.name, expression)
        if value is None:
            return None
        return crypto.ring().open(value).hex()

    def from_clear_text(self, raw: Any) -> Any:
        return str(raw)

    def to_clear_text(self, value: Any) -> str:
        return str(value)
