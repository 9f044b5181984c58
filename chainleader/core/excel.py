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
import json
import logging
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chainleader.core.exceptions import HeadersMissing, ImportRejected

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
    normalize: str = (
        ""  # "code": NFKC, no spaces, upper case (credit codes, region and industry codes)
    )

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
        raise _reject(_suffix_message(suffix), value=name)
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


# --- header matching (issue 18: tolerant headers, reported leftovers) --------------------------

_UNIT_SPLIT = re.compile(r"^(.+?)(?:\(([^()]*)\)|/([^/()]+))$")
_NUMBER_UNIT = re.compile(
    r"^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)([^\d\s.+-][^\d]*)?$", re.IGNORECASE
)
# Units that convert into each other, as multiples of one base unit of their family.
UNIT_FACTORS: dict[str, tuple[str, Decimal]] = {
    "元": ("money", Decimal(1)),
    "千元": ("money", Decimal(1_000)),
    "万": ("money", Decimal(10_000)),
    "万元": ("money", Decimal(10_000)),
    "百万元": ("money", Decimal(1_000_000)),
    "亿": ("money", Decimal(100_000_000)),
    "亿元": ("money", Decimal(100_000_000)),
    "亩": ("area", Decimal(1)),
    "公顷": ("area", Decimal(15)),
    "平方米": ("area", Decimal(15) / Decimal(10_000)),
    "m2": ("area", Decimal(15) / Decimal(10_000)),
    "m²": ("area", Decimal(15) / Decimal(10_000)),
    "吨标煤": ("energy", Decimal(1)),
    "吨标准煤": ("energy", Decimal(1)),
    "tce": ("energy", Decimal(1)),
    "万吨标煤": ("energy", Decimal(10_000)),
    "吨": ("mass", Decimal(1)),
    "万吨": ("mass", Decimal(10_000)),
    "人": ("people", Decimal(1)),
    "%": ("percent", Decimal(1)),
}
EMPTY_MARKS = frozenset({"-", "—", "——", "－", "–", "/", "／", "无", "空", "N/A", "n/a", "#N/A"})
TOTAL_WORDS = ("合计", "小计", "总计", "总合计", "累计", "合计数")
HEADER_SEARCH_ROWS = 10
SAMPLE_ROWS = 3
NOTICE_EXAMPLES = 5


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _norm_header(value: Any) -> str:
    """A header as compared: NFKC (full-width brackets and digits), no spaces, no required-mark star, case-folded."""
    text = _HEADER_SPACE.sub("", _nfkc(str(value))).strip("*")
    return text.casefold()


def _split_unit(norm: str) -> tuple[str, str | None]:
    """("注册资本", "万元") from a normalised "注册资本(万元)" or "注册资本/万元"; (norm, None) without a unit."""
    match = _UNIT_SPLIT.match(norm)
    if not match:
        return norm, None
    return match[1], (match[2] if match[2] is not None else match[3])


def _unit_factor(given: str | None, wanted: str | None) -> Decimal | None:
    """The factor that turns a value in ``given`` into ``wanted``; None when the units do not convert."""
    if given is None or wanted is None or given == wanted:
        return Decimal(1)
    a, b = UNIT_FACTORS.get(given), UNIT_FACTORS.get(wanted)
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[1] / b[1]


def column_unit(column: ExcelColumn) -> str | None:
    """The unit a column's header names in brackets (万元 in 注册资本(万元)), else None."""
    return _split_unit(_norm_header(column.header))[1]


@dataclass
class HeaderMatch:
    """How one column of the file was read: into which field, with which unit factor, or why not."""

    index: int
    header: str
    field: str | None = None
    factor: Decimal = Decimal(1)
    reason: str = ""


