"""Backup and restore (数据备份恢复, SECURITY.md RL5, AU1, AU4; docs/backup.md, docs/decisions/0019).

One archive ``chainleader-backup-YYYYmmdd-HHMMSS.tar.gz`` holds

- ``db/db.sqlite3`` (SQLite's online backup API on the live file) or ``db/db.pgdump`` (``pg_dump --format=custom``
  in the same snapshot the row counts are taken from),
- ``media/…``: the uploaded files (``MEDIA_ROOT``),
- ``audit-archive/…``: the audit rows that ``audit_purge`` moved out of the database (``AuditCheckpoint``),
- ``manifest.json``: every member with its SHA-256 and size, the migration state, the database vendor, the app
  version, the site id and the row count of every table; ``manifest.sha256`` guards the manifest itself.

``restore_archive`` verifies all of it before it changes anything, then replaces the database and the media tree,
puts back missing audit archives, verifies the audit hash chain and compares every table's row count with the
manifest. The management commands ``backup`` and ``restore`` are thin wrappers that print the results.

The site id is derived from the database itself (see ``site_id``): the first row Django wrote to
``django_migrations`` on the first ``migrate``, hashed. It needs no schema change, travels with every dump and
restore of that database, and differs between two installations.
"""

from __future__ import annotations

import copy
import getpass
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import socket
import sqlite3

# pg_dump, pg_restore and git run with argument lists we build, never through a shell.
import subprocess  # nosec B404
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import audit
from .models import AuditCheckpoint, AuditEvent

FORMAT = "chainleader-backup/1"
PREFIX = "chainleader-backup-"
NAME_RE = re.compile(r"^chainleader-backup-(\d{8})-(\d{6})(?:-\d+)?\.tar\.gz$")
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


