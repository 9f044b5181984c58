"""The two xlsx readers (issue 18): calamine reads a sheet whose extent the byte scan bounds, openpyxl streams
any other. Both must give the same rows, values and notices, and a sparse sheet must never reach calamine,
whose grid is dense (two cells far apart would cost rows × columns of memory)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainleader.core import excel
from chainleader.core.excel import sheets as reader
from chainleader.enterprises.importers import ENTERPRISE_COLUMNS
from tests.core.test_real_workbooks import roster_rows, workbook
from tests.factories import make_uscc


def parse(upload: SimpleUploadedFile):
    upload.seek(0)
    path = excel.check_upload(upload)
    try:
        return excel.read_rows(path, ENTERPRISE_COLUMNS)
    finally:
        excel.cleanup(path)


def both(upload: SimpleUploadedFile, monkeypatch, spy: list[str]):
    fast = parse(upload)
    with monkeypatch.context() as m:
        m.setattr(reader, "CALAMINE_MAX_CELLS", 0)
        slow = parse(upload)
    assert spy == ["calamine"], "the bounded sheet was read by calamine, once"
    return fast, slow


@pytest.fixture
def spy(monkeypatch):
    calls: list[str] = []
    real = reader._calamine_rows

    def counted(path, title):
        calls.append("calamine")
        return real(path, title)

    monkeypatch.setattr(reader, "_calamine_rows", counted)
    return calls


CASES = {
    "roster with title rows, units, typing artefacts and a totals formula": lambda: workbook(
        roster_rows(), formulas={"E7": "=SUM(E4:E6)"}
    ),
    "merged cells": lambda: workbook(
        [
            ["统一社会信用代码", "企业名称", "所在区域", "注册资本(万元)", "成立日期"],
            [make_uscc(700120), "甲公司", "370211", 100, "2020-01-02"],
            [make_uscc(700121), "乙公司", None, 12.5, None],
            [make_uscc(700122), "丙公司", None, "1.2亿", 44350],
        ],
        title_rows=1,
        merges=("C3:C5",),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_calamine_and_openpyxl_read_the_same_rows_and_notices(db, monkeypatch, spy, case):
    fast, slow = both(CASES[case](), monkeypatch, spy)
    assert [(r.row, r.values) for r in fast] == [(r.row, r.values) for r in slow]
    assert fast.notices == slow.notices
    assert fast.header_row == slow.header_row and fast.sheet == slow.sheet
    assert len(fast) >= 3


def test_real_dates_and_whole_numbers_come_through_as_openpyxl_gives_them(db, monkeypatch, spy):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "所在区域", "注册资本(万元)", "成立日期"])
    from datetime import date, datetime

    ws.append([make_uscc(700130), "甲公司", 370211, 3000, datetime(2019, 5, 6)])  # noqa: DTZ001 - a cell holds a naive date-time
    ws.append([make_uscc(700131), "乙公司", "370211", 0.25, date(2021, 1, 31)])
    buf = io.BytesIO()
    wb.save(buf)
    fast, slow = both(SimpleUploadedFile("r.xlsx", buf.getvalue()), monkeypatch, spy)
    assert [r.values for r in fast] == [r.values for r in slow]
    assert fast[0].values["region"] == "370211"
    assert fast[0].values["founded_on"] == date(2019, 5, 6)
    assert str(fast[1].values["registered_capital_wan"]) == "0.25"


def test_a_sparse_sheet_streams_through_openpyxl_and_still_reads(db, spy):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "所在区域"])
    ws.append([make_uscc(700140), "甲公司", "370211"])
    ws["XFD400"] = "远处的一格"  # 400 rows × 16,384 columns: a dense grid of 6.5 million cells
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse(SimpleUploadedFile("sparse.xlsx", buf.getvalue()))
    assert [r.values["name"] for r in parsed] == ["甲公司"]
    assert spy == [], "calamine was not asked to build the dense grid"


def test_the_scan_bounds_the_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "x"
    ws["C7"] = 1
    ws["B9"] = "=C7*2"
    path = tmp_path / "b.xlsx"
    wb.save(path)
    scan = reader._scan_sheet(path, "xl/worksheets/sheet1.xml", stop_after=100)
    assert (scan.max_row, scan.max_col, scan.dense_cells) == (9, 3, 27)
    assert scan.formula_rows == frozenset({9})
    parts = reader._worksheet_parts(path)
    assert [(p.name, p.member, p.visible) for p in parts] == [
        ("Sheet", "xl/worksheets/sheet1.xml", True)
    ]


def test_a_workbook_with_a_dtd_never_reaches_calamine_and_is_refused(db, spy):
    """IN2: entities are defusedxml's to refuse; calamine reads only parts that open with their root element."""
    from chainleader.core.exceptions import ImportRejected
    from tests.core.test_excel import billion_laughs_xlsx

    with pytest.raises(ImportRejected):
        parse(SimpleUploadedFile("laughs.xlsx", billion_laughs_xlsx()))
    assert spy == []


def test_only_parts_that_open_with_their_root_count_as_plain(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    assert reader._plain_xml(path)
    for prolog in (b"<!-- note -->", b'<!DOCTYPE x [<!ENTITY a "b">]>', b"<?php ?>"):
        changed = tmp_path / "changed.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(changed, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"<worksheet", prolog + b"<worksheet", 1)
                dst.writestr(info, data)
        assert not reader._plain_xml(changed), prolog
