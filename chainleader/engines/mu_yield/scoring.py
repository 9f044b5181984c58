"""The vectorised per-mu yield engine: ``evaluate(columns, scheme)`` (MU_SCHEME.md).

One array per input column (one element per firm-year; NaN is missing, which is not 0) in, a
``MuYieldResult`` of columns out: each indicator's value, ratio and score, the total score, the rank and
class within group and year, the group, the reason a firm is not graded, and the benchmarks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .ranking import BoolArray, FloatArray, IntArray, rank_and_class
from .scheme import (
    DATA_REASONS,
    FIGURE_COLUMNS,
    YEAR_MAX,
    YEAR_MIN,
    Indicator,
    Scheme,
    ScopeRule,
)

ObjArray = npt.NDArray[np.object_]

CLASS_LABELS = ("", "A", "B", "C", "D")
BLOCK_ROWS = 1 << 14  # rows per block: a block's temporaries stay in the CPU's L2 cache


@dataclass(frozen=True)
class Benchmarks:
    """基准值 per group, year and indicator: Σ numerator / Σ denominator over graded, defined firms."""

    year: IntArray
    group: ObjArray
    indicator: ObjArray
    benchmark: FloatArray  # NaN when no firm has a defined value
    usable: BoolArray  # finite and > 0; otherwise every ratio of that group-year is 0
    graded: IntArray
    defined: IntArray


@dataclass(frozen=True)
class MuYieldResult:
    """Per-firm columns of an evaluation, in input order, plus the benchmarks behind the ratios."""

    scheme_version: str
    uscc: npt.NDArray[Any]  # as given (a str or object array)
    year: FloatArray  # NaN where the year is missing or invalid
    group: npt.NDArray[np.str_]  # group label (规上 / 规下), "" when above_size is unusable
    graded: BoolArray
    reason: ObjArray  # "" when graded
    score: FloatArray  # NaN when not graded
    rank: IntArray  # 1 = best within group and year; 0 when not graded
    class_: npt.NDArray[np.str_]  # "A" … "D", "" when not graded
    values: dict[str, FloatArray]  # NaN when undefined (special rule), missing, or not the group's
    ratios: dict[str, FloatArray]  # after floor and cap; NaN when not graded or not the group's
    scores: dict[str, FloatArray]  # weight × ratio
    indicators: tuple[Indicator, ...]
    benchmarks: Benchmarks

    def to_rows(self) -> list[dict[str, Any]]:
        """The result as one dict per firm (None for missing), the row shape the tests compare."""
        keys = [ind.key for ind in self.indicators]
        rows = []
        for i in range(len(self.uscc)):
            row: dict[str, Any] = {
                "uscc": str(self.uscc[i]),
                "year": _opt_int(self.year[i]),
                "group": str(self.group[i]),
                "score": _opt_float(self.score[i]),
                "class": str(self.class_[i]),
                "rank": int(self.rank[i]) or None,
                "reason": self.reason[i],
            }
            for key in keys:
                row[key] = _opt_float(self.values[key][i])
                row[f"{key}_ratio"] = _opt_float(self.ratios[key][i])
                row[f"{key}_score"] = _opt_float(self.scores[key][i])
            rows.append(row)
        return rows


def _opt_float(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _opt_int(value: Any) -> int | None:
    number = float(value)
    return None if math.isnan(number) else int(number)


def _column(columns: Mapping[str, Any], name: str, n: int | None) -> Any:
    if name not in columns:
        raise ValueError(f"mu_yield: input column {name!r} is missing")
    column = columns[name]
    if n is not None and len(column) != n:
        raise ValueError(f"mu_yield: column {name!r} has {len(column)} rows, expected {n}")
    return column


def _floats(columns: Mapping[str, Any], name: str, n: int) -> FloatArray:
    return np.asarray(_column(columns, name, n), dtype=np.float64)


def industry_divisions(codes: Any) -> IntArray:
    """GB/T 4754 大类 (first two digits, after an optional 门类 letter) of each code; -1 if unreadable."""
    text = np.asarray(codes)
    if text.dtype.kind != "U" or text.dtype.itemsize < 12:
        text = text.astype("U3")  # None → "Non", NaN → "nan": no digits, so -1
    # The first three code points of each code, read in place.
    chars = np.ascontiguousarray(text).view(np.uint32).reshape(len(text), text.dtype.itemsize // 4)
    first, second, third = chars[:, 0], chars[:, 1], chars[:, 2]
    letter = ((first | np.uint32(32)) - np.uint32(97)) < 26  # an ASCII letter in front
    tens = np.where(letter, second, first) - np.uint32(48)  # non-digits wrap around to > 9
    ones = np.where(letter, third, second) - np.uint32(48)
    return np.where((tens <= 9) & (ones <= 9), tens.astype(np.int64) * 10 + ones, -1)


def _scope(
    scheme: Scheme,
    year: FloatArray,
    g_code: npt.NDArray[np.int8],
    finite: BoolArray,
    start: FloatArray,
    land: FloatArray,
    industry: Any,
) -> tuple[npt.NDArray[np.int8], BoolArray]:
    """(reason code, graded): 0 graded, 1..3 data faults, 4.. the scheme's scope rules in order."""
    n, n_groups = len(year), len(scheme.groups)
    year_ok = (year == np.floor(year)) & (year >= YEAR_MIN) & (year <= YEAR_MAX)
    reason_code = np.zeros(n, dtype=np.int8)
    pending = np.ones(n, dtype=bool)
    faults = [~year_ok, g_code == n_groups, ~finite]
    rules: list[tuple[ScopeRule | None, BoolArray | None]] = [(None, f) for f in faults]
    rules += [(rule, None) for rule in scheme.scope_rules]
    for code, (rule, fault) in enumerate(rules, start=1):
        if rule is None:
            hit = fault
        elif rule.rule == "land_missing_or_not_positive":
            hit = ~(land > 0)
        elif rule.rule == "land_below":
            hit = land < rule.min_land_mu
        elif rule.rule == "industry_divisions":
            listed = np.zeros(101, dtype=bool)  # index −1 (unreadable) is the last entry: False
            listed[list(rule.divisions)] = True
            hit = listed[industry_divisions(industry)]
        else:
            hit = start >= year - rule.years
        assert hit is not None  # noqa: S101 - for mypy: every branch sets it
        if rule is not None and rule.groups:
            member = np.zeros(n_groups + 1, dtype=bool)
            member[[g for g, grp in enumerate(scheme.groups) if grp.key in rule.groups]] = True
            hit = hit & member[g_code]
        hit = hit & pending
        reason_code += hit * np.int8(code)
        pending &= ~hit
    return reason_code, pending


