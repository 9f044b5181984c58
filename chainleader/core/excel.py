"""Excel import/export pipeline shared by every app (SECURITY.md IN1, IN2, IN3, RL2, DP3).

Import: ``check_upload`` (every IN1 check, before openpyxl sees a byte) -> ``read_rows`` (typed rows or
``ImportRejected`` with every bad cell) -> the app's service (``RowErrors`` for its own checks, one
``transaction.atomic``) -> ``cleanup`` in a ``finally``.

Export: ``export_workbook`` (formula-injection safe, typed string cells) and ``build_template``;
``xlsx_response`` wraps either in a download response.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import logging
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chainleader.core.exceptions import ImportRejected

logger = logging.getLogger(__name__)

# IN2: openpyxl parses with defusedxml only when it is installed and OPENPYXL_DEFUSEDXML is not "False".
if openpyxl.xml.DEFUSEDXML is not True or not getattr(
    openpyxl.xml.functions.iterparse, "__module__", ""
).startswith("defusedxml"):
    raise ImproperlyConfigured(
        "openpyxl must parse XML with defusedxml (SECURITY.md IN2): install defusedxml and "
        "do not set OPENPYXL_DEFUSEDXML=False."
    )

# IN1 limits.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_RATIO = 100
MAX_ROWS = 50_000
MAX_ERRORS = 1000

# Entries smaller than this are not ratio-checked: deflate cannot turn them into a bomb, the 100 MB
# total still applies, and tiny XML parts (styles, empty sheets) legitimately compress very well.
RATIO_MIN_BYTES = 1024 * 1024
HEADER_SEARCH_ROWS = 5
MAX_COLUMNS = 256  # columns looked at when searching the header row
EXCEL_MAX_ROWS = 1_048_576
MAX_NUMBER_CHARS = 100
MAX_NUMBER_DIGITS = 15  # integer digits accepted for int/decimal cells (999 trillion)
VALUE_PREVIEW_CHARS = 100
EXCEL_MAX_CELL_CHARS = 32_767
ALLOWED_SUFFIXES = (".xlsx", ".csv")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and password-protected workbooks
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")

KINDS = ("str", "int", "decimal", "date", "bool", "choice")
# Template ("说明" sheet) wording; the template layout itself is Chinese, like the headers.
KIND_WORDS = {
    "str": "文本",
    "int": "整数",
    "decimal": "数值",
    "date": "日期",
    "bool": "是否",
    "choice": "选项",
}
TEMPLATE_DATA_SHEET = "数据"
TEMPLATE_HELP_SHEET = "说明"
TEMPLATE_LIST_SHEET = "选项"
TEMPLATE_HELP_HEADERS = ["列名", "必填", "类型", "可选值", "说明"]
BOOL_LABELS = ("是", "否")
TRUE_WORDS = frozenset({"是", "y", "yes", "1", "true", "√", "✓", "✔", "t"})
FALSE_WORDS = frozenset({"否", "n", "no", "0", "false", "×", "✗", "✘", "f"})

_DATE_RES = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_HEADER_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ExcelColumn:
    """One column of an import: how it is found (header, aliases), converted (kind) and checked."""

    header: str
    field: str
    kind: str = "str"
    required: bool = False
    max_length: int | None = None
    choices: dict[str, str] | None = None
    validator: Callable[[Any], str | None] | None = None
    help: str = ""
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"ExcelColumn {self.field!r}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"ExcelColumn {self.field!r}: kind='choice' needs choices")


@dataclass
class ParsedRow:
    """A converted data row; ``row`` is the Excel row number shown in error reports."""

    row: int
    values: dict[str, Any]


def _preview(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return str(value)[:VALUE_PREVIEW_CHARS]


def _error(sheet: str, row: int | None, column: str, value: Any, message: str) -> dict[str, Any]:
    return {
        "sheet": sheet,
        "row": row,
        "column": str(column),
        "value": _preview(value),
        "message": str(message),
    }


class RowErrors:
    """Collects row-level errors (capped at 1000) during an import's service-level validation."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.errors: list[dict[str, Any]] = []
        self.truncated = False

    def add(self, row: int | None, column: str, value: Any, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.truncated = True
            return
        self.errors.append(_error(self.sheet, row, column, value, message))

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            message = ""
            if self.truncated:
                message = _("Only the first %(max)s errors are listed.") % {"max": MAX_ERRORS}
            raise ImportRejected(self.errors, message)


def _reject(
    message: str, *, sheet: str = "", column: str = "", value: Any = None
) -> ImportRejected:
    return ImportRejected([_error(sheet, None, column, value, message)], str(message))


# --------------------------------------------------------------------------------------------
# Upload checks (IN1) and temp files (DP3)
# --------------------------------------------------------------------------------------------


def upload_dir() -> Path:
    """Private directory (0700) for upload temp files: <tempdir>/chainleader-uploads."""
    path = Path(tempfile.gettempdir()) / "chainleader-uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    getuid = getattr(os, "getuid", None)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ImproperlyConfigured(f"{path} must be a real directory.")
    if getuid is not None and info.st_uid != getuid():
        raise ImproperlyConfigured(f"{path} belongs to another user.")
    if info.st_mode & 0o077:
        path.chmod(0o700)
    return path


def cleanup(path: Path | str | None) -> None:
    """Delete an upload temp file; a missing file is fine (DP3: call it in a finally)."""
    if path is None:
        return
    Path(path).unlink(missing_ok=True)


def _iter_upload(uploaded: Any) -> Iterator[bytes]:
    if hasattr(uploaded, "seek"):
        with contextlib.suppress(OSError, ValueError):
            uploaded.seek(0)
    if hasattr(uploaded, "chunks"):
        yield from uploaded.chunks()
        return
    while True:
        chunk = uploaded.read(64 * 1024)
        if not chunk:
            return
        yield chunk


def _too_large() -> ImportRejected:
    return _reject(
        _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
    )


def check_upload(uploaded: Any) -> Path:
    """Run every IN1 check and copy the upload to a private temp file; return that file's path.

    ``uploaded`` is a Django ``UploadedFile`` or any binary file-like object with ``name`` (and
    ``size``/``read``). On any failure the temp file is deleted and ``ImportRejected`` is raised with
    one file-level error. No archive member is ever decompressed except the small content-type list.
    """
    name = str(getattr(uploaded, "name", "") or "")
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise _reject(_("Workbooks with macros (.xlsm) are not accepted."), value=name)
    if suffix not in ALLOWED_SUFFIXES:
        raise _reject(
            _("Only .xlsx and .csv files are accepted (this file is %(ext)s).")
            % {"ext": suffix or _("without an extension")},
            value=name,
        )
    declared = getattr(uploaded, "size", None)
    if isinstance(declared, int) and declared > MAX_UPLOAD_BYTES:
        raise _too_large()

    fd, raw_path = tempfile.mkstemp(suffix=suffix, prefix="upload-", dir=upload_dir())
    path = Path(raw_path)
    try:
        written = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in _iter_upload(uploaded):
                written += len(chunk)
                if written > MAX_UPLOAD_BYTES:
                    raise _too_large()
                out.write(chunk)
        if written == 0:
            raise _reject(_("The file is empty."))
        problem = _xlsx_problem(path) if suffix == ".xlsx" else _csv_problem(path)
        if problem:
            raise _reject(problem, value=name)
    except BaseException:
        cleanup(path)
        raise
    return path


def _xlsx_problem(path: Path) -> str | None:
    """Why this file is not an acceptable .xlsx (IN1), judged from the zip directory only."""
    not_xlsx = _("The file is not a valid .xlsx workbook.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        return _(
            "Old .xls files and password-protected workbooks are not accepted; "
            "save the file as .xlsx without a password."
        )
    if not head.startswith(ZIP_MAGIC):
        return not_xlsx
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return _("The workbook has more than %(max)s parts.") % {"max": MAX_ZIP_ENTRIES}
            names = {info.filename for info in infos}
            if any(n.replace("\\", "/").lower().endswith("vbaproject.bin") for n in names):
                return _("Workbooks with macros (.xlsm) are not accepted.")
            if "[Content_Types].xml" not in names:
                return not_xlsx
            total = total_compressed = 0
            for info in infos:
                if info.flag_bits & 0x1:  # encrypted entry
                    return not_xlsx
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    return not_xlsx
                total += info.file_size
                total_compressed += info.compress_size
                if info.file_size >= RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    return _bomb_message()
            if total >= RATIO_MIN_BYTES and total > MAX_RATIO * max(total_compressed, 1):
                return _bomb_message()
            if total > MAX_UNCOMPRESSED:
                return _("The workbook is larger than %(size)s MB when uncompressed.") % {
                    "size": MAX_UNCOMPRESSED // (1024 * 1024)
                }
            content_types = archive.getinfo("[Content_Types].xml")
            if content_types.file_size > RATIO_MIN_BYTES:
                return not_xlsx
            if b"macroenabled" in archive.read(content_types).lower():
                return _("Workbooks with macros (.xlsm) are not accepted.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        return not_xlsx
    except NotImplementedError:
        return not_xlsx
    return None


def _bomb_message() -> str:
    return _("The file looks like a compressed bomb (ratio over %(ratio)s:1).") % {
        "ratio": MAX_RATIO
    }


def _decode_csv(data: bytes) -> str | None:
    """Text of a CSV upload (UTF-8 with or without BOM, else GB18030), or None if it is not text."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_problem(path: Path) -> str | None:
    if _decode_csv(path.read_bytes()) is None:
        return _("The CSV file is not valid text (UTF-8 or GB18030).")
    return None


# --------------------------------------------------------------------------------------------
# Reading rows (IN1 row limit, IN2, RL2 error report)
# --------------------------------------------------------------------------------------------


def _norm_header(value: Any) -> str:
    text = _HEADER_SPACE.sub("", str(value)).rstrip("*＊")
    return text.casefold()


def _find_header(
    head: Sequence[Sequence[Any]], columns: list[ExcelColumn]
) -> tuple[int, dict[str, int], list[ExcelColumn]]:
    """(header row number, field -> column index, missing required columns) for the best row."""
    wanted = {
        col.field: {_norm_header(h) for h in (col.header, *col.aliases) if str(h).strip()}
        for col in columns
    }
    best: tuple[int, dict[str, int], list[ExcelColumn]] | None = None
    for number, cells in enumerate(head, start=1):
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            if cell is None or not str(cell).strip():
                continue
            positions.setdefault(_norm_header(cell), index)
        mapping: dict[str, int] = {}
        for col in columns:
            found = [positions[h] for h in wanted[col.field] if h in positions]
            if found:
                mapping[col.field] = min(found)
        missing = [c for c in columns if c.required and c.field not in mapping]
        if mapping and not missing:
            return number, mapping, []
        if best is None or len(mapping) > len(best[1]):
            best = (number, mapping, missing)
    if best is None:
        return 0, {}, [c for c in columns if c.required]
    return best


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: Any) -> str:
    """A cell rendered as text: integral numbers without '.0', dates as YYYY-MM-DD."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return str(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _to_decimal(value: Any, column: ExcelColumn) -> Decimal:
    """Decimal of a numeric cell or numeric text; ValueError(message) if it is not a usable number."""
    not_number = _("%(column)s must be a number.") % {"column": column.header}
    if isinstance(value, (bool, date)):
        raise ValueError(not_number)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))  # str() avoids binary noise: 0.1 -> Decimal("0.1")
    elif isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        if not text or len(text) > MAX_NUMBER_CHARS:
            raise ValueError(not_number)
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(not_number) from None
    if not number.is_finite():
        raise ValueError(not_number)
    if number != 0 and number.adjusted() >= MAX_NUMBER_DIGITS:
        raise ValueError(_("%(column)s is too large.") % {"column": column.header})
    return number


