"""Pieces every ECharts option shares (ECharts 6, vendored in static/): margins that keep axis labels *and* axis
names inside the chart, category axes that label every category, value axes that say their unit.

ECharts 6 note: ``grid.containLabel: true`` is the version-5 switch and keeps only the tick labels inside the
grid's box; an axis name at the end of an axis still runs past the edge (得分 was cut to 得 that way). The box
that contains labels and names alike is ``outerBoundsMode: "same"`` with ``outerBoundsContain: "all"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# What a label needs in pixels at the 12 px axis font: CJK characters are square, digits and Latin about half.
CJK_PX = 12
OTHER_PX = 7
# Room for the category labels of a horizontal axis in the narrowest chart they are drawn in (a half-width card
# at 1280 px, less the value axis): wider labels than that are turned 45° rather than dropped.
CATEGORY_ROOM_PX = 400


def grid(*, left: int = 8, right: int = 16, top: int = 48, bottom: int = 8) -> dict[str, Any]:
    """The plot's margins; axis labels and axis names are drawn inside them, never clipped."""
    return {
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "outerBoundsMode": "same",
        "outerBoundsContain": "all",
    }


def text_px(text: str) -> int:
    return sum(CJK_PX if ord(ch) >= 0x2E80 else OTHER_PX for ch in text)


def category_axis(
    labels: Sequence[Any],
    *,
    name: str = "",
    vertical: bool = False,
    room: int = CATEGORY_ROOM_PX,
    **extra: Any,
) -> dict[str, Any]:
    """A category axis that labels every category (``interval: 0``; ECharts otherwise skips labels that
    crowd). Horizontal labels that would not fit side by side in ``room`` pixels are turned 45°."""
    data = [str(label) for label in labels]
    label: dict[str, Any] = {"interval": 0}
    if not vertical and data:
        widest = max(text_px(t) for t in data)
        if len(data) * (widest + 8) > room:
            label["rotate"] = 45
    axis: dict[str, Any] = {"type": "category", "data": data, "axisLabel": label, **extra}
    if name:
        axis.update(name=str(name), nameLocation="middle", nameGap=28)  # moved clear of the labels
    return axis


def value_axis(name: str, *, vertical: bool = True, **extra: Any) -> dict[str, Any]:
    """A value axis named with what it counts or its unit: above a vertical axis, under a horizontal one."""
    axis: dict[str, Any] = {"type": "value", "name": str(name), **extra}
    if not vertical:
        axis.update(nameLocation="middle", nameGap=28)
    return axis
