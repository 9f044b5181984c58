"""Excel pipeline, shared parts: limits (IN1), the column definition, parsed rows and the row-level error report (RL2)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

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
# The one yes/no vocabulary of every file read (imports and the mu_evaluate command), compared case-folded after
# NFKC; 规上/规下 answer the one yes/no question most files ask (是否规上).
TRUE_WORDS = frozenset({"是", "y", "yes", "1", "true", "√", "✓", "✔", "t", "规上"})
FALSE_WORDS = frozenset({"否", "n", "no", "0", "false", "×", "✗", "✘", "f", "规下"})

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
