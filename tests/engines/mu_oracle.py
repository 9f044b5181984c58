"""The per-mu yield scheme scored row by row in plain Python: the engine's test oracle and bench baseline.

``evaluate_rows_python(rows, scheme)`` follows MU_SCHEME.md one firm at a time, with no NumPy, so that
``mu_yield.evaluate`` (vectorised, in the product) can be checked against an independent reading of the
rules (tests/engines/test_mu_yield.py) and timed against it (bench/mu_evaluation.py). Test-only code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from chainleader.engines.mu_yield import (
    FIGURE_COLUMNS,
    REASON_BAD_SIZE,
    REASON_BAD_YEAR,
    REASON_NOT_FINITE,
    YEAR_MAX,
    YEAR_MIN,
    Scheme,
)


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
                assert value is not None  # a defined value when there is no special ratio
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