@dataclass
class _Work:
    """The arrays shared by the per-group passes of one ``evaluate`` call (outputs filled in place)."""

    scheme: Scheme
    uscc: npt.NDArray[Any]
    figures: dict[str, FloatArray]
    finite: BoolArray | None  # None when every figure is finite (the usual case)
    year_idx: IntArray
    n_years: int
    values: dict[str, FloatArray]
    ratios: dict[str, FloatArray]
    scores: dict[str, FloatArray]
    score: FloatArray
    rank: IntArray
    class_code: npt.NDArray[np.int8]


BenchPart = tuple[int, str, FloatArray, BoolArray, IntArray, IntArray]


def evaluate(columns: Mapping[str, Any], scheme: Scheme) -> MuYieldResult:
    """Score, rank and class every firm-year in ``columns`` (arrays of equal length, NaN = missing).

    Numbers as float arrays (or anything np.asarray turns into one; None becomes NaN); the string
    columns (uscc, industry_code) are fastest as NumPy str arrays, as np.array(list_of_str) gives.
    """
    n = len(_column(columns, "year", None))
    uscc = np.asarray(_column(columns, "uscc", n))
    year = _floats(columns, "year", n)
    above = _floats(columns, "above_size", n)
    start = _floats(columns, "production_start_year", n)
    industry = _column(columns, "industry_code", n)
    figures = {name: _floats(columns, name, n) for name in FIGURE_COLUMNS}
    groups = scheme.groups
    n_groups = len(groups)

    with np.errstate(all="ignore"):
        # Masked writes (a[mask] = x, copyto(where=)) are several times slower than arithmetic on
        # bool arrays in NumPy, so codes are built by adding bool × constant throughout.
        g_code = np.full(n, n_groups, dtype=np.int8)  # n_groups = above_size matches no group
        for g, group in enumerate(groups):
            g_code -= (above == group.above_size) * np.int8(n_groups - g)
        finite = np.ones(n, dtype=bool)
        for values in (start, *figures.values()):
            infinite = np.isinf(values)
            if infinite.any():  # rare: skip the mask arithmetic when a column has no infinity
                finite &= ~infinite
        reason_code, graded = _scope(
            scheme, year, g_code, finite, start, figures["land_mu"], industry
        )
        year_ok = reason_code != 1
        first_year = int(np.min(year, where=year_ok, initial=np.inf)) if year_ok.any() else 0
        year_idx = np.where(year_ok, year - first_year, 0).astype(np.int64)
        n_years = int(year_idx.max()) + 1 if n else 1
        # Rows without a usable year sit at index 0, the first year, which is present anyway.
        present = np.bincount(year_idx, minlength=n_years) > 0
        # One radix sort (int8 keys) lays out every group's rows, graded first, in input order.
        slot = g_code * 2 + ~graded
        by_slot = np.argsort(slot, kind="stable")
        bounds = np.searchsorted(slot[by_slot], np.arange(2 * n_groups + 1))

    keys = [ind.key for ind in scheme.indicators()]
    work = _Work(
        scheme=scheme,
        uscc=uscc,
        figures=figures,
        finite=None if finite.all() else finite,
        year_idx=year_idx,
        n_years=n_years,
        values={key: np.full(n, np.nan) for key in keys},
        ratios={key: np.full(n, np.nan) for key in keys},
        scores={key: np.full(n, np.nan) for key in keys},
        score=np.full(n, np.nan),
        rank=np.zeros(n, dtype=np.int64),
        class_code=np.zeros(n, dtype=np.int8),
    )
    # Two threads (one per group) were measured slower on two cores than this plain loop.
    parts: list[BenchPart] = []
    for g in range(n_groups):
        rows = by_slot[bounds[2 * g] : bounds[2 * g + 2]]
        parts += _score_group(work, g, rows, int(bounds[2 * g + 1] - bounds[2 * g]))

    reason_table = np.array(
        ["", *DATA_REASONS, *(rule.reason for rule in scheme.scope_rules)], dtype=object
    )
    return MuYieldResult(
        scheme_version=scheme.version,
        uscc=uscc,
        year=np.where(year_ok, year, np.nan),
        group=_take_str(np.array([g.label for g in groups] + [""]), g_code),
        graded=graded,
        reason=reason_table[reason_code],
        score=work.score,
        rank=work.rank,
        class_=_take_str(np.array(CLASS_LABELS), work.class_code),
        values=work.values,
        ratios=work.ratios,
        scores=work.scores,
        indicators=scheme.indicators(),
        benchmarks=_benchmark_table(scheme, first_year, present, parts),
    )


