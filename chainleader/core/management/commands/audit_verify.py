"""manage.py audit_verify: check the audit log (SECURITY.md AU3): its SHA-256 hash chain, its signed seal
(the last row and the number of rows written), its signed checkpoints and their files on disk, and that no
purge token is left; names the first bad row and says why.

``--anchor FILE`` also keeps the seal in a file outside the database (the daily cron job's): the next run
refuses a log whose end lies before the anchored one, so a seal put back from an older copy is caught too.
``--reseal`` signs the log's present end after a missing or broken seal was looked into (audited).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainleader.core import audit
from chainleader.core.models import AuditCheckpoint, AuditEvent, AuditSeal


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, seal and checkpoints."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--anchor", help="a file outside the database that keeps the last seal")
        parser.add_argument(
            "--reseal", action="store_true", help="sign the log's present end (after a look)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reseal"]:
            seal = audit.reseal()
            self.stdout.write(
                f"audit log resealed at row {seal.last_id} ({seal.rows} rows written)"
            )
            return
        problem = audit.verify()
        if problem is not None:
            raise CommandError(f"audit chain broken at row id {problem.row_id}: {problem.reason}")
        if options["anchor"]:
            self.check_anchor(Path(options["anchor"]))
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} rows")

    def check_anchor(self, path: Path) -> None:
        seal = AuditSeal.objects.filter(pk=1).first()
        if path.is_file():
            anchored = json.loads(path.read_text(encoding="utf-8"))
            row = AuditEvent.objects.filter(pk=anchored["last_id"]).first()
            purged = AuditCheckpoint.objects.filter(
                last_purged_id__gte=anchored["last_id"]
            ).exists()
            kept = (row is not None and row.row_hash == anchored["last_hash"]) or purged
            if seal is None or seal.rows < anchored["rows"] or not kept:
                raise CommandError(
                    f"audit chain broken at row id {anchored['last_id']}: the log ends before the "
                    f"seal anchored in {path}"
                )
        if seal is not None:
            state = {"last_id": seal.last_id, "last_hash": seal.last_hash, "rows": seal.rows}
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(state), encoding="utf-8")
            tmp.replace(path)
