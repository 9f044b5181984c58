"""manage.py restore ARCHIVE [--yes] [--allow-foreign] [--verify-only]: check a backup archive completely, then
put the database, the uploaded files and the audit archives back and verify the result (SECURITY.md RL5;
docs/backup.md). The work is in chainleader.core.backup."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainleader.core import backup


class Command(BaseCommand):
    help = "Verify a backup archive, then restore the database, MEDIA_ROOT and the audit archives from it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="a chainleader-backup-….tar.gz.enc file")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (cron, scripts)"
        )
        parser.add_argument(
            "--allow-foreign",
            action="store_true",
            help="accept an archive of another installation (another site id), e.g. on a new server",
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="only check the archive; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout.write
        if options["verify_only"]:
            verified = backup.verify_archive(options["archive"])
            if not verified.ok:
                raise CommandError("备份文件校验失败：\n  " + "\n  ".join(verified.errors))
            out(
                f"校验通过：{verified.path}（{verified.files} 个文件，{backup.human_size(verified.bytes)}）"
            )
            for line in backup.describe_manifest(verified.manifest or {}):
                out(f"  {line}")
            return

        def confirm(verified: backup.VerifyResult) -> bool:
            out(f"校验通过：{verified.path}")
            for line in backup.describe_manifest(verified.manifest or {}):
                out(f"  {line}")
            if options["yes"]:
                return True
            if not sys.stdin.isatty():
                self.stderr.write("非交互运行时请加 --yes 确认。")
                return False
            answer = input("这将覆盖当前数据库和上传文件目录。输入 yes 继续：")
            return answer.strip().lower() == "yes"

        result = backup.restore_archive(
            options["archive"], allow_foreign=options["allow_foreign"], confirm=confirm
        )
        for warning in result.warnings:
            self.stderr.write(f"注意：{warning}")
        if not result.changed:
            raise CommandError("恢复被拒绝：\n  " + "\n  ".join(result.errors))
        if not result.database_restored:
            raise CommandError("恢复失败：\n  " + "\n  ".join(result.errors))
        out(
            f"已恢复数据库、{result.media_files} 个上传文件；补回审计归档 {result.audit_files_restored} 个"
        )
        if result.integrity:
            out(f"  数据库完整性检查：{result.integrity}")
        chain = "完整" if result.audit_bad_row is None else f"在第 {result.audit_bad_row} 行断开"
        out(f"  审计日志哈希链：{chain}（{result.audit_rows} 行）")
        mismatched = len(result.count_mismatches)
        out(f"  行数核对：{result.tables_checked} 张表，{mismatched} 张与清单不符")
        out(f"  耗时 {result.seconds:.1f} 秒")
        if not result.ok:
            raise CommandError("恢复后核对未通过：\n  " + "\n  ".join(result.errors))
        out("恢复完成，核对全部通过。")
