"""Reading a sheet: header row, rows (totals, formula rows, merged cells), every error at once (IN1, IN2, RL2).

``sheets`` opens the file (byte scan, bounds, calamine or openpyxl, CSV); this module finds the header, converts
the rows and collects the notices and errors.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from chainleader.core.exceptions import HeadersMissing, ImportRejected

from .common import (
    _HEADER_SPACE,
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
from .sheets import SheetScan, _open_table, _row_limit, _rows_cap, stream_cap
from .values import (
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
    # Rows of any kind read after the header (blank ones too): the streaming stops at the cap instead of
    # reading a sheet of empty or formula-only rows to its end (issue 13 item 7).
    last_row = header_row + stream_cap(max_rows)
    for number, cells in enumerate(body(header_row + 1, width), start=header_row + 1):
        if number > last_row:
            raise _rows_cap(max_rows, sheet)
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


def read_cells(
    path: Path | str, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_UPLOAD_BYTES
) -> list[tuple[int, list[Any]]]:
    """Every row of the first visible sheet of an .xlsx, or of a .csv, as its raw cells, numbered from 1 (blank
    rows included): for a reader with header rules of its own (the mu_evaluate command's firm-year files).
    The file is opened as an upload is (the IN1 bounds, calamine for a bounded sheet, else openpyxl through
    defusedxml: IN2; a CSV in UTF-8 or GB18030); ``max_rows`` and ``max_bytes`` (a CSV's size) may be raised
    for a file an operator gives on the server. ``ImportRejected`` when it cannot be read."""
    path = Path(path)
    with _open_table(path, None, max_rows, max_bytes=max_bytes) as (_title, _head, body, _scan):
        return [(number, list(cells)) for number, cells in enumerate(body(1, MAX_COLUMNS), start=1)]


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
