"""The ECharts option of a plan's progress chart (drawn by static/js/chainleader.js from JSON; CSP: no inline
script): per year, the plan's path as lines and the actuals as bars, revenue and tax."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from chainleader.core import charts

from .progress import PlanProgress


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def progress_chart(progress: PlanProgress) -> dict[str, Any] | None:
    revenue, tax = progress.metric("revenue"), progress.metric("tax")
    years = [p.year for p in revenue.points]
    if not years:
        return None
    series = []
    for metric, color in ((revenue, "#206bc4"), (tax, "#2fb344")):
        series.append(
            {
                "name": _("%(metric)s plan") % {"metric": metric.label},
                "type": "line",
                "data": [_num(p.expected) for p in metric.points],
                "lineStyle": {"type": "dashed", "color": color},
                "itemStyle": {"color": color},
                "connectNulls": True,
            }
        )
        series.append(
            {
                "name": _("%(metric)s actual") % {"metric": metric.label},
                "type": "bar",
                "data": [
                    {
                        "value": _num(p.actual),
                        # A lagging year's bar is red: the flag is readable in the chart too.
                        "itemStyle": {"color": "#d63939" if p.lagging else color},
                    }
                    for p in metric.points
                ],
                "itemStyle": {"color": color},
            }
        )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": charts.grid(top=56),
        "xAxis": charts.category_axis(years),
        "yAxis": charts.value_axis(_("10k yuan")),
        "series": series,
    }
