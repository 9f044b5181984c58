"""Early-warning rules of the indicator system (decision 0026). Pure Python, no Django.

- pace: the linear pace from a base to a target, expected(t) = base + (target − base)·(t − t0)/(T − t0); an actual
  behind the expected value by more than a tolerance (percent of the expected value) is a warning. "Behind"
  respects the direction: below it when higher is better, above it when lower is better.
- year-on-year fall: the change against the same period a year before, worse by more than a tolerance.
- threshold: below a floor (higher is better) or above a ceiling (lower is better).
- HHI (Herfindahl–Hirschman index) of supply shares: the sum of the squared percent shares, 0..10000.
- attainment: the actual against the value the pace expects by then, in percent (100 = on pace).
- stalled: a cumulative series that did not grow over its last n readings.

Times are fractional years (2023.5 is mid-2023); values are floats or Decimals, returned as floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

UP, DOWN = "up", "down"
Number = float | int | Decimal


@dataclass(frozen=True)
class Finding:
    """A rule that fired: how far off (percent, positive = worse) and what was expected."""

    rule: str
    gap_pct: float
    expected: float
    actual: float


def expected_at(base: Number, target: Number, t0: Number, t1: Number, t: Number) -> float:
    """The linear pace's value at time t (clamped to [t0, t1]); with t1 == t0, the target."""
    b, g, a, z, x = float(base), float(target), float(t0), float(t1), float(t)
    if z <= a:
        return g
    x = min(max(x, a), z)
    return b + (g - b) * (x - a) / (z - a)


def _worse_pct(actual: float, reference: float, direction: str) -> float:
    """How much worse actual is than reference, in percent of |reference| (negative when better)."""
    if reference == 0:
        diff = reference - actual if direction == UP else actual - reference
        return 0.0 if diff == 0 else (100.0 if diff > 0 else -100.0)
    diff = reference - actual if direction == UP else actual - reference
    return diff / abs(reference) * 100.0


def pace(
    *,
    base: Number,
    target: Number,
    t0: Number,
    t1: Number,
    t: Number,
    actual: Number,
    direction: str = UP,
    tolerance_pct: Number = 0,
) -> Finding | None:
    """A finding when the actual is behind the pace needed by more than tolerance_pct."""
    expected = expected_at(base, target, t0, t1, t)
    gap = _worse_pct(float(actual), expected, direction)
    if gap > float(tolerance_pct):
        return Finding("pace", round(gap, 4), expected, float(actual))
    return None


def yoy_fall(
    *, current: Number, previous: Number, direction: str = UP, tolerance_pct: Number = 0
) -> Finding | None:
    """A finding when the value got worse than a year before by more than tolerance_pct."""
    gap = _worse_pct(float(current), float(previous), direction)
    if gap > float(tolerance_pct):
        return Finding("yoy_fall", round(gap, 4), float(previous), float(current))
    return None


def threshold(*, value: Number, limit: Number, direction: str = UP) -> Finding | None:
    """A finding when the value crossed the limit: below a floor (up) or above a ceiling (down)."""
    v, lim = float(value), float(limit)
    crossed = v < lim if direction == UP else v > lim
    if crossed:
        return Finding("threshold", round(_worse_pct(v, lim, direction), 4), lim, v)
    return None


def hhi(amounts: Sequence[Number]) -> float:
    """HHI of the shares of the given amounts (any unit): sum of squared percent shares, 0..10000.
    No positive amount: 0."""
    values = [float(a) for a in amounts if float(a) > 0]
    total = sum(values)
    if total <= 0:
        return 0.0
    return round(sum((v / total * 100.0) ** 2 for v in values), 4)


def attainment(*, actual: Number, expected: Number, direction: str = UP) -> float | None:
    """The actual against the expected value in percent (100 = on pace); lower is better: expected/actual."""
    a, e = float(actual), float(expected)
    if direction == UP:
        return None if e == 0 else round(a / e * 100.0, 1)
    return None if a == 0 else round(e / a * 100.0, 1)


def stalled(cumulative: Sequence[Number], readings: int) -> bool:
    """Did a cumulative series (completed investment per monthly report, oldest first) not grow over its last
    ``readings`` reports? Fewer reports than readings + 1: not judged (False)."""
    if readings < 1 or len(cumulative) < readings + 1:
        return False
    tail = [float(v) for v in cumulative[-(readings + 1) :]]
    return tail[-1] <= tail[0]
