"""chainleader.core.excel: upload checks (IN1), XML safety (IN2), formula injection (IN3), RL2 reports, DP3."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from chainleader.core import excel
from chainleader.core.excel import upload as excel_upload
from chainleader.core.exceptions import ImportRejected

USCC = "91370200MA3C1234X0"

COLUMNS = [
    excel.ExcelColumn("统一社会信用代码", "uscc", required=True, max_length=18, aliases=("uscc",)),
    excel.ExcelColumn("企业名称", "name", required=True, max_length=10),
    excel.ExcelColumn("年度", "year", kind="int", required=True),
    excel.ExcelColumn("纳税额(万元)", "tax", kind="decimal"),
    excel.ExcelColumn("成立日期", "founded", kind="date"),
    excel.ExcelColumn("是否规上", "above", kind="bool"),
    excel.ExcelColumn(
        "企业类型", "kind", kind="choice", choices={"国有": "state", "民营": "private"}
    ),
    excel.ExcelColumn(
        "备注",
        "note",
        validator=lambda v: "Notes may not mention secrets." if "secret" in v else None,
    ),
]
HEADERS = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temp uploads go to a per-test directory so leftovers can be checked without races."""
    directory = tmp_path / "uploads"
    directory.mkdir(mode=0o700)
    monkeypatch.setattr(excel, "upload_dir", lambda: directory)  # what the import views call
    monkeypatch.setattr(excel_upload, "upload_dir", lambda: directory)  # what check_upload calls
    return directory


def xlsx_bytes(rows: list[list[Any]], title: str = "数据") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def rejected(uploaded: Any) -> list[dict[str, Any]]:
    with pytest.raises(ImportRejected) as info:
        excel.check_upload(uploaded)
    return info.value.errors


def only_message(errors: list[dict[str, Any]]) -> str:
    assert len(errors) == 1
    assert errors[0]["row"] is None
    return errors[0]["message"]


def import_bytes(
    name: str, data: bytes, columns: list[excel.ExcelColumn] = COLUMNS, **kw: Any
) -> Any:
    path = excel.check_upload(upload(name, data))
    try:
        return excel.read_rows(path, columns, **kw)
    finally:
        excel.cleanup(path)


# ---------------------------------------------------------------------------------------- IN2


def test_defusedxml_is_on() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_upload_dir_default_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    path = excel.upload_dir()
    assert path == Path(settings.CHAINLEADER_UPLOAD_DIR)  # this instance's var/uploads
    assert path.is_dir()
    assert path.stat().st_mode & 0o077 == 0


