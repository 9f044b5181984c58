"""`manage.py mark_lagging`: the daily lagging check and problem escalation (cron, or the task worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chainleader.projects import services, tasks


class Command(BaseCommand):
    help = "标记滞后项目并提醒责任人，逾期问题上报链长（每日运行；--enqueue 交给任务进程，--daily 每日自动排程）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务进程执行（django-tasks）。"
        )
        parser.add_argument(
            "--daily", action="store_true", help="由任务进程每日 01:30 自动运行（排好下一次）。"
        )

    def handle(self, *args, **options) -> None:
        if options["daily"]:
            queued = tasks.schedule_next()
            self.stdout.write(
                "已排程：每日 01:30 运行。"
                if queued
                else "已有待运行的排程，或任务后端不支持定时。"
            )
            return
        if options["enqueue"]:
            result = tasks.mark_lagging_daily.enqueue()
            self.stdout.write(f"已提交后台任务 {result.id}。")
            return
        summary = services.projects_mark_lagging()
        escalated = services.problems_escalate_overdue()
        self.stdout.write(
            f"项目 {summary['projects']} 个，滞后 {summary['lagging']} 个（新增 {summary['new']}，"
            f"解除 {summary['cleared']}），提醒 {summary['notified']} 条；逾期问题上报 {escalated} 个。"
        )
