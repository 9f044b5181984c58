"""Database triggers that abort UPDATE and DELETE on the audit log (SECURITY.md AU3), on SQLite and PostgreSQL.

DELETE passes only while a row exists in core_auditpurgetoken, which the retention purge creates and removes inside
its own transaction after archiving and verifying the rows it deletes (AU4). TRUNCATE is a table privilege the
application's database role is not granted in production (docs/decisions/0006-audit-log.md); no trigger guards it,
so the test suite can still flush its databases.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM core_auditpurgetoken)
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS core_auditevent_no_update", "DROP TRIGGER IF EXISTS core_auditevent_no_delete"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM core_auditpurgetoken) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit rows are append-only';
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_checkpoint")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
