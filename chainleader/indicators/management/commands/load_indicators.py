"""`manage.py load_indicators`: the indicator library and targets from data/indicators.json (written from the
seeds), and the chain targets' counterparts. Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chainleader.indicators import services


class Command(BaseCommand):
    help = "从种子文件整理的 data/indicators.json 载入指标库与目标，并为产业链目标建立对应的指标目标（可重复运行）。"

    def handle(self, *args, **options) -> None:
        counts = services.load_indicators()
        linked = services.sync_chain_targets()
        self.stdout.write(
            f"新增指标 {counts['indicators']} 项，更新 {counts['updated']} 项，新增目标 {counts['targets']} 条；"
            f"产业链目标对应写入 {linked} 条。"
        )
