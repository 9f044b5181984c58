"""The ECharts option of an indicator's values (drawn by static/js/chainleader.js from JSON; CSP: no inline
script): the yearly values (period 0, else the year's latest period) of the city and each subject, as lines."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from chainleader.core import charts

from .selectors import year_actuals


def values_chart(indicator: Any, values: list[Any]) -> dict[str, Any] | None:
    rows = [(indicator.pk, v.region_id, v.chain_id, v.year, v.period, v.value) for v in values]
    actuals = year_actuals(rows)
    if not actuals:
        return None
    names = {(v.region_id, v.chain_id): v.subject_label for v in values}
    years = sorted({year for (_i, _s, year) in actuals})
    lines: dict[Any, dict[int, Decimal]] = defaultdict(dict)
    for (_i, subject, year), value in actuals.items():
        lines[subject][year] = value
    series = [
        {
            "name": names.get(subject, ""),
            "type": "line",
            "connectNulls": True,
            "data": [None if y not in by_year else float(by_year[y]) for y in years],
        }
        for subject, by_year in sorted(lines.items(), key=lambda kv: str(names.get(kv[0], "")))[:10]
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": charts.grid(top=56),
        "xAxis": charts.category_axis(years),
        "yAxis": charts.value_axis(indicator.unit),
        "series": series,
    }
