from django.db import migrations


def load(apps, schema_editor):
    from chainleader.reference.services import reference_load

    reference_load(
        region_model=apps.get_model("reference", "Region"),
        industry_model=apps.get_model("reference", "Industry"),
        unit_model=apps.get_model("reference", "Unit"),
    )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