# --- making an archive ---------------------------------------------------------------------------------------


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def _snapshot_sqlite(dest: Path) -> tuple[dict[str, int], list[tuple[str, str]], str | None]:
    """Copy the live SQLite file with the online backup API (one step: one consistent read snapshot, writers
    carry on under WAL), then read the row counts and migrations from the copy."""
    live = _sqlite_path()
    if not live.exists():
        raise BackupError(f"数据库文件不存在：{live}")
    src = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"数据库副本完整性检查未通过：{check}")
            tables = [
                r[0]
                for r in dst.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                    "ORDER BY name"
                )
            ]
            # Safe (bandit B608): table names come from sqlite_master and are quoted.
            counts = {t: _count(dst, f"SELECT COUNT(*) FROM {_quote_sqlite(t)}") for t in tables}  # noqa: S608  # nosec B608
            migrations: list[tuple[str, str]] = []
            first = None
            if "django_migrations" in counts:
                migrations = list(dst.execute(MIGRATIONS_SQL))
                first = dst.execute(FIRST_MIGRATION_SQL).fetchone()
        finally:
            dst.close()
    finally:
        src.close()
    return counts, migrations, _site_id_from_row(first)


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump / pg_restore: the password travels in PGPASSWORD, never on the command line."""
    # libpq reads the PG* variables for Django's own connection too: keep them; the settings win.
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for key, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("service", "PGSERVICE"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(key):
            pairs[var] = options[key]
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    env["PGAPPNAME"] = "chainleader-backup"
    env["PGCONNECT_TIMEOUT"] = env.get("PGCONNECT_TIMEOUT", "20")
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"找不到 {name}：请安装与数据库服务器版本一致的 PostgreSQL 客户端工具（postgresql-client）。"
        )
    return path


def pg_dump_command(dest: Path, snapshot: str | None) -> list[str]:
    cmd = [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={dest}"]
    if snapshot:
        cmd.append(f"--snapshot={snapshot}")
    return cmd


def pg_restore_command(dump: Path, dbname: str) -> list[str]:
    return [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={dbname}",
        str(dump),
    ]


def _run_pg(cmd: list[str], settings_dict: dict[str, Any], what: str) -> None:
    # The pg tools from PATH; the arguments are ours, no shell, no password (it is in the environment).
    out = subprocess.run(  # noqa: S603  # nosec B603
        cmd, env=_pg_env(settings_dict), capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what}失败（退出码 {out.returncode}）：" + " / ".join(tail))


def _snapshot_postgresql(dest: Path) -> tuple[dict[str, int], list[tuple[str, str]], str | None]:
    """pg_dump in the very snapshot the row counts and migrations are read in (pg_export_snapshot)."""
    settings_dict = copy.deepcopy(_db_settings())
    wrapper = type(connections[DEFAULT_DB_ALIAS])(settings_dict, "chainleader-backup")
    try:
        with wrapper.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            tables = wrapper.introspection.table_names(cur)
            counts: dict[str, int] = {}
            for t in tables:
                # Safe (bandit B608): table names from the catalog, quoted.
                cur.execute(f"SELECT COUNT(*) FROM {wrapper.ops.quote_name(t)}")  # noqa: S608  # nosec B608
                counts[t] = cur.fetchone()[0]
            migrations: list[tuple[str, str]] = []
            first = None
            if "django_migrations" in counts:
                cur.execute(MIGRATIONS_SQL)
                migrations = [tuple(r) for r in cur.fetchall()]
                cur.execute(FIRST_MIGRATION_SQL)
                first = cur.fetchone()
            _run_pg(pg_dump_command(dest, snapshot), settings_dict, "pg_dump ")
            cur.execute("COMMIT")
    finally:
        wrapper.close()
    return counts, migrations, _site_id_from_row(first)


def _inside(path: Path, root: Path) -> bool:
    path, root = path.resolve(), root.resolve()
    return path == root or root in path.parents


def _forbidden_output_roots() -> list[tuple[str, Path]]:
    roots: list[tuple[str, Path]] = [("上传文件目录 MEDIA_ROOT", media_root())]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(("静态文件目录 STATIC_ROOT", Path(settings.STATIC_ROOT)))
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(
            (
                "静态文件目录 STATICFILES_DIRS",
                Path(entry[1] if isinstance(entry, tuple | list) else entry),
            )
        )
    roots.append(("审计归档目录", audit_archive_dir()))
    return roots


def check_output_dir(output: Path) -> None:
    for label, root in _forbidden_output_roots():
        if _inside(output, root):
            raise BackupError(f"拒绝把备份写入 {output}：它在{label}（{root}）之内。请换一个目录。")


def _media_files(warnings: list[str]) -> Iterator[tuple[Path, str]]:
    root = media_root()
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                warnings.append(f"跳过文件名无法编码的上传文件：{path}")
                continue
            if path.is_symlink() or not path.is_file():
                warnings.append(f"跳过符号链接或特殊文件：{path}")
                continue
            yield path, f"media/{rel}"


def _audit_archive_files(warnings: list[str]) -> Iterator[tuple[Path, str]]:
    """Every file in the audit archive directory, and the archives the checkpoints name wherever they are."""
    seen: dict[str, Path] = {}
    folder = audit_archive_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.is_symlink():
                seen[path.name] = path
    for cp in AuditCheckpoint.objects.order_by("last_purged_id"):
        name = Path(cp.archive).name
        if name in seen:
            continue
        path = Path(cp.archive)
        if path.is_file():
            seen[name] = path
        else:
            warnings.append(f"审计检查点 {cp.last_purged_id} 的归档文件不存在：{cp.archive}")
    for name, path in seen.items():
        yield path, f"audit-archive/{name}"


def _add_file(
    tar: tarfile.TarFile, path: Path, arcname: str, mtime: float | None = None
) -> dict[str, Any]:
    with path.open("rb") as fh:
        st = os.fstat(fh.fileno())
        info = tarfile.TarInfo(arcname)
        info.size = st.st_size
        info.mtime = int(mtime if mtime is not None else st.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return {"path": arcname, "sha256": reader.digest.hexdigest(), "size": reader.size}


def _add_bytes(tar: tarfile.TarFile, data: bytes, arcname: str) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _archive_path(output: Path, now: datetime) -> Path:
    base = f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    path = output / f"{base}.tar.gz"
    n = 2
    while path.exists():
        path = output / f"{base}-{n}.tar.gz"
        n += 1
    return path


def _fsync_dir(folder: Path) -> None:
    with suppress(OSError):  # not every file system lets a directory be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _operator() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "os:?"


def make_archive(output_dir: Path | str | None = None, *, actor: Any = None) -> BackupResult:
    """Write one dated archive into ``output_dir`` (default ``var/backups``) and audit it."""
    started = time.monotonic()
    output = Path(output_dir) if output_dir else default_backup_dir()
    check_output_dir(output)
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    vendor = _vendor()
    if vendor not in DB_MEMBER:
        raise BackupError(f"不支持的数据库类型：{vendor}（只支持 SQLite 和 PostgreSQL）。")
    now = _local_now()
    final = _archive_path(output, now)
    warnings: list[str] = []
    members: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=".chainleader-backup-", dir=output) as tmp:
        dump = Path(tmp) / Path(DB_MEMBER[vendor]).name
        if vendor == "sqlite":
            counts, migrations, site = _snapshot_sqlite(dump)
        else:
            counts, migrations, site = _snapshot_postgresql(dump)
        if site is None:
            raise BackupError("数据库尚未迁移（没有 django_migrations 表），没有可备份的数据。")
        part = final.with_name(final.name + ".part")
        media_count = 0
        audit_files = 0
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                writer = _HashingWriter(raw)
                with (
                    gzip.GzipFile(
                        filename="", mode="wb", fileobj=writer, compresslevel=6, mtime=0
                    ) as gz,
                    tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
                ):
                    members.append(_add_file(tar, dump, DB_MEMBER[vendor], mtime=now.timestamp()))
                    for path, arcname in _audit_archive_files(warnings):
                        members.append(_add_file(tar, path, arcname))
                        audit_files += 1
                    for path, arcname in _media_files(warnings):
                        try:
                            members.append(_add_file(tar, path, arcname))
                        except (OSError, tarfile.TarError) as exc:
                            raise BackupError(f"读取上传文件失败：{path}（{exc}）") from exc
                        media_count += 1
                    manifest = {
                        "format": FORMAT,
                        "created_at": now.astimezone(UTC).isoformat(),
                        "site_id": site,
                        "app_version": app_version(),
                        "hostname": socket.gethostname(),
                        "database": {"vendor": vendor, "member": DB_MEMBER[vendor]},
                        "migrations": _latest_per_app(migrations),
                        "tables": counts,
                        "media_files": media_count,
                        "audit_archive_files": audit_files,
                        "members": members,
                    }
                    data = json.dumps(
                        manifest, ensure_ascii=False, indent=1, sort_keys=True
                    ).encode()
                    _add_bytes(tar, data, MANIFEST)
                    digest = hashlib.sha256(data).hexdigest()
                    _add_bytes(tar, f"{digest}  {MANIFEST}\n".encode(), MANIFEST_SUM)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(part, final)
            _fsync_dir(output)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    result = BackupResult(
        path=final,
        sha256=writer.digest.hexdigest(),
        size=final.stat().st_size,
        manifest=manifest,
        seconds=time.monotonic() - started,
        warnings=warnings,
    )
    audit.record(
        actor=actor,
        username="" if actor is not None else _operator(),
        event_type="backup",
        object_type="",
        object_id=final.name[:64],
        detail={
            "archive": final.name,
            "sha256": result.sha256,
            "size": result.size,
            "vendor": vendor,
            "tables": len(counts),
            "rows": result.total_rows,
            "media_files": media_count,
            "audit_archive_files": audit_files,
        },
    )
    return result


# --- retention -----------------------------------------------------------------------------------------------


def _stamp(name: str) -> datetime | None:
    m = NAME_RE.match(name)
    if not m:
        return None
    return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")  # noqa: DTZ007 (local wall time of the name)


def select_prune(
    names: list[str], *, daily: int = 7, weekly: int = 4, monthly: int = 12
) -> tuple[list[str], list[str]]:
    """Grandfather-father-son: the newest archive of each of the last ``daily`` days, ``weekly`` ISO weeks and
    ``monthly`` months that have one is kept (the union); every other archive named like ours is deleted.
    Names that are not ours are neither kept nor deleted."""
    dated = sorted(((s, n) for n in names if (s := _stamp(n)) is not None), reverse=True)
    keep: set[str] = set()
    for limit, key in (
        (daily, lambda d: d.date()),
        (weekly, lambda d: d.isocalendar()[:2]),
        (monthly, lambda d: (d.year, d.month)),
    ):
        periods: set[Any] = set()
        for stamp, name in dated:
            if len(periods) >= limit:
                break
            k = key(stamp)
            if k not in periods:
                periods.add(k)
                keep.add(name)
    ours = [n for _, n in dated]
    return [n for n in ours if n in keep], [n for n in ours if n not in keep]


def prune(
    output_dir: Path | str | None = None, *, daily: int = 7, weekly: int = 4, monthly: int = 12
) -> PruneResult:
    folder = Path(output_dir) if output_dir else default_backup_dir()
    if daily < 1:
        raise BackupError("至少保留最近一天的备份（--keep-daily ≥ 1）。")
    names = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    keep, delete = select_prune(names, daily=daily, weekly=weekly, monthly=monthly)
    for name in delete:
        (folder / name).unlink(missing_ok=True)
    return PruneResult(kept=[folder / n for n in keep], deleted=[folder / n for n in delete])


# --- reading and verifying an archive ------------------------------------------------------------------------


def _safe_name(name: str) -> str | None:
    """The member's path if it is one we write (no absolute path, no ``..``, under a known folder), else None."""
    if name in (MANIFEST, MANIFEST_SUM):
        return name
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] not in TOP_DIRS or any(p in ("", ".", "..") for p in parts):
        return None
    if PurePosixPath(*parts).as_posix() != name:
        return None
    return name


