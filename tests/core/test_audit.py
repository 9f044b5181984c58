"""Audit log: append-only in the ORM and in the database, hash-chained, verified, purged only after archiving."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from chainleader.core import audit, services
from chainleader.core.models import AuditCheckpoint, AuditEvent
from chainleader.parks.models import Park
from tests.factories import UserFactory, region


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role="audit_admin")


def test_rows_form_a_chain_that_verifies(db, office_user):
    first = audit.record(actor=office_user, event_type="test_one")
    second = audit.record(actor=office_user, event_type="test_two")
    assert second.prev_hash == first.row_hash
    assert audit.verify_chain() is None
    call_command("audit_verify")


def test_orm_refuses_update_and_delete(db, office_user):
    ev = audit.record(actor=office_user, event_type="test")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=ev.pk).update(event_type="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=ev.pk).delete()
    with pytest.raises(PermissionError):
        ev.delete()
    ev.event_type = "changed"
    with pytest.raises(PermissionError):
        ev.save()


def test_database_trigger_blocks_raw_update_and_delete(db, office_user):
    ev = audit.record(actor=office_user, event_type="test")
    for sql in (
        "UPDATE core_auditevent SET event_type = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [ev.pk])
    assert AuditEvent.objects.get(pk=ev.pk).event_type == "test"


def _without_triggers(sql: str, params: list) -> None:
    """What an intruder with database rights could do: lift the guard, edit a row, put the guard back."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER core_auditevent_no_update")
            cur.execute(sql, params)
            cur.execute("""CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
                           BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""")
        else:
            # Fire the deferred foreign-key checks first: ALTER TABLE refuses a table with pending trigger events.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_guard")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_guard")


def test_audit_verify_names_the_row_edited_by_raw_sql(db, office_user):
    audit.record(actor=office_user, event_type="a")
    target = audit.record(actor=office_user, event_type="b")
    audit.record(actor=office_user, event_type="c")
    _without_triggers("UPDATE core_auditevent SET username = 'someone' WHERE id = %s", [target.pk])
    assert audit.verify_chain() == target.pk
    with pytest.raises(CommandError, match=f"row id {target.pk}"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_audit_verify_names_the_row_whose_file_bytes_were_rewritten(office_user):
    if connection.vendor != "sqlite":
        pytest.skip("rewrites the SQLite database file itself")
    audit.record(actor=office_user, event_type="a")
    target = audit.record(actor=office_user, event_type="b", detail={"note": "tamper-me-0001"})
    audit.record(actor=office_user, event_type="c")
    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = connection.settings_dict["NAME"]
    connection.close()
    with open(path, "rb") as fh:
        raw = fh.read()
    assert raw.count(b"tamper-me-0001") == 1
    with open(path, "wb") as fh:
        fh.write(raw.replace(b"tamper-me-0001", b"tamper-me-9999"))
    assert AuditEvent.objects.get(pk=target.pk).detail == {"note": "tamper-me-9999"}
    assert audit.verify_chain() == target.pk


def test_a_failed_audit_write_rolls_back_the_business_change(db, office_user, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(DatabaseError):
        services.object_create(
            model=Park, actor=office_user, data={"name": "失败园区", "region": region("370211")}
        )
    assert not Park.objects.filter(name="失败园区").exists()


def test_purge_keeps_rows_younger_than_180_days_and_archives_older_ones(
    db, office_user, tmp_path, settings
):
    settings.CHAINLEADER_AUDIT_ARCHIVE_DIR = tmp_path
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=400), tick=False):
        old = [audit.record(actor=office_user, event_type="old") for _ in range(3)]
    with time_machine.travel(now - timedelta(days=179), tick=False):
        kept = audit.record(actor=office_user, event_type="recent")
    with time_machine.travel(now, tick=False):
        checkpoint = audit.purge(retention_days=30)  # raised to the 180-day floor
    assert checkpoint is not None and checkpoint.rows == 3
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    archive = tmp_path / checkpoint.archive.split("/")[-1]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == checkpoint.archive_sha256
    with gzip.open(archive, "rt", encoding="utf-8") as fh:
        assert [json.loads(line)["id"] for line in fh] == [e.pk for e in old]
    assert audit.verify_chain() is None
    assert AuditEvent.objects.filter(event_type="audit_purge").count() == 1
    assert AuditCheckpoint.objects.count() == 1


def test_control_characters_are_escaped_in_audit_rows(db):
    ev = audit.record(actor=None, event_type="login_failure", username="a\nFAKE")
    assert "\n" not in ev.username and ev.username == "a\\x0aFAKE"


def test_auditor_searches_and_exports_and_both_are_audited(client, auditor):
    client.force_login(auditor)
    resp = client.get(reverse("core:audit_log"), {"event_type": "create"})
    assert resp.status_code == 200
    assert AuditEvent.objects.filter(event_type="audit_search", user=auditor).count() == 1
    resp = client.get(reverse("core:audit_log"), {"export": "xlsx"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(event_type="audit_export", user=auditor).count() == 1


def test_only_the_auditor_reads_the_log_and_even_the_auditor_cannot_write(
    client, auditor, system_admin, office_user
):
    for user in (system_admin, office_user):
        client.force_login(user)
        assert client.get(reverse("core:audit_log")).status_code == 403
    client.force_login(auditor)
    assert client.post(reverse("core:audit_log")).status_code == 403


def test_the_auditor_reads_actions_models_and_changes_in_words(client, db, office_user):
    from django.urls import reverse

    from chainleader.accounts.models import Role
    from chainleader.core import services
    from tests.factories import ChainFactory, UserFactory, region

    chain = ChainFactory(name="旧链名", level="city", region=region("3702"))
    services.object_update(
        instance=chain, actor=office_user, data={"name": "新链名"}, expected_version=None
    )
    auditor = UserFactory(username="auditor1", role=Role.AUDIT_ADMIN)
    client.force_login(auditor)
    body = client.get(reverse("core:audit_log"), {"event_type": "update"}).content.decode()
    assert "修改" in body and "产业链" in body
    assert "名称：旧链名 → 新链名" in body
    assert "{&#x27;" not in body and "{'" not in body  # never a Python dict
    export = client.get(reverse("core:audit_log"), {"event_type": "update", "export": "xlsx"})
    import io

    import openpyxl

    row = [c.value for c in openpyxl.load_workbook(io.BytesIO(export.content)).active[2]]
    assert row[4] == "修改" and row[5] == "产业链" and row[8] == "名称：旧链名 → 新链名"


def test_every_event_the_code_writes_has_a_chinese_name():
    import re
    from pathlib import Path

    from django.utils import translation

    from chainleader.core.audit_labels import event_label

    root = Path(__file__).resolve().parents[2] / "chainleader"
    found = set()
    for path in root.rglob("*.py"):
        found |= set(re.findall(r'event_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    found = {e for e in found if not e.endswith("_")}  # prefixes completed at run time
    found |= {
        "placement_confirm",
        "placement_reject",
        "company_link_confirm",
        "problem_close",
        "item_note",
    }
    with translation.override("zh-hans"):
        unnamed = sorted(e for e in found if not re.search(r"[\u4e00-\u9fff]", event_label(e)))
    assert not unnamed
