"""Reading cells as offices type them: headers matched after normalising (units, aliases), values converted (issue 18)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .common import (
    _DATE_RES,
    _HEADER_SPACE,
    FALSE_WORDS,
    FORMULA_PREFIXES,
    MAX_NUMBER_CHARS,
    MAX_NUMBER_DIGITS,
    TRUE_WORDS,
    ExcelColumn,
)

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
