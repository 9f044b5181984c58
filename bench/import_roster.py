"""Benchmark: importing a 100,000-firm roster laid out as offices keep it, preview included (issue 18).

SECURITY.md IN1 caps one file at 50,000 rows, so the roster arrives as two 50,000-row workbooks (title and filer
rows above the header, full-width brackets, a unit column in 亿元, lower-case credit codes, a 合计 row). For
each file the page's path runs as a user drives it: upload → read (the rows kept beside the upload) → preview
(the service as a dry run), then confirm → the kept rows → write the previewed plan. Then the same roster is uploaded again with every tenth
firm changed: the preview lists 10,000 updates field by field and the confirmation writes only those.

Baseline, in the same process: streaming the same workbooks through openpyxl's read-only reader with no
conversion at all (the floor any xlsx import pays). Goal: the whole 100,000-row import, preview included,
within 30 s.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.mkdtemp(prefix="chainleader-bench-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ["DJANGO_SETTINGS_MODULE"] = "chainleader.settings.dev"

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402

N = int(os.environ.get("BENCH_FIRMS", "100000"))
PER_FILE = 50_000
GOAL_S = 30.0
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所在区（市）",
    "注册资本（亿元）",
    "成立日期",
    "是否规上",
    "联系人",
]
DISTRICTS = ["370202", "370203", "370211", "370212", "370213", "370214", "370215", "黄岛", "即墨区"]


class Upload(io.BytesIO):
    def __init__(self, content: bytes, name: str) -> None:
        super().__init__(content)
        self.name = name
        self.size = len(content)


def roster(start: int, count: int, *, changed_every: int = 0) -> bytes:
    from chainleader.core.validators import uscc_check_char

    # A normal workbook, as Excel and WPS save one: with the <dimension> element openpyxl's reader relies on
    # (a write-only workbook lacks it and costs the reader a second pass over the sheet).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["2026年重点企业名录"])
    ws.append(["填报单位：市工业和信息化局", None, None, "填报日期：2026年11月30日"])
    ws.append(HEADER)
    for i in range(start, start + count):
        body = f"91370200{i:09d}"[:17]
        capital = (i % 500 + 1) / 100
        if changed_every and i % changed_every == 0:
            capital += 1
        ws.append(
            [
                i - start + 1,
                f"青岛测试{i}制造有限公司",
                (body + uscc_check_char(body)).lower(),
                DISTRICTS[i % len(DISTRICTS)],
                capital,
                f"20{10 + i % 15}/{1 + i % 12}/{1 + i % 28}",
                "√" if i % 3 else "否",
                "张三",
            ]
        )
    ws.append([None, "合计", None, None, None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def baseline(files: list[bytes]) -> float:
    t0 = time.perf_counter()
    for content in files:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for _row in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()
    return time.perf_counter() - t0


def import_with_preview(files: list[bytes], actor: object) -> tuple[float, list[object]]:
    from chainleader.core import excel
    from chainleader.core.imports import run_import
    from chainleader.enterprises.importers import ENTERPRISE_COLUMNS
    from chainleader.enterprises.services import enterprise_import

    plans = []
    t0 = time.perf_counter()
    for n, content in enumerate(files):
        path = excel.check_upload(Upload(content, f"名录{n}.xlsx"))
        try:
            rows = excel.read_rows(path, ENTERPRISE_COLUMNS)
            cache = path.with_suffix(".rows.json")
            excel.dump_rows(rows, cache)  # as the page keeps them for the confirmation
            preview = run_import(enterprise_import, actor=actor, rows=rows, dry_run=True)
            rows = excel.load_rows(cache)  # the confirmation uses the rows kept by the preview
            plans.append(
                run_import(enterprise_import, actor=actor, rows=rows, expected=preview.digest())
            )
        finally:
            excel.cleanup(path)
            excel.cleanup(path.with_suffix(".rows.json"))
    return time.perf_counter() - t0, plans


def main() -> None:
    from chainleader.accounts.models import Role, User
    from chainleader.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    actor = User.objects.create_user("bench", password="x", role=Role.OFFICE)
    counts = [min(PER_FILE, N - s) for s in range(0, N, PER_FILE)]
    t0 = time.perf_counter()
    files = [roster(100_000 + s, c) for s, c in zip(range(0, N, PER_FILE), counts, strict=True)]
    print(f"built {len(files)} workbooks ({N:,} firms) in {time.perf_counter() - t0:.1f} s")

    base = baseline(files)
    print(f"baseline: openpyxl stream only        {base:6.1f} s")
    first, plans = import_with_preview(files, actor)
    created = sum(len(p.created) for p in plans)
    print(f"new roster, preview + confirm         {first:6.1f} s  ({created:,} created)")
    assert Enterprise.objects.count() == N, Enterprise.objects.count()

    again = [
        roster(100_000 + s, c, changed_every=10)
        for s, c in zip(range(0, N, PER_FILE), counts, strict=True)
    ]
    second, plans = import_with_preview(again, actor)
    updated = sum(len(p.updated) for p in plans)
    unchanged = sum(len(p.unchanged) for p in plans)
    print(
        f"re-upload, 1 in 10 changed            {second:6.1f} s  "
        f"({updated:,} updated, {unchanged:,} unchanged)"
    )
    worst = max(first, second)
    print(f"ratio to the baseline: {first / base:.1f}× (new), {second / base:.1f}× (re-upload)")
    print(f"worst: {worst:.1f} s for {N:,} rows, preview included (goal ≤ {GOAL_S:.0f} s)")
    if N >= 100_000:
        print("goal met" if worst <= GOAL_S else f"GOAL MISSED by {worst - GOAL_S:.1f} s")


if __name__ == "__main__":
    main()
