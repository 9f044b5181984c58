"""`manage.py import_chain_graph PATH`: load the chainkg folder (listed companies, industries, products, links).

All-or-nothing and idempotent (chainleader.chainmap.importer). A progress bar on stderr while it runs, then a
summary table; malformed files are listed as 「文件 X 第 N 行 字段 F：message」 on stderr, nothing is written
and the command exits non-zero.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chainleader.chainmap.importer import FILES, format_error, graph_import
from chainleader.core.exceptions import ImportRejected

COLUMNS = [("read", "读取"), ("created", "新增"), ("updated", "更新"), ("skipped", "跳过")]
NOTES = {
    "list_date_unknown": "上市日期缺失或无效",
    "unknown_tickers": "股票代码不在 companies.csv",
    "industries_added": "补建行业",
    "from_relations": "仅见于关系文件的产品",
    "duplicates": "重复行",
    "self_loops": "自环",
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def summary_table(counts: dict[str, dict[str, int]]) -> list[str]:
    """The counts dict as a fixed-width Chinese table (one line per file, then notes)."""
    name_width = max(_width("文件"), *(_width(f) for f in counts))
    header = "  ".join(
        [_pad("文件", name_width), *(_pad(label, 8, right=True) for _k, label in COLUMNS)]
    )
    lines = [header, "-" * _width(header)]
    notes = []
    for name in [f for f in FILES if f in counts] + [f for f in counts if f not in FILES]:
        row = counts[name]
        lines.append(
            "  ".join(
                [
                    _pad(name, name_width),
                    *(_pad(f"{row.get(key, 0):,}", 8, right=True) for key, _l in COLUMNS),
                ]
            )
        )
        extra = [f"{NOTES.get(k, k)} {v:,}" for k, v in row.items() if k not in dict(COLUMNS) and v]
        if extra:
            notes.append(f"  {name}：" + "，".join(extra))
    return lines + (["", "说明：", *notes] if notes else [])


class Command(BaseCommand):
    help = "导入产业链知识图谱（chainkg 文件夹）：上市公司、行业、产品及其关系；全有或全无，可重复运行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "path", type=Path, help="chainkg 文件夹（含 companies.csv 等 7 个 CSV 文件）"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        show_bar = not options["no_progress"] and options["verbosity"] > 0
        bar = tqdm(
            total=100,
            unit="%",
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=not show_bar,
            bar_format="{desc:<32}{percentage:3.0f}%|{bar}| {elapsed}",
            dynamic_ncols=True,
        )

        def progress(percent: int, label: str) -> None:
            bar.set_description_str(label, refresh=False)
            bar.update(max(0, percent - bar.n))

        started = time.perf_counter()
        try:
            record = graph_import(path=path, progress=progress)
        except ImportRejected as exc:
            bar.close()
            for error in exc.errors:
                self.stderr.write(format_error(error))
            raise CommandError(
                f"导入被拒绝：共 {len(exc.errors)} 处错误（{exc}），未写入任何数据。"
            ) from exc
        finally:
            bar.close()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"导入完成：第 {record.pk} 次导入，用时 {seconds:.1f} 秒，指纹 {record.fingerprint[:12]}…"
        )
        if record.message:
            self.stdout.write(record.message)
        for line in summary_table(record.counts):
            self.stdout.write(line)
