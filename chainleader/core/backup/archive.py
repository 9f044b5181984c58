"""Making a backup archive (the database in one snapshot, uploaded files, audit archives, the manifest) and retention."""

from __future__ import annotations

import copy
import getpass
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3

# pg_dump, pg_restore and git run with argument lists we build, never through a shell.
import subprocess  # nosec B404
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .. import audit
from ..models import AuditCheckpoint
from .common import (
    DB_MEMBER,
    FIRST_MIGRATION_SQL,
    FORMAT,
    MANIFEST,
    MANIFEST_SUM,
    MIGRATIONS_SQL,
    NAME_RE,
    PREFIX,
    SUFFIX,
    BackupError,
    BackupResult,
    PruneResult,
    _db_settings,
    _HashingReader,
    _HashingWriter,
    _latest_per_app,
    _local_now,
    _site_id_from_row,
    _sqlite_path,
    _vendor,
    app_version,
    audit_archive_dir,
    default_backup_dir,
    media_root,
)
from .sealing import SealingWriter

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
    path = output / f"{base}{SUFFIX}"
    n = 2
    while path.exists():
        path = output / f"{base}-{n}{SUFFIX}"
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
                sealed = SealingWriter(writer)  # encrypted with the field key (sealing.py; DP2)
                with (
                    gzip.GzipFile(
                        filename="", mode="wb", fileobj=sealed, compresslevel=6, mtime=0
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
                sealed.close()  # the last chunk
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