def _read_archive(path: Path, sink: Path | None) -> VerifyResult:
    """Read the whole archive once: hash every member (and write it under ``sink`` when given), check the gzip
    trailer, then compare everything with the manifest. Nothing outside ``sink`` is written."""
    errors: list[str] = []
    found: dict[str, tuple[str, int]] = {}
    special: dict[str, bytes] = {}
    total = 0
    if not path.is_file():
        return VerifyResult(path, False, [f"备份文件不存在：{path}"])
    try:
        with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as gz:
            with tarfile.open(fileobj=gz, mode="r|") as tar:
                for info in tar:
                    name = _safe_name(info.name)
                    if name is None or not info.isfile():
                        errors.append(f"归档中有不允许的成员：{info.name!r}")
                        continue
                    if name in found or name in special:
                        errors.append(f"归档中的成员重复：{name}")
                        continue
                    fh = tar.extractfile(info)
                    if fh is None:  # a regular file always has a reader
                        errors.append(f"无法读取归档成员：{name}")
                        continue
                    digest = hashlib.sha256()
                    size = 0
                    if name in (MANIFEST, MANIFEST_SUM):
                        if info.size > MAX_MANIFEST_BYTES:
                            errors.append(f"{name} 过大")
                            continue
                        data = fh.read()
                        special[name] = data
                        continue
                    out = None
                    if sink is not None:
                        target = sink / name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        out = target.open("wb")
                    try:
                        while chunk := fh.read(CHUNK):
                            digest.update(chunk)
                            size += len(chunk)
                            if out is not None:
                                out.write(chunk)
                    finally:
                        if out is not None:
                            out.close()
                    found[name] = (digest.hexdigest(), size)
                    total += size
            # Read to the end of the gzip stream: gzip checks its CRC-32 and length there (a flipped byte or a
            # truncated file is caught even where tar's own headers still look right).
            while gz.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError) as exc:
        return VerifyResult(path, False, [f"备份文件损坏或不完整：{exc.__class__.__name__}: {exc}"])

    manifest: dict[str, Any] | None = None
    if MANIFEST not in special or MANIFEST_SUM not in special:
        errors.append("备份中缺少 manifest.json 或 manifest.sha256")
    else:
        want = special[MANIFEST_SUM].decode("ascii", "replace").split()[:1]
        if [hashlib.sha256(special[MANIFEST]).hexdigest()] != want:
            errors.append("manifest.json 的 SHA-256 与 manifest.sha256 不符：清单已损坏或被改动")
        else:
            try:
                manifest = json.loads(special[MANIFEST])
            except ValueError as exc:
                errors.append(f"manifest.json 无法解析：{exc}")
    if manifest is not None:
        try:
            errors.extend(_check_manifest(manifest, found))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(f"清单格式不对：{exc.__class__.__name__}: {exc}")
    return VerifyResult(path, not errors, errors, manifest, len(found), total)


