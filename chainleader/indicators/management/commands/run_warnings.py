"""`manage.py run_warnings`: the daily computed actuals and early warnings (cron, or the task worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chainleader.indicators import tasks


class Command(BaseCommand):
    help = "计算本年指标值并生成当日预警，提醒责任单位（每日运行；--enqueue 交给任务进程，--daily 每日自动排程）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务进程执行（django-tasks）。"
        )
        parser.add_argument(
            "--daily", action="store_true", help="由任务进程每日 02:00 自动运行（排好下一次）。"
        )

    def handle(self, *args, **options) -> None:
        if options["daily"]:
            queued = tasks.schedule_next()
            self.stdout.write(
                "已排程：每日 02:00 运行。"
                if queued
                else "已有待运行的排程，或任务后端不支持定时。"
            )
            return
        if options["enqueue"]:
            result = tasks.run_warnings_daily.enqueue()
            self.stdout.write(f"已提交后台任务 {result.id}。")
            return
        summary = tasks.daily()
        raised = summary["warnings"]
        self.stdout.write(
            f"计算值写入 {summary['computed']} 条；新预警 {sum(raised.values())} 条"
            + (f"（{'，'.join(f'{k} {v}' for k, v in sorted(raised.items()))}）" if raised else "")
            + "。"
        )