def _to_date(value: Any, column: ExcelColumn) -> date:
    bad = _("%(column)s must be a date (YYYY-MM-DD).") % {"column": column.header}
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(bad)
    text = _number_text(value) if isinstance(value, (int, float, Decimal)) else str(value).strip()
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise ValueError(bad) from None
    raise ValueError(bad)


def _to_bool(value: Any, column: ExcelColumn) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("%(column)s must be 是 (yes) or 否 (no).") % {"column": column.header})


def _to_choice(value: Any, column: ExcelColumn) -> str:
    choices = column.choices or {}
    text = _number_text(value)
    if text in choices:
        return choices[text]
    stored = {str(v): v for v in choices.values()}
    if text in stored:
        return stored[text]
    folded = text.casefold()
    for label, stored_value in choices.items():
        if folded in (str(label).casefold(), str(stored_value).casefold()):
            return stored_value
    raise ValueError(
        _("%(column)s must be one of: %(choices)s.")
        % {"column": column.header, "choices": "、".join(str(label) for label in choices)}
    )


def convert_cell(column: ExcelColumn, value: Any) -> Any:
    """Convert one raw cell for ``column``; None for a blank cell; ValueError(message) if invalid."""
    if _is_blank(value):
        return None
    kind = column.kind
    if kind == "str":
        text = _number_text(value)
        if not text:
            return None
        if column.max_length is not None and len(text) > column.max_length:
            raise ValueError(
                _("%(column)s must be at most %(max)s characters (it has %(length)s).")
                % {"column": column.header, "max": column.max_length, "length": len(text)}
            )
        return text
    if kind == "int":
        number = _to_decimal(value, column)
        if number != number.to_integral_value():
            raise ValueError(_("%(column)s must be a whole number.") % {"column": column.header})
        return int(number)
    if kind == "decimal":
        return _to_decimal(value, column)
    if kind == "date":
        return _to_date(value, column)
    if kind == "bool":
        return _to_bool(value, column)
    return _to_choice(value, column)


