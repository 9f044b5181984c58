"""Seal the accounts' phone numbers and the TOTP seeds at rest (SECURITY.md DP2).

Phone: the column becomes text, each value is sealed, the field becomes the sealed field (no SQL).
TOTP seeds: django-otp's column (otp_totp_totpdevice.key, varchar 80) keeps its type and its migration state;
chainleader.accounts installs SealedHexKeyField on the field at start-up, and this migration seals the seeds
already stored (20 bytes sealed fit the 80 characters). docs/decisions/0021-encryption-at-rest.md
"""

from django.db import migrations, models

from chainleader.core import sealing
from chainleader.core.fields import EncryptedCharField, SealedHexKeyField


def sealed_phone():
    return EncryptedCharField(blank=True, max_length=20, verbose_name="phone")


def targets():
    yield "accounts.User", {"phone": sealed_phone()}
    yield "accounts.HistoricalUser", {"phone": sealed_phone()}
    yield "otp_totp.TOTPDevice", {"key": SealedHexKeyField(max_length=80)}


def forwards(apps, schema_editor):
    for label, fields in targets():
        sealing.seal_columns(apps, schema_editor, label, fields)


def backwards(apps, schema_editor):
    for label, fields in targets():
        sealing.open_columns(apps, schema_editor, label, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_pinyin_sort_key"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        *[
            migrations.AlterField(
                model_name=model,
                name="phone",
                field=models.TextField(blank=True, verbose_name="phone"),
            )
            for model in ("user", "historicaluser")
        ],
        migrations.RunPython(forwards, backwards, elidable=False),
        *[
            migrations.AlterField(model_name=model, name="phone", field=sealed_phone())
            for model in ("user", "historicaluser")
        ],
    ]
