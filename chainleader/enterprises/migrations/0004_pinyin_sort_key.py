from django.db import migrations

import chainleader.core.sorting
from chainleader.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    """Pinyin sort keys for the rows written before the key existed (core.sorting)."""
    fill_sort_keys(apps.get_model("enterprises", "Enterprise"), "name")


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_business_scope'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='enterprise',
            options={'ordering': ['name_sort', 'id'], 'verbose_name': 'enterprise', 'verbose_name_plural': 'enterprises'},
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