def _run_validator(column: ExcelColumn, value: Any) -> list[str]:
    if column.validator is None:
        return []
    try:
        problem = column.validator(value)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return [str(problem)] if problem else []


def _parse_table(
    sheet: str,
    head: Sequence[Sequence[Any]],
    body: Callable[[int, int], Iterator[Sequence[Any]]],
    columns: list[ExcelColumn],
    max_rows: int,
) -> list[ParsedRow]:
    if not any(any(not _is_blank(v) for v in row) for row in head):
        raise _reject(_("The sheet is empty."), sheet=sheet)
    header_row, mapping, missing = _find_header(head, columns)
    errors = RowErrors(sheet)
    if missing or not mapping:
        for col in missing:
            errors.add(
                None,
                col.header,
                "",
                _(
                    "The required column %(column)s is missing (headers must be in one of the first %(n)s rows)."
                )
                % {"column": col.header, "n": HEADER_SEARCH_ROWS},
            )
        if not errors:
            errors.add(
                None,
                "",
                "",
                _("No known column header was found in the first %(n)s rows.")
                % {"n": HEADER_SEARCH_ROWS},
            )
        errors.raise_if_any()

    width = max(mapping.values()) + 1
    located = [(col, mapping.get(col.field)) for col in columns]
    parsed: list[ParsedRow] = []
    data_rows = 0
    for number, cells in enumerate(body(header_row + 1, width), start=header_row + 1):
        raw = [cells[i] if i is not None and i < len(cells) else None for _col, i in located]
        if all(_is_blank(v) for v in raw):
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise _row_limit(max_rows, sheet)
        values: dict[str, Any] = {}
        for (col, _index), cell in zip(located, raw, strict=True):
            try:
                value = convert_cell(col, cell)
            except ValueError as exc:
                errors.add(number, col.header, cell, str(exc))
                values[col.field] = None
                continue
            values[col.field] = value
            if value is None:
                if col.required:
                    errors.add(
                        number,
                        col.header,
                        cell,
                        _("%(column)s is required.") % {"column": col.header},
                    )
                continue
            for problem in _run_validator(col, value):
                errors.add(number, col.header, cell, problem)
        if errors.full:
            errors.truncated = True
            break
        parsed.append(ParsedRow(row=number, values=values))
    if errors:
        # The rows as far as they converted ride along, so the import view can also report the errors the
        # service would find (an unknown chain, a bad district) in the same upload: every error at once.
        rejected = ImportRejected(errors.errors, "")
        rejected.partial_rows = parsed  # type: ignore[attr-defined]
        raise rejected
    return parsed


