"""Seal the confidential figures and the contacts' phone numbers at rest (SECURITY.md DP2).

Three steps per column, in one migration: the column becomes text (clear), every stored value is sealed
(chainleader.core.sealing, plain SQL in batches), then the field becomes the sealed field (same text column,
no SQL). Backwards the values are opened again and the columns go back to numbers and varchar.
docs/decisions/0021-encryption-at-rest.md
"""

from django.db import migrations, models

from chainleader.core import sealing
from chainleader.core.fields import EncryptedCharField, EncryptedDecimalField

FIGURES = {  # name: (verbose name, max_digits, decimal_places)
    "revenue_wan": ("revenue (10k yuan)", 16, 2),
    "tax_wan": ("tax paid (10k yuan)", 16, 2),
    "output_wan": ("industrial output (10k yuan)", 16, 2),
    "value_added_wan": ("value added (10k yuan)", 16, 2),
    "land_mu": ("land (mu)", 12, 2),
    "energy_tce": ("energy use (tce)", 14, 2),
    "emissions_t": ("emissions (t)", 14, 3),
    "rd_wan": ("R&D spending (10k yuan)", 16, 2),
}
FIGURE_MODELS = ("yearfigure", "historicalyearfigure")


def sealed_figure(name):
    verbose, digits, places = FIGURES[name]
    return EncryptedDecimalField(
        blank=True, decimal_places=places, max_digits=digits, null=True, verbose_name=verbose
    )


def sealed_phone():
    return EncryptedCharField(blank=True, max_length=20, verbose_name="phone")


def targets():
    yield "enterprises.Contact", {"phone": sealed_phone()}
    for model in FIGURE_MODELS:
        yield f"enterprises.{model}", {name: sealed_figure(name) for name in FIGURES}


def forwards(apps, schema_editor):
    for label, fields in targets():
        sealing.seal_columns(apps, schema_editor, label, fields)


def backwards(apps, schema_editor):
    for label, fields in targets():
        sealing.open_columns(apps, schema_editor, label, fields)


def as_text():
    ops = [
        migrations.AlterField(
            model_name="contact",
            name="phone",
            field=models.TextField(blank=True, verbose_name="phone"),
        )
    ]
    for model in FIGURE_MODELS:
        for name, (verbose, _digits, _places) in FIGURES.items():
            ops.append(
                migrations.AlterField(
                    model_name=model,
                    name=name,
                    field=models.TextField(blank=True, null=True, verbose_name=verbose),
                )
            )
    return ops


def as_sealed():
    ops = [migrations.AlterField(model_name="contact", name="phone", field=sealed_phone())]
    for model in FIGURE_MODELS:
        for name in FIGURES:
            ops.append(
                migrations.AlterField(model_name=model, name=name, field=sealed_figure(name))
            )
    return ops


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_productsuggestion"),
    ]

    operations = [
        *as_text(),
        migrations.RunPython(forwards, backwards, elidable=False),
        *as_sealed(),
    ]
