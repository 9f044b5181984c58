"""亩产效益 files: read firm-year figures (CSV or xlsx) into engine columns; write the results as CSV.

Every bad row is reported, as ``line N, field F: message`` (line 1 is the header), before anything is
evaluated; a blank cell is missing (NaN), never 0 (MU_SCHEME.md).
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from chainleader.core import excel
from chainleader.core.exceptions import ImportRejected
from chainleader.core.validators import uscc_problem
from chainleader.engines.mu_yield import INPUT_COLUMNS, MuYieldResult

# English header → Chinese header, as MU_SCHEME.md lists them; either is accepted.
HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "year": "年度",
    "above_size": "是否规上",
    "industry_code": "行业代码",
    "production_start_year": "投产年份",
    "land_mu": "用地面积(亩)",
    "tax_wan": "税收(万元)",
    "revenue_wan": "营业收入(万元)",
    "value_added_wan": "工业增加值(万元)",
    "energy_tce": "综合能耗(吨标煤)",
    "emissions_t": "主要污染物排放量(吨)",
    "rd_wan": "研发经费(万元)",
    "employees": "从业人员(人)",
}
REQUIRED = INPUT_COLUMNS  # every input column but the name: a missing column is not "all blank"
NUMBER_COLUMNS = INPUT_COLUMNS[5:]
YEAR_RANGE = (1900, 2200)
MAX_ERRORS = 1000
# 是否规上 is read with the imports' yes/no vocabulary (1/0, 是/否, 规上/规下, Y/N, √/× ...).
ABOVE_SIZE = excel.ExcelColumn(HEADERS["above_size"], "above_size", kind="bool")
_INDUSTRY = re.compile(r"^[A-Z]?[0-9]{2,4}$")
_SPACE = re.compile(r"\s+")
_FULL_WIDTH = str.maketrans("（）", "()")
_THOUSANDS = str.maketrans("", "", ",，")


@dataclass(frozen=True)
class InputProblem:
    """One bad cell (or a missing column, on line 1) of an input file."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.message}"


class InputRejected(Exception):
    """The input file has bad rows; ``problems`` lists every one (up to MAX_ERRORS)."""

    def __init__(self, problems: list[InputProblem], *, truncated: bool = False) -> None:
        self.problems = problems
        self.truncated = truncated
        lines = [str(p) for p in problems]
        if truncated:
            lines.append(_("Only the first %(max)s problems are listed.") % {"max": MAX_ERRORS})
        super().__init__("\n".join(lines))


@dataclass
class FirmYears:
    """The input as engine columns (mu_yield.INPUT_COLUMNS), plus each row's file line and name."""

    columns: dict[str, np.ndarray]
    lines: list[int]
    names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


def _norm(header: Any) -> str:
    return _SPACE.sub("", str(header or "")).translate(_FULL_WIDTH).casefold()


_KNOWN = {_norm(h): key for key, zh in HEADERS.items() for h in (key, zh)}