def billion_laughs_xlsx() -> bytes:
    good = xlsx_bytes([["统一社会信用代码", "企业名称", "年度"], [USCC, "甲公司", 2023]])
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        prev = f"lol{level - 1}" if level > 1 else "lol"
        entities.append(f'<!ENTITY lol{level} "{("&" + prev + ";") * 10}">')
    payload = (
        '<?xml version="1.0"?>\n<!DOCTYPE sst [' + "".join(entities) + "]>\n"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", override.encode())
            elif name == "xl/worksheets/sheet1.xml":  # A2 refers to shared string 0
                data = data.replace(
                    b'<c r="A2" t="inlineStr"><is><t>' + USCC.encode() + b"</t></is></c>",
                    b'<c r="A2" t="s"><v>0</v></c>',
                )
                assert b'<c r="A2" t="s">' in data
            dst.writestr(name, data)
        dst.writestr("xl/sharedStrings.xml", payload)
    return out.getvalue()


def test_billion_laughs_shared_strings_rejected(uploads: Path) -> None:
    with pytest.raises(ImportRejected) as info:
        import_bytes("laughs.xlsx", billion_laughs_xlsx())
    assert only_message(info.value.errors) == "The workbook could not be read."
    assert list(uploads.iterdir()) == []


# ---------------------------------------------------------------------------------------- IN1


def test_zip_bomb_rejected_quickly(tmp_path: Path, uploads: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):
                entry.write(block)
    assert bomb.stat().st_size < excel.MAX_UPLOAD_BYTES
    errors = rejected(upload("bomb.xlsx", bomb.read_bytes()))
    assert "compressed bomb" in only_message(errors)
    assert list(uploads.iterdir()) == []


def test_uncompressed_total_limit(monkeypatch: pytest.MonkeyPatch, uploads: Path) -> None:
    monkeypatch.setattr(excel_upload, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    lines = "".join(f"<row r='{i}'><v>{i * 7919 % 100003}</v></row>" for i in range(120_000))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", lines)
    assert "larger than 2 MB when uncompressed" in only_message(
        rejected(upload("big.xlsx", buf.getvalue()))
    )
    assert list(uploads.iterdir()) == []


def test_renamed_exe_rejected(uploads: Path) -> None:
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000 + b"This program cannot be run in DOS mode."
    )
    assert (
        only_message(rejected(upload("名单.xlsx", exe)))
        == "The file is not a valid .xlsx workbook."
    )
    assert list(uploads.iterdir()) == []


def test_plain_zip_without_content_types_rejected() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert (
        only_message(rejected(upload("a.xlsx", buf.getvalue())))
        == "The file is not a valid .xlsx workbook."
    )


def test_ole_file_rejected() -> None:
    data = excel.OLE_MAGIC + b"\x00" * 1000
    assert "password-protected" in only_message(rejected(upload("old.xlsx", data)))


def test_xlsm_content_rejected(uploads: Path) -> None:
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    message = only_message(rejected(upload("renamed.xlsx", buf.getvalue())))
    assert message == "Workbooks with macros (.xlsm) are not accepted."
    assert list(uploads.iterdir()) == []


def test_macro_enabled_content_type_rejected() -> None:
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            dst.writestr(name, data)
    assert "macros" in only_message(rejected(upload("m.xlsx", buf.getvalue())))


def test_xlsm_extension_rejected() -> None:
    assert "macros" in only_message(rejected(upload("book.xlsm", xlsx_bytes([HEADERS]))))


def test_too_many_zip_entries_rejected() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(excel.MAX_ZIP_ENTRIES):
            zf.writestr(f"xl/media/{i}.bin", b"x")
    assert "more than 1000 parts" in only_message(rejected(upload("many.xlsx", buf.getvalue())))


def test_oversized_upload_rejected(uploads: Path) -> None:
    data = b"PK\x03\x04" + b"\x00" * (11 * 1024 * 1024)
    assert only_message(rejected(upload("big.xlsx", data))) == "The file is larger than 10 MB."
    assert list(uploads.iterdir()) == []


def test_oversized_stream_without_size_rejected(uploads: Path) -> None:
    stream = io.BytesIO(b"a,b\n" * (3 * 1024 * 1024))  # 12 MB, no .size: counted while copying
    stream.name = "big.csv"
    assert only_message(rejected(stream)) == "The file is larger than 10 MB."
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("name", ["tool.exe", "notes.txt", "data.xlsx.exe", "noext"])
def test_wrong_extension_rejected(name: str, uploads: Path) -> None:
    message = only_message(rejected(upload(name, xlsx_bytes([HEADERS]))))
    assert message.startswith("Only .xlsx and .csv files are accepted")


def test_old_xls_refused_with_how_to_save_as_xlsx(uploads: Path) -> None:
    message = only_message(rejected(upload("old.xls", xlsx_bytes([HEADERS]))))
    assert "另存为" in message and ".xlsx" in message
    assert list(uploads.iterdir()) == []


def test_empty_upload_rejected(uploads: Path) -> None:
    assert only_message(rejected(upload("e.csv", b""))) == "The file is empty."
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("data", [b"a,b\n1,\x002\n", b"\xff\xfe\xfa\xfb\x80\x81"])
def test_binary_csv_rejected(data: bytes, uploads: Path) -> None:
    assert "not valid text" in only_message(rejected(upload("x.csv", data)))
    assert list(uploads.iterdir()) == []


def test_good_upload_copied_to_private_temp_file(uploads: Path) -> None:
    data = xlsx_bytes([HEADERS])
    path = excel.check_upload(upload("good.xlsx", data))
    assert path.parent == uploads
    assert path.suffix == ".xlsx"
    assert path.read_bytes() == data
    assert path.stat().st_mode & 0o077 == 0
    excel.cleanup(path)
    assert list(uploads.iterdir()) == []
    excel.cleanup(path)  # missing is fine


def test_read_failure_leaves_no_temp_file(uploads: Path) -> None:
    with pytest.raises(ImportRejected):
        import_bytes("bad.xlsx", xlsx_bytes([HEADERS, [USCC, "甲", "abc"]]))
    assert list(uploads.iterdir()) == []


def test_row_limit(tmp_path: Path, uploads: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)  # write-only files carry no <dimension>
    ws = wb.create_sheet("数据")
    ws.append(["统一社会信用代码", "企业名称", "年度"])
    for i in range(60_001):
        ws.append([f"CODE{i}", "甲", 2023])
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    data = path.read_bytes()
    with pytest.raises(ImportRejected) as info:
        import_bytes("rows.xlsx", data)
    message = only_message(info.value.errors)
    assert message == "The file has more than 50,000 data rows; split it into smaller files."
    assert info.value.errors[0]["sheet"] == "数据"
    assert list(uploads.iterdir()) == []


def test_row_limit_prescan_ignores_blank_looking_rows() -> None:
    rows = [HEADERS[:3], *[[USCC, "甲", 2023]] * 10, *[["   ", " ", ""]] * 40, [USCC, "乙", 2024]]
    assert len(import_bytes("a.xlsx", xlsx_bytes(rows), max_rows=11)) == 11
    with pytest.raises(ImportRejected) as info:
        import_bytes("a.xlsx", xlsx_bytes(rows), max_rows=10)
    assert "more than 10 data rows" in only_message(info.value.errors)
    many = [HEADERS[:3], *[[USCC, "甲", 2023]] * 40]
    with pytest.raises(ImportRejected) as info:  # refused by the byte prescan
        import_bytes("a.xlsx", xlsx_bytes(many), max_rows=10)
    assert "more than 10 data rows" in only_message(info.value.errors)


def test_row_limit_parameter_and_blank_rows_do_not_count() -> None:
    rows = [
        HEADERS[:3],
        [USCC, "甲", 2023],
        [None, None, None],
        ["", " ", None],
        [USCC, "乙", 2024],
    ]
    assert len(import_bytes("a.xlsx", xlsx_bytes(rows), max_rows=2)) == 2
    with pytest.raises(ImportRejected) as info:
        import_bytes("a.xlsx", xlsx_bytes(rows), max_rows=1)
    assert "more than 1 data rows" in only_message(info.value.errors)


# ---------------------------------------------------------------------------------------- parsing


def test_template_layout_parses_with_types() -> None:
    rows = [
        ["企业数据导入模板"],
        [*HEADERS, "无关列"],
        [
            370211123456789.0,
            "甲公司",
            "2,023",
            "1,234.56",
            datetime.combine(date(2015, 6, 1), time()),
            "是",
            "国有",
            "ok",
            "x",
        ],
        [USCC, " 乙公司 ", 2024.0, 0.1, "2016/07/02", "N", "private", None, None],
        [None, None, None, None, None, None, None, None, "ignored"],
        [USCC, "丙", "2025", 12, "2017年8月3日", "√", "民营", "", ""],
        [USCC, "丁", 2025, "-5", date(2018, 9, 4), 0, None, None, None],
    ]
    parsed = import_bytes("t.xlsx", xlsx_bytes(rows))
    assert [p.row for p in parsed] == [3, 4, 6, 7]
    first, second, third, fourth = (p.values for p in parsed)
    assert first == {
        "uscc": "370211123456789",
        "name": "甲公司",
        "year": 2023,
        "tax": Decimal("1234.56"),
        "founded": date(2015, 6, 1),
        "above": True,
        "kind": "state",
        "note": "ok",
    }
    assert second["name"] == "乙公司"
    assert second["year"] == 2024
    assert type(second["year"]) is int
    assert second["tax"] == Decimal("0.1")
    assert second["founded"] == date(2016, 7, 2)
    assert second["above"] is False
    assert second["kind"] == "private"
    assert second["note"] is None
    assert third["founded"] == date(2017, 8, 3)
    assert third["above"] is True
    assert third["tax"] == Decimal(12)
    assert third["note"] is None
    assert fourth["tax"] == Decimal(-5)
    assert fourth["founded"] == date(2018, 9, 4)
    assert fourth["above"] is False
    assert fourth["kind"] is None


def test_aliases_and_header_spacing() -> None:
    cols = [excel.ExcelColumn("统一社会信用代码", "uscc", required=True, aliases=("USCC",))]
    parsed = import_bytes("a.xlsx", xlsx_bytes([[" uscc "], [USCC]]), cols)
    assert parsed[0].values == {"uscc": USCC}
    parsed = import_bytes("a.xlsx", xlsx_bytes([["统一社会\n信用代码 *"], [USCC]]), cols)
    assert parsed[0].values == {"uscc": USCC}


def test_all_errors_reported_with_location() -> None:
    rows = [
        HEADERS,
        [USCC, "甲公司", "二〇二三年", "abc", "2023-02-30", "也许", "外资", "secret plan"],
        [None, "名字太长了超过十个字的企业", 2023.5, "1e999999", "yesterday", None, None, None],
        [USCC, "乙", "", "1.2.3", "2023-13-01", None, None, None],
    ]
    with pytest.raises(ImportRejected) as info:
        import_bytes("bad.xlsx", xlsx_bytes(rows, title="企业"))
    errors = info.value.errors
    found = {(e["row"], e["column"]): e for e in errors}
    assert all(e["sheet"] == "企业" for e in errors)
    assert found[(2, "年度")]["value"] == "二〇二三年"
    assert found[(2, "年度")]["message"] == "年度 must be a number."
    assert found[(2, "纳税额(万元)")]["value"] == "abc"
    assert found[(2, "成立日期")]["message"] == "成立日期 must be a date (YYYY-MM-DD)."
    assert found[(2, "是否规上")]["value"] == "也许"
    assert found[(2, "企业类型")]["message"] == "企业类型 must be one of: 国有、民营."
    assert found[(2, "备注")]["message"] == "Notes may not mention secrets."
    assert found[(3, "统一社会信用代码")]["message"] == "统一社会信用代码 is required."
    assert "at most 10 characters" in found[(3, "企业名称")]["message"]
    assert found[(3, "年度")]["message"] == "年度 must be a whole number."
    assert found[(3, "纳税额(万元)")]["message"] == "纳税额(万元) is too large."
    assert (3, "成立日期") in found
    assert found[(4, "年度")]["message"] == "年度 is required."
    assert (4, "纳税额(万元)") in found
    assert (4, "成立日期") in found
    assert len(errors) == 14
    assert all(set(e) == {"sheet", "row", "column", "value", "message"} for e in errors)


def test_error_value_truncated_and_errors_capped() -> None:
    rows = [HEADERS[:3], *[[USCC, "甲", "x" * 300] for _ in range(1500)]]
    with pytest.raises(ImportRejected) as info:
        import_bytes("bad.xlsx", xlsx_bytes(rows))
    errors = info.value.errors
    assert len(errors) == excel.MAX_ERRORS
    assert len(errors[0]["value"]) == 100
    assert errors[0]["row"] == 2


def test_missing_required_header_named() -> None:
    with pytest.raises(ImportRejected) as info:
        import_bytes("a.xlsx", xlsx_bytes([["统一社会信用代码", "企业名称"], [USCC, "甲"]]))
    (error,) = info.value.errors
    assert error["column"] == "年度"
    assert error["row"] is None
    assert "年度" in error["message"]


def test_empty_sheet_and_unknown_sheet() -> None:
    with pytest.raises(ImportRejected) as info:
        import_bytes("a.xlsx", xlsx_bytes([]))
    assert only_message(info.value.errors) == "The sheet is empty."
    with pytest.raises(ImportRejected) as info:
        import_bytes("a.xlsx", xlsx_bytes([HEADERS]), sheet="其他")
    assert "no sheet named 其他" in only_message(info.value.errors)


def test_named_sheet_is_read() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["封面"])
    other = wb.create_sheet("明细")
    other.append(HEADERS[:3])
    other.append([USCC, "甲", 2023])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = import_bytes("a.xlsx", buf.getvalue(), sheet="明细")
    assert parsed[0].values["year"] == 2023


