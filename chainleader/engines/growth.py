"""倍增 (doubling) plans and revenue echelons (梯队): the arithmetic, without Django (decision 0025).

- **Pace.** A plan goes from its base-year value to its target in the target year along a geometric path (the
  same growth rate every year): expected(y) = base × (target / base) ^ ((y − base_year) / (target_year −
  base_year)). A plan may state a year's target explicitly: that value replaces the path's for the year. A base
  of zero or less has no growth rate: the path is then a straight line.
- **Lagging.** A year lags when its actual is below expected × (1 − tolerance); a year without an actual is not
  judged. The plan lags when the latest judged year lags.
- **Echelons.** A year's revenue puts a firm in the 100亿, 50亿 or 30亿 echelon (1亿 = 10,000万), or below them;
  moves between two years are up, down, new (no figure the year before), out (no figure this year) or same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K")

CENT = Decimal("0.01")
DEFAULT_TOLERANCE = Decimal("0.05")
WAN_PER_YI = Decimal("10000")
# Echelon thresholds in 亿元, highest first; a revenue at the threshold is in the echelon.
ECHELONS: tuple[int, ...] = (100, 50, 30)
BELOW = 0


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def expected_value(
    base: Decimal, target: Decimal, base_year: int, target_year: int, year: int
) -> Decimal | None:
    """The value the plan expects in ``year`` on its geometric path (2 decimals); None outside the plan's years
    (before the base year or after the target year)."""
    if target_year <= base_year or year < base_year or year > target_year:
        return None
    if year == base_year:
        return _cents(base)
    if year == target_year:
        return _cents(target)
    share = Decimal(year - base_year) / Decimal(target_year - base_year)
    if base <= 0 or target <= 0:
        return _cents(base + (target - base) * share)
    ratio = target / base
    return _cents(base * (ratio**share))


def annual_rate(base: Decimal, target: Decimal, base_year: int, target_year: int) -> Decimal | None:
    """The yearly growth rate of the geometric path (0.1892 for doubling in four years), or None."""
    if target_year <= base_year or base <= 0 or target <= 0:
        return None
    rate = (target / base) ** (Decimal(1) / Decimal(target_year - base_year)) - 1
    return rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def plan_path(
    base: Decimal,
    target: Decimal,
    base_year: int,
    target_year: int,
    overrides: Mapping[int, Decimal] | None = None,
) -> dict[int, Decimal]:
    """Each year's expected value from the base year to the target year; an explicit year target wins."""
    out: dict[int, Decimal] = {}
    for year in range(base_year, target_year + 1):
        given = (overrides or {}).get(year)
        value = (
            _cents(given)
            if given is not None
            else expected_value(base, target, base_year, target_year, year)
        )
        if value is not None:
            out[year] = value
    return out


@dataclass(frozen=True)
class YearPoint:
    year: int
    expected: Decimal | None
    actual: Decimal | None
    lagging: bool | None  # None: not judged (no actual, no expected value, or the base year)
    gap_share: Decimal | None  # how far below expected, as a share of expected (0.12 = 12 % below)


def judge(actual: Decimal | None, expected: Decimal | None, tolerance: Decimal) -> bool | None:
    """Lagging when actual < expected × (1 − tolerance); None when either is missing."""
    if actual is None or expected is None:
        return None
    return actual < expected * (1 - tolerance)


def gap(actual: Decimal | None, expected: Decimal | None) -> Decimal | None:
    if actual is None or expected is None or expected <= 0:
        return None
    return ((expected - actual) / expected).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def progress(
    path: Mapping[int, Decimal | None],
    actuals: Mapping[int, Decimal | None],
    base_year: int,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> list[YearPoint]:
    """Year by year: expected, actual and whether the year lags (the base year is not judged)."""
    points = []
    for year in sorted(path):
        expected = path[year]
        actual = actuals.get(year)
        lagging = None if year == base_year else judge(actual, expected, tolerance)
        points.append(YearPoint(year, expected, actual, lagging, gap(actual, expected)))
    return points


def latest_judged(points: Iterable[YearPoint]) -> YearPoint | None:
    """The latest year that was judged (had an actual and an expected value), or None."""
    judged = [p for p in points if p.lagging is not None]
    return judged[-1] if judged else None


# --- echelons ---------------------------------------------------------------------------------------------


def echelon(revenue_wan: Decimal | None) -> int | None:
    """100, 50 or 30 (亿元) for a revenue in 万元 at or above the threshold, BELOW (0) under 30亿, None without a
    figure."""
    if revenue_wan is None:
        return None
    for level in ECHELONS:
        if revenue_wan >= level * WAN_PER_YI:
            return level
    return BELOW


@dataclass(frozen=True)
class Move:
    before: int | None  # echelon the year before (None: no figure)
    after: int | None  # echelon this year (None: no figure)
    kind: str  # "up", "down", "same", "new", "out"


def move(before: int | None, after: int | None) -> str:
    if before is None:
        return "new"
    if after is None:
        return "out"
    if after > before:
        return "up"
    if after < before:
        return "down"
    return "same"


def moves(before: Mapping[K, Decimal | None], after: Mapping[K, Decimal | None]) -> dict[K, Move]:
    """Firms in an echelon (30亿 or more) in either year, with how they moved; firms below 30亿 both years (or
    without figures) are left out."""
    out: dict[K, Move] = {}
    for key in set(before) | set(after):
        b = echelon(before.get(key))
        a = echelon(after.get(key))
        if not (b or a):
            continue
        out[key] = Move(b, a, move(b, a))
    return out
