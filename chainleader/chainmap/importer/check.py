"""Reading and checking the graph folder: every file, every cell; all errors collected, nothing written."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from chainleader.core.exceptions import ImportRejected
from chainleader.enterprises.models import Product

from ..models import GraphCompany, GraphIndustry, IndustryUpstream, ProductLink
from .files import (
    FILES,
    INDUSTRIES,
    MAX_ERRORS,
    VALIDATE_SHARE,
    CheckedGraph,
    ErrorList,
    Progress,
    csv_records,
    new_counts,
    normalise_product_name,
)

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


class Checker:
    """Reads the files one after the other, checking every cell; fills a CheckedGraph or collects errors."""

    def __init__(self, folder: Path, errors: ErrorList) -> None:
        self.folder = folder
        self.errors = errors
        self.graph = CheckedGraph(counts=new_counts())

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

    def run(self, progress: Callable[[int, str], None]) -> CheckedGraph:
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
        for line, (code, name, level, parent) in csv_records(path, sheet, self.errors):
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
        for line, (ticker, name, fullname, exchange, list_date, _rows, others) in csv_records(
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
        for line, (ticker, _name, code, industry_name) in csv_records(path, sheet, self.errors):
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
        for line, (name,) in csv_records(path, sheet, self.errors):
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
        for line, (ticker, _name, product, weight) in csv_records(path, sheet, self.errors):
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
        for line, (source, rel, target) in csv_records(path, sheet, self.errors):
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
        for line, (industry, upstream, count) in csv_records(path, sheet, self.errors):
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


def check_graph_folder(path: Path, progress: Progress | None = None) -> CheckedGraph:
    """Read and check every file; raise ImportRejected listing every problem (up to 1000). Writes nothing."""
    errors = ErrorList()
    if not Path(path).is_dir():
        errors.add("", None, "", str(path), _("Not a folder: %(path)s.") % {"path": path})
        raise ImportRejected(errors.items, errors.items[0]["message"])
    graph = Checker(Path(path), errors).run(progress or (lambda _p, _l: None))
    if errors.items:
        message = _("%(count)d error(s) in the graph files; nothing was imported.") % {
            "count": len(errors.items)
        }
        if errors.truncated:
            message += " " + _("Only the first %(max)s errors are listed.") % {"max": MAX_ERRORS}
        raise ImportRejected(errors.items, message)
    return graph
