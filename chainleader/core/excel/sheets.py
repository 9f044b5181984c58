"""Opening an uploaded sheet before its rows are parsed (IN1, IN2, RL2): a byte scan of the sheet XML that
bounds rows and cells and finds formula rows and merged ranges, then the reader: calamine for a sheet the scan
bounds, openpyxl streaming for any other; CSV with its encoding and delimiter.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from defusedxml import ElementTree as DefusedET
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook

from chainleader.core.exceptions import ImportRejected

from .common import (
    EXCEL_MAX_ROWS,
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    _reject,
)
from .upload import _decode_csv, _suffix_message, _too_large, _xlsx_problem
from .values import (
    HEADER_SEARCH_ROWS,
)

logger = logging.getLogger(__name__)


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
    # Rows with at least one cell, values or not (styled or formula-only cells too): bound the streaming.
    cell_rows: int = 0
    # The sheet's XML names its elements with a namespace prefix (<x:row>): calamine is not used for it.
    prefixed: bool = False

    @property
    def dense_cells(self) -> int | None:
        """Cells of the sheet's dense range (rows × columns from A1), None when the scan could not tell."""
        if not self.max_row or not self.max_col:
            return None
        return self.max_row * self.max_col


def _row_limit(max_rows: int, sheet: str) -> ImportRejected:
    return _reject(
        _("The file has more than %(max)s data rows; split it into smaller files.")
        % {"max": f"{max_rows:,}"},
        sheet=sheet,
    )


def stream_cap(max_rows: int) -> int:
    """Rows of any kind (blank, styled, formula-only) read after the header before a sheet is refused: the
    streaming stops there instead of reading a sheet of a million empty rows to its end (issue 13 item 7).
    Twice the data rows, and room for a thousand blank ones in a small file."""
    return 2 * max_rows + 1000


def _rows_cap(max_rows: int, sheet: str) -> ImportRejected:
    return _reject(
        _(
            "The sheet has more than %(max)s rows, empty ones included: delete the empty rows at its end "
            "or split the file."
        )
        % {"max": f"{stream_cap(max_rows):,}"},
        sheet=sheet,
    )


