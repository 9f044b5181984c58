"""The chain map as an ECharts option: three columns (上游 · 中游 · 下游) built from the tree, leaves coloured by
status, the graph's leaf-to-leaf links drawn as arrows. Status colours live here and only here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from chainleader.chains.models import MapStatus

STATUS_COLOURS = {
    MapStatus.STRONG: "#2fb344",
    MapStatus.WEAK: "#f59f00",
    MapStatus.MISSING: "#adb5bd",
    MapStatus.CHOKE: "#d63939",
}
NOT_DERIVED = "#e9ecef"
GAP_ORDER = (MapStatus.CHOKE, MapStatus.MISSING, MapStatus.WEAK, MapStatus.STRONG)
# Layout units: chainmap.js sizes the chart's height so that one unit is as many pixels across as down
# (preserveAspect), so nodes stay round and a row keeps room for its label at any width.
COLUMN_X = {"up": 0, "mid": 300, "down": 600}
ROW_H = 40
INDENT = 24
MARGINS = {
    "left": 20,
    "right": 200,
    "top": 30,
    "bottom": 24,
}  # right: room for the downstream labels


def status_label(status: str) -> str:
    try:
        return str(MapStatus(status).label)
    except ValueError:
        return _("not derived")


def map_option(
    rows: Sequence[Mapping[str, Any]], links: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """``rows``: the tree in display order (dicts with id, name, position, depth, is_leaf, status, strategic,
    local_firm_count); ``links``: MapLink dicts. Parents are headings, leaves are coloured nodes."""
    nodes: list[dict[str, Any]] = []
    y = {"up": 0, "mid": 0, "down": 0}
    ids = set()
    for row in rows:
        pos = row["position"]
        x = COLUMN_X[pos] + INDENT * (row["depth"] - 1)
        status = row.get("status") or ""
        colour = STATUS_COLOURS.get(status, NOT_DERIVED)  # type: ignore[call-overload]
        leaf = row["is_leaf"]
        name = row["name"] + (" ⚑" if row.get("strategic") else "")
        nodes.append(
            {
                "id": str(row["id"]),
                "name": name,
                "x": x,
                "y": y[pos],
                "value": status_label(status),
                "symbol": "circle" if leaf else "roundRect",
                "symbolKeepAspect": True,
                "symbolSize": (10 + min(int(row.get("local_firm_count") or 0), 10))
                if leaf
                else [10, 10],
                "itemStyle": {"color": colour if leaf else "#1d273b"},
                "label": {"fontWeight": "normal" if leaf else "bold"},
            }
        )
        ids.add(str(row["id"]))
        y[pos] += ROW_H
    edges = [
        {
            "source": str(link["source"]),
            "target": str(link["target"]),
            "value": link["pairs"],
            "lineStyle": {"width": min(1 + link["pairs"] / 2, 6)},
        }
        for link in links
        if str(link["source"]) in ids and str(link["target"]) in ids
    ]
    legend = [str(MapStatus(s).label) for s in GAP_ORDER]
    return {
        "tooltip": {"formatter": "{b}：{c}"},
        "toolbox": {
            "feature": {"saveAsImage": {"title": _("Save as PNG"), "pixelRatio": 2}, "restore": {}}
        },
        "legend": [{"data": legend, "show": False}],
        "series": [
            {
                "type": "graph",
                "layout": "none",
                **MARGINS,
                "preserveAspect": "contain",  # ECharts 6 stretches a graph to its box unless told
                "roam": True,
                "draggable": False,
                "nodeScaleRatio": 0,  # node sizes in pixels, whatever the zoom
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 7,
                "label": {"show": True, "position": "right", "fontSize": 12},
                "emphasis": {"focus": "adjacency"},
                "data": nodes,
                "links": edges,
                "lineStyle": {"color": "#6c7a91", "curveness": 0.25, "opacity": 0.6},
            }
        ],
    }