def _check_manifest(manifest: dict[str, Any], found: dict[str, tuple[str, int]]) -> list[str]:
    errors: list[str] = []
    if manifest.get("format") != FORMAT:
        return [f"不认识的备份格式：{manifest.get('format')!r}（本程序读 {FORMAT}）"]
    for key in ("site_id", "database", "migrations", "tables", "members"):
        if key not in manifest:
            errors.append(f"清单缺少字段 {key}")
    if errors:
        return errors
    listed = {m["path"]: (m["sha256"], int(m["size"])) for m in manifest["members"]}
    for name, (sha, size) in sorted(listed.items()):
        if name not in found:
            errors.append(f"清单列出的文件不在归档中：{name}")
        elif found[name] != (sha, size):
            got_sha, got_size = found[name]
            errors.append(
                f"校验和不符：{name}（清单 {sha[:12]}…/{size} 字节，实际 {got_sha[:12]}…/{got_size} 字节）"
            )
    errors.extend(f"归档中有清单未列出的文件：{name}" for name in sorted(set(found) - set(listed)))
    db_member = manifest["database"].get("member")
    if (
        manifest["database"].get("vendor") not in DB_MEMBER
        or db_member != DB_MEMBER[manifest["database"]["vendor"]]
    ):
        errors.append(f"清单中的数据库类型或文件不对：{manifest['database']}")
    elif db_member not in found:
        errors.append(f"归档中缺少数据库文件 {db_member}")
    return errors


