"""Small sums of the innovation workflows (issue 17 items 4 and 6). No Django.

- ``overall_level``: a digital diagnosis's overall maturity, the mean of its dimensions (each 1–5), rounded half
  up to one decimal; the bands of ``level_band`` name it (起步 below 2, 初级 below 3, 中级 below 4, 高级 from 4).
- ``score_total``: a reviewer's scores of a 揭榜 application, each criterion between 0 and its maximum; the total
  is their sum. A missing criterion, one not in the list, or one out of its range is an error naming it.
- ``mean_total``: an application's score, the mean of its reviewers' totals, to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LEVEL_BANDS = ((Decimal(2), "starting"), (Decimal(3), "basic"), (Decimal(4), "intermediate"))


class ScoreError(ValueError):
    """A score the rules refuse; ``field`` names the criterion (or dimension)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def overall_level(scores: Iterable[int]) -> Decimal:
    values = list(scores)
    if not values:
        raise ScoreError("no dimension scored", "")
    for i, v in enumerate(values):
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5:
            raise ScoreError(
                f"dimension {i + 1} must be a whole number from 1 to 5, got {v!r}", str(i)
            )
    mean = Decimal(sum(values)) / Decimal(len(values))
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def level_band(level: Decimal) -> str:
    for bound, name in LEVEL_BANDS:
        if level < bound:
            return name
    return "advanced"


def score_total(scores: Mapping[str, object], criteria: Mapping[str, int]) -> Decimal:
    extra = set(scores) - set(criteria)
    if extra:
        name = sorted(extra)[0]
        raise ScoreError(f"unknown criterion {name!r}", name)
    total = Decimal(0)
    for name, top in criteria.items():
        if name not in scores or scores[name] in (None, ""):
            raise ScoreError(f"criterion {name!r} is not scored", name)
        try:
            value = Decimal(str(scores[name]))
        except (InvalidOperation, ValueError):
            raise ScoreError(f"criterion {name!r} is not a number", name) from None
        if not value.is_finite() or value < 0 or value > top:
            raise ScoreError(f"criterion {name!r} must be between 0 and {top}", name)
        total += value
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mean_total(totals: Iterable[Decimal]) -> Decimal | None:
    values = list(totals)
    if not values:
        return None
    mean = sum(values, Decimal(0)) / Decimal(len(values))
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
