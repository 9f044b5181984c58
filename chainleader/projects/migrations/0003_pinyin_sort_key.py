from django.db import migrations

import chainleader.core.sorting
from chainleader.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    """Pinyin sort keys for the rows written before the key existed (core.sorting)."""
    fill_sort_keys(apps.get_model("projects", "Project"), "name")
    fill_sort_keys(apps.get_model("projects", "StartBatch"), "name")
    fill_sort_keys(apps.get_model("projects", "Problem"), "title")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_not_negative_validators'),
    ]

    operations = [
        migrations.AddField(
            model_name='problem',
            name='title_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='title', verbose_name='pinyin sort key'),
        ),
        migrations.AddField(
            model_name='project',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.AddField(
            model_name='startbatch',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
