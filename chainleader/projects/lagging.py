"""The lagging rule (项目滞后预警) on plain values, no Django: one place decides, the daily task stores it.

A project lags when
1. the planned date of a stage it has not reached has passed (the date itself is still on time), or
2. its completed investment, summed over the reported months before the current one, is below the planned sum
   by more than `share` (exactly `share` below is still on time).
The investment rule stops at 投产 (in production): a producing project has no construction plan left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PRODUCING_INDEX = 5  # STAGE_ORDER.index("producing"); kept here so this module imports nothing


@dataclass(frozen=True)
class MissedStage:
    stage_index: int
    planned_on: date


@dataclass(frozen=True)
class InvestmentShortfall:
    planned_yi: Decimal
    completed_yi: Decimal
    gap_share: Decimal  # 0.25 = 25 % below plan


@dataclass(frozen=True)
class Verdict:
    missed: MissedStage | None = None
    shortfall: InvestmentShortfall | None = None

    @property
    def lagging(self) -> bool:
        return self.missed is not None or self.shortfall is not None


def stage_missed(planned_on: date | None, *, reached: bool, today: date) -> bool:
    """Rule 1 for one stage: not reached and its planned date has passed (the date itself is still on time)."""
    return not reached and planned_on is not None and planned_on < today


def evaluate(
    *,
    stage_index: int,
    planned_dates: tuple[date | None, ...],
    planned_sum_yi: Decimal,
    completed_sum_yi: Decimal,
    today: date,
    share: Decimal,
) -> Verdict:
    """The verdict for one project; `planned_dates` holds the planned date of every stage, in stage order."""
    missed = None
    for index in range(stage_index + 1, len(planned_dates)):
        planned = planned_dates[index]
        if stage_missed(planned, reached=False, today=today):
            missed = MissedStage(index, planned)
            break  # the first stage missed says the most; later ones follow from it
    shortfall = None
    if stage_index < PRODUCING_INDEX and planned_sum_yi > 0:
        floor = planned_sum_yi * (Decimal(1) - share)
        if completed_sum_yi < floor:
            gap = (planned_sum_yi - completed_sum_yi) / planned_sum_yi
            shortfall = InvestmentShortfall(planned_sum_yi, completed_sum_yi, gap)
    return Verdict(missed, shortfall)
