"""Backup and restore, the shared part: the archive format, the result records, the site id, small helpers."""

from __future__ import annotations

import hashlib
import io
import re
import shutil

# pg_dump, pg_restore and git run with argument lists we build, never through a shell.
import subprocess  # nosec B404
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = "chainleader-backup/1"
PREFIX = "chainleader-backup-"
SUFFIX = ".tar.gz.enc"  # a tar in gzip, encrypted (sealing.py)
NAME_RE = re.compile(r"^chainleader-backup-(\d{8})-(\d{6})(?:-\d+)?\.tar\.gz\.enc$")
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DB_MEMBER = {"sqlite": "db/db.sqlite3", "postgresql": "db/db.pgdump"}
TOP_DIRS = ("db", "media", "audit-archive")
CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator (Chinese)."""


# --- results -------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.manifest["tables"].values())


@dataclass
class VerifyResult:
    path: Path
    ok: bool
    errors: list[str]
    manifest: dict[str, Any] | None = None
    files: int = 0
    bytes: int = 0


@dataclass
class RestoreResult:
    path: Path
    ok: bool = False
    changed: bool = False  # False: refused before anything was touched
    database_restored: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    media_files: int = 0
    audit_files_restored: int = 0
    audit_rows: int = 0
    audit_bad_row: int | None = None
    tables_checked: int = 0
    count_mismatches: list[tuple[str, int, int | None]] = field(default_factory=list)
    integrity: str = ""
    seconds: float = 0.0


@dataclass
class PruneResult:
    kept: list[Path]
    deleted: list[Path]


# --- small helpers -------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile and hashes what passes through."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


class _HashingWriter(io.RawIOBase):
    """The archive file: hashes every byte written to it, so the archive's SHA-256 needs no second read."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.digest.update(data)
        self.fh.write(data)
        return len(data)

    def flush(self) -> None:
        self.fh.flush()


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def _vendor() -> str:
    return connection.vendor


def _db_settings() -> dict[str, Any]:
    return connection.settings_dict


def _sqlite_path() -> Path:
    name = str(_db_settings()["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("当前数据库是内存中的 SQLite，无法备份或恢复；请配置一个数据库文件。")
    return Path(name)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def audit_archive_dir() -> Path:
    return Path(settings.CHAINLEADER_AUDIT_ARCHIVE_DIR)


def default_backup_dir() -> Path:
    return Path(
        getattr(settings, "CHAINLEADER_BACKUP_DIR", None) or settings.BASE_DIR / "var" / "backups"
    )


def _local_now() -> datetime:
    return timezone.localtime(timezone.now())


def app_version() -> str:
    """``git describe`` of the checkout when there is one, else the installed package's version."""
    base = Path(settings.BASE_DIR)
    git = shutil.which("git")
    if git and (base / ".git").exists():
        with suppress(OSError, subprocess.SubprocessError):
            # git from PATH with fixed arguments.
            out = subprocess.run(  # noqa: S603  # nosec B603
                [git, "-C", str(base), "describe", "--tags", "--always", "--dirty"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
    try:
        from importlib.metadata import version

        return version("chainleader")
    except Exception:  # not installed as a package: read pyproject
        import tomllib

        with suppress(OSError, ValueError, KeyError), (base / "pyproject.toml").open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    return "unknown"


# --- site id -------------------------------------------------------------------------------------------------


def _site_id_from_row(row: tuple[Any, Any, Any] | None) -> str | None:
    """The site id of a database: a hash of its first ``django_migrations`` row (app, name, applied time).

    That row is written once, by the first ``migrate`` of the database, to the microsecond; it is copied by every
    dump and restore of that database and never rewritten, so the id names the installation's data. SQLite hands
    the time back as text, PostgreSQL as an aware datetime: both become the same UTC text before hashing.
    """
    if row is None:
        return None
    app, name, applied = row
    if isinstance(applied, str):
        applied = datetime.fromisoformat(applied)
    if applied.tzinfo is not None:
        applied = applied.astimezone(UTC).replace(tzinfo=None)
    stamp = applied.isoformat(sep=" ", timespec="microseconds")
    return hashlib.sha256(f"chainleader-site|{app}|{name}|{stamp}".encode()).hexdigest()[:16]


FIRST_MIGRATION_SQL = "SELECT app, name, applied FROM django_migrations ORDER BY id LIMIT 1"
MIGRATIONS_SQL = "SELECT app, name FROM django_migrations"


def site_id() -> str | None:
    """This installation's site id, or None when the database has not been migrated (an empty database)."""
    if "django_migrations" not in connection.introspection.table_names():
        return None
    with connection.cursor() as cur:
        cur.execute(FIRST_MIGRATION_SQL)
        return _site_id_from_row(cur.fetchone())


def _latest_per_app(rows: list[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in rows:
        if app not in latest or name > latest[app]:
            latest[app] = name
    return dict(sorted(latest.items()))
