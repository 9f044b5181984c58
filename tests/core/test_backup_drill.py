"""Restore drill (SECURITY.md RL5; docs/backup.md): back up while a writer runs, break the data, restore, and
check that everything came back; a tampered, truncated, foreign or too-new archive is refused and changes nothing.

The drill runs on the test database itself: a SQLite file in the SQLite pass (settings/test.py gives every test
process its own file, never :memory:), PostgreSQL in the PostgreSQL pass of .ci/run (DATABASE_URL), where
``manage.py backup`` calls pg_dump and ``restore`` pg_restore. Each pass skips the other vendor's drill.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from chainleader.chains.models import Chain
from chainleader.core import audit, backup
from chainleader.core.backup.sealing import OpeningReader, SealingWriter
from chainleader.core.crypto import new_key
from chainleader.core.models import AuditCheckpoint, AuditEvent
from chainleader.enterprises.models import Enterprise
from tests.factories import ChainFactory, EnterpriseFactory, UserFactory

MEDIA = {
    "projects/evidence/开工证明.pdf": b"%PDF-1.4 evidence of the start\n" * 50,
    "worklists/notes/台账.xlsx": b"PK\x03\x04 not really a workbook" * 20,
    "readme.txt": "上传文件\n".encode(),
}


@pytest.fixture
def places(tmp_path, settings):
    """MEDIA_ROOT, the audit archive and the backups in this test's own folder (never var/)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHAINLEADER_AUDIT_ARCHIVE_DIR = str(tmp_path / "audit-archive")
    return tmp_path


def _drill_on(vendor: str) -> pytest.MarkDecorator:
    """The drill of the test database's own vendor runs; the other one is skipped (before any database set-up)."""
    if connection.vendor != vendor:
        reason = f"the test database is {connection.vendor}; the {vendor} drill runs in the {vendor} pass of .ci/run"
        return pytest.mark.skip(reason=reason)
    if vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        return pytest.mark.skip(
            reason="PostgreSQL client tools (pg_dump, pg_restore) are not installed"
        )
    return pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    with connection.cursor() as cur:
        out = {}
        for table in connection.introspection.table_names(cur):
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out[table] = cur.fetchone()[0]
        return out


def _media_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _plain(path: Path) -> bytes:
    """The gzip stream inside an encrypted archive (whoever does this holds the key)."""
    with path.open("rb") as fh:
        return OpeningReader(fh).read()


def _seal(gz: bytes, dest: Path) -> Path:
    with dest.open("wb") as fh:
        writer = SealingWriter(fh)
        writer.write(gz)
        writer.close()
    return dest


def _rewrite(
    src: Path, dest: Path, change: Callable[[str, bytes], bytes], *, fix_manifest_sum=True
) -> Path:
    """Copy an archive member by member, passing each member's bytes through ``change``; manifest.sha256 is
    recomputed when asked (a forger who knows the format and holds the key)."""
    members: list[tuple[str, bytes]] = []
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(_plain(src)))) as tar:
        for info in tar:
            members.append((info.name, change(info.name, tar.extractfile(info).read())))
    data = dict(members)
    if fix_manifest_sum:
        digest = hashlib.sha256(data["manifest.json"]).hexdigest()
        data["manifest.sha256"] = f"{digest}  manifest.json\n".encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, _ in members:
            info = tarfile.TarInfo(name)
            info.size = len(data[name])
            tar.addfile(info, io.BytesIO(data[name]))
    return _seal(gzip.compress(buf.getvalue()), dest)


def _edit_manifest(edit: Callable[[dict], None]) -> Callable[[str, bytes], bytes]:
    def change(name: str, raw: bytes) -> bytes:
        if name != "manifest.json":
            return raw
        manifest = json.loads(raw)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def _make_world(places: Path) -> dict:
    """A small installation: chains, firms, a user, uploaded files, and an audit log of which the oldest rows
    were archived and purged (so the backup must carry an audit archive and its checkpoint)."""
    chains = ChainFactory.create_batch(3)
    firms = EnterpriseFactory.create_batch(5)
    UserFactory(username="drill")
    for name, content in MEDIA.items():
        assert default_storage.save(name, ContentFile(content)) == name
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        for i in range(3):
            audit.record(actor=None, username="drill", event_type="create", object_id=i)
    for firm in firms:
        audit.record(actor=None, username="drill", event_type="create", obj=firm)
    checkpoint = audit.purge(retention_days=365)
    assert checkpoint is not None and checkpoint.rows == 3
    assert audit.verify_chain() is None
    return {"chains": chains, "firms": firms, "checkpoint": checkpoint}


