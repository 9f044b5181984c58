"""Reads of investment attraction for pages, exports and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from chainleader.chainmap.models import ChainMap
from chainleader.chains.models import Chain, MapStatus

from .models import Lead, LeafOpportunity

STRATEGIES = ("low_hanging", "balanced", "long_jump")


def _percentiles(values: list[float]) -> dict[float, float]:
    ordered = sorted(values)
    n = max(len(ordered) - 1, 1)
    return {v: 100.0 * i / n for i, v in enumerate(ordered)}


def opportunity_points(user: Any, chain: Chain, strategy: str = "balanced") -> list[dict[str, Any]]:
    """The chain's gap leaves (all but the map's strong ones) as points of the feasibility chart: x distance, y complexity (percentile among all
    leaves) and opportunity gain, size national output, colour the map status; ranked by the strategy:
    low-hanging (near, whatever the complexity), long jump (complex, whatever the distance), balanced (both)."""
    status = {}
    snapshot = ChainMap.objects.for_user(user).filter(chain=chain).first()
    if snapshot is not None:
        status = {int(s["id"]): s.get("status", "") for s in snapshot.segments if s.get("is_leaf")}
    all_pci = [
        c for c in LeafOpportunity.objects.values_list("complexity", flat=True) if c is not None
    ]
    rank = _percentiles(all_pci)
    rows = []
    for o in (
        LeafOpportunity.objects.for_user(user)
        .exclude(segment_id__in=[k for k, v in status.items() if v == "strong"])
        .filter(segment__chain=chain)
        .select_related("segment")
        .annotate(targets=Count("segment__investment_targets"))
    ):
        # No listed maker anywhere (a true chokepoint such as 光刻设备): complexity cannot be measured.
        complexity = rank.get(o.complexity) if o.complexity is not None else None
        near = 1.0 - o.distance
        level = (complexity or 0.0) / 100.0
        score = {
            "low_hanging": near,
            "long_jump": level,
            "balanced": 0.5 * near + 0.5 * level,
        }
        rows.append(
            {
                "id": o.segment_id,
                "name": o.segment.name,
                "position": o.segment.position,
                "status": status.get(o.segment_id, ""),
                "status_label": str(MapStatus(status[o.segment_id]).label)
                if status.get(o.segment_id) in MapStatus.values
                else "—",
                "distance": round(o.distance, 3),
                "density": round(o.density, 3),
                "complexity": round(complexity, 1) if complexity is not None else None,
                "gain": round(o.opportunity_gain, 3),
                "output": round(o.output, 2),
                "producers": o.producers,
                "targets": o.targets,
                "score": round(score.get(strategy, score["balanced"]), 3),
            }
        )
    rows.sort(key=lambda r: (-r["score"], r["name"]))
    return rows


def lead_counts(user: Any, chain: Chain | None = None) -> dict[str, Any]:
    qs = Lead.objects.for_user(user)
    if chain is not None:
        qs = qs.filter(chain=chain)
    by_stage = dict(qs.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    signed = qs.filter(stage__in=[Lead.Stage.SIGNED, Lead.Stage.LANDED])
    return {
        "by_stage": by_stage,
        "total": sum(by_stage.values()),
        "signed": signed.count(),
        "signed_yi": signed.aggregate(s=Sum("expected_investment_yi"))["s"],
        "by_source": list(
            qs.values("source")
            .annotate(
                n=Count("pk"),
                landed=Count("pk", filter=Q(stage__in=[Lead.Stage.SIGNED, Lead.Stage.LANDED])),
            )
            .order_by("source")
        ),
    }


def opportunity_chart(
    points: list[dict[str, Any]], status_labels: dict[str, str]
) -> dict[str, Any]:
    """The ECharts option of the feasibility chart: one series per map status."""
    from chainleader.chainmap.charts import GAP_ORDER, STATUS_COLOURS
    from chainleader.core import charts

    top = max((p["output"] for p in points), default=1.0) or 1.0
    series = []
    for status in [*GAP_ORDER, ""]:
        colour = STATUS_COLOURS.get(status, "#999999")
        mine = [p for p in points if p["status"] == status and p["complexity"] is not None]
        if not mine:
            continue
        series.append(
            {
                "type": "scatter",
                "name": status_labels.get(status, status or "—"),
                "itemStyle": {"color": colour, "opacity": 0.8},
                "data": [
                    {
                        "name": p["name"],
                        "value": [p["distance"], p["complexity"], p["output"]],
                        "symbolSize": 8 + 40 * (p["output"] / top) ** 0.5,
                    }
                    for p in mine
                ],
                "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 11},
                "labelLayout": {"hideOverlap": True},
            }
        )
    return {
        "grid": charts.grid(top=40, right=24),
        "legend": {"top": 0},
        "tooltip": {"trigger": "item"},
        "xAxis": charts.value_axis(
            _("distance (1 − density of local capabilities)"), vertical=False, min=0, max=1
        ),
        "yAxis": charts.value_axis(_("complexity (percentile)"), min=0, max=100),
        "series": series,
    }
