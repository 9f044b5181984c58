"""manage.py backup [--output DIR] [--prune]: one dated, checksummed archive of the database, the uploaded files
and the audit archives (SECURITY.md RL5; docs/backup.md). The work is in chainleader.core.backup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainleader.core import backup


class Command(BaseCommand):
    help = "Back up the database, MEDIA_ROOT and the audit archives into one verified archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", default=None, help="folder for the archive (default var/backups)"
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="after the backup, delete archives beyond the retention (--keep-*)",
        )
        parser.add_argument("--keep-daily", type=int, default=7)
        parser.add_argument("--keep-weekly", type=int, default=4)
        parser.add_argument("--keep-monthly", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.make_archive(options["output"])
        except backup.BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        m = result.manifest
        tables = m["tables"]
        out = self.stdout.write
        out(f"备份完成：{result.path}")
        out(
            f"  数据库：{m['database']['vendor']}，{len(tables)} 张表，共 {sum(tables.values())} 行"
        )
        out(
            f"  上传文件：{m['media_files']} 个；审计归档文件：{m['audit_archive_files']} 个；"
            f"审计日志 {tables.get('core_auditevent', 0)} 行"
        )
        out(f"  归档大小：{backup.human_size(result.size)}；SHA-256：{result.sha256}")
        out(f"  站点标识：{m['site_id']}；版本：{m['app_version']}；耗时 {result.seconds:.1f} 秒")
        for warning in result.warnings:
            self.stderr.write(f"  注意：{warning}")
        if options["prune"]:
            pruned = backup.prune(
                result.path.parent,
                daily=options["keep_daily"],
                weekly=options["keep_weekly"],
                monthly=options["keep_monthly"],
            )
            out(f"  轮换：保留 {len(pruned.kept)} 份，删除 {len(pruned.deleted)} 份")
            for path in pruned.deleted:
                out(f"    已删除 {path.name}")
        out(str(result.path))
