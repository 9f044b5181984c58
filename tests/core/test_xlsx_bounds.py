"""IN1 bounds from the stream, before any full read (issue 13 item 7).

The probe's 500,000-row workbook without a <dimension> was read whole by openpyxl before the row count was
checked (25.7 s), and one 87 MB row took 18.5 s and 260 MB. Now the byte scan of the sheet XML counts rows
with namespace prefixes too and refuses a row (or shared string) over its bound before a reader opens the
workbook, and the streaming itself stops at a cap of rows of any kind (blank, styled, formula-only).
Workbooks are written with zipfile directly; limits are lowered so the files stay small.
"""

from __future__ import annotations

import contextlib
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from chainleader.core import excel
from chainleader.core.excel import read as excel_read
from chainleader.core.excel import sheets
from chainleader.core.exceptions import ImportRejected

COLUMNS = [excel.ExcelColumn(header="名称", field="name", required=True)]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNG = random.Random(13)


def workbook(path: Path, rows: list[str], *, prefix: str = "", shared: str | None = None) -> Path:
    """An .xlsx whose one sheet holds ``rows`` (row XML, the prefix already in it); no <dimension>."""
    p = prefix
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    xmlns = f'xmlns:{p[:-1]}="{NS}"' if p else f'xmlns="{NS}"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        if shared is not None:
            z.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst {xmlns}><si><t>{shared}</t></si></sst>',
            )
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>'.encode())
            fh.write(f"<{p}sheetData>".encode())
            fh.write(
                f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>名称</{p}t></{p}is></{p}c>'
                f"</{p}row>".encode()
            )
            for row in rows:
                fh.write(row.encode())
            fh.write(f"</{p}sheetData></{p}worksheet>".encode())
    return path


def value_rows(n: int, p: str = "") -> list[str]:
    """Rows without a row number, each with a random value (so the file does not compress like a bomb)."""
    return [f"<{p}row><{p}c><{p}v>{RNG.randrange(10**9)}</{p}v></{p}c></{p}row>" for _ in range(n)]


def noisy_text(size: int) -> str:
    """Text of ``size`` bytes that compresses about 20:1 (under the 100:1 bomb ratio)."""
    block = "".join(("a" * 30) + "".join(RNG.choices("0123456789", k=2)) for _ in range(size // 32))
    return block


@pytest.fixture
def no_full_read(monkeypatch):
    """Any reader opening the workbook fails the test: the refusal must come from the byte scan."""

    def refuse(*args, **kwargs):
        raise AssertionError("a reader opened the workbook before the bounds were checked")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(sheets.openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(sheets, "_calamine_rows", refuse)


def refusal(path: Path, max_rows: int = 1000) -> str:
    with pytest.raises(ImportRejected) as info:
        excel.read_rows(path, COLUMNS, max_rows=max_rows)
    return info.value.errors[0]["message"]


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_too_many_rows_are_refused_from_the_stream_before_any_reader(
    tmp_path, no_full_read, prefix
):
    path = workbook(tmp_path / "long.xlsx", value_rows(3000, prefix), prefix=prefix)
    assert "1,000" in refusal(path)


def test_a_namespace_prefixed_sheet_within_the_limit_is_still_read(tmp_path):
    path = workbook(tmp_path / "ok.xlsx", value_rows(20, "x:"), prefix="x:")
    assert len(excel.read_rows(path, COLUMNS, max_rows=1000)) == 20


def test_one_huge_row_is_refused_before_any_reader_holds_it(tmp_path, no_full_read, monkeypatch):
    monkeypatch.setattr(sheets, "_PRESCAN_MAX_ROW_BYTES", 1024 * 1024)
    big = f'<row r="2"><c r="A2" t="inlineStr"><is><t>{noisy_text(3 * 1024 * 1024)}</t></is></c></row>'
    path = workbook(tmp_path / "wide.xlsx", [big])
    assert path.stat().st_size < 1024 * 1024
    assert "1 MB" in refusal(path)


def test_one_huge_shared_string_is_refused_before_any_reader_loads_it(
    tmp_path, no_full_read, monkeypatch
):
    monkeypatch.setattr(sheets, "_PRESCAN_MAX_ROW_BYTES", 1024 * 1024)
    row = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    path = workbook(tmp_path / "sst.xlsx", [row], shared=noisy_text(3 * 1024 * 1024))
    assert "1 MB" in refusal(path)


def test_formula_only_rows_count_toward_the_cap_in_the_scan(tmp_path, no_full_read):
    rows = [f'<row r="{n}"><c r="A{n}"><f>1+{n}</f></c></row>' for n in range(2, 3600)]
    path = workbook(tmp_path / "formulas.xlsx", rows)
    assert "3,000" in refusal(path)  # 2 × 1000 rows and room for 1000 blank ones


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_the_read_stops_at_the_cap_of_rows_of_any_kind(tmp_path, monkeypatch, prefix):
    """Rows without cells (formatting only) escape the scan's count: the reader stops at the cap, having
    pulled no more rows than that from the sheet."""
    p = prefix
    rows = [f'<{p}row r="{n}" s="1" customFormat="1"/>' for n in range(2, 6000)]
    rows.append(f'<{p}row r="6000"><{p}c r="A6000"><{p}v>7</{p}v></{p}c></{p}row>')
    path = workbook(tmp_path / "blank.xlsx", rows, prefix=prefix)
    pulled = {"rows": 0}
    real = excel_read._open_table

    @contextlib.contextmanager
    def counting(*args, **kwargs):
        with real(*args, **kwargs) as (title, head, body, scan):

            def counted(start, width):
                for row in body(start, width):
                    pulled["rows"] += 1
                    yield row

            yield title, head, counted, scan

    monkeypatch.setattr(excel_read, "_open_table", counting)
    assert "3,000" in refusal(path)
    assert pulled["rows"] <= sheets.stream_cap(1000) + 1
