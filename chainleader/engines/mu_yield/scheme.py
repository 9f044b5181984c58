"""The per-mu yield evaluation scheme (评价方案) as data: parsed and validated (MU_SCHEME.md).

``Scheme.from_json`` / ``Scheme.from_dict`` check every field and raise ``ValueError`` naming the place
(``scheme: groups[0].indicators[1].weight must be …``); ``default_scheme()`` reads the platform's default,
``mu_scheme_default.json`` beside this file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"version", "name", "source", "description", "groups", "scope_rules", "cap", "floor"}
_TOP_KEYS |= {"class_shares", "tie_breaks"}


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
