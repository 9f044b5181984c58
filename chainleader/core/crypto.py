"""Encryption of confidential columns at rest (SECURITY.md DP2; docs/decisions/0021-encryption-at-rest.md).

One value is sealed with AES-256-GCM (the `cryptography` package) under the first field key; every key of the
list still opens what it sealed, so a new key goes first, `manage.py rotate_field_keys` re-seals every column
and the old key can then be dropped. A sealed value is text:

    g1:<key id>:<base64(12-byte nonce + ciphertext + 16-byte tag), no padding>

`g1` names the cipher (AES-256-GCM, envelope version 1), `s1` SM4-GCM (GB/T 32907; its 16-byte key derived
from the field key with HKDF-SM3). settings.CHAINLEADER_FIELD_CIPHER ("aes-256-gcm", the default, or "sm4-gcm")
chooses what new values are sealed with; values of both open whatever it says, so a change of cipher is a
rotation like a change of key (crypto-agile, SECURITY.md DP2). The key id is the first 8
hex digits of a SHA-256 over the key, so a value sealed under a key that is no longer configured fails with
an error that names the missing key id — never with garbage. The header is authenticated (GCM's associated
data), so it cannot be altered either.

Keys come from settings.CHAINLEADER_FIELD_KEYS: a list of 32-byte keys, base64url, the first seals. The
settings modules read them with `keys_from_environment()`: the environment variable CHAINLEADER_FIELD_KEYS
(comma-separated) or the file CHAINLEADER_FIELD_KEY_FILE (one key per line, `#` comments). `new_key()` makes
one. This module imports no Django at import time: the settings modules import it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DEFAULT_CIPHER = "aes-256-gcm"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
ENV_KEYS = "CHAINLEADER_FIELD_KEYS"
ENV_KEY_FILE = "CHAINLEADER_FIELD_KEY_FILE"
# The fixed key of the dev, test and demo settings (their data is synthetic). The deploy check refuses it.
DEV_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZC0"  # base64url of 32 bytes "dev-only-field-key-not-for-prod-"


class FieldKeyError(Exception):
    """A sealed value cannot be opened (unknown key, wrong key, damaged value) or no key is configured."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _body_decode(text: str) -> bytes:
    # binascii directly: a sealed value is opened for every figure a run reads (the cost is in 0021).
    try:
        return binascii.a2b_base64(text + "=" * (-len(text) % 4), strict_mode=True)
    except binascii.Error as exc:
        raise FieldKeyError(f"A sealed value is damaged: {exc}") from exc