def _backup_while_writing(places: Path) -> tuple[Path, dict, int]:
    """manage.py backup while another thread keeps appending audit rows (RL5: back up under writers)."""
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set() or len(written) < 3:
                audit.record(
                    actor=None, username="writer", event_type="update", object_id=len(written)
                )
                written.append(1)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    out = StringIO()
    try:
        call_command("backup", "--output", str(places / "backups"), stdout=out, stderr=StringIO())
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    text = out.getvalue()
    assert "备份完成" in text and "张表" in text
    path = Path(text.strip().splitlines()[-1])
    assert path.parent == places / "backups"
    assert backup.NAME_RE.match(path.name)
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(_plain(path)))) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    return path, manifest, len(written)


@pytest.mark.parametrize(
    "vendor",
    [
        pytest.param("sqlite", marks=_drill_on("sqlite")),
        pytest.param("postgresql", marks=_drill_on("postgresql")),
    ],
)
def test_restore_drill(vendor, places):
    world = _make_world(places)
    media_root = Path(places / "media")
    media_before = _media_tree(media_root)
    firm = world["firms"][0]
    old_name = firm.name

    archive, manifest, written = _backup_while_writing(places)

    # What the archive says about itself.
    assert manifest["database"]["vendor"] == vendor
    assert manifest["site_id"] == backup.site_id()
    assert manifest["migrations"]["core"] >= "0005"
    # the purge's archive and its signed checkpoint beside it
    assert manifest["media_files"] == len(MEDIA) and manifest["audit_archive_files"] == 2
    assert manifest["tables"]["enterprises_enterprise"] == Enterprise.objects.count()
    assert manifest["tables"]["chains_chain"] == 3
    assert manifest["tables"]["core_auditcheckpoint"] == 1
    assert (
        manifest["tables"]["core_auditevent"] >= 5
    )  # the five firms; some of the writer's rows too
    paths = {m["path"] for m in manifest["members"]}
    assert {f"media/{n}" for n in MEDIA} <= paths
    assert f"audit-archive/{Path(world['checkpoint'].archive).name}" in paths
    assert AuditEvent.objects.filter(event_type="backup", object_id=archive.name).count() == 1
    assert backup.verify_archive(archive).ok

    # Break things: change, delete and add rows; delete, change and add files; lose the audit archive.
    Enterprise.objects.filter(pk=firm.pk).update(name="改过的名字")
    Chain.objects.filter(pk=world["chains"][0].pk).delete()
    EnterpriseFactory(name="备份之后新建的企业")
    (media_root / "readme.txt").unlink()
    (media_root / "worklists/notes/台账.xlsx").write_bytes(b"overwritten")
    default_storage.save("late/新文件.txt", ContentFile(b"after the backup"))
    Path(world["checkpoint"].archive).unlink()
    audit.record(actor=None, username="drill", event_type="update", obj=firm)

    out = StringIO()
    call_command("restore", str(archive), "--yes", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "恢复完成，核对全部通过" in text, text

    # Every table holds what the manifest counted; the changed row has its old value; the files are back.
    counts = _counts()
    restore_row = 1  # the restore itself is audited after the counts were checked
    for table, n in manifest["tables"].items():
        assert counts[table] == n + (restore_row if table == "core_auditevent" else 0), table
    assert Enterprise.objects.get(pk=firm.pk).name == old_name
    assert Chain.objects.filter(pk=world["chains"][0].pk).exists()
    assert not Enterprise.objects.filter(name="备份之后新建的企业").exists()
    assert _media_tree(media_root) == media_before
    assert Path(world["checkpoint"].archive).is_file()
    assert audit.verify_chain() is None
    assert AuditCheckpoint.objects.get().archive_sha256 == backup._sha256_file(
        Path(world["checkpoint"].archive)
    )
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.event_type, last.outcome, last.object_id) == ("restore", "success", archive.name)
    assert written >= 3
    # The restored database still guards its audit log (AU3).
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("UPDATE core_auditevent SET username = 'x'")
    if vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA integrity_check")
            assert cur.fetchone()[0] == "ok"

    # A manifest whose counts disagree with its own database (forged consistently, so every checksum passes):
    # the restore goes ahead, the count check fails, and the command exits non-zero naming the table.
    def one_more_chain(m: dict) -> None:
        m["tables"]["chains_chain"] += 1

    forged = _rewrite(archive, places / "forged.tar.gz", _edit_manifest(one_more_chain))
    with pytest.raises(CommandError, match="chains_chain 行数不符"):
        call_command("restore", str(forged), "--yes", stdout=StringIO(), stderr=StringIO())
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.event_type, last.outcome) == ("restore", "failure")


