"""Reading a sheet: header row, rows (totals, formula rows, merged cells), every error at once (IN1, IN2, RL2)."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from defusedxml import ElementTree as DefusedET
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook

from chainleader.core.exceptions import HeadersMissing, ImportRejected

from .common import (
    _HEADER_SPACE,
    EXCEL_MAX_ROWS,
    MAX_COLUMNS,
    MAX_ERRORS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ExcelColumn,
    ParsedRow,
    RowErrors,
    _preview,
    _reject,
)
from .upload import _decode_csv, _suffix_message, _too_large, _xlsx_problem
from .values import (
    HEADER_SEARCH_ROWS,
    SAMPLE_ROWS,
    TOTAL_WORDS,
    CellNotes,
    HeaderMatch,
    _find_header,
    _guess_header_row,
    _is_blank,
    _match_headers,
    _nfkc,
    _norm_header,
    _number_text,
    _plain,
    _run_validator,
    column_unit,
    convert_cell,
)

logger = logging.getLogger(__name__)

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
    # The last row number and the widest column seen (0 when unknown): bound the dense grid calamine builds.
    max_row: int = 0
    max_col: int = 0

    @property
    def dense_cells(self) -> int | None:
        """Cells of the sheet's dense range (rows × columns from A1), None when the scan could not tell."""
        if not self.max_row or not self.max_col:
            return None
        return self.max_row * self.max_col


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
_CELL_COLUMN_RE = re.compile(rb'\sr="([A-Z]{1,3})\d')
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
    max_row = max_col = 0
    known = True  # every row and its last cell said where they are
    buffer = b""
    tail = b""

    def scan(merges: tuple[tuple[int, int, int, int], ...] = ()) -> SheetScan:
        return SheetScan(
            count,
            frozenset(formulas),
            merges,
            max_row=max_row if known else 0,
            max_col=max_col if known else 0,
        )

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
                    number = _ROW_NUMBER_RE.match(piece)
                    if number:
                        row = int(number[1])
                        max_row = max(max_row, row)
                        if _FORMULA_RE.search(piece):
                            formulas.add(row)
                    else:
                        known = False
                    last = piece.rfind(b"<c ")
                    if last >= 0:
                        column = _CELL_COLUMN_RE.search(piece, last)
                        if column:
                            max_col = max(max_col, column_index_from_string(column[1].decode()))
                        else:
                            known = False
                tail = complete[-200_000:] if not chunk else b""
                if count > stop_after:
                    return scan()
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
                return scan(merges=tuple(merges))


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Largest dense grid (rows × columns from A1) read through calamine; a sparser or odder sheet streams
# through openpyxl instead, whose memory does not grow with the distance between two cells.
CALAMINE_MAX_CELLS = 6_000_000


@dataclass(frozen=True)
class _SheetPart:
    name: str
    member: str
    visible: bool


def _worksheet_parts(path: Path) -> list[_SheetPart]:
    """The workbook's worksheets in tab order with their zip members, from workbook.xml and its rels
    (parsed with defusedxml); [] when the package does not say."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = DefusedET.fromstring(archive.read("xl/workbook.xml"))
            rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, DefusedET.ParseError, ValueError):
        return []
    targets = {
        r.get("Id"): r.get("Target", "")
        for r in rels.iter(f"{_PKG_REL_NS}Relationship")
        if (r.get("Type") or "").endswith("/worksheet")
    }
    parts = []
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"))
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts.append(
            _SheetPart(sheet.get("name", ""), member, sheet.get("state", "visible") == "visible")
        )
    return parts


# An XML part's start as Excel, WPS, openpyxl and xlsxwriter write it: an optional BOM and declaration, then the
# root element. Anything else before the root (a DOCTYPE with entities, a comment hiding one) sends the workbook
# to openpyxl, whose defusedxml parser refuses it (IN2): calamine's parser would not expand the entities, but IN2's
# guarantee is defusedxml's.
_PLAIN_PROLOG_RE = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<(?:[A-Za-z_][\w.-]*:)?[A-Za-z_]"
)


def _plain_xml(path: Path) -> bool:
    """Every XML part of the package starts with its root element (no DTD, no comment, no PI before it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith((".xml", ".rels")) and info.file_size:
                    with archive.open(info) as part:
                        if not _PLAIN_PROLOG_RE.match(part.read(512)):
                            return False
    except (zipfile.BadZipFile, OSError, zlib.error):
        return False
    return True


def _calamine_value(value: Any) -> Any:
    """calamine's cell as openpyxl gives it: None for blank, int for a whole number."""
    if value == "":
        return None
    if type(value) is float and value.is_integer() and -(2**53) < value < 2**53:
        return int(value)
    return value


def _calamine_rows(path: Path, title: str) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    finally:
        workbook.close()
    return [[_calamine_value(v) for v in row] for row in grid]


@contextlib.contextmanager
def _open_xlsx(
    path: Path, sheet: str | None, max_rows: int
) -> Iterator[
    tuple[str, list[tuple[Any, ...]], Callable[[int, int], Iterator[Sequence[Any]]], SheetScan]
]:
    """The sheet's head rows, a reader of its body and the byte scan. A sheet the scan bounds is read whole
    by calamine (Rust, about ten times openpyxl's speed: issue 18); any other streams through openpyxl."""
    problem = _xlsx_problem(path)  # defence in depth when a caller skipped check_upload
    if problem:
        raise _reject(problem)
    limit = max_rows + max_rows // 50 + HEADER_SEARCH_ROWS
    parts = _worksheet_parts(path)
    part = None
    if sheet is not None:
        part = next((p for p in parts if p.name == sheet), None)
    elif parts:
        part = next((p for p in parts if p.visible), parts[0])
    if part is not None:
        try:
            scan = _scan_sheet(path, part.member, stop_after=limit)
        except (KeyError, zipfile.BadZipFile, OSError, zlib.error):
            scan = SheetScan()
        if scan.value_rows > limit:
            raise _row_limit(max_rows, part.name)
        cells = scan.dense_cells
        if (
            scan.value_rows
            and cells is not None
            and cells <= CALAMINE_MAX_CELLS
            and _plain_xml(path)
        ):
            try:
                grid = _calamine_rows(path, part.name)
            except Exception as exc:
                logger.info("xlsx import: calamine declined (%s)", type(exc).__name__)
            else:

                def grid_body(start: int, width: int) -> Iterator[Sequence[Any]]:
                    return (row[:width] for row in itertools.islice(grid, start - 1, None))

                head = [tuple(row[:MAX_COLUMNS]) for row in grid[:HEADER_SEARCH_ROWS]]
                yield part.name, head, grid_body, scan
                return
    with _open_xlsx_streaming(path, sheet, max_rows) as opened:
        yield opened


@contextlib.contextmanager
def _open_xlsx_streaming(
    path: Path, sheet: str | None, max_rows: int
) -> Iterator[
    tuple[str, list[tuple[Any, ...]], Callable[[int, int], Iterator[Sequence[Any]]], SheetScan]
]:
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