def _body_encode(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").decode("ascii")


def parse_key(text: str) -> bytes:
    """A configured key (base64url of 32 bytes) as bytes; FieldKeyError naming the problem otherwise."""
    try:
        raw = _b64decode(text.strip())
    except (binascii.Error, ValueError) as exc:
        raise FieldKeyError(f"A field key is not base64url: {exc}") from exc
    if len(raw) != KEY_BYTES:
        raise FieldKeyError(
            f"A field key must be {KEY_BYTES} bytes (base64url); this one has {len(raw)}."
        )
    return raw


def key_id(raw: bytes) -> str:
    return hashlib.sha256(b"chainleader-field-key:" + raw).hexdigest()[:8]


def new_key() -> str:
    """A fresh random key, as the settings take it."""
    return _b64encode(os.urandom(KEY_BYTES))


def keys_from_environment(default: Sequence[str] = ()) -> list[str]:
    """The keys of CHAINLEADER_FIELD_KEYS (comma list) or CHAINLEADER_FIELD_KEY_FILE (a line each), else ``default``."""
    listed = os.environ.get(ENV_KEYS, "")
    if listed.strip():
        return [k.strip() for k in listed.split(",") if k.strip()]
    path = os.environ.get(ENV_KEY_FILE, "")
    if path:
        with open(path, encoding="utf-8") as fh:
            return [
                line.strip() for line in fh if line.strip() and not line.lstrip().startswith("#")
            ]
    return list(default)


class _SM4GCM:
    """SM4 in GCM mode (GB/T 32907, the 商用密码 block cipher) with AESGCM's interface: nonce ‖ ct ‖ tag."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def encrypt(self, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        enc = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(data) + enc.finalize() + enc.tag

    def decrypt(self, nonce: bytes, body: bytes, aad: bytes) -> bytes:
        if len(body) < TAG_BYTES:
            raise InvalidTag
        dec = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, body[-TAG_BYTES:])).decryptor()
        dec.authenticate_additional_data(aad)
        return dec.update(body[:-TAG_BYTES]) + dec.finalize()


def _sm4_key(raw: bytes) -> bytes:
    # SM4 takes 16 bytes: derived from the 32-byte field key with HKDF over SM3, so no key serves two ciphers.
    return HKDF(
        algorithm=hashes.SM3(), length=16, salt=None, info=b"chainleader field key sm4-gcm"
    ).derive(raw)


# The envelope tag of each cipher a setting may name; every tag is opened whatever the setting says.
CIPHERS = {"aes-256-gcm": "g1", "sm4-gcm": "s1"}


class KeyRing:
    """The configured keys: the first seals (with ``cipher``), all open (with the cipher each value names)."""

    def __init__(self, keys: Iterable[str], cipher: str = DEFAULT_CIPHER) -> None:
        if cipher not in CIPHERS:
            raise FieldKeyError(
                f"Unknown field cipher {cipher!r}: CHAINLEADER_FIELD_CIPHER is one of {', '.join(CIPHERS)}."
            )
        raws = [parse_key(k) for k in keys]
        if not raws:
            raise FieldKeyError(
                "No field encryption key is configured: set CHAINLEADER_FIELD_KEYS or CHAINLEADER_FIELD_KEY_FILE "
                "(docs/decisions/0021-encryption-at-rest.md)."
            )
        self.ids = [key_id(raw) for raw in raws]
        self._raws = dict(zip(self.ids, raws, strict=True))
        self._ciphers: dict[tuple[str, str], Any] = {}
        self.current = self.ids[0]
        self.tag = CIPHERS[cipher]
        self._header = f"{self.tag}:{self.current}:"
        self._sealer = self._cipher(self.tag, self.current)

    def _cipher(self, tag: str, kid: str) -> Any:
        found = self._ciphers.get((tag, kid))
        if found is None:
            raw = self._raws[kid]
            found = AESGCM(raw) if tag == "g1" else _SM4GCM(_sm4_key(raw))
            self._ciphers[(tag, kid)] = found
        return found

    def seal(self, data: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        header = self._header
        body = self._sealer.encrypt(nonce, data, header.encode("ascii"))
        return header + _body_encode(nonce + body)

    def open(self, token: str) -> bytes:
        tag, kid, body = _split(token)
        if kid not in self._raws:
            raise FieldKeyError(
                f"This value was sealed with field key {kid}, which is not configured (configured: "
                f"{', '.join(self.ids)}). Add that key to CHAINLEADER_FIELD_KEYS."
            )
        raw = _body_decode(body)
        try:
            return self._cipher(tag, kid).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{tag}:{kid}:".encode("ascii")
            )
        except InvalidTag as exc:
            raise FieldKeyError(
                f"A value sealed with field key {kid} does not authenticate: the value was altered, or a "
                "different key carries the same id."
            ) from exc

    def is_current(self, token: str) -> bool:
        return token.startswith(self._header)

    def seal_texts(self, texts: Iterable[str | None]) -> list[str | None]:
        """Bulk writes (an evaluation run's results): seal() for each text, None stays None."""
        header = self._header
        aad = header.encode("ascii")
        encrypt = self._sealer.encrypt
        urandom = os.urandom
        b2a = binascii.b2a_base64
        out: list[str | None] = []
        for text in texts:
            if text is None:
                out.append(None)
                continue
            nonce = urandom(NONCE_BYTES)
            body = encrypt(nonce, text.encode("utf-8"), aad)
            out.append(header + b2a(nonce + body, newline=False).rstrip(b"=").decode("ascii"))
        return out

    def open_floats(self, tokens: Iterable[str | None]) -> list[float]:
        """Bulk reads (an evaluation run's input): each sealed number as a float, NaN for NULL.

        The same checks as open() in a tight loop: ~40% less per value than a field's from_db_value.
        """
        out: list[float] = []
        append = out.append
        nan = float("nan")
        a2b = binascii.a2b_base64
        ciphers: dict[str, Any] = {}
        for token in tokens:
            if token is None:
                append(nan)
                continue
            head = token[:12]
            cipher = ciphers.get(head)
            if cipher is None:
                tag, kid, _body = _split(token)
                if kid not in self._raws:
                    self.open(token)  # raises the error that names the missing key
                cipher = ciphers[head] = (self._cipher(tag, kid), head.encode("ascii"))
            body = token[12:]
            try:
                raw = a2b(body + "=" * (-len(body) % 4), strict_mode=True)
                plain = cipher[0].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], cipher[1])
            except (InvalidTag, binascii.Error):
                self.open(token)  # raises the precise error
                raise
            append(float(plain.rstrip(b"\0")))
        return out


def _split(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise FieldKeyError(
            f"A sealed column returned {type(token).__name__}, not sealed text: SQL arithmetic on a sealed column, "
            "or a clear value left in it."
        )
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] not in _TAGS or len(parts[1]) != 8:
        raise FieldKeyError(
            "A confidential column holds a value that is not sealed (expected g1:<key id>:… or s1:<key id>:…). "
            "Run the migrations, or restore the column from a backup."
        )
    return parts[0], parts[1], parts[2]


_TAGS = frozenset(CIPHERS.values())


def is_sealed(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        _split(value)
    except FieldKeyError:
        return False
    return True


@lru_cache(maxsize=8)
def _ring(keys: tuple[str, ...], cipher: str) -> KeyRing:
    return KeyRing(keys, cipher)


_last: tuple[object, str, KeyRing | None] = (None, "", None)


def ring() -> KeyRing:
    """The key ring of the current settings: rebuilt when the setting is another list (override_settings)."""
    global _last
    from django.conf import settings

    keys = getattr(settings, "CHAINLEADER_FIELD_KEYS", None)
    cipher = getattr(settings, "CHAINLEADER_FIELD_CIPHER", DEFAULT_CIPHER)
    seen, seen_cipher, cached = _last
    if cached is not None and seen is keys and seen_cipher == cipher:
        return cached
    made = _ring(tuple(keys or ()), cipher)
    _last = (keys, cipher, made)
    return made


def seal_text(text: str) -> str:
    return ring().seal(text.encode("utf-8"))


def open_text(token: str) -> str:
    return ring().open(token).decode("utf-8")
