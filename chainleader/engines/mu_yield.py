"""亩产效益 / 亩均论英雄: per-mu yield evaluation of firms, vectorised (MU_SCHEME.md).

``evaluate(columns, scheme)`` takes one array per input column (one element per firm-year; NaN is missing,
which is not 0) and returns a ``MuYieldResult`` of columns: each indicator's value, ratio and score, the total
score, the rank and class within group and year, the group, and the reason a firm is not graded.
``evaluate_rows_python`` scores the same scheme row by row in plain Python: the test oracle and the benchmark
baseline. The scheme is data (``mu_scheme_default.json`` beside this file); no Django here (STYLE.md 3.5).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

FIGURE_COLUMNS = (
    "land_mu",
    "tax_wan",
    "revenue_wan",
    "value_added_wan",
    "energy_tce",
    "emissions_t",
    "rd_wan",
    "employees",
)
INPUT_COLUMNS = (
    "uscc",
    "year",
    "above_size",
    "industry_code",
    "production_start_year",
    *FIGURE_COLUMNS,
)
DEFAULT_SCHEME_PATH = Path(__file__).with_name("mu_scheme_default.json")

# Data faults checked before the scheme's own scope rules; the scheme cannot grade such a row at all.
REASON_BAD_YEAR = "年度缺失或无效，不参评"
REASON_BAD_SIZE = "是否规上缺失或无效，不参评"
REASON_NOT_FINITE = "数据含无穷大等非法数值，不参评"
DATA_REASONS = (REASON_BAD_YEAR, REASON_BAD_SIZE, REASON_NOT_FINITE)
YEAR_MIN, YEAR_MAX = 1, 9999

MAX_GROUPS, MAX_RULES = 2, 100  # above_size is 0 or 1; reason codes fit in int8
RULE_KINDS = ("land_missing_or_not_positive", "land_below", "industry_divisions", "new_production")
CLASS_LABELS = ("", "A", "B", "C", "D")
BLOCK_ROWS = 1 << 14  # rows per block: a block's temporaries stay in the CPU's L2 cache
# share × N is computed in floating point; the tolerance keeps 0.05 × 60 at 3 (not 3.0000000000000004 → 4).
SHARE_EPS = 1e-9
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"version", "name", "source", "description", "groups", "scope_rules", "cap", "floor"}
_TOP_KEYS |= {"class_shares", "tie_breaks"}


# ---------------------------------------------------------------------------------------------
# The scheme (data, validated)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One indicator (指标): numerator / denominator, its weight and its special-value rules."""

    key: str
    name: str
    numerator: str
    denominator: str
    weight: float
    # Ratio given when the denominator is missing or 0 (energy, emissions: 1 = the average; employees: 0).
    missing_or_zero_denominator_ratio: float = 0.0
    # Ratio given when the numerator is missing (R&D: 0); None means a missing numerator counts as 0.
    missing_numerator_ratio: float | None = None

    def same_formula(self, other: Indicator) -> bool:
        return (
            self.numerator,
            self.denominator,
            self.missing_or_zero_denominator_ratio,
            self.missing_numerator_ratio,
        ) == (
            other.numerator,
            other.denominator,
            other.missing_or_zero_denominator_ratio,
            other.missing_numerator_ratio,
        )


@dataclass(frozen=True)
class Group:
    """A group ranked on its own (规上 / 规下), chosen by the firm's above_size flag."""

    key: str
    label: str
    above_size: int
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ScopeRule:
    """A reason a firm is not graded (参评范围), checked in the scheme's order."""

    rule: str
    reason: str
    groups: tuple[str, ...] = ()  # group keys the rule applies to; empty = every group
    min_land_mu: float = 0.0  # land_below
    divisions: tuple[int, ...] = ()  # industry_divisions: GB/T 4754 大类 (two digits)
    years: int = 1  # new_production: production_start_year >= year - years