def _too_big_part(sheet: str) -> ImportRejected:
    return _reject(
        _("A row or cell of the sheet is larger than %(size)s MB: the file cannot be read.")
        % {"size": _PRESCAN_MAX_ROW_BYTES // (1024 * 1024)},
        sheet=sheet,
    )


_ROW_NUMBER_RE = re.compile(rb'^[^>]*?\br="(\d+)"')
_CELL_COLUMN_RE = re.compile(rb'\sr="([A-Z]{1,3})\d')
# The root element and its namespace prefix, if any (<x:worksheet xmlns:x="...">, as some generators write).
_ROOT_RE = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?(?:worksheet|sst)[\s>]")
# Largest single row (or shared string) read: a sheet row beyond it is refused before any parser sees it.
_PRESCAN_MAX_ROW_BYTES = 8 * 1024 * 1024
MAX_MERGES = 10_000


@dataclass(frozen=True)
class _Tags:
    """The byte patterns of one sheet's XML, with its namespace prefix (b"" or b"x:")."""

    prefix: bytes
    row: bytes
    cell: bytes
    value: re.Pattern[bytes]
    formula: re.Pattern[bytes]
    merge: re.Pattern[bytes]

    @classmethod
    def for_prefix(cls, prefix: bytes) -> _Tags:
        p = re.escape(prefix)
        return cls(
            prefix=prefix,
            row=b"<" + prefix + b"row",
            cell=b"<" + prefix + b"c ",
            # A non-blank value: <v>42</v> (numbers, shared-string indexes, formula results) or <t>text</t>.
            value=re.compile(rb"<" + p + rb"v>[^<\s]|<" + p + rb"t(?:\s[^>]*)?>\s*[^<\s]"),
            formula=re.compile(rb"<" + p + rb"f[\s>/]"),
            merge=re.compile(rb"<" + p + rb'mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"'),
        )


def _prefix(head: bytes) -> bytes:
    found = _ROOT_RE.search(head)
    return (found[1] + b":") if found and found[1] else b""


def _scan_sheet(
    path: Path,
    member: str,
    *,
    stop_after: int,
    stop_cells_after: int | None = None,
    sheet: str = "",
) -> SheetScan:
    """A byte scan of the sheet XML (no XML parsing): an upper bound of the rows holding a value, the rows
    with any cell, the rows holding a formula and the merged ranges.

    Lets a far-too-long sheet be refused in well under a second (IN1) instead of after streaming it through
    openpyxl: the scan stops once more than ``stop_after`` rows hold a value or more than
    ``stop_cells_after`` rows hold a cell. It may over-count (values only in unmapped columns), so read_rows
    allows some slack and the exact count happens while streaming. Namespace prefixes (<x:row>) are read
    too. A single row (or the part before the first) over 8 MB is refused here (ImportRejected), before any
    parser holds it in memory (issue 13 item 7).
    """
    count = cells = 0
    formulas: set[int] = set()
    merges: list[tuple[int, int, int, int]] = []
    max_row = max_col = 0
    known = True  # every row and its last cell said where they are
    buffer = b""
    tail = b""
    tags: _Tags | None = None

    def scan(merges: tuple[tuple[int, int, int, int], ...] = ()) -> SheetScan:
        return SheetScan(
            count,
            frozenset(formulas),
            merges,
            max_row=max_row if known else 0,
            max_col=max_col if known else 0,
            cell_rows=cells,
            prefixed=bool(tags and tags.prefix),
        )

    with zipfile.ZipFile(path) as archive, archive.open(member) as source:
        while True:
            chunk = source.read(1024 * 1024)
            buffer += chunk
            if tags is None:
                tags = _Tags.for_prefix(_prefix(buffer[:65536]))
            cut = buffer.rfind(tags.row) if chunk else len(buffer)
            if cut > 0:
                complete, buffer = buffer[:cut], buffer[cut:]
                # piece 0 is the sheet preamble or empty; every later piece is one <row ...> element
                for piece in complete.split(tags.row)[1:]:
                    if len(piece) > _PRESCAN_MAX_ROW_BYTES:
                        raise _too_big_part(sheet)
                    if tags.value.search(piece):
                        count += 1
                    last = piece.rfind(tags.cell)
                    if last >= 0:
                        cells += 1
                    number = _ROW_NUMBER_RE.match(piece)
                    if number:
                        row = int(number[1])
                        max_row = max(max_row, row)
                        if tags.formula.search(piece):
                            formulas.add(row)
                    else:
                        known = False
                    if last >= 0:
                        column = _CELL_COLUMN_RE.search(piece, last)
                        if column:
                            max_col = max(max_col, column_index_from_string(column[1].decode()))
                        else:
                            known = False
                tail = complete[-200_000:] if not chunk else b""
                if count > stop_after or (
                    stop_cells_after is not None and cells > stop_cells_after
                ):
                    return scan()
            elif len(buffer) > _PRESCAN_MAX_ROW_BYTES:
                # No row ends within 8 MB: one row (or what comes before the first) is too large to read.
                raise _too_big_part(sheet)
            if not chunk:
                for match in itertools.islice(tags.merge.finditer(tail + buffer), MAX_MERGES):
                    merges.append(
                        (
                            int(match[2]),
                            column_index_from_string(match[1].decode()),
                            int(match[4]),
                            column_index_from_string(match[3].decode()),
                        )
                    )
                return scan(merges=tuple(merges))


def _check_shared_strings(path: Path) -> None:
    """Refuse a shared string over 8 MB before openpyxl or calamine loads the table whole (issue 13 item 7);
    a byte scan of xl/sharedStrings.xml in 1 MB chunks, keeping one string at a time."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/sharedStrings.xml") as source:
            buffer = b""
            marker: bytes | None = None
            while chunk := source.read(1024 * 1024):
                buffer += chunk
                if marker is None:
                    marker = b"<" + _prefix(buffer[:65536]) + b"si"
                cut = buffer.rfind(marker)
                if cut > 0:
                    pieces, buffer = buffer[:cut].split(marker), buffer[cut:]
                    if any(len(piece) > _PRESCAN_MAX_ROW_BYTES for piece in pieces):
                        raise _too_big_part("")
                if len(buffer) > _PRESCAN_MAX_ROW_BYTES:
                    raise _too_big_part("")
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error):
        return  # no shared strings, or a package the readers refuse themselves


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
    _check_shared_strings(path)
    parts = _worksheet_parts(path)
    part = None
    if sheet is not None:
        part = next((p for p in parts if p.name == sheet), None)
    elif parts:
        part = next((p for p in parts if p.visible), parts[0])
    if part is not None:
        try:
            scan = _scan_sheet(
                path,
                part.member,
                stop_after=limit,
                stop_cells_after=stream_cap(max_rows),
                sheet=part.name,
            )
        except (KeyError, zipfile.BadZipFile, OSError, zlib.error):
            scan = SheetScan()
        if scan.value_rows > limit:
            raise _row_limit(max_rows, part.name)
        if scan.cell_rows > stream_cap(max_rows):
            raise _rows_cap(max_rows, part.name)
        cells = scan.dense_cells
        if (
            scan.value_rows
            and not scan.prefixed
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
            scan = _scan_sheet(
                path, member, stop_after=limit, stop_cells_after=stream_cap(max_rows), sheet=title
            )
            if scan.value_rows > limit:
                raise _row_limit(max_rows, title)
            if scan.cell_rows > stream_cap(max_rows):
                raise _rows_cap(max_rows, title)

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
    path: Path, sheet: str | None, max_bytes: int = MAX_UPLOAD_BYTES
) -> Iterator[
    tuple[str, list[list[Any]], Callable[[int, int], Iterator[Sequence[Any]]], SheetScan]
]:
    name = sheet or "CSV"
    if path.stat().st_size > max_bytes:
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


def _open_table(
    path: Path, sheet: str | None, max_rows: int, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _open_xlsx(path, sheet, max_rows)
    if suffix == ".csv":
        return _open_csv(path, sheet, max_bytes)
    raise _reject(_suffix_message(suffix))