def verify_archive(path: Path | str) -> VerifyResult:
    """Check an archive without changing anything: readable to its end, every checksum and size, the manifest."""
    return _read_archive(Path(path), sink=None)


# --- restoring -----------------------------------------------------------------------------------------------


def migration_problems(manifest_migrations: dict[str, str]) -> tuple[list[str], list[str]]:
    """(errors, notes): an error for each installed app whose latest migration in the backup this code does not
    have (the backup is newer than the code); notes for apps the code has moved past or does not install."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    errors: list[str] = []
    notes: list[str] = []
    for app, name in sorted(manifest_migrations.items()):
        if app not in loader.migrated_apps:
            notes.append(
                f"备份中有当前未安装的应用 {app} 的数据（最新迁移 {name}），恢复后这些表不被使用。"
            )
            continue
        if (app, name) not in loader.disk_migrations:
            errors.append(
                f"备份的数据库迁移状态比当前代码新：应用 {app} 已执行 {name}，而本代码中没有这个迁移。"
                "请先把代码升级到备份时的版本再恢复。"
            )
    leaves = {app: name for app, name in loader.graph.leaf_nodes() if app in loader.migrated_apps}
    behind = sorted(app for app, name in leaves.items() if manifest_migrations.get(app) != name)
    if behind and not errors:
        notes.append(
            "备份早于当前代码（"
            + "、".join(behind)
            + " 有更新的迁移）：恢复后请运行 manage.py migrate。"
        )
    return errors, notes


def _restore_sqlite(dump: Path) -> None:
    live = _sqlite_path()
    live.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    src = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(live, timeout=60)
        try:
            src.backup(dst)
            with suppress(sqlite3.DatabaseError):
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"写入 SQLite 数据库失败：{exc}") from exc
    finally:
        src.close()


def _restore_postgresql(dump: Path) -> None:
    settings_dict = copy.deepcopy(_db_settings())
    connections.close_all()
    _run_pg(pg_restore_command(dump, str(settings_dict["NAME"])), settings_dict, "pg_restore ")


def _swap_dir(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is: two renames on one file system; where ``target`` cannot be renamed (a mount
    point), its contents are replaced instead."""
    stamp = f"{time.time_ns()}"
    old = target.with_name(f".{target.name}.pre-restore-{stamp}")
    if target.exists():
        try:
            os.rename(target, old)
        except OSError:
            for child in list(target.iterdir()):
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
            for child in list(new.iterdir()):
                shutil.move(str(child), str(target / child.name))
            shutil.rmtree(new, ignore_errors=True)
            return
    try:
        os.rename(new, target)
    except OSError:
        shutil.copytree(new, target)
        shutil.rmtree(new, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _restore_audit_archives(staged: Path, result: RestoreResult) -> None:
    """Put back the audit archives: missing ones are written, identical ones left, a different file of the same
    name is kept beside as ``*.pre-restore-…`` (audit evidence is never deleted)."""
    if not staged.is_dir():
        return
    folder = audit_archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted(staged.iterdir()):
        dest = folder / src.name
        if dest.exists():
            if _sha256_file(dest) == _sha256_file(src):
                continue
            kept = dest.with_name(f"{dest.name}.pre-restore-{time.time_ns()}")
            os.replace(dest, kept)
            result.warnings.append(f"审计归档 {dest.name} 与备份中的不同，原文件保留为 {kept.name}")
        shutil.move(str(src), str(dest))
        result.audit_files_restored += 1


def _check_checkpoint_archives() -> list[str]:
    errors = []
    for cp in AuditCheckpoint.objects.order_by("last_purged_id"):
        candidates = [Path(cp.archive), audit_archive_dir() / Path(cp.archive).name]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            errors.append(
                f"审计检查点 {cp.last_purged_id} 的归档文件不存在：{Path(cp.archive).name}"
            )
        elif _sha256_file(found) != cp.archive_sha256:
            errors.append(f"审计归档 {found} 的 SHA-256 与检查点记录不符")
    return errors


def _live_counts(tables: list[str]) -> dict[str, int | None]:
    present = set(connection.introspection.table_names())
    counts: dict[str, int | None] = {}
    with connection.cursor() as cur:
        for t in tables:
            if t not in present:
                counts[t] = None
                continue
            # Safe (bandit B608): names from the manifest, used only when the catalog has them, quoted.
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(t)}")  # noqa: S608  # nosec B608
            counts[t] = cur.fetchone()[0]
    return counts


