"""manage.py audit_purge: archive and purge audit rows older than the retention (≥ 180 days; SECURITY.md AU4)."""

from typing import Any

from django.core.management.base import BaseCommand

from chainleader.core import audit


class Command(BaseCommand):
    help = "Archive (gzip JSON lines + SHA-256), verify, then delete audit rows older than the retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="retention in days (at least 180)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = audit.purge(retention_days=options["days"])
        if checkpoint is None:
            self.stdout.write("nothing to purge")
        else:
            self.stdout.write(
                f"archived and purged {checkpoint.rows} rows to {checkpoint.archive} "
                f"(sha256 {checkpoint.archive_sha256})"
            )
