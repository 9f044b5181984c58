from django.db import migrations

import chainleader.core.sorting
from chainleader.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    """Pinyin sort keys for the rows written before the key existed (core.sorting)."""
    fill_sort_keys(apps.get_model("accounts", "OrgUnit"), "name")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_passwordhistory_usersession'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='orgunit',
            options={'ordering': ['kind', 'name_sort'], 'verbose_name': 'organisation unit', 'verbose_name_plural': 'organisation units'},
        ),
        migrations.AddField(
            model_name='orgunit',
            name='name_sort',
            field=chainleader.core.sorting.SortKeyField(blank=True, db_index=True, default='', editable=False, max_length=255, source='name', verbose_name='pinyin sort key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
