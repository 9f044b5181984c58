from django.db import migrations

import chainleader.core.sorting
from chainleader.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    """Pinyin sort keys for the rows written before the key existed (core.sorting)."""
    fill_sort_keys(apps.get_model("reference", "Region"), "name")
    fill_sort_keys(apps.get_model("reference", "Industry"), "name")


class Migration(migrations.Migration):

    dependencies = [
        ('reference', '0003_english_level_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='industry',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