def test_header_only_file_gives_no_rows() -> None:
    assert import_bytes("a.xlsx", xlsx_bytes([HEADERS])) == []


def csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_csv_parses(encoding: str) -> None:
    rows = [HEADERS, [USCC, "甲公司", "2023", "1,000.5", "2020-01-02", "否", "民营", "多行\n备注"]]
    parsed = import_bytes("a.csv", csv_bytes(rows, encoding))
    assert parsed[0].row == 2
    assert parsed[0].values == {
        "uscc": USCC,
        "name": "甲公司",
        "year": 2023,
        "tax": Decimal("1000.5"),
        "founded": date(2020, 1, 2),
        "above": False,
        "kind": "private",
        "note": "多行\n备注",
    }


def test_csv_errors_report_row() -> None:
    rows = [HEADERS[:3], [USCC, "甲", "2023"], [USCC, "乙", "x"]]
    with pytest.raises(ImportRejected) as info:
        import_bytes("a.csv", csv_bytes(rows, "utf-8"))
    (error,) = info.value.errors
    assert (error["row"], error["column"], error["value"]) == (3, "年度", "x")


def test_convert_cell_edge_cases() -> None:
    code = excel.ExcelColumn("代码", "code")
    number = excel.ExcelColumn("数", "n", kind="int")
    assert excel.convert_cell(code, 91370200.0) == "91370200"
    assert excel.convert_cell(code, "  ") is None
    assert excel.convert_cell(number, " 1,234 ") == 1234
    assert excel.convert_cell(number, Decimal("7")) == 7
    for bad in ("NaN", "Infinity", "1e99999999999", True, date(2020, 1, 1)):
        with pytest.raises(ValueError, match="数"):
            excel.convert_cell(number, bad)


