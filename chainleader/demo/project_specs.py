"""Demo projects as plain specs, before anything is written: titles, kinds, stages, planned and actual dates,
totals and monthly reports (``projects_data.py`` writes them).

Deterministic: every draw comes from the ``random.Random`` passed in; dates are relative to REFERENCE, not to
the clock.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from chainleader.projects.models import STAGE_ORDER, Project

SEED = "20210606-projects"
REFERENCE = date(
    2026, 11, 1
)  # the demo's figures are "as of" this month: completed investment up to October
PER_CHAIN = 10
SUFFIXES = (
    "产业化项目",
    "生产基地项目",
    "扩建项目",
    "技改项目",
    "研发中心项目",
    "智能工厂项目",
    "产业园项目",
)


def short_name(firm: str) -> str:
    """A firm's short name for a project title: no legal form, no bracketed place, at most 8 characters."""
    name = re.sub(r"（[^）]*）|\([^)]*\)", "", firm)
    for part in ("股份有限公司", "有限责任公司", "有限公司", "集团"):
        name = name.replace(part, "")
    return re.split(r"[（(]", name[:8])[0]


def without_overlap(who: str, what: str) -> str:
    """The firm's short name without the words the segment name repeats (润川驱动芯片 + 芯片测试 → 润川驱动)."""
    for k in range(min(len(who), len(what)), 0, -1):
        if who.endswith(what[:k]):
            return who[:-k]
    return who


def after_overlap(what: str, suffix: str) -> str:
    """The suffix without the words the segment name ends with (合同生产 + 生产基地项目 → 基地项目)."""
    for k in range(min(len(what), len(suffix)), 0, -1):
        if what.endswith(suffix[:k]):
            return suffix[k:]
    return suffix


KIND_BY_SUFFIX = {"扩建项目": Project.Kind.EXPANSION, "技改项目": Project.Kind.UPGRADE}
# Months from one stage to the next (签约→备案→开工→在建→竣工→投产→纳统), as ranges.
GAPS = ((1, 3), (1, 4), (1, 2), (10, 26), (1, 4), (1, 3))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return date(year, month % 12 + 1, min(day.day, 28))


@dataclass
class ProjectSpec:
    code: str
    name: str
    chain_pk: int
    segment_pk: int | None
    district: str
    park_pk: int | None
    investor_pk: int | None
    kind: str
    total_yi: Decimal
    stage: str
    planned: dict[str, date]
    actual: dict[str, date]
    investment_lag: bool = False
    leading: bool = False
    reports: list[tuple[date, Decimal, Decimal | None]] = field(default_factory=list)


def draw_total(rng: random.Random) -> Decimal:
    roll = rng.random()
    if roll < 0.12:
        value = rng.uniform(20, 120)  # ≥ 20亿
    elif roll < 0.85:
        value = rng.lognormvariate(1.6, 0.6)  # mostly 2–15亿
    else:
        value = rng.uniform(0.3, 0.99)  # below 1亿
    return Decimal(str(round(value, 2)))


def stage_for(i: int, rng: random.Random) -> str:
    # The first seven of each chain cover every stage; the rest lean to construction, as offices' lists do.
    if i < len(STAGE_ORDER):
        return STAGE_ORDER[i]
    return rng.choices(STAGE_ORDER, weights=(2, 2, 2, 4, 2, 2, 1))[0]


def draw_dates(
    rng: random.Random, stage: str, lag: bool
) -> tuple[dict[str, date], dict[str, date]]:
    """Planned dates of every stage and actual dates of the reached ones, never after REFERENCE."""
    reached = STAGE_ORDER.index(stage)
    # Start far enough back for the reached stages to fit before REFERENCE.
    back = sum(hi for _lo, hi in GAPS[:reached]) + rng.randint(0, 6)
    signed = add_months(REFERENCE, -min(back, 34))
    planned = {"signed": signed}
    day = signed
    for (lo, hi), s in zip(GAPS, STAGE_ORDER[1:], strict=True):
        day = add_months(day, rng.randint(lo, hi))
        planned[s] = day
    actual: dict[str, date] = {}
    previous = signed
    for s in STAGE_ORDER[: reached + 1]:
        when = min(planned[s] + timedelta(days=rng.randint(-10, 20)), REFERENCE - timedelta(days=3))
        when = max(when, previous)
        actual[s] = previous = when
    nxt = reached + 1
    if nxt < len(STAGE_ORDER):
        if lag:  # the next stage was due a while ago
            planned[STAGE_ORDER[nxt]] = REFERENCE - timedelta(days=rng.randint(20, 120))
        elif planned[STAGE_ORDER[nxt]] <= REFERENCE + timedelta(days=10):
            planned[STAGE_ORDER[nxt]] = REFERENCE + timedelta(days=rng.randint(25, 150))
        for s_prev, s in zip(STAGE_ORDER[nxt:], STAGE_ORDER[nxt + 1 :], strict=False):
            if planned[s] <= planned[s_prev]:
                planned[s] = add_months(planned[s_prev], 2)
        # A moved date must not pass the stages planned before it: planned dates stay in stage order.
        for s_prev, s in zip(STAGE_ORDER[nxt - 1 :: -1], STAGE_ORDER[nxt:0:-1], strict=False):
            if planned[s_prev] >= planned[s]:
                planned[s_prev] = planned[s] - timedelta(days=15)
    return planned, actual


def monthly_reports(
    rng: random.Random, spec: ProjectSpec
) -> list[tuple[date, Decimal, Decimal | None]]:
    """Monthly plan over the construction months in 2025–2026; completed figures up to the reference month."""
    start = spec.actual.get("started") or spec.planned["started"]
    end = spec.actual.get("completed") or spec.planned["completed"]
    months = []
    day = date(max(start.year, 2025), start.month if start.year >= 2025 else 1, 1)
    while day <= date(2026, 12, 1) and day <= end.replace(day=1):
        months.append(day)
        day = add_months(day, 1)
    if not months:
        return []
    span = max((end.year - start.year) * 12 + end.month - start.month, 1)
    monthly = spec.total_yi * Decimal("0.8") / span  # 80 % of the total goes into construction
    rows = []
    for month in months:
        planned = (monthly * Decimal(str(rng.uniform(0.8, 1.2)))).quantize(Decimal("0.0001"))
        done: Decimal | None = None
        if month < REFERENCE and STAGE_ORDER.index(spec.stage) >= STAGE_ORDER.index("started"):
            factor = rng.uniform(0.45, 0.65) if spec.investment_lag else rng.uniform(0.88, 1.1)
            done = (planned * Decimal(str(factor))).quantize(Decimal("0.0001"))
        rows.append((month, planned, done))
    return rows