@dataclass(frozen=True)
class Scheme:
    """An evaluation scheme version (评价方案): groups, indicators, scope, cap, class shares, tie-breaks."""

    version: str
    name: str
    groups: tuple[Group, ...]
    scope_rules: tuple[ScopeRule, ...]
    cap: float | None
    floor: float
    share_a: float
    share_b_cumulative: float
    share_d: float
    tie_breaks: tuple[
        tuple[str, bool], ...
    ]  # (indicator key or "uscc", descending) after the score
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, text: str) -> Scheme:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"scheme: not valid JSON ({exc})") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> Scheme:
        return _parse_scheme(data)

    def to_json(self) -> str:
        return json.dumps(self.source, ensure_ascii=False, indent=2)

    def indicators(self) -> tuple[Indicator, ...]:
        """Every distinct indicator across the groups, in order of first appearance."""
        seen: dict[str, Indicator] = {}
        for group in self.groups:
            for ind in group.indicators:
                seen.setdefault(ind.key, ind)
        return tuple(seen.values())


def default_scheme() -> Scheme:
    """The platform's default scheme (MU_SCHEME.md), shipped as JSON beside this module."""
    return Scheme.from_json(DEFAULT_SCHEME_PATH.read_text(encoding="utf-8"))


def _fail(where: str, message: str) -> ValueError:
    return ValueError(f"scheme: {where} {message}")


