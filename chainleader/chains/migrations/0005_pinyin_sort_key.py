from django.db import migrations

import chainleader.core.sorting
from chainleader.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    """Pinyin sort keys for the rows written before the key existed (core.sorting)."""
    fill_sort_keys(apps.get_model("chains", "Chain"), "name")
    fill_sort_keys(apps.get_model("chains", "Segment"), "name")


class Migration(migrations.Migration):

    dependencies = [
        ('chains', '0004_curated_tree'),
    ]

    operations = [
        migrations.AddField(
            model_name='chain',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.AddField(
            model_name='segment',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
