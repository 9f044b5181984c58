"""Every chart's ECharts option keeps its words readable: axis labels and axis names inside the chart (得分 was
clipped), every category labelled, value axes and both heat-map axes titled, the distribution map's district
labels short and kept apart, the chain map's nodes round with nothing cut off."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from chainleader.chainmap import charts as map_charts
from chainleader.core import charts
from chainleader.evaluation import charts as eval_charts
from chainleader.projects import selectors as project_selectors
from chainleader.projects.models import Project

DISTRICTS = [
    "市南区",
    "市北区",
    "黄岛区",
    "崂山区",
    "李沧区",
    "城阳区",
    "即墨区",
    "胶州市",
    "平度市",
    "莱西市",
]


def axes(option: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = option.get(key, [])
    return value if isinstance(value, list) else [value]


def assert_readable(option: dict[str, Any]) -> None:
    """The grid contains labels and names; every category is labelled; every value axis is named."""
    grid = option["grid"]
    assert (
        grid.get("containLabel") is not True
    )  # ECharts 6: contains tick labels only, clips axis names
    assert grid["outerBoundsMode"] == "same" and grid["outerBoundsContain"] == "all"
    for axis in axes(option, "xAxis") + axes(option, "yAxis"):
        if axis["type"] == "category":
            assert axis["axisLabel"]["interval"] == 0, axis
            assert all(str(label) for label in axis["data"])
        else:
            assert str(axis.get("name", "")).strip(), axis


def by_district(n: int = 10) -> list[dict[str, Any]]:
    return [
        {"code": f"3702{i:02d}", "name": name, "A": 3, "B": 5, "C": 2, "D": 1, "total": 11}
        for i, name in enumerate(DISTRICTS[:n])
    ]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_grid_contains_labels_and_names():
    grid = charts.grid(right=24)
    assert grid["right"] == 24
    assert grid["outerBoundsMode"] == "same" and grid["outerBoundsContain"] == "all"


def test_category_labels_turn_when_they_would_crowd_and_never_drop():
    few = charts.category_axis(["A", "B", "C"])
    many = charts.category_axis([f"{i * 10}–{i * 10 + 10}" for i in range(21)])
    side = charts.category_axis(DISTRICTS * 3, vertical=True)
    assert few["axisLabel"] == {"interval": 0}
    assert many["axisLabel"] == {"interval": 0, "rotate": 45}
    assert side["axisLabel"] == {"interval": 0}  # names beside a vertical axis never need turning


def test_district_and_chain_class_charts():
    for option in (
        eval_charts.grades_stacked(by_district()),
        eval_charts.grades_stacked(by_district(), vertical_names=True),
    ):
        assert_readable(option)
    upright = eval_charts.grades_stacked(by_district())
    assert upright["xAxis"]["data"] == DISTRICTS
    assert upright["yAxis"]["name"] == "企业数"
    lying = eval_charts.grades_stacked(by_district(), vertical_names=True)
    assert lying["yAxis"]["data"] == DISTRICTS and lying["xAxis"]["name"] == "企业数"
    assert lying["xAxis"]["nameLocation"] == "middle"


def test_score_distribution_names_its_score_axis_inside_the_chart():
    bins = [f"{i * 10}–{i * 10 + 10}" for i in range(21)]
    option = eval_charts.score_histogram(
        {"bins": bins, "groups": {"规上": [1] * 21, "规下": [2] * 21}}
    )
    assert_readable(option)
    assert option["xAxis"]["name"] == "得分"
    assert option["xAxis"]["nameLocation"] == "middle"  # under the labels, not past the right edge
    assert option["xAxis"]["data"] == bins
    assert option["yAxis"]["name"] == "企业数"


def test_tax_per_mu_labels_every_district_and_keeps_the_average_inside():
    option = eval_charts.tax_per_mu(
        {
            "city": 100.99,
            "districts": [{"name": n, "tax_per_mu": 50.0 + i} for i, n in enumerate(DISTRICTS)],
        }
    )
    assert_readable(option)
    assert option["xAxis"]["data"] == DISTRICTS
    assert option["yAxis"]["name"] == "万元/亩"
    assert option["series"][0]["markLine"]["label"]["position"] == "insideEndTop"


def test_movement_heat_map_titles_both_axes_with_their_year():
    class Before:
        year = 2022

    labels = ("A", "B", "C", "D", "")
    option = eval_charts.movement(
        {"run": Before(), "labels": labels, "matrix": [[1] * 5 for _ in labels]}, year=2023
    )
    assert_readable(option)
    assert option["series"][0]["type"] == "heatmap"
    x, y = option["xAxis"], option["yAxis"]
    assert "2023" in x["name"] and "2022" in y["name"]
    assert x["nameLocation"] == y["nameLocation"] == "middle"
    assert x["data"][-1] == y["data"][-1] == "未定级"
    assert (
        option["visualMap"]["show"] is False
    )  # every cell carries its count; no scale under the axis


def test_contributions_name_the_points_axis():
    parts = [
        {"name": "亩均税收", "score": 28.4, "weight": 30.0},
        {"name": "亩均增加值", "score": 24.9, "weight": 20.0},
    ]
    option = eval_charts.contributions(parts)
    assert_readable(option)
    assert option["xAxis"]["name"] == "得分"
    assert option["yAxis"]["data"] == ["亩均税收", "亩均增加值"]


def test_monthly_investment_chart_labels_every_month():
    series = [
        {"month": date(2026, m, 1), "planned": Decimal("1.5"), "completed": Decimal("1.2")}
        for m in range(1, 13)
    ]
    option = project_selectors.monthly_chart_option(series)
    assert_readable(option)
    assert option["xAxis"]["data"] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert option["xAxis"]["name"] == "月份" and option["yAxis"]["name"] == "亿元"


@pytest.mark.django_db
def test_distribution_map_labels_are_short_and_kept_apart():
    names = {
        "370202": "市南区",
        "370203": "市北区",
        "370212": "崂山区",
        "370213": "李沧区",
        "370211": "黄岛区",
    }
    option = project_selectors.map_option(Project.objects.none(), "qingdao", names)
    series = option["series"][0]
    assert series["labelLayout"] == {"hideOverlap": True}
    items = {d["code"]: d for d in series["data"]}
    assert {c: d["label"]["formatter"] for c, d in items.items()} == {
        "370202": "市南",
        "370203": "市北",
        "370212": "崂山",
        "370213": "李沧",
        "370211": "黄岛",
    }
    central = [items[c]["labelShift"] for c in ("370202", "370203", "370212", "370213")]
    assert len({tuple(s) for s in central}) == 4  # each of the four moved its own way
    assert "labelShift" not in items["370211"]
    assert all(
        d["tip"] for d in items.values()
    )  # the tooltip's words come with the data, translated


@pytest.mark.django_db
def test_distribution_map_tooltip_words_follow_the_language():
    names = {"370211": "黄岛区"}
    with translation.override("en"):
        tip = project_selectors.map_option(Project.objects.none(), "qingdao", names)["series"][0][
            "data"
        ][0]["tip"]
    assert tip == "Investment 0.00 (100 million yuan) · 0 projects"


def test_chain_map_keeps_nodes_round_and_leaves_room_for_labels():
    rows = [
        {"id": 1, "name": "原材料", "position": "up", "depth": 1, "is_leaf": False},
        {
            "id": 2,
            "name": "钢材",
            "position": "up",
            "depth": 2,
            "is_leaf": True,
            "status": "strong",
            "local_firm_count": 40,
        },
        {"id": 3, "name": "白色家电", "position": "mid", "depth": 1, "is_leaf": False},
        {
            "id": 4,
            "name": "冰箱冷柜",
            "position": "mid",
            "depth": 2,
            "is_leaf": True,
            "status": "weak",
        },
        {"id": 5, "name": "销售渠道", "position": "down", "depth": 1, "is_leaf": False},
        {
            "id": 6,
            "name": "家电零售与电商",
            "position": "down",
            "depth": 2,
            "is_leaf": True,
            "status": "missing",
        },
    ]
    option = map_charts.map_option(rows, [{"source": 2, "target": 4, "pairs": 3}])
    series = option["series"][0]
    assert series["preserveAspect"] == "contain"  # ECharts 6 stretches a graph to its box otherwise
    assert series["right"] >= 200 and series["bottom"] >= 20
    sizes = [n["symbolSize"] for n in series["data"] if n["symbol"] == "circle"]
    assert (
        max(sizes) < map_charts.ROW_H * 0.6
    )  # a node never fills its row, however many firms it has
