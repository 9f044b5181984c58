"""Seal the evaluation's copies of a firm's figures at rest (SECURITY.md DP2): each result's land, tax,
indicators and input figures, and an appeal's value used and claimed value.

As enterprises 0006: the column becomes text (clear), every stored value is sealed (chainleader.core.sealing),
then the field becomes the sealed field (same text column). Backwards the values are opened again and the
columns go back to float, JSON and numeric. docs/decisions/0021-encryption-at-rest.md
"""

from django.db import migrations, models

from chainleader.core import sealing
from chainleader.core.fields import (
    EncryptedDecimalField,
    EncryptedFloatField,
    EncryptedJSONField,
)


def sealed_result_fields():
    return {
        "land_mu": EncryptedFloatField(blank=True, null=True, verbose_name="land (mu)"),
        "tax_wan": EncryptedFloatField(blank=True, null=True, verbose_name="tax paid (10k yuan)"),
        "indicators": EncryptedJSONField(blank=True, default=dict, verbose_name="indicators"),
        "inputs": EncryptedJSONField(blank=True, default=dict, verbose_name="input figures"),
    }


def sealed_appeal_fields():
    return {
        "current_value": EncryptedDecimalField(
            blank=True, decimal_places=3, max_digits=16, null=True, verbose_name="value used"
        ),
        "claimed_value": EncryptedDecimalField(
            decimal_places=3, max_digits=16, verbose_name="claimed value"
        ),
    }


def targets():
    yield "evaluation.EvaluationResult", sealed_result_fields()
    yield "evaluation.Appeal", sealed_appeal_fields()


def forwards(apps, schema_editor):
    for label, fields in targets():
        sealing.seal_columns(apps, schema_editor, label, fields)


def backwards(apps, schema_editor):
    for label, fields in targets():
        sealing.open_columns(apps, schema_editor, label, fields)


def as_text():
    ops = []
    for model, fields in (
        ("evaluationresult", sealed_result_fields()),
        ("appeal", sealed_appeal_fields()),
    ):
        for name, field in fields.items():
            ops.append(
                migrations.AlterField(
                    model_name=model,
                    name=name,
                    field=models.TextField(
                        blank=True, null=field.null, verbose_name=field.verbose_name
                    ),
                )
            )
    return ops


def as_sealed():
    ops = []
    for model, fields in (
        ("evaluationresult", sealed_result_fields()),
        ("appeal", sealed_appeal_fields()),
    ):
        for name, field in fields.items():
            ops.append(migrations.AlterField(model_name=model, name=name, field=field))
    return ops


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_class_measures"),
    ]

    operations = [
        *as_text(),
        migrations.RunPython(forwards, backwards, elidable=False),
        *as_sealed(),
    ]