def test_row_errors_helper() -> None:
    errors = excel.RowErrors("数据")
    assert not errors
    errors.raise_if_any()
    errors.add(5, "纳税额", Decimal("1.5"), "Must not be negative.")
    assert errors
    assert errors.errors == [
        {
            "sheet": "数据",
            "row": 5,
            "column": "纳税额",
            "value": "1.5",
            "message": "Must not be negative.",
        }
    ]
    for i in range(2000):
        errors.add(i, "x", None, "m")
    assert len(errors.errors) == excel.MAX_ERRORS
    with pytest.raises(ImportRejected) as info:
        errors.raise_if_any()
    assert len(info.value.errors) == excel.MAX_ERRORS
    assert info.value.errors[1]["value"] == ""


# ---------------------------------------------------------------------------------------- IN3


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\0x"])
def test_safe_cell_prefixes_dangerous_text(text: str) -> None:
    assert excel.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 3.5, Decimal("-1.25"), 0, date(2020, 1, 1), True])
def test_safe_cell_keeps_numbers(value: Any) -> None:
    assert excel.safe_cell(value) == value
    assert type(excel.safe_cell(value)) is type(value)


def test_safe_cell_plain_and_none() -> None:
    assert excel.safe_cell("甲公司") == "甲公司"
    assert excel.safe_cell("a=b") == "a=b"
    assert excel.safe_cell(None) == ""