# --- refusals: nothing changes ---------------------------------------------------------------------------------


@pytest.fixture
def archive(places, db):
    ChainFactory(name="备份里的产业链")
    for name, content in MEDIA.items():
        default_storage.save(name, ContentFile(content))
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    return backup.make_archive(places / "backups").path


def _refused(path: Path, places: Path, *, expect: str, **kwargs) -> backup.RestoreResult:
    before = _counts()
    media_before = _media_tree(places / "media")
    result = backup.restore_archive(path, **kwargs)
    assert not result.ok and not result.changed
    assert any(expect in e for e in result.errors), result.errors
    after = _counts()
    # Nothing changed but the audit row of the refused attempt.
    assert after.pop("core_auditevent") == before.pop("core_auditevent") + 1
    assert after == before
    assert _media_tree(places / "media") == media_before
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.event_type, last.outcome) == ("restore", "failure")
    return result


def test_a_member_with_one_flipped_byte_is_refused(archive, places):
    def flip(name: str, raw: bytes) -> bytes:
        if not name.startswith("db/"):
            return raw
        i = len(raw) // 2
        return raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]

    tampered = _rewrite(archive, places / "tampered.tar.gz", flip)
    result = _refused(tampered, places, expect="校验和不符")
    assert any("db/db." in e for e in result.errors)


def test_a_flipped_byte_in_the_compressed_file_is_refused(archive, places):
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0x10
    broken = places / "flipped.tar.gz"
    broken.write_bytes(bytes(raw))
    assert not backup.verify_archive(broken).ok
    _refused(broken, places, expect="")


def test_a_truncated_archive_is_refused(archive, places):
    cut = places / "truncated.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    result = _refused(cut, places, expect="分块校验失败")
    assert result.manifest is None


def test_a_changed_manifest_is_refused(archive, places):
    def more_rows(m: dict) -> None:
        m["tables"]["chains_chain"] += 1

    forged = _rewrite(
        archive, places / "forged.tar.gz", _edit_manifest(more_rows), fix_manifest_sum=False
    )
    _refused(forged, places, expect="manifest.sha256 不符")


def test_another_installations_archive_is_refused_without_allow_foreign(archive, places):
    def other_site(m: dict) -> None:
        m["site_id"] = "0123456789abcdef"

    foreign = _rewrite(archive, places / "foreign.tar.gz", _edit_manifest(other_site))
    assert backup.verify_archive(foreign).ok  # a sound archive, just not ours
    _refused(foreign, places, expect="另一套安装")


def test_allow_foreign_lets_another_installations_archive_past_the_site_check(archive, places):
    def other_site(m: dict) -> None:
        m["site_id"] = "0123456789abcdef"

    foreign = _rewrite(archive, places / "foreign.tar.gz", _edit_manifest(other_site))
    asked = []
    result = backup.restore_archive(
        foreign, allow_foreign=True, confirm=lambda v: asked.append(v.manifest["site_id"]) or False
    )
    assert asked == ["0123456789abcdef"]  # every check passed; the operator said no
    assert not result.changed and result.errors == ["操作人未确认，未做任何更改。"]


