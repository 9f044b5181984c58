"""The audit log against an intruder with plain SQL (SECURITY.md AU3; issue 13 item 7).

The probe inserted a purge token, deleted the last rows of the log and removed the token: the hash chain of
the rows left was intact and audit_verify said so. The log now has a signed seal (its last row and how many
rows were ever written; the HMAC key is in the settings, not in the database), signed checkpoints with a copy
on disk, and signed purge tokens; audit_verify compares the chain with all of them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from chainleader.core import audit
from chainleader.core.models import AuditCheckpoint, AuditEvent, AuditSeal

pytestmark = pytest.mark.django_db


def sql(*statements: tuple[str, list]) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        for statement, params in statements:
            cur.execute(statement, params)


def delete_with_a_forged_token(where: str, params: list) -> None:
    """The probe's attack: a token row lets the triggers pass DELETE; it is removed afterwards."""
    sql(
        ("INSERT INTO core_auditpurgetoken (created_at, mac) VALUES (CURRENT_TIMESTAMP, '')", []),
        (f"DELETE FROM core_auditevent WHERE {where}", params),  # noqa: S608  (test-only literal)
        ("DELETE FROM core_auditpurgetoken", []),
    )


@pytest.fixture
def log(office_user):
    return [audit.record(actor=office_user, event_type=f"e{i}") for i in range(6)]


def test_an_intact_log_verifies(log):
    assert audit.verify() is None
    seal = AuditSeal.objects.get()
    assert (seal.last_id, seal.last_hash, seal.rows) == (log[-1].id, log[-1].row_hash, 6)
    call_command("audit_verify")


def test_deleting_the_last_rows_under_a_forged_token_is_reported(log):
    delete_with_a_forged_token("id >= %s", [log[4].id])
    assert AuditEvent.objects.count() == 4
    problem = audit.verify()
    assert problem is not None and "rows missing" in problem.reason
    assert audit.verify_chain() == log[-1].id
    with pytest.raises(CommandError, match="rows missing"):
        call_command("audit_verify")


def test_a_seal_rewritten_by_sql_to_match_fails_its_signature(log):
    delete_with_a_forged_token("id >= %s", [log[4].id])
    sql(
        (
            "UPDATE core_auditseal SET last_id = %s, last_hash = %s, rows = 4",
            [log[3].id, log[3].row_hash],
        )
    )
    assert audit.verify().reason == "the audit seal has a bad signature"


def test_a_deleted_seal_is_reported_and_not_recreated_by_the_next_row(log, office_user):
    delete_with_a_forged_token("id >= %s", [log[4].id])
    sql(("DELETE FROM core_auditseal", []))
    audit.record(actor=office_user, event_type="later")
    assert audit.verify().reason == "the audit seal is missing"
    call_command("audit_verify", reseal=True)  # after a look: sign the present end, audited
    assert audit.verify() is None
    assert AuditEvent.objects.filter(event_type="update", object_type="core.auditseal").count() == 1


def test_deleting_the_first_rows_behind_a_made_up_checkpoint_is_reported(log):
    delete_with_a_forged_token("id <= %s", [log[1].id])
    sql(
        (
            "INSERT INTO core_auditcheckpoint (created_at, last_purged_id, last_hash, archive, "
            "archive_sha256, rows, mac) VALUES (CURRENT_TIMESTAMP, %s, %s, 'x.jsonl.gz', '', 2, '')",
            [log[1].id, log[1].row_hash],
        )
    )
    assert audit.verify().reason == "an audit checkpoint has a bad signature"


def test_a_token_left_behind_is_reported(log):
    sql(("INSERT INTO core_auditpurgetoken (created_at, mac) VALUES (CURRENT_TIMESTAMP, '')", []))
    assert "purge token" in audit.verify().reason and "forged" in audit.verify().reason


def test_the_purge_signs_its_checkpoint_and_writes_it_beside_the_archive(
    office_user, tmp_path, settings
):
    settings.CHAINLEADER_AUDIT_ARCHIVE_DIR = tmp_path
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=400), tick=False):
        for _ in range(3):
            audit.record(actor=office_user, event_type="old")
    with time_machine.travel(now, tick=False):
        audit.record(actor=office_user, event_type="recent")
        checkpoint = audit.purge()
    assert checkpoint is not None and checkpoint.mac
    assert audit.verify() is None
    on_disk = json.loads(
        Path(checkpoint.archive.replace(".jsonl.gz", ".checkpoint.json")).read_text()
    )
    assert on_disk["last_hash"] == checkpoint.last_hash and on_disk["rows"] == 3
    assert AuditSeal.objects.get().rows == 5  # 3 archived, the recent one, the purge's own row
    # the database's checkpoint and the file on disk must agree
    path = Path(checkpoint.archive.replace(".jsonl.gz", ".checkpoint.json"))
    path.write_text(json.dumps({**on_disk, "rows": 2}))
    assert "differs" in audit.verify().reason


def test_an_older_seal_put_back_is_caught_by_the_anchor_on_disk(log, office_user, tmp_path):
    anchor = tmp_path / "audit-anchor.json"
    old = AuditSeal.objects.values().get()
    later = [audit.record(actor=office_user, event_type="later") for _ in range(2)]
    call_command("audit_verify", anchor=str(anchor))  # the daily run keeps the seal on disk
    delete_with_a_forged_token("id >= %s", [later[0].id])
    sql(
        (
            "UPDATE core_auditseal SET last_id = %s, last_hash = %s, rows = %s, mac = %s",
            [old["last_id"], old["last_hash"], old["rows"], old["mac"]],
        )
    )
    assert audit.verify() is None  # the database alone is consistent again ...
    with pytest.raises(CommandError, match="anchored"):
        call_command("audit_verify", anchor=str(anchor))  # ... the anchor outside it is not
    assert AuditCheckpoint.objects.count() == 0
