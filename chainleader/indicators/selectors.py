"""Reads of the indicator system: targets with their actuals and attainment, per chain and per district.

A year's actual is the year's own value (period 0) when there is one, else the latest period's (a month's or a
quarter's value is the year to date). Attainment is the actual against the value the linear pace from the base
expects in that year (engines.indicators.attainment; 100 = on pace); without a base, against the target.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chainleader.engines import indicators as engine

from .models import IndicatorTarget, IndicatorValue

Subject = tuple[int | None, int | None]  # (region id, chain id)


@dataclass(frozen=True)
class TargetRow:
    target: IndicatorTarget
    year: int
    actual: Decimal | None
    expected: float | None
    attainment: float | None


def expected_value(target: IndicatorTarget, year: int) -> float | None:
    if target.target_value is None:
        return None
    if target.base_value is None or target.base_year is None:
        return float(target.target_value)
    return engine.expected_at(
        target.base_value, target.target_value, target.base_year, target.target_year, year
    )


def year_actuals(
    values: Iterable[tuple[int, int | None, int | None, int, int, Decimal]],
) -> dict[tuple[int, Subject, int], Decimal]:
    """(indicator, subject, year) -> the year's actual, from (indicator, region, chain, year, period, value)."""
    best: dict[tuple[int, Subject, int], tuple[int, Decimal]] = {}
    for ind, region, chain, year, period, value in values:
        key = (ind, (region, chain), year)
        rank = 99 if period == 0 else period
        if key not in best or rank > best[key][0]:
            best[key] = (rank, value)
    return {k: v for k, (_r, v) in best.items()}


def target_rows(user: Any, year: int, targets: Any = None) -> list[TargetRow]:
    """The targets the user sees (or those given, already scoped), with the year's actual and attainment."""
    qs = IndicatorTarget.objects.for_user(user) if targets is None else targets
    items = list(qs.select_related("indicator", "chain", "region"))
    ids = {t.indicator_id for t in items}
    values = IndicatorValue.objects.for_user(user).filter(indicator_id__in=ids, year=year)
    actuals = year_actuals(
        values.values_list("indicator_id", "region_id", "chain_id", "year", "period", "value")
    )
    rows = []
    for t in items:
        actual = actuals.get((t.indicator_id, (t.region_id, t.chain_id), year))
        expected = expected_value(t, year)
        pct = None
        if actual is not None and expected is not None:
            pct = engine.attainment(
                actual=actual, expected=expected, direction=t.indicator.direction
            )
        rows.append(TargetRow(t, year, actual, expected, pct))
    return rows


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1)


def attainment(user: Any, year: int) -> dict[str, dict[int, float]]:
    """Mean attainment (percent, 100 = on pace) of the targets with an actual in ``year``, per chain id and per
    district region id, over what ``user`` sees: {"chains": {chain_id: pct}, "districts": {region_id: pct}}.
    Targets running past ``year`` count with the pace's value for that year."""
    qs = IndicatorTarget.objects.for_user(user).filter(target_year__gte=year)
    qs = qs.exclude(base_year__gt=year)
    chains: dict[int, list[float]] = defaultdict(list)
    districts: dict[int, list[float]] = defaultdict(list)
    for row in target_rows(user, year, qs):
        if row.attainment is None:
            continue
        if row.target.chain_id:
            chains[row.target.chain_id].append(row.attainment)
        elif row.target.region_id:
            districts[row.target.region_id].append(row.attainment)
    return {
        "chains": {k: _mean(v) for k, v in chains.items()},
        "districts": {k: _mean(v) for k, v in districts.items()},
    }


def chain_links(user: Any, chain: Any) -> list[tuple[str, str]]:
    """The chain page's link to its targets with actuals and attainment (chains.hooks.target_links)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if getattr(user, "role", "") == "enterprise":
        return []
    return [
        (
            _("Targets with actuals and attainment"),
            reverse("indicators:chain_targets", args=[chain.pk]),
        )
    ]
