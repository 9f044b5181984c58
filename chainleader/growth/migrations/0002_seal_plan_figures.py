"""Seal the growth plans' figures at rest, as the yearly figures they come from (SECURITY.md DP2; the same three
steps as enterprises 0006): the columns become text (clear), every stored value is sealed, then the fields become
the sealed fields (same text column, no SQL). Backwards the values are opened and the columns go back to numbers.
"""

import django.core.validators
from django.db import migrations, models

import chainleader.core.fields
from chainleader.core import sealing

SEALED = [
    migrations.AlterField(
        model_name="growthplan",
        name="base_investment_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="base investment (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="growthplan",
        name="base_revenue_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            help_text="Blank: the base year's revenue in the yearly figures.",
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="base revenue (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="growthplan",
        name="base_tax_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="base tax (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="growthplan",
        name="target_investment_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="target investment (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="growthplan",
        name="target_revenue_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            help_text="Blank in a doubling plan: twice the base.",
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="target revenue (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="growthplan",
        name="target_tax_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="target tax (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalgrowthplan",
        name="base_investment_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="base investment (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalgrowthplan",
        name="base_revenue_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            help_text="Blank: the base year's revenue in the yearly figures.",
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="base revenue (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalgrowthplan",
        name="base_tax_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="base tax (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalgrowthplan",
        name="target_investment_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="target investment (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalgrowthplan",
        name="target_revenue_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            help_text="Blank in a doubling plan: twice the base.",
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="target revenue (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalgrowthplan",
        name="target_tax_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="target tax (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalplanyear",
        name="investment_actual_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="investment made (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalplanyear",
        name="investment_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="investment target (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalplanyear",
        name="revenue_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="revenue target (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="historicalplanyear",
        name="tax_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="tax target (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="planyear",
        name="investment_actual_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="investment made (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="planyear",
        name="investment_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="investment target (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="planyear",
        name="revenue_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="revenue target (10k yuan)",
        ),
    ),
    migrations.AlterField(
        model_name="planyear",
        name="tax_wan",
        field=chainleader.core.fields.EncryptedDecimalField(
            blank=True,
            decimal_places=2,
            max_digits=16,
            null=True,
            validators=[
                django.core.validators.MinValueValidator(0, message="The value cannot be negative.")
            ],
            verbose_name="tax target (10k yuan)",
        ),
    ),
]


def _targets():
    by_model = {}
    for op in SEALED:
        by_model.setdefault(f"growth.{op.model_name}", {})[op.name] = op.field.clone()
    return by_model.items()


def forwards(apps, schema_editor):
    for label, fields in _targets():
        sealing.seal_columns(apps, schema_editor, label, fields)


def backwards(apps, schema_editor):
    for label, fields in _targets():
        sealing.open_columns(apps, schema_editor, label, fields)


AS_TEXT = [
    migrations.AlterField(
        model_name=op.model_name,
        name=op.name,
        field=models.TextField(blank=True, null=True, verbose_name=op.field.verbose_name),
    )
    for op in SEALED
]


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0001_initial"),
    ]

    operations = [
        *AS_TEXT,
        migrations.RunPython(forwards, backwards, elidable=False),
        *[
            migrations.AlterField(model_name=op.model_name, name=op.name, field=op.field.clone())
            for op in SEALED
        ],
    ]
