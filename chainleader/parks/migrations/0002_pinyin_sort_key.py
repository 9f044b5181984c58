from django.db import migrations

import chainleader.core.sorting
from chainleader.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    """Pinyin sort keys for the rows written before the key existed (core.sorting)."""
    fill_sort_keys(apps.get_model("parks", "Park"), "name")
    fill_sort_keys(apps.get_model("parks", "LandZone"), "name")


class Migration(migrations.Migration):

    dependencies = [
        ('parks', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='landzone',
            options={'ordering': ['kind', 'name_sort'], 'verbose_name': 'land zone', 'verbose_name_plural': 'land zones'},
        ),
        migrations.AlterModelOptions(
            name='park',
            options={'ordering': ['region', 'name_sort'], 'verbose_name': 'park', 'verbose_name_plural': 'parks'},
        ),
        migrations.AddField(
            model_name='landzone',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.AddField(
            model_name='park',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