def _number(
    value: Any, where: str, *, low: float | None = None, high: float | None = None
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, f"must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(where, f"must be finite, got {value!r}")
    if high is not None and low is not None and not low <= number <= high:
        raise _fail(where, f"must be between {low} and {high}, got {value!r}")
    if low is not None and number < low:
        raise _fail(where, f"must be at least {low}, got {value!r}")
    return number


def _positive(value: Any, where: str) -> float:
    # A weight of 0 would multiply an uncapped infinite ratio into NaN; leave the indicator out instead.
    number = _number(value, where)
    if number <= 0:
        raise _fail(where, f"must be more than 0, got {value!r}")
    return number


def _text(value: Any, where: str, *, key: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"must be a non-empty string, got {value!r}")
    if key and not _KEY_RE.match(value):
        raise _fail(where, f"must be lower-case letters, digits and _ , got {value!r}")
    return value


def _obj(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"must be an object, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(where, f"has unknown field(s) {', '.join(unknown)}")
    return value


def _list(value: Any, where: str, *, empty: bool = False) -> list[Any]:
    if not isinstance(value, list) or (not value and not empty):
        raise _fail(where, "must be a non-empty list" if not empty else "must be a list")
    return value


def _parse_indicator(data: Any, where: str) -> Indicator:
    allowed = {"key", "name", "numerator", "denominator", "weight"}
    allowed |= {"missing_or_zero_denominator_ratio", "missing_numerator_ratio"}
    data = _obj(data, where, allowed)
    parts = {}
    for column in ("numerator", "denominator"):
        name = data.get(column)
        if name not in FIGURE_COLUMNS:
            raise _fail(
                f"{where}.{column}", f"must be one of {', '.join(FIGURE_COLUMNS)}, got {name!r}"
            )
        parts[column] = name
    numerator_ratio = data.get("missing_numerator_ratio")
    return Indicator(
        key=_text(data.get("key"), f"{where}.key", key=True),
        name=_text(data.get("name"), f"{where}.name"),
        numerator=parts["numerator"],
        denominator=parts["denominator"],
        weight=_positive(data.get("weight"), f"{where}.weight"),
        missing_or_zero_denominator_ratio=_number(
            data.get("missing_or_zero_denominator_ratio", 0),
            f"{where}.missing_or_zero_denominator_ratio",
        ),
        missing_numerator_ratio=None
        if numerator_ratio is None
        else _number(numerator_ratio, f"{where}.missing_numerator_ratio"),
    )


def _parse_groups(data: Any) -> tuple[Group, ...]:
    groups: list[Group] = []
    by_key: dict[str, Indicator] = {}
    for g, raw in enumerate(_list(data, "groups")):
        where = f"groups[{g}]"
        raw = _obj(raw, where, {"key", "label", "above_size", "indicators"})
        above = raw.get("above_size")
        if above not in (0, 1) or isinstance(above, bool):
            raise _fail(f"{where}.above_size", f"must be 0 or 1, got {above!r}")
        indicators = tuple(
            _parse_indicator(item, f"{where}.indicators[{i}]")
            for i, item in enumerate(_list(raw.get("indicators"), f"{where}.indicators"))
        )
        keys = [ind.key for ind in indicators]
        if len(set(keys)) != len(keys):
            raise _fail(f"{where}.indicators", "repeat an indicator key")
        for ind in indicators:
            # One output column per key, so a key shared by two groups must be the same formula.
            if not by_key.setdefault(ind.key, ind).same_formula(ind):
                raise _fail(
                    f"{where} indicator {ind.key}", "differs from the same key in another group"
                )
        groups.append(
            Group(
                key=_text(raw.get("key"), f"{where}.key", key=True),
                label=_text(raw.get("label"), f"{where}.label"),
                above_size=int(above),
                indicators=indicators,
            )
        )
    if len(groups) > MAX_GROUPS:
        raise _fail("groups", f"must have at most {MAX_GROUPS} groups")
    for attr in ("key", "label", "above_size"):
        values = [getattr(group, attr) for group in groups]
        if len(set(values)) != len(values):
            raise _fail("groups", f"must have distinct {attr} values")
    return tuple(groups)


def _parse_rule(data: Any, where: str, group_keys: set[str]) -> ScopeRule:
    data = _obj(data, where, {"rule", "reason", "groups", "min_land_mu", "divisions", "years"})
    kind = data.get("rule")
    if kind not in RULE_KINDS:
        raise _fail(f"{where}.rule", f"must be one of {', '.join(RULE_KINDS)}, got {kind!r}")
    groups = tuple(_list(data.get("groups", []), f"{where}.groups", empty=True))
    for key in groups:
        if key not in group_keys:
            raise _fail(f"{where}.groups", f"names an unknown group {key!r}")
    rule = ScopeRule(rule=kind, reason=_text(data.get("reason"), f"{where}.reason"), groups=groups)
    if kind == "land_below":
        land = _number(data.get("min_land_mu"), f"{where}.min_land_mu", low=0.0)
        rule = ScopeRule(kind, rule.reason, groups, min_land_mu=land)
    elif kind == "industry_divisions":
        divisions = _list(data.get("divisions"), f"{where}.divisions")
        for d in divisions:
            if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 99:
                raise _fail(f"{where}.divisions", f"must be two-digit 大类 numbers, got {d!r}")
        rule = ScopeRule(kind, rule.reason, groups, divisions=tuple(divisions))
    elif kind == "new_production":
        years = data.get("years", 1)
        if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 50:
            raise _fail(f"{where}.years", f"must be a whole number of years, got {years!r}")
        rule = ScopeRule(kind, rule.reason, groups, years=years)
    if rule.reason in DATA_REASONS:
        raise _fail(f"{where}.reason", "must differ from the engine's data-fault reasons")
    return rule


def _parse_scheme(data: Any) -> Scheme:
    data = _obj(data, "top level", _TOP_KEYS)
    groups = _parse_groups(data.get("groups"))
    group_keys = {g.key for g in groups}
    rules = tuple(
        _parse_rule(item, f"scope_rules[{i}]", group_keys)
        for i, item in enumerate(_list(data.get("scope_rules", []), "scope_rules", empty=True))
    )
    if len(rules) > MAX_RULES:
        raise _fail("scope_rules", f"must have at most {MAX_RULES} rules")
    floor = _number(data.get("floor", 0.0), "floor")
    cap = None if data.get("cap") is None else _number(data.get("cap"), "cap")
    if cap is not None and cap <= floor:
        raise _fail("cap", f"must be above the floor {floor}, got {cap}")
    shares = _obj(data.get("class_shares"), "class_shares", {"A", "B_cumulative", "D"})
    share_a, share_b, share_d = (
        _number(shares.get(k), f"class_shares.{k}", low=0.0, high=1.0)
        for k in ("A", "B_cumulative", "D")
    )
    if share_b < share_a:
        raise _fail("class_shares.B_cumulative", f"must be at least A ({share_a}), got {share_b}")
    tie_breaks: list[tuple[str, bool]] = []
    for i, item in enumerate(_list(data.get("tie_breaks", []), "tie_breaks", empty=True)):
        item = _obj(item, f"tie_breaks[{i}]", {"key", "order"})
        key, order = item.get("key"), item.get("order")
        if key != "uscc" and not all(key in {ind.key for ind in g.indicators} for g in groups):
            raise _fail(
                f"tie_breaks[{i}].key",
                f"must be 'uscc' or an indicator of every group, got {key!r}",
            )
        if order not in ("asc", "desc"):
            raise _fail(f"tie_breaks[{i}].order", f"must be 'asc' or 'desc', got {order!r}")
        tie_breaks.append((str(key), order == "desc"))
    name = data.get("name", "")
    return Scheme(
        version=_text(data.get("version"), "version"),
        name=name if isinstance(name, str) else str(name),
        groups=groups,
        scope_rules=rules,
        cap=cap,
        floor=floor,
        share_a=share_a,
        share_b_cumulative=share_b,
        share_d=share_d,
        tie_breaks=tuple(tie_breaks),
        source=data,
    )


# ---------------------------------------------------------------------------------------------
# The vectorised engine
# ---------------------------------------------------------------------------------------------


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
        """The result as one dict per firm, in ``evaluate_rows_python``'s shape (None for missing)."""
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


def _class_counts(n: IntArray, scheme: Scheme) -> tuple[IntArray, IntArray, IntArray]:
    """(nA, nB, nD) per year for N graded firms: D takes precedence, then A (MU_SCHEME.md)."""
    raw_a = np.floor(scheme.share_a * n + SHARE_EPS).astype(np.int64)
    raw_b = np.floor(scheme.share_b_cumulative * n + SHARE_EPS).astype(np.int64) - raw_a
    n_d = np.minimum(np.ceil(scheme.share_d * n - SHARE_EPS).astype(np.int64), n)
    n_a = np.minimum(raw_a, n - n_d)
    n_b = np.clip(raw_b, 0, n - n_d - n_a)
    return n_a, n_b, n_d


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
        order, rank_sorted, class_sorted = _rank_and_class(
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


def _rank_and_class(
    scheme: Scheme,
    uscc: npt.NDArray[Any],
    rows: IntArray,
    years: IntArray,
    graded_n: IntArray,
    score: FloatArray,
    tie_values: dict[str, FloatArray],
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8]]:
    """(order, rank, class code) of one group's graded firms, ranked within each year.

    ``order`` lists the firms best first within each year (years ascending); rank and class follow it.
    """
    m = len(score)
    order, still = _coarse_order(years, len(graded_n), score)
    # ``still[i]``: the firms at sorted positions i and i + 1 are not yet told apart. Each pass sorts
    # only those runs by the next key, so the costly keys (uscc strings) see a handful of firms.
    keys: list[tuple[str, bool]] = [("score", True), *scheme.tie_breaks, ("", False)]
    for key, descending in keys:
        if not still.any():
            break
        tied = np.zeros(m, dtype=bool)
        tied[1:] |= still
        tied[:-1] |= still
        at = np.flatnonzero(tied)
        sub = order[at]
        # One id per run of tied firms: a run starts where a position is not tied to the one before.
        new_run = np.ones(len(at), dtype=bool)
        new_run[1:] = ~((at[1:] == at[:-1] + 1) & still[at[:-1]])
        run = np.cumsum(new_run)
        if key == "uscc":
            by_key, ranks = _string_order(uscc[rows[sub]])
            if descending:
                by_key, ranks = by_key[::-1], -ranks
            sort_key: Any = ranks
        else:
            if key:
                value = score[sub] if key == "score" else tie_values[key][sub]
                value = -value if descending else value
                sort_key = np.where(np.isnan(value), np.inf, value)
            else:
                sort_key = sub  # last resort: input order
            by_key = np.argsort(sort_key)
        # Sort within runs: (run id, rank of the key) packed in one integer, sorted by value.
        key_rank = np.empty(len(sub), dtype=np.int64)
        key_rank[by_key] = np.arange(len(sub))
        perm = by_key[np.sort(run * len(sub) + key_rank) % len(sub)]
        order[at] = sub[perm]
        sorted_key = sort_key[perm]
        # positions at[j], at[j + 1] are neighbours in one run only if they were tied before
        neighbours = at[1:] == at[:-1] + 1
        still_at = still[at[:-1][neighbours]] & (sorted_key[1:] == sorted_key[:-1])[neighbours]
        still[:] = False
        still[at[:-1][neighbours]] = still_at

    starts = np.cumsum(graded_n) - graded_n
    n_a, n_b, n_d = _class_counts(graded_n, scheme)
    rank_sorted = np.arange(1, m + 1, dtype=np.int64) - np.repeat(starts, graded_n)
    # Thresholds A ≤ B ≤ D per year: the class code counts the thresholds a rank lies beyond.
    class_sorted = np.ones(m, dtype=np.int8)
    for limit in (n_a, n_a + n_b, graded_n - n_d):
        class_sorted += rank_sorted > np.repeat(limit, graded_n)
    return order, rank_sorted, class_sorted


def _coarse_order(years: IntArray, n_years: int, score: FloatArray) -> tuple[IntArray, BoolArray]:
    """Firms by year, then score (high first), nearly: (order, "maybe tied with the next").

    One value sort of packed 64-bit keys (year | leading bits of the score | position) instead of
    an argsort: NumPy's SIMD sort of plain integers is several times faster. Firms whose year and
    leading score bits are equal come out flagged as maybe tied, and the caller sorts those by the
    exact score and then the tie-breaks, so the result is exact.
    """
    m = len(score)
    index_bits = max(1, (m - 1).bit_length())
    year_bits = (n_years - 1).bit_length()
    low = index_bits + year_bits  # score bits dropped to make room
    if m == 0 or low > 48:
        order = np.lexsort((-score, years))
        ordered_score, ordered_years = score[order], years[order]
        still = (ordered_score[1:] == ordered_score[:-1]) & (
            ordered_years[1:] == ordered_years[:-1]
        )
        return order, still
    bits = (score + 0.0).view(np.uint64)  # + 0.0 turns -0.0 into 0.0
    # IEEE doubles as unsigned integers in the same order: flip all bits of negatives, the sign
    # bit of the rest; then flip everything for high-first. With a floor ≥ 0 (the default) every
    # score is ≥ 0 and one flip does it.
    if bool((score >= 0).all()):
        descending = ~bits
    else:
        negative = (bits >> np.uint64(63)).astype(bool)
        descending = np.where(negative, bits, ~(bits | np.uint64(1 << 63)))
    key = (descending >> np.uint64(low)) << np.uint64(index_bits)
    if year_bits:
        key |= years.astype(np.uint64) << np.uint64(64 - year_bits)
    key |= np.arange(m, dtype=np.uint64)
    key.sort()
    order = (key & np.uint64((1 << index_bits) - 1)).view(np.int64)
    coarse = key >> np.uint64(index_bits)
    return order, coarse[1:] == coarse[:-1]


def _string_order(strings: npt.NDArray[Any]) -> tuple[IntArray, IntArray]:
    """(order, dense ranks) of strings in code-point order (equal strings, equal ranks).

    ASCII strings (every credit code) are packed into big-endian 64-bit words and sorted as integers,
    several times faster than NumPy's string sort; anything else falls back to np.unique.
    """
    text = strings if strings.dtype.kind == "U" else strings.astype(str)
    width = text.dtype.itemsize // 4
    if len(text) == 0 or width == 0:
        return np.arange(len(text), dtype=np.int64), np.zeros(len(text), dtype=np.int64)
    chars = text.view(np.uint32).reshape(len(text), width)
    if chars.max() >= 128:
        dense = np.unique(text, return_inverse=True)[1].astype(np.int64).reshape(-1)
        return np.argsort(dense, kind="stable"), dense
    n_words = -(-width // 8)
    packed = np.zeros((len(text), n_words * 8), dtype=np.uint8)
    packed[:, :width] = chars
    words = packed.view(">u8")
    varying = [w for w in range(n_words) if (words[:, w] != words[0, w]).any()] or [0]
    order = np.lexsort(tuple(words[:, w] for w in reversed(varying)))
    ordered = words[order]
    new = np.ones(len(text), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    ranks = np.empty(len(text), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return order.astype(np.int64), ranks


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


# ---------------------------------------------------------------------------------------------
# The pure-Python scorer: the test oracle and the benchmark baseline
# ---------------------------------------------------------------------------------------------


def _py_number(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    return float(value)


def _py_division(code: Any) -> int:
    text = str(code)[:3]
    match = re.match(r"[A-Za-z]?([0-9][0-9])", text)
    return int(match.group(1)) if match else -1


def evaluate_rows_python(rows: Iterable[Mapping[str, Any]], scheme: Scheme) -> list[dict[str, Any]]:
    """Score the scheme row by row in plain Python (dicts in, dicts out; None = missing / not graded)."""
    out: list[dict[str, Any]] = []
    firms: list[dict[str, Any]] = []  # per row: the working figures the later passes need
    all_indicators = scheme.indicators()
    for row in rows:
        year = _py_number(row.get("year"))
        above = _py_number(row.get("above_size"))
        start = _py_number(row.get("production_start_year"))
        figs = {name: _py_number(row.get(name)) for name in FIGURE_COLUMNS}
        group = next((g for g in scheme.groups if above == g.above_size), None)
        finite = not any(math.isinf(v) for v in (start, *figs.values()))
        year_ok = math.isfinite(year) and year == math.floor(year) and YEAR_MIN <= year <= YEAR_MAX
        reason = ""
        if not year_ok:
            reason = REASON_BAD_YEAR
        elif group is None:
            reason = REASON_BAD_SIZE
        elif not finite:
            reason = REASON_NOT_FINITE
        else:
            land = figs["land_mu"]
            for rule in scheme.scope_rules:
                if rule.groups and group.key not in rule.groups:
                    continue
                if rule.rule == "land_missing_or_not_positive":
                    hit = not land > 0
                elif rule.rule == "land_below":
                    hit = land < rule.min_land_mu
                elif rule.rule == "industry_divisions":
                    hit = _py_division(row.get("industry_code")) in rule.divisions
                else:
                    hit = start >= year - rule.years
                if hit:
                    reason = rule.reason
                    break
        # Each indicator of the firm's group: (value or None, special ratio or None, numerator as counted).
        parts: dict[str, tuple[float | None, float | None, float, float]] = {}
        if group is not None and finite:
            for ind in group.indicators:
                num, den = figs[ind.numerator], figs[ind.denominator]
                num0 = 0.0 if math.isnan(num) else num
                if math.isnan(den) or den == 0:
                    parts[ind.key] = (None, ind.missing_or_zero_denominator_ratio, num0, den)
                elif math.isnan(num) and ind.missing_numerator_ratio is not None:
                    parts[ind.key] = (None, ind.missing_numerator_ratio, num0, den)
                else:
                    parts[ind.key] = (num0 / den, None, num0, den)
        record: dict[str, Any] = {
            "uscc": row.get("uscc"),
            "year": int(year) if year_ok else None,
            "group": group.label if group is not None else "",
            "score": None,
            "class": "",
            "rank": None,
            "reason": reason,
        }
        for ind in all_indicators:
            part = parts.get(ind.key)
            record[ind.key] = part[0] if part else None
            record[f"{ind.key}_ratio"] = None
            record[f"{ind.key}_score"] = None
        out.append(record)
        firms.append({"group": group, "parts": parts, "graded": not reason})

    # Benchmarks: Σ numerator / Σ denominator over graded firms with a defined value, per group-year.
    sums: dict[tuple[int, str, str], list[float]] = {}
    for record, firm in zip(out, firms, strict=True):
        if not firm["graded"]:
            continue
        for key, (value, _special, num0, den) in firm["parts"].items():
            total = sums.setdefault((record["year"], firm["group"].key, key), [0.0, 0.0])
            if value is not None:
                total[0] += num0
                total[1] += den
    bench: dict[tuple[int, str, str], float | None] = {}
    for where, (sum_num, sum_den) in sums.items():
        b = sum_num / sum_den if sum_den != 0 else math.nan
        bench[where] = b if math.isfinite(b) and b > 0 else None

    ranked: dict[tuple[int, str], list[int]] = {}
    for i, (record, firm) in enumerate(zip(out, firms, strict=True)):
        if not firm["graded"]:
            continue
        score = 0.0
        for ind in firm["group"].indicators:
            value, special, _num0, _den = firm["parts"][ind.key]
            benchmark = bench[(record["year"], firm["group"].key, ind.key)]
            if benchmark is None:
                ratio = 0.0
            elif special is not None:
                ratio = special
            else:
                assert value is not None  # noqa: S101 - a defined value when there is no special ratio
                ratio = value / benchmark
            ratio = max(ratio, scheme.floor)
            if scheme.cap is not None:
                ratio = min(ratio, scheme.cap)
            record[f"{ind.key}_ratio"] = ratio
            record[f"{ind.key}_score"] = ind.weight * ratio
            score += ind.weight * ratio
        record["score"] = score
        ranked.setdefault((record["year"], firm["group"].key), []).append(i)

    uscc_order = {code: i for i, code in enumerate(sorted({str(r["uscc"]) for r in out}))}

    def sort_key(i: int) -> tuple[Any, ...]:
        record = out[i]
        key: list[Any] = [-record["score"]]
        for name, descending in scheme.tie_breaks:
            if name == "uscc":
                position = uscc_order[str(record["uscc"])]
                key.append(-position if descending else position)
                continue
            value = record[name]
            if value is None or math.isnan(value):
                key.append(math.inf)
            else:
                key.append(-value if descending else value)
        key.append(i)
        return tuple(key)

    shares = [
        Fraction(repr(s)) for s in (scheme.share_a, scheme.share_b_cumulative, scheme.share_d)
    ]
    for members in ranked.values():
        members.sort(key=sort_key)
        n = len(members)
        n_d = min(math.ceil(shares[2] * n), n)
        n_a = min(math.floor(shares[0] * n), n - n_d)
        n_b = max(min(math.floor(shares[1] * n) - math.floor(shares[0] * n), n - n_d - n_a), 0)
        for position, i in enumerate(members, start=1):
            out[i]["rank"] = position
            if position > n - n_d:
                out[i]["class"] = "D"
            elif position <= n_a:
                out[i]["class"] = "A"
            elif position <= n_a + n_b:
                out[i]["class"] = "B"
            else:
                out[i]["class"] = "C"
    return out
