"""The audit log's signed head (AuditSeal) and signed checkpoints and purge tokens (issue 13 item 7).

An existing log is sealed as it stands, and its checkpoints signed, with the key of the settings the migration
runs under (audit.sign: CHAINLEADER_AUDIT_KEY, else SECRET_KEY).
"""

from importlib import import_module

from django.db import migrations, models

# SQLite rebuilds a table to add a column; its audit triggers name the token table, so they step aside meanwhile.
TRIGGERS = import_module("chainleader.core.migrations.0003_audit_triggers")


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def seal_existing(apps, schema_editor):
    from chainleader.core.audit import GENESIS, sign

    event = apps.get_model("core", "AuditEvent")
    checkpoint = apps.get_model("core", "AuditCheckpoint")
    seal = apps.get_model("core", "AuditSeal")
    purged = 0
    for cp in checkpoint.objects.all():
        cp.mac = sign("checkpoint", cp.last_purged_id, cp.last_hash, cp.rows, cp.archive_sha256)
        cp.save(update_fields=["mac"])
        purged += cp.rows
    last = event.objects.order_by("-id").first()
    if last is None and not purged:
        return
    latest = checkpoint.objects.order_by("-last_purged_id").first()
    last_id, last_hash = (
        (last.id, last.row_hash)
        if last is not None
        else (latest.last_purged_id, latest.last_hash)
        if latest is not None
        else (0, GENESIS)
    )
    rows = event.objects.count() + purged
    seal.objects.create(
        key=1,
        last_id=last_id,
        last_hash=last_hash,
        rows=rows,
        mac=sign("seal", last_id, last_hash, rows),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_import_mapping"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "key",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("last_id", models.BigIntegerField(verbose_name="last row id")),
                ("last_hash", models.CharField(max_length=64, verbose_name="hash of the last row")),
                ("rows", models.BigIntegerField(verbose_name="rows written")),
                ("mac", models.CharField(max_length=64, verbose_name="signature")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="time")),
            ],
            options={
                "verbose_name": "audit seal",
                "verbose_name_plural": "audit seals",
            },
        ),
        migrations.AddField(
            model_name="auditcheckpoint",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="signature"),
        ),
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE_DROP), _sqlite(TRIGGERS.SQLITE)),
        migrations.AddField(
            model_name="auditpurgetoken",
            name="mac",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditpurgetoken",
            name="up_to_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE), _sqlite(TRIGGERS.SQLITE_DROP)),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