def _audit_restore(result: RestoreResult, actor: Any, sha: str | None) -> None:
    manifest = result.manifest or {}
    audit.record(
        actor=actor,
        username="" if actor is not None else _operator(),
        event_type="restore",
        object_type="",
        object_id=result.path.name[:64],
        outcome=AuditEvent.Outcome.SUCCESS if result.ok else AuditEvent.Outcome.FAILURE,
        detail={
            "archive": result.path.name,
            "sha256": sha,
            "backup_created_at": manifest.get("created_at"),
            "backup_site_id": manifest.get("site_id"),
            "changed": result.changed,
            "errors": result.errors[:10],
        },
    )


def _check_restored(result: RestoreResult, manifest: dict[str, Any], vendor: str) -> None:
    """Integrity, the audit chain and its archives, and every table's row count against the manifest."""
    if vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA integrity_check")
            result.integrity = str(cur.fetchone()[0])
        if result.integrity != "ok":
            result.errors.append(f"数据库完整性检查未通过：{result.integrity}")
    result.audit_bad_row = audit.verify_chain()
    result.audit_rows = AuditEvent.objects.count()
    if result.audit_bad_row is not None:
        result.errors.append(f"审计日志哈希链在第 {result.audit_bad_row} 行断开")
    result.errors.extend(_check_checkpoint_archives())
    expected: dict[str, int] = manifest["tables"]
    actual = _live_counts(sorted(expected))
    result.tables_checked = len(expected)
    result.count_mismatches = [
        (t, n, actual[t]) for t, n in sorted(expected.items()) if actual[t] != n
    ]
    for table, want, got in result.count_mismatches:
        result.errors.append(
            f"表 {table} 行数不符：清单 {want}，恢复后 {'缺表' if got is None else got}"
        )
    if vendor == "postgresql":
        extra = sorted(set(connection.introspection.table_names()) - set(expected))
        if extra:
            result.warnings.append(
                "数据库中有备份里没有的表（pg_restore 只替换备份中的对象）："
                + "、".join(extra[:20])
            )


