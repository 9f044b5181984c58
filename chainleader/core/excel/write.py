"""Writing workbooks: exports safe from formula injection (IN3), import templates, download responses."""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .common import (
    _SHEET_TITLE_BAD,
    BOOL_LABELS,
    EXCEL_MAX_CELL_CHARS,
    FORMULA_PREFIXES,
    KIND_WORDS,
    MAX_ROWS,
    TEMPLATE_DATA_SHEET,
    TEMPLATE_HELP_HEADERS,
    TEMPLATE_HELP_SHEET,
    TEMPLATE_LIST_SHEET,
    XLSX_CONTENT_TYPE,
    ExcelColumn,
)


def safe_cell(value: Any) -> Any:
    """IN3: prefix text that a spreadsheet would run as a formula with ``'``; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _excel_value(value: Any) -> Any:
    """A value openpyxl can store: safe text, float for Decimal, naive local datetimes."""
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (bool, int, float, date)):
        return "" if value is None else value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:EXCEL_MAX_CELL_CHARS]
    return safe_cell(text)


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = 0
    for line in text.splitlines() or [""]:
        width = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        longest = max(longest, width)
    return longest


def _column_widths(rows: Sequence[Sequence[Any]]) -> list[float]:
    widths: list[float] = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], _display_width(value))
    return [min(max(w + 2, 8), 60) for w in widths]


def sheet_title(title: str) -> str:
    """A legal Excel sheet title: no []:*?/\\ , at most 31 characters, not empty."""
    cleaned = _SHEET_TITLE_BAD.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(title))).strip().strip("'")
    return cleaned[:31].strip() or "Sheet"


AMOUNT_FORMAT = "#,##0.00"


def _typed_cell(ws: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    converted = _excel_value(value)
    cell = WriteOnlyCell(ws, value=converted)
    if isinstance(converted, str):
        cell.data_type = "s"  # never a formula or an error code, whatever the text
    elif isinstance(converted, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(converted, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell.number_format = AMOUNT_FORMAT  # amounts as the pages show them: 1,234.50
    if bold:
        cell.font = Font(bold=True)
    return cell


def export_workbook(sheets: list[tuple[str, list[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx (bytes) with one sheet per (title, headers, rows); every text cell is injection-safe."""
    workbook = openpyxl.Workbook(write_only=True)
    used: set[str] = set()
    for title, headers, rows in sheets or [("Sheet", [], [])]:
        name = sheet_title(title)
        base, counter = name, 1
        while name.casefold() in used:
            counter += 1
            suffix = f" ({counter})"
            name = base[: 31 - len(suffix)] + suffix
        used.add(name.casefold())
        ws = workbook.create_sheet(name)
        iterator = iter(rows)
        sample = [list(r) for r in itertools.islice(iterator, 200)]
        for index, width in enumerate(_column_widths([list(headers), *sample]), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        if headers:
            ws.freeze_panes = "A2"
            ws.append([_typed_cell(ws, h, bold=True) for h in headers])
        for row in itertools.chain(sample, iterator):
            ws.append([_typed_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _choice_labels(column: ExcelColumn) -> list[str]:
    if column.kind == "bool":
        return list(BOOL_LABELS)
    return [str(label) for label in (column.choices or {})]


def build_template(
    columns: list[ExcelColumn], *, title: str, examples: list[list[Any]] | None = None
) -> bytes:
    """The import template: sheet "数据" (title row, header row, drop-downs; no row that would import) and "说明"
    (what each column takes, then the examples under their own header: an example never imports as data)."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = TEMPLATE_DATA_SHEET
    ncols = max(len(columns), 1)
    last_row = MAX_ROWS + 2

    title_cell = ws.cell(row=1, column=1, value=_excel_value(str(title)))
    title_cell.data_type = "s"
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center", vertical="center")
    if ncols > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 24

    for index, col in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=index, value=col.header)
        cell.data_type = "s"
        cell.font = Font(bold=True, color="FFFF0000") if col.required else Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A3"

    sample = [[c.header for c in columns], *[list(e) for e in examples or []]]
    for index, width in enumerate(_column_widths(sample), start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(width, 12)

    list_sheet = None
    for index, col in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if col.kind == "str":
            ws.column_dimensions[letter].number_format = "@"  # keep credit codes as text
        labels = _choice_labels(col)
        if not labels:
            continue
        inline = ",".join(labels)
        if len(inline) <= 250 and not any("," in lb or '"' in lb for lb in labels):
            formula = f'"{inline}"'
        else:
            if list_sheet is None:
                list_sheet = workbook.create_sheet(TEMPLATE_LIST_SHEET)
                list_sheet.sheet_state = "hidden"
            for row_number, label in enumerate(labels, start=1):
                list_sheet.cell(
                    row=row_number, column=index, value=_excel_value(label)
                ).data_type = "s"
            formula = f"'{TEMPLATE_LIST_SHEET}'!${letter}$1:${letter}${len(labels)}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.error = _("Choose a value from the list.")
        validation.errorTitle = _("Invalid value")
        validation.showErrorMessage = True
        validation.add(f"{letter}3:{letter}{last_row}")
        ws.add_data_validation(validation)

    help_ws = workbook.create_sheet(TEMPLATE_HELP_SHEET, 1)
    help_ws.append(TEMPLATE_HELP_HEADERS)
    for cell in help_ws[1]:
        cell.font = Font(bold=True)
    for col in columns:
        row = [
            col.header,
            "是" if col.required else "否",
            KIND_WORDS[col.kind],
            "、".join(_choice_labels(col)),
            str(col.help or ""),
        ]
        help_ws.append([_excel_value(v) for v in row])
        for cell in help_ws[help_ws.max_row]:
            cell.data_type = "s"
    help_rows = [
        TEMPLATE_HELP_HEADERS,
        *[[c.header, "", "", "", str(c.help or "")] for c in columns],
    ]
    if examples:
        help_ws.append([])
        note = help_ws.cell(
            row=help_ws.max_row + 1,
            column=1,
            value=_("Examples (for reference only; they are not imported)"),
        )
        note.font = Font(bold=True)
        help_ws.append([c.header for c in columns])
        for cell in help_ws[help_ws.max_row]:
            cell.font = Font(bold=True)
        for example in examples:
            row_number = help_ws.max_row + 1
            for index, value in enumerate(example[: len(columns)], start=1):
                converted = _excel_value(value)
                cell = help_ws.cell(row=row_number, column=index, value=converted)
                if isinstance(converted, str):
                    cell.data_type = "s"
                elif isinstance(converted, date):
                    cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(_column_widths(help_rows), start=1):
        help_ws.column_dimensions[get_column_letter(index)].width = width
    help_ws.freeze_panes = "A2"

    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ascii_filename(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem).strip(" ._")
    ascii_ext = re.sub(r"[^A-Za-z0-9]+", "", ext)
    if not ascii_stem or not ascii_stem.strip("_"):
        ascii_stem = "export"
    return f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download response; Content-Disposition has an ASCII fallback and an RFC 5987 UTF-8 name."""
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\"]+', "_", str(filename)).strip() or "export.xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_filename(cleaned)}\"; filename*=UTF-8''{quote(cleaned, safe='')}"
    )
    response["Content-Length"] = str(len(content))
    add_never_cache_headers(response)  # DP3: exports may hold confidential figures
    return response