def merge_errors(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Both lists in row order; a cell already reported by the first list is not reported again."""
    seen = {(e.get("sheet"), e.get("row"), e.get("column")) for e in first}
    extra = [e for e in second if (e.get("sheet"), e.get("row"), e.get("column")) not in seen]
    merged = first + extra
    merged.sort(key=lambda e: (e.get("row") is not None, e.get("row") or 0))
    return merged[:MAX_ERRORS]


def _row_limit(max_rows: int, sheet: str) -> ImportRejected:
    return _reject(
        _("The file has more than %(max)s data rows; split it into smaller files.")
        % {"max": f"{max_rows:,}"},
        sheet=sheet,
    )


_ROW_TAG = b"<row"
# A non-blank value: <v>42</v> (numbers, shared-string indexes, formula results) or <t>text</t>.
_VALUE_RE = re.compile(rb"<v>[^<\s]|<t(?:\s[^>]*)?>\s*[^<\s]")
_PRESCAN_MAX_ROW_BYTES = 8 * 1024 * 1024


def _value_rows(path: Path, member: str, *, stop_after: int) -> int:
    """Fast upper bound of a sheet's rows holding a value (a byte scan, no XML parsing).

    Lets a far-too-long sheet be refused in well under a second (IN1) instead of after streaming
    50,000 rows through openpyxl. It may over-count (values only in unmapped columns), so read_rows
    allows some slack and the exact count happens while streaming. Sheets written with namespace
    prefixes (<x:row>) or with a single enormous row give 0 here and rely on the streaming count.
    """
    count = 0
    buffer = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as source:
        while True:
            chunk = source.read(1024 * 1024)
            buffer += chunk
            cut = buffer.rfind(_ROW_TAG) if chunk else len(buffer)
            if cut > 0:
                complete, buffer = buffer[:cut], buffer[cut:]
                # piece 0 is the sheet preamble or empty; every later piece is one <row ...> element
                count += sum(1 for piece in complete.split(_ROW_TAG)[1:] if _VALUE_RE.search(piece))
                if count > stop_after:
                    return count
            elif len(buffer) > _PRESCAN_MAX_ROW_BYTES:
                return 0
            if not chunk:
                return count


def _read_xlsx(
    path: Path, columns: list[ExcelColumn], sheet: str | None, max_rows: int
) -> list[ParsedRow]:
    problem = _xlsx_problem(path)  # defence in depth when a caller skipped check_upload
    if problem:
        raise _reject(problem)
    unreadable = _("The workbook could not be read.")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        logger.warning("xlsx import: workbook rejected (%s)", type(exc).__name__)
        raise _reject(unreadable) from None
    title = sheet or ""
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise _reject(
                    _("The workbook has no sheet named %(sheet)s.") % {"sheet": sheet}, sheet=sheet
                )
            ws = workbook[sheet]
        else:
            sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
            if not sheets:
                raise _reject(unreadable)
            ws = sheets[0]
        title = ws.title
        ws.reset_dimensions()  # the stored dimension may be wrong; never trust it
        member = getattr(ws, "_worksheet_path", None)
        limit = max_rows + max_rows // 50 + HEADER_SEARCH_ROWS
        if isinstance(member, str) and _value_rows(path, member, stop_after=limit) > limit:
            raise _row_limit(max_rows, title)

        head = [
            tuple(r)
            for r in ws.iter_rows(
                min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True
            )
        ]

        def body(start: int, width: int) -> Iterator[Sequence[Any]]:
            return ws.iter_rows(
                min_row=start, max_row=EXCEL_MAX_ROWS, max_col=width, values_only=True
            )

        return _parse_table(title, head, body, columns, max_rows)
    except ImportRejected:
        raise
    except Exception as exc:
        logger.warning("xlsx import: sheet rejected (%s)", type(exc).__name__)
        raise _reject(unreadable, sheet=title) from None
    finally:
        workbook.close()


def _read_csv(
    path: Path, columns: list[ExcelColumn], sheet: str | None, max_rows: int
) -> list[ParsedRow]:
    name = sheet or "CSV"
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise _too_large()
    text = _decode_csv(path.read_bytes())
    if text is None:
        raise _reject(_("The CSV file is not valid text (UTF-8 or GB18030)."), sheet=name)

    def rows_from(start: int, width: int | None = None) -> Iterator[Sequence[Any]]:
        reader = csv.reader(io.StringIO(text, newline=""))
        for row in itertools.islice(reader, start - 1, None):
            yield row if width is None else row[:width]

    try:
        head = [list(r) for r in itertools.islice(rows_from(1), HEADER_SEARCH_ROWS)]
        return _parse_table(name, head, rows_from, columns, max_rows)
    except csv.Error as exc:
        logger.warning("csv import: rejected (%s)", exc)
        raise _reject(_("The CSV file could not be read."), sheet=name) from None


def read_rows(
    path: Path | str,
    columns: list[ExcelColumn],
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
) -> list[ParsedRow]:
    """Parse an uploaded .xlsx or .csv into typed rows, or raise ``ImportRejected`` listing every bad cell.

    The header row is the first of the first 5 rows holding every required header (so the template's
    title row is skipped). Blank rows are skipped; more than ``max_rows`` data rows is one error.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, columns, sheet, max_rows)
    if suffix == ".csv":
        return _read_csv(path, columns, sheet, max_rows)
    raise _reject(
        _("Only .xlsx and .csv files are accepted (this file is %(ext)s).") % {"ext": suffix}
    )


# --------------------------------------------------------------------------------------------
# Export (IN3)
# --------------------------------------------------------------------------------------------


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