def test_export_is_injection_safe() -> None:
    content = excel.export_workbook(
        [
            (
                "项目[2024]: 列表/汇总*?" + "很长" * 20,
                ["名称", "金额", "日期", "数量"],
                iter(
                    [
                        ['=HYPERLINK("http://x","y")', -5, date(2024, 1, 2), Decimal("12.50")],
                        ["#N/A", Decimal("-3"), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), None],
                        ["bad\x01char", "-5", "@x", "+1"],
                    ]
                ),
            ),
            ("second", ["a"], [["b"]]),
        ]
    )
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    assert "[" not in ws.title
    assert len(ws.title) <= 31
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    link = ws["A2"]
    assert link.data_type == "s"
    assert link.value.startswith("'")
    assert link.value == '\'=HYPERLINK("http://x","y")'
    assert ws["B2"].data_type == "n"
    assert ws["B2"].value == -5
    assert ws["C2"].value == datetime.combine(date(2024, 1, 2), time())
    assert ws["D2"].value == 12.5
    assert ws["A3"].data_type == "s"
    assert ws["A3"].value == "#N/A"
    assert ws["B3"].value == -3
    assert ws["C3"].value == datetime.combine(date(2024, 1, 2), time(11, 4, 5))  # Asia/Shanghai
    assert ws["A4"].value == "badchar"
    assert ws["B4"].value == "'-5"
    assert ws["B4"].data_type == "s"
    assert ws["C4"].value == "'@x"
    assert wb.worksheets[1].title == "second"
    assert 8 <= ws.column_dimensions["A"].width <= 60


def test_export_column_width_counts_wide_chars() -> None:
    content = excel.export_workbook(
        [("s", ["名称", "code"], [["中" * 10, "a" * 10], ["中" * 100, ""]])]
    )
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws.column_dimensions["A"].width == 60
    assert ws.column_dimensions["B"].width == 12