@contextmanager
def _staging() -> Iterator[Path]:
    parent = media_root().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".chainleader-restore-", dir=parent))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def restore_archive(
    path: Path | str,
    *,
    allow_foreign: bool = False,
    confirm: Callable[[VerifyResult], bool] | None = None,
    actor: Any = None,
) -> RestoreResult:
    """Verify, then restore the database, the media tree and the audit archives, then check the result.

    Refused (``changed`` False, nothing touched; an audit row with outcome failure is written when the database
    can take one): an unreadable, truncated or tampered archive, another installation's archive (unless
    ``allow_foreign``), a migration state newer than the code, another database vendor, or ``confirm`` saying no.
    """
    started = time.monotonic()
    path = Path(path)
    result = RestoreResult(path=path)
    vendor = _vendor()
    archive_sha = _sha256_file(path) if path.is_file() else None

    def refuse(*messages: str) -> RestoreResult:
        result.errors.extend(messages)
        result.seconds = time.monotonic() - started
        with suppress(Exception):  # the live database may be the broken thing being replaced
            _audit_restore(result, actor, archive_sha)
        return result

    with _staging() as stage:
        verified = _read_archive(path, sink=stage)
        result.manifest = verified.manifest
        if not verified.ok:
            return refuse("备份文件校验失败，未做任何更改：", *verified.errors)
        manifest = verified.manifest or {}
        if manifest["database"]["vendor"] != vendor:
            return refuse(
                f"备份的数据库类型是 {manifest['database']['vendor']}，当前配置的是 {vendor}，无法恢复；未做任何更改。"
            )
        here = site_id()
        if here is not None and manifest["site_id"] != here and not allow_foreign:
            return refuse(
                f"这份备份来自另一套安装（站点标识 {manifest['site_id']}，本机 {here}），未做任何更改。"
                "如确实要用它覆盖本机数据（例如迁移到新服务器），请加 --allow-foreign。"
            )
        mig_errors, notes = migration_problems(manifest["migrations"])
        result.warnings.extend(notes)
        if mig_errors:
            return refuse(*mig_errors, "未做任何更改。")
        if confirm is not None and not confirm(verified):
            return refuse("操作人未确认，未做任何更改。")

        # From here on the installation changes.
        result.changed = True
        try:
            new_media = stage / "media"
            new_media.mkdir(exist_ok=True)
            dump = stage / manifest["database"]["member"]
            if vendor == "sqlite":
                _restore_sqlite(dump)
            else:
                _restore_postgresql(dump)
            result.database_restored = True
            result.media_files = sum(1 for p in new_media.rglob("*") if p.is_file())
            _swap_dir(new_media, media_root())
            _restore_audit_archives(stage / "audit-archive", result)
        except (BackupError, OSError) as exc:
            result.errors.append(f"恢复过程中出错：{exc}")
            result.seconds = time.monotonic() - started
            with suppress(Exception):
                _audit_restore(result, actor, archive_sha)
            return result

    # Checks on what is now live.
    try:
        _check_restored(result, manifest, vendor)
    except Exception as exc:  # e.g. a schema older than the code: reported, not raised
        result.errors.append(
            f"恢复后核对出错：{exc.__class__.__name__}: {exc}（备份早于代码时请先运行 migrate）"
        )
    result.ok = not result.errors
    result.seconds = time.monotonic() - started
    try:
        _audit_restore(result, actor, archive_sha)
    except Exception as exc:  # the restore itself is done; report it
        result.ok = False
        result.errors.append(f"恢复完成，但写审计记录失败：{exc}")
    return result


def describe_manifest(manifest: dict[str, Any]) -> list[str]:
    """A few Chinese lines about what an archive holds (for the commands)."""
    tables = manifest.get("tables", {})
    return [
        f"备份时间：{manifest.get('created_at')}（主机 {manifest.get('hostname', '?')}，版本 {manifest.get('app_version')}）",
        f"站点标识：{manifest.get('site_id')}",
        f"数据库：{manifest.get('database', {}).get('vendor')}，{len(tables)} 张表，{sum(tables.values())} 行",
        f"上传文件：{manifest.get('media_files', 0)} 个；审计归档文件：{manifest.get('audit_archive_files', 0)} 个",
    ]


__all__ = [
    "BackupError",
    "BackupResult",
    "PruneResult",
    "RestoreResult",
    "VerifyResult",
    "describe_manifest",
    "make_archive",
    "prune",
    "restore_archive",
    "select_prune",
    "site_id",
    "verify_archive",
]
