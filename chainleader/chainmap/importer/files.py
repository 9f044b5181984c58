"""The chainkg graph files: names, exact headers, the CSV row reader, the error list, the checked graph."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from chainleader.engines.chain_map.text import normalise_product_name as _normalise_product_name

Progress = Callable[[int, str], None]

DEFAULT_FOLDER = "chainkg"


def import_root() -> Path:
    """The directory the graph import page may read from (settings.CHAINLEADER_GRAPH_IMPORT_ROOT)."""
    return Path(settings.CHAINLEADER_GRAPH_IMPORT_ROOT).resolve()


def import_folder(text: str) -> Path | None:
    """The existing folder ``text`` names inside the import root (a name relative to it, or a full path inside
    it; links are followed first), else None.

    One answer, None, for a path outside the root whether or not it exists, so the page never tells which
    server directories exist (issue 13 item 7)."""
    raw = (text or "").strip() or DEFAULT_FOLDER
    if "\x00" in raw or len(raw) > 500:
        return None
    root = import_root()
    given = Path(raw)
    try:
        folder = (given if given.is_absolute() else root / given).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if folder != root and root not in folder.parents:
        return None
    return folder if folder.is_dir() else None


def shown_folder(path: Path | str) -> str:
    """A folder as the page shows it: relative to the import root."""
    try:
        return str(Path(path).resolve().relative_to(import_root())) or "."
    except (OSError, ValueError):
        return Path(path).name


MAX_ERRORS = 1000
VALUE_PREVIEW_CHARS = 100

INDUSTRIES = "industries.csv"
COMPANIES = "companies.csv"
COMPANY_INDUSTRY = "company_industry.csv"
PRODUCTS = "products.csv"
COMPANY_PRODUCT = "company_product.csv"
PRODUCT_PRODUCT = "product_product.csv"
INDUSTRY_UPSTREAM = "industry_upstream.csv"

# Expected headers, exactly (names and order), per file; also the order files are read and hashed in.
HEADERS: dict[str, list[str]] = {
    INDUSTRIES: ["code", "name", "level", "parent_code"],
    COMPANIES: [
        "ticker",
        "name",
        "fullname",
        "exchange",
        "list_date",
        "source_rows",
        "other_fullnames",
    ],
    COMPANY_INDUSTRY: ["ticker", "company_name", "industry_code", "industry_name"],
    PRODUCTS: ["name"],
    COMPANY_PRODUCT: ["ticker", "company_name", "product_name", "weight"],
    PRODUCT_PRODUCT: ["from_product", "rel", "to_product"],
    INDUSTRY_UPSTREAM: ["industry_name", "upstream_industry_name", "count"],
}
FILES = list(HEADERS)

VALIDATE_SHARE = 35  # percent of the progress bar spent reading and checking the files


# One normalisation for the importer and the engine (engines/chain_map/text.py): ``合成维生素\nE系列`` is
# ``合成维生素E系列`` in the database and in every derivation.
normalise_product_name = _normalise_product_name


def format_error(error: dict[str, Any]) -> str:
    """One rejection error as the shell and the import record show it."""
    row = error.get("row")
    where = f"文件 {error.get('sheet', '')}"
    if row:
        where += f" 第 {row} 行"
    if error.get("column"):
        where += f" 字段 {error['column']}"
    return f"{where}：{error.get('message', '')}"


class ErrorList:
    """Every problem found, capped at MAX_ERRORS, in the shape ImportRejected carries."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.truncated = False

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ERRORS

    def add(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        if self.full:
            self.truncated = True
            return
        self.items.append(
            {
                "sheet": sheet,
                "row": row,
                "column": column,
                "value": "" if value is None else str(value)[:VALUE_PREVIEW_CHARS],
                "message": str(message),
            }
        )


@dataclass
class CheckedGraph:
    """Everything read from the files, already checked and normalised."""

    industries: dict[str, tuple[str, int, str]] = field(
        default_factory=dict
    )  # code -> name, level, parent
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)  # ticker -> fields
    company_industry: dict[str, str] = field(default_factory=dict)  # ticker -> industry code
    extra_industries: dict[str, str] = field(
        default_factory=dict
    )  # code -> name (not in industries.csv)
    product_names: dict[str, None] = field(default_factory=dict)  # ordered set, products.csv first
    company_products: dict[tuple[str, str], float] = field(
        default_factory=dict
    )  # (ticker, product) -> w
    links: set[tuple[str, str, str]] = field(default_factory=set)  # (source, rel, target)
    upstream: dict[tuple[str, str], int] = field(
        default_factory=dict
    )  # (industry, upstream) -> count
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    fingerprint: str = ""


def new_counts() -> dict[str, dict[str, int]]:
    return {name: {"read": 0, "created": 0, "updated": 0, "skipped": 0} for name in FILES}


def csv_records(path: Path, name: str, errors: ErrorList) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of every data row; line = the row's first line in the file, the header being line 1."""
    expected = HEADERS[name]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            errors.add(
                name,
                1,
                "",
                "",
                _("The file cannot be read as UTF-8 CSV: %(error)s") % {"error": exc},
            )
            return
        if header is None:
            errors.add(
                name,
                1,
                "",
                "",
                _("The file is empty; expected the columns %(columns)s.")
                % {"columns": ", ".join(expected)},
            )
            return
        header = [h.strip() for h in header]
        if header != expected:
            missing = [c for c in expected if c not in header]
            unexpected = [c for c in header if c not in expected]
            for column in missing:
                errors.add(
                    name, 1, column, "", _("Missing column %(column)s.") % {"column": column}
                )
            for column in unexpected:
                errors.add(
                    name, 1, column, column, _("Unexpected column %(column)s.") % {"column": column}
                )
            if not missing and not unexpected:
                errors.add(
                    name,
                    1,
                    "",
                    ",".join(header),
                    _("The columns must be, in this order: %(columns)s.")
                    % {"columns": ", ".join(expected)},
                )
            return  # rows cannot be checked against a wrong header
        while True:
            if errors.full:
                errors.truncated = True  # stop reading: more problems may follow
                return
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                errors.add(
                    name,
                    line,
                    "",
                    "",
                    _("The file cannot be read as UTF-8 CSV: %(error)s") % {"error": exc},
                )
                return
            if not row:
                continue  # a blank line
            if len(row) != len(expected):
                errors.add(
                    name,
                    line,
                    "",
                    ",".join(row),
                    _("Expected %(expected)d fields, found %(found)d.")
                    % {"expected": len(expected), "found": len(row)},
                )
                continue
            yield line, row
