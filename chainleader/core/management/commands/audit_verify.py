"""manage.py audit_verify: check the audit log's SHA-256 hash chain; names the first bad row (SECURITY.md AU3)."""

from django.core.management.base import BaseCommand, CommandError

from chainleader.core import audit
from chainleader.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain."

    def handle(self, *args: object, **options: object) -> None:
        bad = audit.verify_chain()
        if bad is not None:
            raise CommandError(f"audit chain broken at row id {bad}")
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} rows")