def _score_group(work: _Work, g: int, rows: IntArray, k: int) -> list[BenchPart]:
    """Score and rank one group's firms: ``rows`` are the group's rows, the first ``k`` graded.

    Two passes over blocks of rows (values and benchmark sums, then ratios and scores), so that
    the temporaries of each step stay in cache instead of streaming whole columns through memory.
    """
    scheme, group, n_years = work.scheme, work.scheme.groups[g], work.n_years
    indicators = group.indicators
    scored = rows[:k]  # graded rows come first, in input order
    years_g = work.year_idx[scored]
    graded_n = np.bincount(years_g, minlength=n_years)
    each_year = np.arange(n_years)
    # Per indicator: Σ numerator, Σ denominator, count of defined values, per year; and the value of
    # every graded firm (for the ratio pass and the tie-breaks).
    sums: dict[str, tuple[FloatArray, FloatArray, IntArray]] = {
        ind.key: (np.zeros(n_years), np.zeros(n_years), np.zeros(n_years, dtype=np.int64))
        for ind in indicators
    }
    # The graded firms' values, block by block (pass 2 walks the same blocks: graded rows lead).
    graded_values: dict[str, list[FloatArray]] = {ind.key: [] for ind in indicators}
    with np.errstate(all="ignore"):
        for start in range(0, len(rows), BLOCK_ROWS):
            block = rows[start : start + BLOCK_ROWS]
            graded_here = min(max(k - start, 0), len(block))
            years_here = years_g[start : start + graded_here]
            taken: dict[str, FloatArray] = {}
            zeroed: dict[str, FloatArray] = {}  # a numerator column with missing counted as 0
            divisor: dict[str, FloatArray] = {}  # a denominator column with 0 made NaN
            for ind in indicators:
                for column in (ind.numerator, ind.denominator):
                    if column not in taken:
                        taken[column] = work.figures[column][block]
                if ind.numerator not in zeroed:
                    raw = taken[ind.numerator]
                    zeroed[ind.numerator] = np.where(np.isnan(raw), 0.0, raw)
                if ind.denominator not in divisor:
                    raw = taken[ind.denominator]
                    divisor[ind.denominator] = np.where(raw == 0, np.nan, raw)
                den = divisor[ind.denominator]
                # A missing or zero denominator (and, under its rule, a missing numerator) leaves
                # NaN: the value is undefined and the special ratio applies. Figures are finite
                # here, so a NaN value means exactly that.
                num = (
                    zeroed[ind.numerator]
                    if ind.missing_numerator_ratio is None
                    else taken[ind.numerator]
                )
                value = num / den
                if work.finite is not None:
                    value = np.where(work.finite[block], value, np.nan)
                work.values[ind.key][block] = value
                if not graded_here:
                    continue
                graded_values[ind.key].append(value[:graded_here])
                # Benchmark sums over graded firms whose value is defined, added in input order
                # (the running sums go first into each bincount), exactly as the oracle adds them.
                at_rows = np.flatnonzero(~np.isnan(value[:graded_here]))
                at = np.concatenate((each_year, years_here[at_rows]))
                total_num, total_den, count = sums[ind.key]
                sums[ind.key] = (
                    _weighted_count(at, np.concatenate((total_num, num[at_rows])), n_years),
                    _weighted_count(at, np.concatenate((total_den, den[at_rows])), n_years),
                    count + np.bincount(years_here[at_rows], minlength=n_years),
                )

        parts: list[BenchPart] = []
        benches = {}
        for ind in indicators:
            sum_num, sum_den, count = sums[ind.key]
            bench = sum_num / sum_den
            usable = np.isfinite(bench) & (bench > 0) & (sum_den != 0)
            benches[ind.key] = (np.where(usable, bench, np.inf), usable)
            parts.append((g, ind.key, bench, usable, count, graded_n))
        total = np.zeros(k)
        for number, start in enumerate(range(0, k, BLOCK_ROWS)):
            stop = min(start + BLOCK_ROWS, k)
            block = scored[start:stop]
            years_here = years_g[start:stop]
            subtotal = np.zeros(stop - start)
            for ind in indicators:
                divide_by, usable = benches[ind.key]
                value = graded_values[ind.key][number]
                ratio = value / divide_by[years_here]
                defined = ~np.isnan(value)
                if not defined.all():
                    by_den = ind.missing_or_zero_denominator_ratio
                    by_num = ind.missing_numerator_ratio
                    if by_num is None or by_num == by_den:
                        ratio = np.where(defined, ratio, by_den)
                    else:
                        den_bad = np.isnan(work.figures[ind.denominator][block]) | (
                            work.figures[ind.denominator][block] == 0
                        )
                        ratio = np.where(defined, ratio, by_num + den_bad * (by_den - by_num))
                if not usable.all():
                    ratio[~usable[years_here]] = 0.0  # a benchmark that is not positive: 0 for all
                np.maximum(ratio, scheme.floor, out=ratio)
                if scheme.cap is not None:
                    np.minimum(ratio, scheme.cap, out=ratio)
                part = ind.weight * ratio
                subtotal += part
                work.ratios[ind.key][block] = ratio
                work.scores[ind.key][block] = part
            total[start:stop] = subtotal
        work.score[scored] = total
        tie_values = {
            key: np.concatenate(graded_values[key]) if k else np.zeros(0)
            for key, _descending in scheme.tie_breaks
            if key != "uscc"
        }
        order, rank_sorted, class_sorted = rank_and_class(
            scheme, work.uscc, scored, years_g, graded_n, total, tie_values
        )
        ranked = scored[order]
        work.rank[ranked] = rank_sorted
        work.class_code[ranked] = class_sorted
    return parts


