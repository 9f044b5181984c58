"""Import of the chainkg product graph (the folder described in ../shared/data/README.md, section chainkg).

``graph_import(path=...)`` reads the seven CSV files, checks every file completely first and rejects the
whole import (``ImportRejected``, nothing written) if any cell is wrong; then writes everything in ONE
transaction: industries, listed companies, products (into ``enterprises.Product``, the one product table),
company → product, product → product and industry → upstream-industry rows, the ``GraphImport`` record and
one audit row.

Rules worth knowing:

* Upserts by natural key (industry code, ticker, product name, company+product, source+rel+target,
  industry+upstream name). A second run with the same files creates nothing and updates nothing: existing
  keys are loaded first and only rows whose values differ are written (``counts`` shows 0 created / 0
  updated). Rows in the database that the new files no longer contain are LEFT in place (not deleted):
  chain maps, overrides and registry links may point at them.
* Product names are normalised before use, in every file: stray double quotes (bare ``"`` and the dump's
  escaped ``\\"``) are removed, a line break (a PDF-extraction artefact) joins the two halves, any other
  whitespace run becomes one space and the name is stripped. So ``合成维生素\\nE系列`` becomes ``合成维生素E系列``
  and ``防伪"碘盐标志"`` / ``防伪\\"碘盐标志\\"`` both become ``防伪碘盐标志``. Names used only by
  company_product.csv / product_product.csv become products as well.
* company_industry.csv: tickers missing from companies.csv (103 in the staged data) are skipped and
  counted (``unknown_tickers``), not errors. Industry codes missing from industries.csv (8 in the staged
  data, older Shenwan codes) are added as industries with the name given there, their level derived from
  the code and no parent (``industries_added``).
* company_product.csv: a company+product pair given twice keeps the largest weight; product_product.csv:
  self-loops (after name normalisation) are dropped and counted (``self_loops``), repeated triples are
  counted as ``duplicates``. Other files' ``other_fullnames`` (``|``-separated) are stored one per line.
* Progress: the ``progress(percent, label)`` callback is called throughout; the ``GraphImport.progress``
  column follows it, but the writes run in one transaction, so other connections see the row's
  progress of the write phase only when it commits (SQLite has one writer; the validation phase runs
  before the row exists).
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.core import audit
from chainleader.core.exceptions import ImportRejected
from chainleader.engines.chain_map.text import normalise_product_name as _normalise_product_name
from chainleader.enterprises.models import Product

from .models import (
    CompanyProduct,
    GraphCompany,
    GraphImport,
    GraphIndustry,
    IndustryUpstream,
    ProductLink,
)

Progress = Callable[[int, str], None]

BATCH_SIZE = 5000
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

REL_MAP = {
    "上游材料": ProductLink.Rel.UPSTREAM.value,
    "产品小类": ProductLink.Rel.SUBCLASS.value,
    "下游产品": ProductLink.Rel.DOWNSTREAM.value,
}

# Field lengths of the models the values go into.
MAX_TICKER = GraphCompany._meta.get_field("ticker").max_length
MAX_COMPANY_NAME = GraphCompany._meta.get_field("name").max_length
MAX_FULLNAME = GraphCompany._meta.get_field("fullname").max_length
MAX_EXCHANGE = GraphCompany._meta.get_field("exchange").max_length
MAX_CODE = GraphIndustry._meta.get_field("code").max_length
MAX_INDUSTRY_NAME = GraphIndustry._meta.get_field("name").max_length
MAX_PRODUCT_NAME = Product._meta.get_field("name").max_length
MAX_UPSTREAM_NAME = IndustryUpstream._meta.get_field("industry_name").max_length

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"\d+")
_WS = re.compile(r"\s+")

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


def _level_from_code(code: str) -> int:
    """Shenwan codes: xx0000 level 1, xxyy00 level 2, otherwise level 3."""
    if code.endswith("0000"):
        return 1
    return 2 if code.endswith("00") else 3


# ---------------------------------------------------------------------------------------------------
# Reading and checking
# ---------------------------------------------------------------------------------------------------


class _Errors:
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
class _Graph:
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


def _new_counts() -> dict[str, dict[str, int]]:
    return {name: {"read": 0, "created": 0, "updated": 0, "skipped": 0} for name in FILES}


def _records(path: Path, name: str, errors: _Errors) -> Iterator[tuple[int, list[str]]]:
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


class _Checker:
    """Reads the files one after the other, checking every cell; fills a _Graph or collects errors."""

    def __init__(self, folder: Path, errors: _Errors) -> None:
        self.folder = folder
        self.errors = errors
        self.graph = _Graph(counts=_new_counts())

    # -- cell helpers -------------------------------------------------------------------------------

    def text(
        self,
        sheet: str,
        line: int,
        column: str,
        value: str,
        *,
        max_length: int,
        required: bool = True,
    ) -> str | None:
        value = value.strip()
        if not value:
            if required:
                self.errors.add(sheet, line, column, value, _("This field is required."))
                return None
            return ""
        if len(value) > max_length:
            self.errors.add(
                sheet,
                line,
                column,
                value,
                _("At most %(max)d characters (this has %(length)d).")
                % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def product(self, sheet: str, line: int, column: str, value: str) -> str | None:
        name = normalise_product_name(value)
        if not name:
            self.errors.add(sheet, line, column, value, _("A product name is required."))
            return None
        if len(name) > MAX_PRODUCT_NAME:
            self.errors.add(
                sheet,
                line,
                column,
                value,
                _("At most %(max)d characters (this has %(length)d).")
                % {"max": MAX_PRODUCT_NAME, "length": len(name)},
            )
            return None
        return name

    def number(self, sheet: str, line: int, column: str, value: str) -> float | None:
        value = value.strip()
        if not _NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            self.errors.add(
                sheet, line, column, value, _("Not a number: %(value)s.") % {"value": value}
            )
            return None
        return float(value)

    # -- files --------------------------------------------------------------------------------------

    def run(self, progress: Callable[[int, str], None]) -> _Graph:
        paths = {name: self.folder / name for name in FILES}
        missing = [name for name, p in paths.items() if not p.is_file()]
        for name in missing:
            self.errors.add(
                name,
                None,
                "",
                "",
                _("The file is missing from %(folder)s.") % {"folder": self.folder},
            )
        if missing:
            return self.graph
        sizes = {name: max(p.stat().st_size, 1) for name, p in paths.items()}
        total, done = sum(sizes.values()), 0
        hasher = hashlib.sha256()
        for name in FILES:
            progress(VALIDATE_SHARE * done // total, _("Checking %(file)s") % {"file": name})
            hasher.update(name.encode() + b"\0")
            with paths[name].open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    hasher.update(chunk)
            hasher.update(b"\0")
            getattr(self, "_" + name.removesuffix(".csv"))(paths[name], name)
            done += sizes[name]
            if self.errors.full:
                self.errors.truncated = True
                break
        self.graph.fingerprint = hasher.hexdigest()
        return self.graph

    def _industries(self, path: Path, sheet: str) -> None:
        g, counts, seen = self.graph, self.graph.counts[sheet], {}
        parents: list[tuple[int, str]] = []
        all_codes: set[str] = (
            set()
        )  # also codes of rows with errors, so children are not reported twice
        for line, (code, name, level, parent) in _records(path, sheet, self.errors):
            counts["read"] += 1
            all_codes.add(code.strip())
            code = self.text(sheet, line, "code", code, max_length=MAX_CODE)
            name = self.text(sheet, line, "name", name, max_length=MAX_INDUSTRY_NAME)
            parent = self.text(
                sheet, line, "parent_code", parent, max_length=MAX_CODE, required=False
            )
            level_value = level.strip()
            if not _INT.fullmatch(level_value) or not 1 <= int(level_value) <= 3:
                self.errors.add(sheet, line, "level", level, _("The level must be 1, 2 or 3."))
                continue
            if code is None or name is None or parent is None:
                continue
            if code in seen:
                self.errors.add(
                    sheet,
                    line,
                    "code",
                    code,
                    _("Duplicate code: also on line %(line)d.") % {"line": seen[code]},
                )
                continue
            if parent == code:
                self.errors.add(
                    sheet, line, "parent_code", parent, _("An industry cannot be its own parent.")
                )
                continue
            seen[code] = line
            g.industries[code] = (name, int(level_value), parent)
            if parent:
                parents.append((line, parent))
        for line, parent in parents:
            if parent not in all_codes:
                self.errors.add(
                    sheet,
                    line,
                    "parent_code",
                    parent,
                    _("Parent code %(code)s is not in %(file)s.") % {"code": parent, "file": sheet},
                )

    def _companies(self, path: Path, sheet: str) -> None:
        g, counts, seen = self.graph, self.graph.counts[sheet], {}
        counts["list_date_unknown"] = 0
        for line, (ticker, name, fullname, exchange, list_date, _rows, others) in _records(
            path, sheet, self.errors
        ):
            counts["read"] += 1
            ticker = self.text(sheet, line, "ticker", ticker, max_length=MAX_TICKER)
            name = self.text(sheet, line, "name", name, max_length=MAX_COMPANY_NAME)
            fullname = self.text(
                sheet, line, "fullname", fullname, max_length=MAX_FULLNAME, required=False
            )
            exchange = self.text(
                sheet, line, "exchange", exchange, max_length=MAX_EXCHANGE, required=False
            )
            listed: date | None = None
            if list_date.strip() in {"-", exchange}:
                # Source artefacts (84 rows of the staged data): "-" or the exchange name in the date column.
                counts["list_date_unknown"] += 1
            elif list_date.strip():
                try:
                    if not _DATE.fullmatch(list_date.strip()):
                        raise ValueError
                    listed = date.fromisoformat(list_date.strip())
                except ValueError:
                    self.errors.add(
                        sheet,
                        line,
                        "list_date",
                        list_date,
                        _("Not a date in the form YYYY-MM-DD: %(value)s.") % {"value": list_date},
                    )
                    continue
            if ticker is None or name is None or fullname is None or exchange is None:
                continue
            ticker = ticker.upper()
            if ticker in seen:
                self.errors.add(
                    sheet,
                    line,
                    "ticker",
                    ticker,
                    _("Duplicate ticker: also on line %(line)d.") % {"line": seen[ticker]},
                )
                continue
            seen[ticker] = line
            other = "\n".join(n.strip() for n in others.split("|") if n.strip())
            g.companies[ticker] = {
                "name": name,
                "fullname": fullname,
                "other_fullnames": other,
                "exchange": exchange,
                "list_date": listed,
            }

    def _company_industry(self, path: Path, sheet: str) -> None:
        g, counts, seen = self.graph, self.graph.counts[sheet], {}
        counts["unknown_tickers"] = 0
        for line, (ticker, _name, code, industry_name) in _records(path, sheet, self.errors):
            counts["read"] += 1
            ticker = self.text(sheet, line, "ticker", ticker, max_length=MAX_TICKER)
            code = self.text(sheet, line, "industry_code", code, max_length=MAX_CODE)
            industry_name = self.text(
                sheet,
                line,
                "industry_name",
                industry_name,
                max_length=MAX_INDUSTRY_NAME,
                required=False,
            )
            if ticker is None or code is None or industry_name is None:
                continue
            ticker = ticker.upper()
            if ticker in seen:
                first_line, first_code = seen[ticker]
                if first_code != code:
                    self.errors.add(
                        sheet,
                        line,
                        "industry_code",
                        code,
                        _("Ticker %(ticker)s already has industry %(code)s on line %(line)d.")
                        % {"ticker": ticker, "code": first_code, "line": first_line},
                    )
                else:
                    counts["skipped"] += 1
                continue
            seen[ticker] = (line, code)
            if ticker not in g.companies:
                counts["skipped"] += 1
                counts["unknown_tickers"] += 1
                continue
            g.company_industry[ticker] = code
            if code not in g.industries and code not in g.extra_industries:
                if not industry_name:
                    self.errors.add(
                        sheet,
                        line,
                        "industry_name",
                        industry_name,
                        _("Industry code %(code)s is not in %(file)s, so its name is required.")
                        % {"code": code, "file": INDUSTRIES},
                    )
                    continue
                g.extra_industries[code] = industry_name

    def _products(self, path: Path, sheet: str) -> None:
        g, counts = self.graph, self.graph.counts[sheet]
        for line, (name,) in _records(path, sheet, self.errors):
            counts["read"] += 1
            name = self.product(sheet, line, "name", name)
            if name is None:
                continue
            if name in g.product_names:
                counts["skipped"] += 1  # the same name after normalisation
                continue
            g.product_names[name] = None

    def _company_product(self, path: Path, sheet: str) -> None:
        g, counts = self.graph, self.graph.counts[sheet]
        counts["unknown_tickers"] = counts["duplicates"] = 0
        for line, (ticker, _name, product, weight) in _records(path, sheet, self.errors):
            counts["read"] += 1
            ticker = self.text(sheet, line, "ticker", ticker, max_length=MAX_TICKER)
            product = self.product(sheet, line, "product_name", product)
            value = self.number(sheet, line, "weight", weight)
            if ticker is None or product is None or value is None:
                continue
            ticker = ticker.upper()
            if ticker not in g.companies:
                counts["skipped"] += 1
                counts["unknown_tickers"] += 1
                continue
            g.product_names.setdefault(product, None)
            key = (ticker, product)
            if key in g.company_products:
                counts["skipped"] += 1
                counts["duplicates"] += 1
                g.company_products[key] = max(g.company_products[key], value)
                continue
            g.company_products[key] = value

    def _product_product(self, path: Path, sheet: str) -> None:
        g, counts = self.graph, self.graph.counts[sheet]
        counts["self_loops"] = counts["duplicates"] = 0
        for line, (source, rel, target) in _records(path, sheet, self.errors):
            counts["read"] += 1
            source = self.product(sheet, line, "from_product", source)
            target = self.product(sheet, line, "to_product", target)
            code = REL_MAP.get(rel.strip())
            if code is None:
                self.errors.add(
                    sheet,
                    line,
                    "rel",
                    rel,
                    _("Unknown relation %(value)s: expected one of %(choices)s.")
                    % {"value": rel, "choices": "、".join(REL_MAP)},
                )
            if source is None or target is None or code is None:
                continue
            g.product_names.setdefault(source, None)
            g.product_names.setdefault(target, None)
            if source == target:
                counts["skipped"] += 1
                counts["self_loops"] += 1
                continue
            key = (source, code, target)
            if key in g.links:
                counts["skipped"] += 1
                counts["duplicates"] += 1
                continue
            g.links.add(key)

    def _industry_upstream(self, path: Path, sheet: str) -> None:
        g, counts = self.graph, self.graph.counts[sheet]
        counts["duplicates"] = 0
        for line, (industry, upstream, count) in _records(path, sheet, self.errors):
            counts["read"] += 1
            industry = self.text(
                sheet, line, "industry_name", industry, max_length=MAX_UPSTREAM_NAME
            )
            upstream = self.text(
                sheet, line, "upstream_industry_name", upstream, max_length=MAX_UPSTREAM_NAME
            )
            if not _INT.fullmatch(count.strip()):
                self.errors.add(
                    sheet,
                    line,
                    "count",
                    count,
                    _("Not a whole number ≥ 0: %(value)s.") % {"value": count},
                )
                continue
            if industry is None or upstream is None:
                continue
            key, value = (industry, upstream), int(count.strip())
            if key in g.upstream:
                counts["skipped"] += 1
                counts["duplicates"] += 1
                value = max(value, g.upstream[key])
            g.upstream[key] = value


def check_graph_folder(path: Path, progress: Progress | None = None) -> _Graph:
    """Read and check every file; raise ImportRejected listing every problem (up to 1000). Writes nothing."""
    errors = _Errors()
    if not Path(path).is_dir():
        errors.add("", None, "", str(path), _("Not a folder: %(path)s.") % {"path": path})
        raise ImportRejected(errors.items, errors.items[0]["message"])
    graph = _Checker(Path(path), errors).run(progress or (lambda _p, _l: None))
    if errors.items:
        message = _("%(count)d error(s) in the graph files; nothing was imported.") % {
            "count": len(errors.items)
        }
        if errors.truncated:
            message += " " + _("Only the first %(max)s errors are listed.") % {"max": MAX_ERRORS}
        raise ImportRejected(errors.items, message)
    return graph


# ---------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------


class _Reporter:
    """Calls the progress callback and mirrors the percentage into the GraphImport row (every ≥ 5 %)."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.record: GraphImport | None = None
        self.saved = -100

    def __call__(self, percent: int, label: str) -> None:
        percent = max(0, min(100, int(percent)))
        if self.callback is not None:
            self.callback(percent, label)
        if self.record is not None and (percent - self.saved >= 5 or percent == 100):
            GraphImport.objects.filter(pk=self.record.pk).update(progress=percent)
            self.record.progress = self.saved = percent


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _bulk_create(
    model: type, rows: list[Any], report: _Reporter, span: tuple[int, int], label: str
) -> None:
    start, end = span
    for i, batch in enumerate(_batches(rows), 1):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE, ignore_conflicts=True)
        report(min(end, start + (end - start) * i * BATCH_SIZE // max(len(rows), 1)), label)


def _write_industries(g: _Graph, counts: dict[str, dict[str, int]]) -> dict[str, int]:
    existing = {
        code: (pk, name, level, parent)
        for pk, code, name, level, parent in GraphIndustry.objects.values_list(
            "pk", "code", "name", "level", "parent_id"
        )
    }
    new = [
        GraphIndustry(code=c, name=n, level=lv)
        for c, (n, lv, _p) in g.industries.items()
        if c not in existing
    ]
    extra = [
        GraphIndustry(code=c, name=n, level=_level_from_code(c))
        for c, n in g.extra_industries.items()
        if c not in existing
    ]
    GraphIndustry.objects.bulk_create(new + extra, batch_size=BATCH_SIZE, ignore_conflicts=True)
    counts[INDUSTRIES]["created"] = len(new)
    counts[COMPANY_INDUSTRY]["industries_added"] = len(extra)
    ids = (
        dict(GraphIndustry.objects.values_list("code", "pk"))
        if new or extra
        else {c: v[0] for c, v in existing.items()}
    )
    changed = []
    for code, (name, level, parent) in g.industries.items():
        parent_id = ids[parent] if parent else None
        if code in existing:
            pk, old_name, old_level, old_parent = existing[code]
            if (old_name, old_level, old_parent) != (name, level, parent_id):
                changed.append(
                    GraphIndustry(pk=pk, code=code, name=name, level=level, parent_id=parent_id)
                )
                counts[INDUSTRIES]["updated"] += 1
        elif parent_id is not None:  # parents of new rows, once every row has its id
            changed.append(
                GraphIndustry(pk=ids[code], code=code, name=name, level=level, parent_id=parent_id)
            )
    GraphIndustry.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=BATCH_SIZE)
    return ids


COMPANY_FIELDS = ["name", "fullname", "other_fullnames", "exchange", "list_date"]


def _write_companies(
    g: _Graph, counts: dict[str, dict[str, int]], industry_ids: dict[str, int]
) -> dict[str, int]:
    existing = {
        row[1]: row
        for row in GraphCompany.objects.values_list("pk", "ticker", *COMPANY_FIELDS, "industry_id")
    }
    new, changed = [], []
    for ticker, values in g.companies.items():
        code = g.company_industry.get(ticker)
        industry_id = industry_ids[code] if code else None
        row = existing.get(ticker)
        if row is None:
            new.append(GraphCompany(ticker=ticker, industry_id=industry_id, **values))
            counts[COMPANY_INDUSTRY]["created"] += industry_id is not None
            continue
        fields_changed = tuple(row[2:-1]) != tuple(values[f] for f in COMPANY_FIELDS)
        industry_changed = row[-1] != industry_id
        if fields_changed or industry_changed:
            changed.append(
                GraphCompany(pk=row[0], ticker=ticker, industry_id=industry_id, **values)
            )
            counts[COMPANIES]["updated"] += fields_changed
            counts[COMPANY_INDUSTRY]["updated"] += industry_changed
    GraphCompany.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    GraphCompany.objects.bulk_update(changed, [*COMPANY_FIELDS, "industry"], batch_size=BATCH_SIZE)
    counts[COMPANIES]["created"] = len(new)
    if new:
        return dict(GraphCompany.objects.values_list("ticker", "pk"))
    return {ticker: row[0] for ticker, row in existing.items()}


def _write_products(
    g: _Graph, counts: dict[str, dict[str, int]], report: _Reporter
) -> dict[str, int]:
    existing = dict(Product.objects.values_list("name", "pk"))
    new = [Product(name=name) for name in g.product_names if name not in existing]
    _bulk_create(Product, new, report, (45, 60), _("Writing products"))
    counts[PRODUCTS]["created"] = len(new)
    counts[PRODUCTS]["from_relations"] = len(g.product_names) - (
        counts[PRODUCTS]["read"] - counts[PRODUCTS]["skipped"]
    )
    return dict(Product.objects.values_list("name", "pk")) if new else existing


def _write_company_products(
    g: _Graph,
    counts: dict[str, dict[str, int]],
    company_ids: dict[str, int],
    product_ids: dict[str, int],
    report: _Reporter,
) -> None:
    existing = {
        (c, p): (pk, w)
        for pk, c, p, w in CompanyProduct.objects.values_list(
            "pk", "company_id", "product_id", "weight"
        )
    }
    new, changed = [], []
    for (ticker, name), weight in g.company_products.items():
        key = (company_ids[ticker], product_ids[name])
        row = existing.get(key)
        if row is None:
            new.append(CompanyProduct(company_id=key[0], product_id=key[1], weight=weight))
        elif row[1] != weight:
            changed.append(CompanyProduct(pk=row[0], weight=weight))
    _bulk_create(CompanyProduct, new, report, (60, 70), _("Writing company products"))
    CompanyProduct.objects.bulk_update(changed, ["weight"], batch_size=BATCH_SIZE)
    counts[COMPANY_PRODUCT]["created"], counts[COMPANY_PRODUCT]["updated"] = len(new), len(changed)


def _write_links(
    g: _Graph, counts: dict[str, dict[str, int]], product_ids: dict[str, int], report: _Reporter
) -> None:
    existing = set(ProductLink.objects.values_list("source_id", "rel", "target_id"))
    new = []
    for source, rel, target in g.links:
        key = (product_ids[source], rel, product_ids[target])
        if key not in existing:
            new.append(ProductLink(source_id=key[0], rel=rel, target_id=key[2]))
    new.sort(key=lambda link: (link.source_id, link.rel, link.target_id))  # a stable insert order
    _bulk_create(ProductLink, new, report, (70, 95), _("Writing product links"))
    counts[PRODUCT_PRODUCT]["created"] = len(new)


def _write_upstream(g: _Graph, counts: dict[str, dict[str, int]]) -> None:
    existing = {
        (i, u): (pk, c)
        for pk, i, u, c in IndustryUpstream.objects.values_list(
            "pk", "industry_name", "upstream_name", "count"
        )
    }
    new, changed = [], []
    for (industry, upstream), count in g.upstream.items():
        row = existing.get((industry, upstream))
        if row is None:
            new.append(
                IndustryUpstream(industry_name=industry, upstream_name=upstream, count=count)
            )
        elif row[1] != count:
            changed.append(IndustryUpstream(pk=row[0], count=count))
    IndustryUpstream.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    IndustryUpstream.objects.bulk_update(changed, ["count"], batch_size=BATCH_SIZE)
    counts[INDUSTRY_UPSTREAM]["created"], counts[INDUSTRY_UPSTREAM]["updated"] = (
        len(new),
        len(changed),
    )


def graph_import(*, path: Path, actor: Any = None, progress: Progress | None = None) -> GraphImport:
    """Import the chainkg folder at ``path``; all-or-nothing and idempotent (see the module docstring).

    Raises ``ImportRejected`` (each error: sheet = file name, row = line with the header as line 1,
    column, value, message) before anything is written if any file is missing or malformed. Returns the
    finished ``GraphImport`` (status done, ``counts`` = {file: {read, created, updated, skipped, ...}}).
    Any other failure rolls the data back and leaves the GraphImport row with status failed.
    """
    path = Path(path)
    report = _Reporter(progress)
    graph = check_graph_folder(path, report)
    counts = graph.counts
    previous = (
        GraphImport.objects.filter(status=GraphImport.Status.DONE)
        .order_by("-started_at", "-pk")
        .first()
    )
    record = GraphImport.objects.create(
        path=str(path), fingerprint=graph.fingerprint, progress=VALIDATE_SHARE
    )
    report.record, report.saved = record, VALIDATE_SHARE
    try:
        with transaction.atomic():
            report(VALIDATE_SHARE, _("Writing industries"))
            industry_ids = _write_industries(graph, counts)
            report(40, _("Writing companies"))
            company_ids = _write_companies(graph, counts, industry_ids)
            report(45, _("Writing products"))
            product_ids = _write_products(graph, counts, report)
            _write_company_products(graph, counts, company_ids, product_ids, report)
            _write_links(graph, counts, product_ids, report)
            report(95, _("Writing industry upstream links"))
            _write_upstream(graph, counts)
            record.status, record.counts, record.progress = GraphImport.Status.DONE, counts, 100
            record.finished_at = timezone.now()
            if previous is not None and previous.fingerprint == graph.fingerprint:
                record.message = _("Same files as import #%(id)s.") % {"id": previous.pk}
            record.save(update_fields=["status", "counts", "progress", "finished_at", "message"])
            audit.record(
                actor=actor,
                event_type="import",
                object_type="chainmap.graphimport",
                object_id=record.pk,
                detail=counts,
            )
            report.record = None  # saved above, inside the transaction
            report(100, _("Done"))
    except BaseException as exc:
        record.status, record.finished_at = GraphImport.Status.FAILED, timezone.now()
        record.message = (f"{type(exc).__name__}: {exc}")[:2000]
        record.save(update_fields=["status", "finished_at", "message"])
        raise
    return record