def _rows(path: Path) -> list[tuple[int, Sequence[Any]]]:
    """(row number, cells) of a CSV (UTF-8 with or without BOM, else GB18030) or the first sheet, opened as an
    upload is (core.excel), with an operator's bounds: a whole sheet and a CSV of up to 100 MB."""
    return list(
        excel.read_cells(path, max_rows=excel.EXCEL_MAX_ROWS, max_bytes=excel.MAX_UNCOMPRESSED)
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> float:
    """A finite number from a cell; ValueError(message) otherwise."""
    if isinstance(value, bool):
        raise ValueError(_("%(value)s is not a number") % {"value": value})
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().translate(_THOUSANDS)
        try:
            number = float(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not math.isfinite(number):
        raise ValueError(_("“%(value)s” is not a finite number") % {"value": value})
    return number


def _whole(value: Any, low: int, high: int) -> int:
    number = _number(value)
    if number != math.floor(number) or not low <= number <= high:
        raise ValueError(
            _("“%(value)s” is not a year between %(low)s and %(high)s")
            % {"value": value, "low": low, "high": high}
        )
    return int(number)


def _text(value: Any) -> str:
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("“%(value)s” must be text, not a number") % {"value": value})
        value = int(value)
    return str(value).strip()


def _flag(value: Any) -> float:
    return 1.0 if excel.convert_cell(ABOVE_SIZE, value) else 0.0


def _convert(key: str, value: Any) -> Any:
    """The engine value of one non-blank cell; ValueError(message) if it is not acceptable."""
    if key == "uscc":
        code = _text(value).upper()
        problem = uscc_problem(code)
        if problem:
            raise ValueError(problem)
        return code
    if key == "name":
        return _text(value)
    if key == "year":
        return float(_whole(value, *YEAR_RANGE))
    if key == "production_start_year":
        return float(_whole(value, *YEAR_RANGE))
    if key == "above_size":
        return _flag(value)
    if key == "industry_code":
        code = _text(value).upper()
        if not _INDUSTRY.match(code):
            raise ValueError(
                _("“%(value)s” is not a GB/T 4754 industry code (like C3951 or 3951)")
                % {"value": value}
            )
        return code
    return _number(value)


def read_firm_years(path: Path | str, *, year: int | None = None) -> FirmYears:
    """Read and check every row of ``path``; raise InputRejected listing every bad one.

    ``year`` keeps only that year's rows (the whole file is still checked).
    """
    path = Path(path)
    problems: list[InputProblem] = []
    truncated = False

    def report(line: int, field_name: str, message: str) -> None:
        nonlocal truncated
        if len(problems) >= MAX_ERRORS:
            truncated = True
        else:
            problems.append(InputProblem(line, field_name, message))

    try:
        rows = _rows(path)
    except ImportRejected as exc:
        raise InputRejected([InputProblem(1, "-", str(e["message"])) for e in exc.errors]) from None
    except Exception as exc:  # the file system's own errors
        message = _("cannot read the file (%(error)s)") % {"error": exc}
        raise InputRejected([InputProblem(1, "-", message)]) from None
    if not rows:
        raise InputRejected([InputProblem(1, "-", _("the file is empty"))])
    header_line, header = rows[0]
    where: dict[str, int] = {}
    shown: dict[str, str] = {}  # field key -> the header as written in the file
    for index, cell in enumerate(header):
        key = _KNOWN.get(_norm(cell))
        if key is None:
            continue
        if key in where:
            message = _("the column appears twice (also as %(other)s)") % {"other": shown[key]}
            report(header_line, str(cell).strip(), message)
            continue
        where[key], shown[key] = index, str(cell).strip()
    for key in REQUIRED:
        if key not in where:
            report(
                header_line,
                key,
                _("the required column is missing (header %(en)s or %(zh)s)")
                % {"en": key, "zh": HEADERS[key]},
            )
    if problems:
        raise InputRejected(problems, truncated=truncated)

    values: dict[str, list[Any]] = {key: [] for key in INPUT_COLUMNS}
    names: list[str] = []
    lines: list[int] = []
    seen: dict[tuple[str, float], int] = {}
    for line, cells in rows[1:]:
        raw = {key: cells[i] if i < len(cells) else None for key, i in where.items()}
        if all(_blank(v) for v in raw.values()):
            continue
        row: dict[str, Any] = {}
        ok = True
        for key, cell in raw.items():
            if _blank(cell):
                if key in ("uscc", "year", "above_size"):
                    report(line, shown[key], _("a value is required"))
                    ok = False
                row[key] = "" if key in ("uscc", "name", "industry_code") else math.nan
                continue
            try:
                row[key] = _convert(key, cell)
            except ValueError as exc:
                report(line, shown[key], str(exc))
                ok = False
        identity = (row.get("uscc", ""), row.get("year", math.nan))
        if identity[0] and not math.isnan(identity[1]):  # both read: a repeat is a problem
            if identity in seen:
                report(
                    line,
                    shown["uscc"],
                    _("duplicate firm-year: %(uscc)s in %(year)s is also on line %(other)s")
                    % {"uscc": identity[0], "year": int(identity[1]), "other": seen[identity]},
                )
                ok = False
            seen.setdefault(identity, line)
        if not ok:
            continue
        if year is not None and row["year"] != year:
            continue
        for key in INPUT_COLUMNS:
            values[key].append(row[key])
        names.append(row.get("name", ""))
        lines.append(line)
    if problems:
        raise InputRejected(problems, truncated=truncated)
    columns: dict[str, np.ndarray] = {
        key: np.array(values[key], dtype=np.float64) for key in NUMBER_COLUMNS
    }
    columns["uscc"] = np.array(values["uscc"], dtype=str)
    columns["industry_code"] = np.array(values["industry_code"], dtype=str)
    for key in ("year", "above_size", "production_start_year"):
        columns[key] = np.array(values[key], dtype=np.float64)
    return FirmYears(columns=columns, lines=lines, names=names)


def _decimal(value: float, places: int) -> str:
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def result_header(result: MuYieldResult) -> list[str]:
    header = ["uscc", "year", "group", "score", "class", "rank", "reason"]
    for ind in result.indicators:
        header += [ind.key, f"{ind.key}_score"]
    return header


def write_results(result: MuYieldResult, path: Path | str) -> None:
    """Write one CSV row per firm-year (UTF-8, no BOM); the file appears only once it is complete."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=".mu_evaluate-", suffix=".csv", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(result_header(result))
            for i in range(len(result.uscc)):
                year = result.year[i]
                row = [
                    str(result.uscc[i]),
                    "" if math.isnan(year) else str(int(year)),
                    str(result.group[i]),
                    _decimal(float(result.score[i]), 4),
                    str(result.class_[i]),
                    str(result.rank[i]) if result.rank[i] else "",
                    str(result.reason[i]),
                ]
                for ind in result.indicators:
                    row.append(_decimal(float(result.values[ind.key][i]), 6))
                    row.append(_decimal(float(result.scores[ind.key][i]), 4))
                writer.writerow(row)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