def test_an_archive_newer_than_the_code_is_refused(archive, places):
    def future(m: dict) -> None:
        m["migrations"]["core"] = "9999_from_a_later_release"

    newer = _rewrite(archive, places / "newer.tar.gz", _edit_manifest(future))
    _refused(newer, places, expect="比当前代码新")


def test_a_member_outside_the_known_folders_is_refused_and_not_written(archive, places):
    def add_escape(name: str, raw: bytes) -> bytes:
        return raw

    evil = places / "evil.tar.gz"
    _rewrite(archive, evil, add_escape)
    tar_bytes = gzip.decompress(_plain(evil))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as original:
            for member in original:
                tar.addfile(member, original.extractfile(member))
    _seal(gzip.compress(buf.getvalue()), evil)
    _refused(evil, places, expect="不允许的成员")
    assert not (places / "escaped.txt").exists()
    assert not list(places.rglob("escaped.txt"))


def test_restore_without_yes_off_a_terminal_changes_nothing(archive, places):
    before = _counts()
    with pytest.raises(CommandError, match="未确认"):
        call_command("restore", str(archive), stdout=StringIO(), stderr=StringIO())
    assert _counts()["chains_chain"] == before["chains_chain"]


def test_verify_only(archive, places):
    out = StringIO()
    call_command("restore", str(archive), "--verify-only", stdout=out)
    assert "校验通过" in out.getvalue()
    broken = places / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:100])
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(broken), "--verify-only", stdout=StringIO())


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a fresh SQLite file stands for the new server"
)
def test_restore_onto_a_new_server_with_an_empty_database(archive, places):
    """Disaster recovery: a new machine, no database yet, an archive from the old one (no --allow-foreign needed:
    an unmigrated database belongs to no installation)."""
    new_db = places / "new-server.sqlite3"
    code = (
        "import django, sys; django.setup()\n"
        "from django.conf import settings\n"
        f"settings.MEDIA_ROOT = {str(places / 'new-media')!r}\n"
        f"settings.CHAINLEADER_AUDIT_ARCHIVE_DIR = {str(places / 'new-audit')!r}\n"
        "from django.core.management import call_command\n"
        f"call_command('restore', {str(archive)!r}, '--yes')\n"
        "from chainleader.reference.models import Region\n"
        "print('regions', Region.objects.count())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chainleader.settings.test",
        "DATABASE_URL": f"sqlite:///{new_db}",
    }
    out = subprocess.run(  # noqa: S603 (our own interpreter and snippet)
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr + out.stdout
    assert "恢复完成，核对全部通过" in out.stdout
    # (This test's own rows are uncommitted, so not in the archive: the reference data stands for the data.)
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(_plain(archive)))) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    regions = manifest["tables"]["reference_region"]
    assert regions > 100 and out.stdout.strip().endswith(f"regions {regions}")
    assert _media_tree(places / "new-media") == MEDIA


# --- where backups may go, retention, PostgreSQL command lines ----------------------------------------------


def test_backup_refuses_the_media_and_static_trees(places, settings, db):
    for inside in (Path(settings.MEDIA_ROOT) / "backups", Path(settings.STATIC_ROOT) / "b"):
        with pytest.raises(CommandError, match="拒绝"):
            call_command("backup", "--output", str(inside), stdout=StringIO())
        assert not inside.exists()


def test_prune_keeps_7_daily_4_weekly_12_monthly(tmp_path):
    start = datetime(2025, 1, 1, 2, 0)  # noqa: DTZ001 (names carry local wall time)
    names = [
        f"chainleader-backup-{start + timedelta(days=d):%Y%m%d-%H%M%S}.tar.gz.enc"
        for d in range(400)
    ]
    for name in [*names, "notes.txt", "chainleader-backup-latest.tar.gz.enc"]:
        (tmp_path / name).write_bytes(b"x")
    result = backup.prune(tmp_path)
    kept = sorted(p.name for p in result.kept)
    assert names[-7:] == kept[-7:]  # the last seven days
    days = [backup._stamp(n) for n in kept]
    assert len({d.isocalendar()[:2] for d in days}) >= 4
    assert len({(d.year, d.month) for d in days}) == 12
    assert len(kept) < 7 + 4 + 12
    assert all((tmp_path / n).exists() for n in kept)
    assert not any(p.exists() for p in result.deleted)
    assert (tmp_path / "notes.txt").exists()  # not ours: never deleted
    assert (tmp_path / "chainleader-backup-latest.tar.gz.enc").exists()


