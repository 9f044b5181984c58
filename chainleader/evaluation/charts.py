"""ECharts options for the evaluation pages, built from selector data (plain JSON, no figures added).

The page puts each option in a json_script tag; chainleader.js draws every [data-chart] element
(CSP: no inline scripts). Series carry only what the selectors computed on the user's scoped set.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from chainleader.core.charts import category_axis, grid, value_axis

from .models import Grade

GRADE_COLOURS = {"A": "#2fb344", "B": "#206bc4", "C": "#f59f00", "D": "#d63939", "": "#adb5bd"}
SAVE = {"feature": {"saveAsImage": {"title": "PNG", "pixelRatio": 2}}}


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def grades_stacked(rows: list[dict[str, Any]], *, vertical_names: bool = False) -> dict[str, Any]:
    """Stacked bars: one bar per district (or chain), one segment per class; every district or chain named."""
    names = [r["name"] for r in rows]
    firms = value_axis(_("firms"), vertical=not vertical_names)
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "data": [str(Grade(g).label) for g in Grade.values]},
        "toolbox": SAVE,
        "grid": grid(right=24, top=56),
        "xAxis": firms if vertical_names else category_axis(names),
        "yAxis": category_axis(names, vertical=True, inverse=True) if vertical_names else firms,
        "series": [
            {
                "name": str(Grade(g).label),
                "type": "bar",
                "stack": "classes",
                "itemStyle": {"color": GRADE_COLOURS[g]},
                "data": [r.get(g, 0) for r in rows],
            }
            for g in Grade.values
        ],
    }


def score_histogram(hist: dict[str, Any]) -> dict[str, Any]:
    """Graded firms per score bin, a bar per group; every bin labelled, the score axis named under it."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": list(hist["groups"])},
        "toolbox": SAVE,
        "grid": grid(right=24, top=56),
        "xAxis": category_axis(hist["bins"], name=_("score")),
        "yAxis": value_axis(_("firms")),
        "series": [
            {"name": group, "type": "bar", "data": counts}
            for group, counts in hist["groups"].items()
        ],
    }


def tax_per_mu(data: dict[str, Any]) -> dict[str, Any]:
    """亩均税收 per district as bars, the city average as a line across them (labelled inside the plot)."""
    districts = data["districts"]
    series: dict[str, Any] = {
        "name": _("tax per mu (10k yuan)"),
        "type": "bar",
        "data": [_r(d["tax_per_mu"]) for d in districts],
        "label": {"show": True, "position": "top", "formatter": "{c}"},
        "itemStyle": {"color": "#206bc4"},
    }
    if data["city"] is not None:
        series["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": "#d63939", "type": "dashed"},
            "label": {
                "position": "insideEndTop",
                "formatter": _("city average %(value)s") % {"value": _r(data["city"])},
            },
            "data": [{"yAxis": _r(data["city"], 4)}],
        }
    return {
        "tooltip": {"trigger": "axis"},
        "toolbox": SAVE,
        "grid": grid(right=16, top=48),
        "xAxis": category_axis([d["name"] for d in districts]),
        "yAxis": value_axis(_("10k yuan per mu")),
        "series": [series],
    }


def movement(data: dict[str, Any], *, year: int | None = None) -> dict[str, Any]:
    """Class last year (rows) → class this year (columns) as a heat map with counts; both axes titled with
    their year. Every cell carries its count, so no colour scale is drawn."""
    labels = [g or _("not graded") for g in data["labels"]]
    cells = [[j, i, n] for i, row in enumerate(data["matrix"]) for j, n in enumerate(row)]
    top = max((n for _j, _i, n in cells), default=0)
    before = getattr(data.get("run"), "year", None)
    return {
        "tooltip": {"position": "top"},
        "toolbox": SAVE,
        "grid": grid(left=8, right=16, top=30, bottom=8),
        "xAxis": category_axis(
            labels,
            name=_("class in %(year)s") % {"year": year} if year else _("this year"),
            position="bottom",
            splitArea={"show": True},
        ),
        "yAxis": category_axis(
            labels,
            name=_("class in %(year)s") % {"year": before} if before else _("last year"),
            vertical=True,
            inverse=True,
            splitArea={"show": True},
        ),
        "visualMap": {
            "show": False,
            "min": 0,
            "max": max(top, 1),
            "inRange": {"color": ["#f1f5f9", "#206bc4"]},
        },
        "series": [
            {
                "name": _("firms"),
                "type": "heatmap",
                "data": cells,
                "label": {"show": True},
            }
        ],
    }


def contributions(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """A firm's points per indicator beside the indicator's weight (the points at the benchmark)."""
    names = [p["name"] for p in parts]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "data": [_("points"), _("weight (points at the benchmark)")]},
        "toolbox": SAVE,
        "grid": grid(right=24, top=40),
        "xAxis": value_axis(_("points"), vertical=False),
        "yAxis": category_axis(names, vertical=True, inverse=True),
        "series": [
            {
                "name": _("points"),
                "type": "bar",
                "data": [_r(p["score"]) for p in parts],
                "label": {"show": True, "position": "right"},
                "itemStyle": {"color": "#206bc4"},
            },
            {
                "name": _("weight (points at the benchmark)"),
                "type": "bar",
                "data": [_r(p["weight"]) for p in parts],
                "itemStyle": {"color": "#ced4da"},
            },
        ],
    }
