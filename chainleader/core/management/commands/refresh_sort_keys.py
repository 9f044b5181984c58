"""manage.py refresh_sort_keys: recompute every pinyin sort key (after a pypinyin upgrade; core.sorting)."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from chainleader.core.sorting import fill_sort_keys, sort_key_fields


class Command(BaseCommand):
    help = "Recompute the pinyin sort keys of every model that has one; prints the rows changed per model."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            for field in sort_key_fields(model):
                with transaction.atomic():
                    changed = fill_sort_keys(model, field.source, field.name)
                self.stdout.write(f"{model._meta.label}.{field.name}: {changed}")