def test_pg_tools_get_the_password_from_the_environment_never_the_command_line(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    secret = "s3cret-Passw0rd"
    settings_dict = {
        "NAME": "chainleader",
        "USER": "app",
        "PASSWORD": secret,
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require"},
    }
    dump = backup.pg_dump_command(tmp_path / "db.pgdump", "00000003-1")
    restore = backup.pg_restore_command(tmp_path / "db.pgdump", "chainleader")
    assert not any(secret in arg for arg in dump + restore)
    assert "--format=custom" in dump and "--snapshot=00000003-1" in dump
    assert {"--clean", "--if-exists", "--no-owner", "--single-transaction"} <= set(restore)
    env = backup._pg_env(settings_dict)
    assert (
        env["PGPASSWORD"] == secret and env["PGHOST"] == "db.internal" and env["PGPORT"] == "5432"
    )
    assert (
        env["PGUSER"] == "app"
        and env["PGDATABASE"] == "chainleader"
        and env["PGSSLMODE"] == "require"
    )


def test_the_site_id_is_the_same_from_text_and_from_an_aware_time():
    from datetime import UTC, datetime

    text = backup._site_id_from_row(("contenttypes", "0001_initial", "2026-12-06 10:58:01.123456"))
    aware = backup._site_id_from_row(
        ("contenttypes", "0001_initial", datetime(2026, 12, 6, 10, 58, 1, 123456, tzinfo=UTC))
    )
    assert text == aware and len(text) == 16
    assert text != backup._site_id_from_row(
        ("contenttypes", "0001_initial", "2026-12-06 10:58:01.123457")
    )


def test_the_archive_is_encrypted_and_needs_the_key(archive, places, settings):
    """SECURITY.md DP2: no clear text of the data or the files in the archive; without the key it opens nowhere;
    after a key rotation the old key (still configured) opens it."""
    raw = archive.read_bytes()
    assert not raw.startswith(b"\x1f\x8b")  # not a plain gzip file
    for content in MEDIA.values():
        assert content[:24] not in raw
    assert "上传文件".encode() not in raw and "备份里的产业链".encode() not in raw
    assert backup.verify_archive(archive).ok

    old_keys = list(settings.CHAINLEADER_FIELD_KEYS)
    settings.CHAINLEADER_FIELD_KEYS = [new_key()]
    result = backup.verify_archive(archive)
    assert not result.ok and "未配置该密钥" in result.errors[0]
    settings.CHAINLEADER_FIELD_KEYS = [
        new_key(),
        *old_keys,
    ]  # rotated: the new key first, the old one kept
    assert backup.verify_archive(archive).ok


def test_a_swapped_or_dropped_chunk_is_refused(tmp_path):
    """The chunks are bound to their place and the last one is marked: reordering or cutting at a chunk
    boundary does not authenticate."""
    from chainleader.core.backup import sealing
    from chainleader.core.backup.common import BackupError

    data = os.urandom(sealing.PLAIN_CHUNK * 2 + 100)
    path = _seal(data, tmp_path / "x.enc")
    with path.open("rb") as fh:
        assert OpeningReader(fh).read() == data
    blob = path.read_bytes()
    head, size = sealing.HEADER_LEN, sealing.PLAIN_CHUNK + sealing.TAG
    first, second, rest = (
        blob[head : head + size],
        blob[head + size : head + 2 * size],
        blob[head + 2 * size :],
    )
    for broken in (blob[:head] + second + first + rest, blob[: head + 2 * size]):
        (tmp_path / "broken.enc").write_bytes(broken)
        with (
            (tmp_path / "broken.enc").open("rb") as fh,
            pytest.raises(BackupError, match="分块校验失败"),
        ):
            OpeningReader(fh).read()