def _match_headers(
    cells: Sequence[Any], columns: list[ExcelColumn], mapping: dict[str, str] | None = None
) -> list[HeaderMatch]:
    """Match each non-blank header cell to a column: the user's saved mapping first, then the header or an alias
    (after normalising), then the same name with a unit that converts. The first cell for a field wins."""
    mapping = mapping or {}
    by_field = {c.field: c for c in columns}
    exact: dict[str, str] = {}
    by_base: dict[str, list[tuple[str, str | None]]] = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            norm = _norm_header(name)
            if not norm:
                continue
            exact.setdefault(norm, col.field)
            base, unit = _split_unit(norm)
            by_base.setdefault(base, []).append((col.field, unit or column_unit(col)))
    taken: dict[str, str] = {}
    matches: list[HeaderMatch] = []
    for index, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        header = _HEADER_SPACE.sub(" ", str(cell)).strip()
        norm = _norm_header(cell)
        match = HeaderMatch(index=index, header=header)
        field: str | None = None
        factor = Decimal(1)
        if norm in mapping:
            field = mapping[norm] or None
            if field is None:
                match.reason = _("ignored by your column mapping")
            elif field in by_field:
                base, unit = _split_unit(norm)
                factor = _unit_factor(unit, column_unit(by_field[field])) or Decimal(1)
            else:
                field = None
        elif norm in exact:
            field = exact[norm]
        else:
            base, unit = _split_unit(norm)
            for candidate, wanted in by_base.get(base, []):
                converted = _unit_factor(unit, wanted)
                if converted is not None:
                    field, factor = candidate, converted
                    break
                match.reason = _("its unit %(given)s does not convert to %(wanted)s") % {
                    "given": unit,
                    "wanted": wanted,
                }
        if field is not None:
            if field in taken:
                match.reason = _("the column %(other)s already gives %(field)s") % {
                    "other": taken[field],
                    "field": by_field[field].header,
                }
                field = None
            else:
                taken[field] = header
                match.reason = ""
        match.field, match.factor = field, factor
        if field is None and not match.reason:
            match.reason = _("no field of this import has this name")
        matches.append(match)
    return matches


def _find_header(
    head: Sequence[Sequence[Any]], columns: list[ExcelColumn], mapping: dict[str, str] | None
) -> tuple[int, list[HeaderMatch]]:
    """(header row number, matches) for the first of the head rows holding every required column, else the row
    matching the most columns (0 when none matches any)."""
    required = {c.field for c in columns if c.required}
    best: tuple[int, list[HeaderMatch]] = (0, [])
    best_count = 0
    for number, cells in enumerate(head, start=1):
        matches = _match_headers(cells, columns, mapping)
        fields = {m.field for m in matches if m.field}
        if fields and required <= fields:
            return number, matches
        if len(fields) > best_count:
            best, best_count = (number, matches), len(fields)
    return best


def _guess_header_row(head: Sequence[Sequence[Any]]) -> int:
    """The row that looks most like a header when none matches: the first with the most text cells (a title row
    has one merged cell, a filer row two or three)."""
    best, best_count = 0, 0
    for number, cells in enumerate(head, start=1):
        count = sum(1 for c in cells if isinstance(c, str) and c.strip())
        if count > best_count:
            best, best_count = number, count
    return best


# --- values (issue 18: full-width digits, units, dates in every office's spelling) --------------


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


