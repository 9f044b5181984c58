"""Backup archives are encrypted (SECURITY.md DP2: "a backup cannot be opened without the key").

The archive (tar in gzip) is written through an encrypting stream and read back through a decrypting one, so
neither side holds the archive in memory. The key is the current field key (core.crypto, decision 0021) through
HKDF-SHA256 with its own label, so no key serves two purposes; the archive's header names the field key's id, and
restoring needs that key among CHAINLEADER_FIELD_KEYS. The cipher is the field cipher's (AES-256-GCM or SM4-GCM).

The stream is the chunked AEAD of Hoang, Reyhanitabar, Rogaway and Vizár ("STREAM", as in Tink's streaming AEAD
and age): 1 MiB chunks, each sealed with nonce = random prefix (7 bytes) ‖ chunk counter (4 bytes) ‖ last flag
(1 byte) and the header as associated data. Reordered, dropped, truncated or altered chunks do not authenticate;
a missing last chunk is a truncated archive.
"""

from __future__ import annotations

import io
import os
import struct
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .. import crypto
from .common import BackupError

MAGIC = b"CHAINLEADER-BACKUP-SEALED/1\n"
PLAIN_CHUNK = 1 << 20
TAG = 16
PREFIX_BYTES = 7
HEADER_LEN = len(MAGIC) + 2 + 8 + PREFIX_BYTES  # magic, cipher tag, key id, nonce prefix


def _cipher(tag: str, raw_key: bytes) -> Any:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"chainleader backup archive"
    ).derive(raw_key)
    if tag == "g1":
        return AESGCM(derived)
    if tag == "s1":
        return crypto._SM4GCM(crypto._sm4_key(derived))
    raise BackupError(f"备份文件使用了未知的加密算法：{tag!r}。")


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 2**32:
        raise BackupError("备份文件过大（超过加密分块的上限）。")
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class SealingWriter(io.RawIOBase):
    """Encrypts what is written to it into ``fh`` (call close() to write the last chunk)."""

    def __init__(self, fh: IO[bytes]) -> None:
        ring = crypto.ring()
        self.fh = fh
        self.prefix = os.urandom(PREFIX_BYTES)
        self.header = MAGIC + ring.tag.encode("ascii") + ring.current.encode("ascii") + self.prefix
        self.aead = _cipher(ring.tag, ring._raws[ring.current])
        self.buffer = bytearray()
        self.counter = 0
        self.fh.write(self.header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += bytes(data)
        while (
            len(self.buffer) > PLAIN_CHUNK
        ):  # the last chunk, written by close(), holds what is left
            self._emit(bytes(self.buffer[:PLAIN_CHUNK]), last=False)
            del self.buffer[:PLAIN_CHUNK]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        nonce = _nonce(self.prefix, self.counter, last)
        self.fh.write(self.aead.encrypt(nonce, chunk, self.header))
        self.counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self.buffer), last=True)
            self.buffer.clear()
            self.fh.flush()
        super().close()


class OpeningReader(io.RawIOBase):
    """Decrypts an archive written by SealingWriter; any tampering, truncation or wrong key raises BackupError."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        header = fh.read(HEADER_LEN)
        if len(header) < HEADER_LEN or not header.startswith(MAGIC):
            raise BackupError("不是加密的备份文件（文件头不符），或文件已损坏。")
        tag = header[len(MAGIC) : len(MAGIC) + 2].decode("ascii", "replace")
        kid = header[len(MAGIC) + 2 : len(MAGIC) + 10].decode("ascii", "replace")
        ring = crypto.ring()
        if kid not in ring._raws:
            raise BackupError(
                f"备份文件用字段密钥 {kid} 加密，本机未配置该密钥（已配置：{', '.join(ring.ids)}），无法打开。"
                "请把该密钥加入 CHAINLEADER_FIELD_KEYS。"
            )
        self.header = header
        self.prefix = header[-PREFIX_BYTES:]
        self.aead = _cipher(tag, ring._raws[kid])
        self.counter = 0
        self.done = False
        self.pending = fh.read(PLAIN_CHUNK + TAG)
        self.out = b""

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        chunk = self.pending
        self.pending = self.fh.read(PLAIN_CHUNK + TAG) if chunk else b""
        last = not self.pending
        if not chunk:
            raise BackupError("备份文件被截断（缺少结尾分块）。")
        try:
            self.out += self.aead.decrypt(
                _nonce(self.prefix, self.counter, last), chunk, self.header
            )
        except InvalidTag as exc:
            raise BackupError(
                f"备份文件第 {self.counter + 1} 个分块校验失败：文件被改动、截断，或密钥不对。"
            ) from exc
        self.counter += 1
        self.done = last

    def read(self, n: int = -1) -> bytes:
        while not self.done and (n < 0 or len(self.out) < n):
            self._next()
        if n < 0:
            data, self.out = self.out, b""
        else:
            data, self.out = self.out[:n], self.out[n:]
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def is_sealed_archive(path: Any) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC
