"""The default measures per class (MU_SCHEME.md "Differentiated measures"), in Chinese: they are policy text
shown to users, editable by the office afterwards (history kept by django-simple-history)."""

from django.db import migrations
from django.utils import timezone

DEFAULTS = {
    "A": (
        "优先保障新增用地指标",
        "执行正常价格；优先保障用能指标",
        "优先享受各类财政补助和奖励",
    ),
    "B": (
        "鼓励零增地技术改造",
        "执行正常价格",
        "可申请各类财政补助和奖励",
    ),
    "C": (
        "原则上不再新增建设用地",
        "执行正常价格；须制定提升改造计划",
        "仅支持提升改造项目",
    ),
    "D": (
        "不得参与工业用地竞买",
        "实行差别化加价，连续评为D类的年数越多加价越高",
        "不得享受各类奖励",
    ),
}


def create(apps, schema_editor):
    ClassMeasure = apps.get_model("evaluation", "ClassMeasure")
    History = apps.get_model("evaluation", "HistoricalClassMeasure")
    now = timezone.now()
    for grade, (land, power, support) in DEFAULTS.items():
        measure, created = ClassMeasure.objects.get_or_create(
            grade=grade, defaults={"land": land, "power_water_gas": power, "support": support}
        )
        if created:  # the first history row, so the office's first edit shows as a change
            History.objects.create(
                id=measure.id,
                grade=grade,
                land=land,
                power_water_gas=power,
                support=support,
                version=measure.version,
                created_at=measure.created_at,
                history_date=now,
                history_type="+",
            )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