def test_sheet_title_sanitised() -> None:
    assert excel.sheet_title("a/b\\c?d*e:f[g]") == "abcdefg"
    assert excel.sheet_title("x" * 40) == "x" * 31
    assert excel.sheet_title("[]") == "Sheet"


# ---------------------------------------------------------------------------------------- template


def test_template_round_trip(uploads: Path) -> None:
    examples = [
        [USCC, "示例公司", 2023, 1234.5, "2015-06-01", "是", "国有", "备注"],
        [
            "91370200MA3C1234X1",
            "另一家",
            2024,
            Decimal("7.25"),
            date(2016, 1, 2),
            "否",
            "民营",
            None,
        ],
    ]
    content = excel.build_template(COLUMNS, title="企业导入模板", examples=examples)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:2] == ["数据", "说明"]
    data = wb["数据"]
    assert data["A1"].value == "企业导入模板"
    assert [c.value for c in data[2]] == HEADERS
    assert data["A2"].font.color.rgb == "FFFF0000"
    assert data["A2"].font.bold
    assert data["D2"].font.color is None or data["D2"].font.color.rgb != "FFFF0000"
    validations = {str(dv.sqref): dv.formula1 for dv in data.data_validations.dataValidation}
    assert validations["F3:F50002"] == '"是,否"'
    assert validations["G3:G50002"] == '"国有,民营"'
    notes = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    assert notes[0][:5] == ["列名", "必填", "类型", "可选值", "说明"]
    assert notes[1][:3] == ["统一社会信用代码", "是", "文本"]
    assert notes[3][:3] == ["年度", "是", "整数"]
    assert notes[4][2] == "数值"
    assert notes[5][2] == "日期"
    assert notes[6][2:4] == ["是否", "是、否"]
    assert notes[7][2:4] == ["选项", "国有、民营"]
    # The examples sit on the instruction sheet under their own header, never on the data sheet.
    assert data.max_row == 2
    assert notes[-3][:8] == HEADERS and notes[-2][:2] == [USCC, "示例公司"]

    # A clerk types the rows into the data sheet: they import with their types.
    for row_number, example in enumerate(examples, start=3):
        for col, value in enumerate(example, start=1):
            data.cell(row=row_number, column=col, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    content = buffer.getvalue()
    parsed = import_bytes("模板.xlsx", content)
    assert [p.row for p in parsed] == [3, 4]
    assert parsed[0].values["uscc"] == USCC
    assert parsed[0].values["tax"] == Decimal("1234.5")
    assert parsed[0].values["founded"] == date(2015, 6, 1)
    assert parsed[1].values["founded"] == date(2016, 1, 2)
    assert parsed[1].values["kind"] == "private"
    assert parsed[1].values["above"] is False
    assert list(uploads.iterdir()) == []


def test_template_long_choice_list_uses_hidden_sheet() -> None:
    choices = {f"选项{i},含逗号": str(i) for i in range(60)}
    cols = [excel.ExcelColumn("类别", "cat", kind="choice", choices=choices, required=True)]
    content = excel.build_template(cols, title="t", examples=[["选项3,含逗号"]])
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb["选项"].sheet_state == "hidden"
    (dv,) = wb["数据"].data_validations.dataValidation
    assert dv.formula1 == "'选项'!$A$1:$A$60"
    wb["数据"]["A3"] = "选项3,含逗号"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert import_bytes("t.xlsx", buffer.getvalue(), cols)[0].values == {"cat": "3"}


# ---------------------------------------------------------------------------------------- response


def test_xlsx_response_headers() -> None:
    response = excel.xlsx_response(b"data", "企业 名单.xlsx")
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="export.xlsx"; ')
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A%20%E5%90%8D%E5%8D%95.xlsx" in disposition
    assert "no-store" in response["Cache-Control"]
    assert response.content == b"data"
    ascii_only = excel.xlsx_response(b"", 'report 2024"\r\n.xlsx')
    assert 'filename="report 2024.xlsx"' in ascii_only["Content-Disposition"]


def test_the_export_formula_guard_is_taken_off_on_import() -> None:
    column = excel.ExcelColumn("备注", "note")
    assert excel.convert_cell(column, excel.safe_cell("-待定")) == "-待定"
    assert excel.convert_cell(column, excel.safe_cell("=1+1")) == "=1+1"
    assert excel.convert_cell(column, "'引号开头") == "'引号开头"  # not our guard: kept