class CellNotes:
    """What reading changed on the way (a unit converted, a month read as its first day), for the preview."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], list[str]] = {}
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, column: str, kind: str, text: str) -> None:
        key = (column, kind)
        self.counts[key] = self.counts.get(key, 0) + 1
        examples = self.items.setdefault(key, [])
        if len(examples) < NOTICE_EXAMPLES:
            examples.append(text)


def _to_decimal(
    value: Any,
    column: ExcelColumn,
    factor: Decimal = Decimal(1),
    notes: CellNotes | None = None,
    row: int | None = None,
) -> Decimal:
    """Decimal of a numeric cell or numeric text (1,234 / １２３ / 1.2亿 / 35%), in the column's unit;
    ValueError(message) if it is not a usable number."""
    wanted = column_unit(column)
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
        raw = str(value).strip()
        if len(raw) > MAX_NUMBER_CHARS:
            raise ValueError(not_number)
        text = _nfkc(raw).replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "")
        match = _NUMBER_UNIT.match(text)
        if not match:
            raise ValueError(not_number)
        try:
            number = Decimal(match[1])
        except (InvalidOperation, ValueError):
            raise ValueError(not_number) from None
        unit = match[2]
        if unit:
            given = unit.casefold()
            if wanted is None:
                if given in UNIT_FACTORS:
                    raise ValueError(
                        _("%(column)s takes a plain number, not %(unit)s.")
                        % {"column": column.header, "unit": unit}
                    )
                cell_factor: Decimal | None = Decimal(1)
            else:
                cell_factor = _unit_factor(given, wanted)
            if cell_factor is None:
                raise ValueError(
                    _("%(column)s: the unit %(unit)s cannot be read as %(wanted)s.")
                    % {"column": column.header, "unit": unit, "wanted": wanted}
                )
            number = _check_size(number * cell_factor, column, not_number)
            if cell_factor != 1 and notes is not None:
                notes.add(
                    column.header,
                    "unit",
                    _("row %(row)s: %(raw)s → %(value)s %(unit)s")
                    % {"row": row, "raw": raw, "value": _plain(number), "unit": wanted},
                )
            return number  # the cell's own unit wins over the header's
    return _check_size(number * factor if factor != 1 else number, column, not_number)


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def _check_size(number: Decimal, column: ExcelColumn, not_number: str) -> Decimal:
    if not number.is_finite():
        raise ValueError(not_number)
    if number != 0 and number.adjusted() >= MAX_NUMBER_DIGITS:
        raise ValueError(_("%(column)s is too large.") % {"column": column.header})
    return number


_MONTH_ONLY = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})月?$")
EXCEL_EPOCH = date(1899, 12, 30)


def _to_date(
    value: Any, column: ExcelColumn, notes: CellNotes | None = None, row: int | None = None
) -> date:
    bad = _("%(column)s must be a date (YYYY-MM-DD).") % {"column": column.header}
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(bad)
    if isinstance(value, (int, float, Decimal)) and 1 <= value < 2_958_466:
        # An Excel date serial (a date cell formatted as a number, or a CSV exported without formats).
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = _number_text(value) if isinstance(value, (int, float, Decimal)) else str(value).strip()
    text = _nfkc(text).replace(" ", "")
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise ValueError(bad) from None
    match = _MONTH_ONLY.match(text)
    if match and 1 <= int(match[2]) <= 12:
        if notes is not None:
            notes.add(
                column.header,
                "month",
                _("row %(row)s: %(raw)s has no day; read as the 1st") % {"row": row, "raw": text},
            )
        return date(int(match[1]), int(match[2]), 1)
    if text.isdigit() and 3 <= len(text) <= 5:
        return EXCEL_EPOCH + timedelta(days=int(text))
    raise ValueError(bad)


def _to_bool(value: Any, column: ExcelColumn) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and value in (0, 1):
        return bool(value)
    text = _nfkc(str(value)).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(
        _("%(column)s must be 是 or 否 (also √/×, Y/N, 1/0, TRUE/FALSE).")
        % {"column": column.header}
    )


def _to_choice(value: Any, column: ExcelColumn) -> str:
    choices = column.choices or {}
    text = _number_text(value)
    if text in choices:
        return choices[text]
    stored = {str(v): v for v in choices.values()}
    if text in stored:
        return stored[text]
    folded = _nfkc(text).replace(" ", "").casefold()
    for label, stored_value in choices.items():
        if folded in (_nfkc(str(label)).casefold(), str(stored_value).casefold()):
            return stored_value
    raise ValueError(
        _("%(column)s must be one of: %(choices)s.")
        % {"column": column.header, "choices": "、".join(str(label) for label in choices)}
    )


def normalize_code(text: str) -> str:
    """A code as typed by a clerk, made comparable: NFKC (full-width letters and digits), no spaces, upper case."""
    return _HEADER_SPACE.sub("", _nfkc(text)).upper()


def convert_cell(
    column: ExcelColumn,
    value: Any,
    *,
    factor: Decimal = Decimal(1),
    notes: CellNotes | None = None,
    row: int | None = None,
) -> Any:
    """Convert one raw cell for ``column``; None for a blank cell; ValueError(message) if invalid."""
    if _is_blank(value):
        return None
    kind = column.kind
    if (
        kind in ("int", "decimal", "date")
        and isinstance(value, str)
        and value.strip() in EMPTY_MARKS
    ):
        return None  # "—", "/", "无": the office's way of writing an empty figure
    if kind == "str":
        text = _number_text(value)
        if text[:1] == "'" and text[1:2] and text[1] in FORMULA_PREFIXES:
            text = text[1:]  # our own export's formula guard (IN3): '-待定 comes back as -待定
        if column.normalize == "code":
            text = normalize_code(text)
        elif column.normalize == "nfkc":
            text = _nfkc(text).strip()
        if not text:
            return None
        if column.max_length is not None and len(text) > column.max_length:
            raise ValueError(
                _("%(column)s must be at most %(max)s characters (it has %(length)s).")
                % {"column": column.header, "max": column.max_length, "length": len(text)}
            )
        return text
    if kind == "int":
        number = _to_decimal(value, column, factor, notes, row)
        if number != number.to_integral_value():
            raise ValueError(_("%(column)s must be a whole number.") % {"column": column.header})
        return int(number)
    if kind == "decimal":
        return _to_decimal(value, column, factor, notes, row)
    if kind == "date":
        return _to_date(value, column, notes, row)
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


# --- rows (issue 18: totals, formula rows, merged cells) ----------------------------------------


class ParsedRows(list[ParsedRow]):
    """The rows read, with what the preview shows beside them: the columns read and not read, rows skipped
    (totals, formula rows) and the conversions made."""

    def __init__(self, rows: Iterable[ParsedRow] = ()) -> None:
        super().__init__(rows)
        self.sheet = ""
        self.header_row = 0
        self.columns: list[HeaderMatch] = []
        self.notices: list[dict[str, Any]] = []

    @property
    def unmatched(self) -> list[HeaderMatch]:
        return [m for m in self.columns if m.field is None]

    @property
    def fields(self) -> set[str]:
        """The fields the file has a column for: an update leaves every other field as it is."""
        return {m.field for m in self.columns if m.field}


def _notice(kind: str, message: str, *, row: int | None = None, column: str = "") -> dict[str, Any]:
    return {"kind": kind, "row": row, "column": column, "message": str(message)}


def _is_total_row(raw: Sequence[Any]) -> str | None:
    """The totals word (合计, 小计, 总计) when a text cell of the row is one."""
    for value in raw:
        if isinstance(value, str) and "计" in value:  # every totals word has 计: a cheap first test
            text = _HEADER_SPACE.sub("", _nfkc(value)).rstrip(":：")
            for word in TOTAL_WORDS:
                if text == word or text.startswith((word + ":", word + "(")):
                    return word
    return None


@dataclass
class SheetScan:
    """What a byte scan of the sheet XML tells before parsing: rows with values, formula rows, merged ranges."""

    value_rows: int = 0
    formula_rows: frozenset[int] = frozenset()
    merges: tuple[
        tuple[int, int, int, int], ...
    ] = ()  # (min_row, min_col, max_row, max_col), 1-based


class _MergeFiller:
    """Fills the cells of merged ranges with their top-left value while rows stream past (rows arrive in order)."""

    def __init__(self, merges: Sequence[tuple[int, int, int, int]], width: int) -> None:
        self.by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        for merge in merges:
            r1, c1, r2, _c2 = merge
            if c1 > width:
                continue
            for r in range(r1, min(r2, r1 + MAX_ROWS) + 1):
                self.by_row.setdefault(r, []).append(merge)
        self.values: dict[tuple[int, int], Any] = {}

    def fill(self, number: int, cells: Sequence[Any]) -> Sequence[Any]:
        merges = self.by_row.get(number)
        if not merges:
            return cells
        out = list(cells)
        for r1, c1, _r2, c2 in merges:
            if number == r1:
                self.values[(r1, c1)] = out[c1 - 1] if c1 - 1 < len(out) else None
            top_left = self.values.get((r1, c1))
            for c in range(c1, c2 + 1):
                if (number, c) == (r1, c1):
                    continue
                while len(out) < c:
                    out.append(None)
                if _is_blank(out[c - 1]):
                    out[c - 1] = top_left
        return out


def _parse_table(
    sheet: str,
    head: Sequence[Sequence[Any]],
    body: Callable[[int, int], Iterator[Sequence[Any]]],
    columns: list[ExcelColumn],
    max_rows: int,
    *,
    mapping: dict[str, str] | None = None,
    scan: SheetScan | None = None,
) -> ParsedRows:
    scan = scan or SheetScan()
    if not any(any(not _is_blank(v) for v in row) for row in head):
        raise _reject(_("The sheet is empty."), sheet=sheet)
    filler = _MergeFiller(scan.merges, MAX_COLUMNS)
    head = [filler.fill(n, cells) for n, cells in enumerate(head, start=1)]
    header_row, matches = _find_header(head, columns, mapping)
    fields = {m.field: m for m in matches if m.field}
    errors = RowErrors(sheet)
    missing = [c for c in columns if c.required and c.field not in fields]
    if missing or not fields:
        found_row = header_row or _guess_header_row(head)
        found = [
            _HEADER_SPACE.sub(" ", str(c)).strip()
            for c in (head[found_row - 1] if found_row else ())
            if c is not None and str(c).strip()
        ]
        found_text = "、".join(found[:30]) or _("none")
        for col in missing or [c for c in columns if c.required][:1]:
            errors.add(
                None,
                col.header,
                "",
                _(
                    "The required column %(column)s is missing (the columns found in row %(row)s are: %(found)s)."
                )
                % {"column": col.header, "row": found_row or 1, "found": found_text},
            )
        raise HeadersMissing(errors.errors, "")

    parsed = ParsedRows()
    parsed.sheet, parsed.header_row, parsed.columns = sheet, header_row, matches
    for m in parsed.unmatched:
        parsed.notices.append(
            _notice(
                "column",
                _("Column %(column)s was not imported: %(reason)s.")
                % {"column": m.header, "reason": m.reason},
                column=m.header,
            )
        )
    by_field = {c.field: c for c in columns}
    for m in matches:
        if m.field and m.factor != 1:
            parsed.notices.append(
                _notice(
                    "unit",
                    _("Column %(column)s is converted to %(unit)s (× %(factor)s).")
                    % {
                        "column": m.header,
                        "unit": column_unit(by_field[m.field]),
                        "factor": _plain(m.factor),
                    },
                    column=m.header,
                )
            )
    width = max(m.index for m in fields.values()) + 1
    located = [(col, fields[col.field].index if col.field in fields else None) for col in columns]
    factors = {f: m.factor for f, m in fields.items()}
    key_fields = [c for c in columns if c.required and c.kind == "str"]
    notes = CellNotes()
    filler = _MergeFiller(scan.merges, width)
    data_rows = 0
    for number, cells in enumerate(body(header_row + 1, width), start=header_row + 1):
        cells = filler.fill(number, cells)
        raw = [cells[i] if i is not None and i < len(cells) else None for _col, i in located]
        if all(_is_blank(v) for v in raw):
            continue
        word = _is_total_row(raw)
        if word:
            parsed.notices.append(
                _notice(
                    "row",
                    _("Row %(row)s is a %(word)s row: skipped.") % {"row": number, "word": word},
                    row=number,
                )
            )
            continue
        if number in scan.formula_rows and all(
            _is_blank(raw[columns.index(c)]) for c in key_fields
        ):
            parsed.notices.append(
                _notice(
                    "row",
                    _("Row %(row)s holds formulas and no name: skipped.") % {"row": number},
                    row=number,
                )
            )
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise _row_limit(max_rows, sheet)
        values: dict[str, Any] = {}
        for (col, _index), cell in zip(located, raw, strict=True):
            try:
                value = convert_cell(
                    col, cell, factor=factors.get(col.field, Decimal(1)), notes=notes, row=number
                )
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
    for (column, kind), examples in notes.items.items():
        count = notes.counts[(column, kind)]
        label = (
            _("%(count)s values of %(column)s converted to the column's unit")
            if kind == "unit"
            else _("%(count)s dates of %(column)s give only a month and were read as its 1st")
        ) % {"count": count, "column": column}
        parsed.notices.append(
            _notice(
                kind,
                f"{label}: {'；'.join(examples)}{' …' if count > len(examples) else ''}",
                column=column,
            )
        )
    if errors:
        # The rows as far as they converted ride along, so the import view can also report the errors the
        # service would find (an unknown chain, a bad district) in the same upload: every error at once.
        rejected = ImportRejected(errors.errors, "")
        rejected.partial_rows = parsed  # type: ignore[attr-defined]
        raise rejected
    return parsed


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "d" in value:
            return Decimal(value["d"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        if "t" in value:
            return datetime.fromisoformat(value["t"])
    return value


def dump_rows(rows: ParsedRows, path: Path | str) -> None:
    """Keep rows read for a preview beside the pending upload, so the confirmation need not read the file
    again (JSON: numbers as decimal strings, dates ISO; never pickle)."""
    payload = {
        "sheet": rows.sheet,
        "header_row": rows.header_row,
        "columns": [[m.index, m.header, m.field, str(m.factor), m.reason] for m in rows.columns],
        "notices": rows.notices,
        "rows": [[r.row, {k: _encode(v) for k, v in r.values.items()}] for r in rows],
    }
    Path(path).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def load_rows(path: Path | str) -> ParsedRows:
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = ParsedRows(
        ParsedRow(row=n, values={k: _decode(v) for k, v in values.items()})
        for n, values in payload["rows"]
    )
    rows.sheet, rows.header_row, rows.notices = (
        payload["sheet"],
        payload["header_row"],
        payload["notices"],
    )
    rows.columns = [
        HeaderMatch(index=i, header=h, field=f, factor=Decimal(x), reason=r)
        for i, h, f, x, r in payload["columns"]
    ]
    return rows


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
_ROW_NUMBER_RE = re.compile(rb'^[^>]*?\br="(\d+)"')
_FORMULA_RE = re.compile(rb"<f[\s>/]")
_MERGE_RE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_PRESCAN_MAX_ROW_BYTES = 8 * 1024 * 1024
MAX_MERGES = 10_000


def _scan_sheet(path: Path, member: str, *, stop_after: int) -> SheetScan:
    """A byte scan of the sheet XML (no XML parsing): an upper bound of the rows holding a value, the rows
    holding a formula and the merged ranges.

    Lets a far-too-long sheet be refused in well under a second (IN1) instead of after streaming
    50,000 rows through openpyxl. It may over-count (values only in unmapped columns), so read_rows
    allows some slack and the exact count happens while streaming. Sheets written with namespace
    prefixes (<x:row>) or with a single enormous row give 0 here and rely on the streaming count.
    """
    count = 0
    formulas: set[int] = set()
    merges: list[tuple[int, int, int, int]] = []
    buffer = b""
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as source:
        while True:
            chunk = source.read(1024 * 1024)
            buffer += chunk
            cut = buffer.rfind(_ROW_TAG) if chunk else len(buffer)
            if cut > 0:
                complete, buffer = buffer[:cut], buffer[cut:]
                # piece 0 is the sheet preamble or empty; every later piece is one <row ...> element
                for piece in complete.split(_ROW_TAG)[1:]:
                    if _VALUE_RE.search(piece):
                        count += 1
                    if _FORMULA_RE.search(piece):
                        number = _ROW_NUMBER_RE.match(piece)
                        if number:
                            formulas.add(int(number[1]))
                tail = complete[-200_000:] if not chunk else b""
                if count > stop_after:
                    return SheetScan(count, frozenset(formulas))
            elif len(buffer) > _PRESCAN_MAX_ROW_BYTES:
                return SheetScan(0)
            if not chunk:
                for match in itertools.islice(_MERGE_RE.finditer(tail + buffer), MAX_MERGES):
                    merges.append(
                        (
                            int(match[2]),
                            column_index_from_string(match[1].decode()),
                            int(match[4]),
                            column_index_from_string(match[3].decode()),
                        )
                    )
                return SheetScan(count, frozenset(formulas), tuple(merges))


@contextlib.contextmanager
def _open_xlsx(
    path: Path, sheet: str | None, max_rows: int
) -> Iterator[
    tuple[str, list[tuple[Any, ...]], Callable[[int, int], Iterator[Sequence[Any]]], SheetScan]
]:
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
            visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
            if not sheets:
                raise _reject(unreadable)
            ws = (visible or sheets)[0]
        title = ws.title
        ws.reset_dimensions()  # the stored dimension may be wrong; never trust it
        member = getattr(ws, "_worksheet_path", None)
        limit = max_rows + max_rows // 50 + HEADER_SEARCH_ROWS
        scan = SheetScan()
        if isinstance(member, str):
            scan = _scan_sheet(path, member, stop_after=limit)
            if scan.value_rows > limit:
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

        yield title, head, body, scan
    except ImportRejected:
        raise
    except Exception as exc:
        logger.warning("xlsx import: sheet rejected (%s)", type(exc).__name__)
        raise _reject(unreadable, sheet=title) from None
    finally:
        workbook.close()


@contextlib.contextmanager
def _open_csv(
    path: Path, sheet: str | None
) -> Iterator[
    tuple[str, list[list[Any]], Callable[[int, int], Iterator[Sequence[Any]]], SheetScan]
]:
    name = sheet or "CSV"
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise _too_large()
    text = _decode_csv(path.read_bytes())
    if text is None:
        raise _reject(_("The CSV file is not valid text (UTF-8 or GB18030)."), sheet=name)
    delimiter = _csv_delimiter(text)

    def rows_from(start: int, width: int | None = None) -> Iterator[Sequence[Any]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in itertools.islice(reader, start - 1, None):
            yield row if width is None else row[:width]

    try:
        head = [list(r) for r in itertools.islice(rows_from(1), HEADER_SEARCH_ROWS)]
        yield name, head, rows_from, SheetScan()
    except csv.Error as exc:
        logger.warning("csv import: rejected (%s)", exc)
        raise _reject(_("The CSV file could not be read."), sheet=name) from None


def _csv_delimiter(text: str) -> str:
    """Comma, or the tab / semicolon an older system wrote, judged from the first lines."""
    sample = text[:4096].splitlines()[:HEADER_SEARCH_ROWS]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _open_table(path: Path, sheet: str | None, max_rows: int) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _open_xlsx(path, sheet, max_rows)
    if suffix == ".csv":
        return _open_csv(path, sheet)
    raise _reject(_suffix_message(suffix))


def _suffix_message(suffix: str) -> str:
    if suffix in (".xls", ".et", ".wps"):
        return _(
            "Old %(ext)s workbooks are not read: open the file in Excel or WPS and choose 另存为 (Save as) "
            "→ Excel 工作簿 (*.xlsx), then upload the .xlsx."
        ) % {"ext": suffix}
    return _("Only .xlsx and .csv files are accepted (this file is %(ext)s).") % {
        "ext": suffix or _("without an extension")
    }


def read_rows(
    path: Path | str,
    columns: list[ExcelColumn],
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
    mapping: dict[str, str] | None = None,
) -> ParsedRows:
    """Parse an uploaded .xlsx or .csv into typed rows, or raise ``ImportRejected`` listing every bad cell.

    The header row is the first of the first 10 rows holding every required header (title and filer rows above
    it are skipped), matched after normalising (full-width brackets, spaces, units); ``mapping`` (normalised file
    header -> field, "" to ignore) is the user's own column mapping. Blank rows, totals rows and formula rows
    are skipped with a notice; more than ``max_rows`` data rows is one error.
    """
    path = Path(path)
    with _open_table(path, sheet, max_rows) as (title, head, body, scan):
        return _parse_table(title, head, body, columns, max_rows, mapping=mapping, scan=scan)


def sniff(
    path: Path | str, columns: list[ExcelColumn], *, mapping: dict[str, str] | None = None
) -> dict[str, Any]:
    """The file's columns for the mapping screen: header row, each header with sample values and the field it
    maps to now."""
    path = Path(path)
    with _open_table(path, None, MAX_ROWS) as (title, head, body, scan):
        if not any(any(not _is_blank(v) for v in row) for row in head):
            raise _reject(_("The sheet is empty."), sheet=title)
        filler = _MergeFiller(scan.merges, MAX_COLUMNS)
        head = [filler.fill(n, cells) for n, cells in enumerate(head, start=1)]
        header_row, matches = _find_header(head, columns, mapping)
        if not header_row:
            header_row = _guess_header_row(head)
            matches = _match_headers(head[header_row - 1], columns, mapping) if header_row else []
        width = max((m.index for m in matches), default=0) + 1
        samples: list[list[str]] = [[] for _m in range(width)]
        for cells in itertools.islice(body(header_row + 1, width), 50):
            if all(_is_blank(c) for c in cells):
                continue
            for i in range(width):
                if i < len(cells) and not _is_blank(cells[i]) and len(samples[i]) < SAMPLE_ROWS:
                    samples[i].append(_preview(_number_text(cells[i]))[:40])
            if all(len(s) >= SAMPLE_ROWS for s in samples):
                break
        return {
            "sheet": title,
            "header_row": header_row,
            "columns": [
                {
                    "key": _norm_header(m.header),
                    "header": m.header,
                    "field": m.field or "",
                    "samples": samples[m.index],
                }
                for m in matches
            ],
        }


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
