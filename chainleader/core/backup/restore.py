"""Reading, verifying and restoring a backup archive: everything is checked before anything changes."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import os
import shutil
import sqlite3

# pg_dump, pg_restore and git run with argument lists we build, never through a shell.
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Any

from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from .. import audit
from ..models import AuditCheckpoint, AuditEvent
from .archive import (
    _operator,
    _run_pg,
    pg_restore_command,
)
from .common import (
    CHUNK,
    DB_MEMBER,
    FORMAT,
    MANIFEST,
    MANIFEST_SUM,
    MAX_MANIFEST_BYTES,
    TOP_DIRS,
    BackupError,
    RestoreResult,
    VerifyResult,
    _db_settings,
    _sha256_file,
    _sqlite_path,
    _vendor,
    audit_archive_dir,
    media_root,
    site_id,
)
from .sealing import OpeningReader

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
        with path.open("rb") as raw, gzip.GzipFile(fileobj=OpeningReader(raw), mode="rb") as gz:
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
    except BackupError as exc:
        return VerifyResult(path, False, [exc.args[0] if exc.args else str(exc)])
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