def _weighted_count(at: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """Σ weights per value of ``at``, added one by one in array order (np.bincount)."""
    return np.asarray(np.bincount(at, weights=weights, minlength=n), dtype=np.float64)


def _take_str(table: npt.NDArray[np.str_], codes: npt.NDArray[Any]) -> npt.NDArray[np.str_]:
    """``table[codes]`` for a short fixed-width str table, gathered as integers (no per-row objects)."""
    width = table.dtype.itemsize // 4
    taken: npt.NDArray[np.str_]
    if width in (1, 2):
        as_int = table.view(np.uint32 if width == 1 else np.uint64)
        taken = as_int[codes].view(table.dtype)
    else:
        taken = table[codes]
    return taken


def _benchmark_table(
    scheme: Scheme,
    first_year: int,
    present: BoolArray,
    parts: list[BenchPart],
) -> Benchmarks:
    years = np.flatnonzero(present)
    k = len(years)
    labels = [g.label for g in scheme.groups]
    return (
        Benchmarks(
            year=np.concatenate([first_year + years for _part in parts]).astype(np.int64),
            group=np.array([labels[p[0]] for p in parts for _y in years], dtype=object),
            indicator=np.array([p[1] for p in parts for _y in years], dtype=object),
            benchmark=np.concatenate([np.where(p[4] > 0, p[2], np.nan)[years] for p in parts]),
            usable=np.concatenate([p[3][years] for p in parts]).astype(bool),
            graded=np.concatenate([p[5][years] for p in parts]).astype(np.int64),
            defined=np.concatenate([p[4][years] for p in parts]).astype(np.int64),
        )
        if k and parts
        else Benchmarks(
            year=np.zeros(0, dtype=np.int64),
            group=np.zeros(0, dtype=object),
            indicator=np.zeros(0, dtype=object),
            benchmark=np.zeros(0),
            usable=np.zeros(0, dtype=bool),
            graded=np.zeros(0, dtype=np.int64),
            defined=np.zeros(0, dtype=np.int64),
        )
    )
