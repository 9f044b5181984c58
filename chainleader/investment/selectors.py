"""Reads of investment attraction for pages, exports and the API."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.chainmap.models import ChainMap
from chainleader.chains.models import Chain, MapStatus
from chainleader.engines.targets import WEIGHTS
from chainleader.enterprises.hooks import PANEL_ROWS, Panel, PanelRow

from .models import Lead, LeafOpportunity, Target

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
        "by_source": [
            {**r, "label": str(Lead.Source(r["source"]).label)}
            for r in qs.values("source")
            .annotate(
                n=Count("pk"),
                landed=Count("pk", filter=Q(stage__in=[Lead.Stage.SIGNED, Lead.Stage.LANDED])),
            )
            .order_by("-landed", "-n", "source")
        ],
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
        colour = STATUS_COLOURS.get(MapStatus(status), "#999999") if status else "#999999"
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


# ------------------------------------------------------------------------------- published catalogue

CATALOGUE_TOP = 10  # firms per segment in the published catalogue
CATALOGUE_PRODUCTS = 8  # products named per segment


def _split_products(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；\n]+", text or "") if p.strip()]


def catalogue_data(user: Any, chain: Chain, top: int = CATALOGUE_TOP) -> dict[str, Any]:
    """投资导向目录: the chain's gap segments in the target list's order (卡脖子, 缺失, 薄弱, then the tree's
    order), each with its products, its opportunity figures and its best `top` target firms, as plain data for
    catalogue.py. A published list: the Target rows and the opportunity figures only, no local firm's figures."""
    targets = Target.objects.for_user(user).filter(chain=chain)
    totals = dict(
        targets.order_by()
        .values("segment_id")
        .annotate(n=Count("pk"))
        .values_list("segment_id", "n")
    )
    derived = targets.aggregate(at=Max("derived_at"))["at"]
    rows = (
        targets.filter(rank__lte=top)
        .select_related("segment", "company")
        .order_by("priority", "segment__order", "segment_id", "rank")
    )
    # The page's own figures (complexity as a percentile among all leaves), so the two never disagree.
    figures = {p["id"]: p for p in opportunity_points(user, chain)} if totals else {}
    segments: dict[int, dict[str, Any]] = {}
    firms: set[int] = set()
    for t in rows:
        seg = segments.get(t.segment_id)
        if seg is None:
            point = figures.get(t.segment_id)
            seg = segments[t.segment_id] = {
                "id": t.segment_id,
                "name": t.segment.name,
                "position": str(t.segment.get_position_display()),
                "status": t.status,
                "status_label": str(MapStatus(t.status).label)
                if t.status in MapStatus.values
                else "—",
                "key_products": _split_products(t.segment.key_products),
                "opportunity": None
                if point is None
                else {"distance": point["distance"], "complexity": point["complexity"]},
                "total": totals.get(t.segment_id, 0),
                "targets": [],
            }
        if len(seg["targets"]) >= top:
            continue
        firms.add(t.company_id)
        seg["targets"].append(
            {
                "rank": t.rank,
                "firm": t.company.name,
                "fullname": t.company.fullname,
                "ticker": t.company.ticker,
                "board": t.board,
                "products": t.products,
                "score": round(t.score, 3),
                "reason": t.reason,
            }
        )
    for seg in segments.values():
        # The segment's curated products; without them, what its listed firms make there.
        products = list(seg.pop("key_products"))
        if not products:
            for target in seg["targets"]:
                for product in _split_products(target["products"]):
                    if product not in products:
                        products.append(product)
        seg["products"] = products[:CATALOGUE_PRODUCTS]
    place = ""
    if chain.level == Chain.Level.DISTRICT and chain.region_id:
        place = chain.region.alias or chain.region.name
    return {
        "chain": f"{place}{chain.name}",
        "date": timezone.localdate(),
        "derived_on": timezone.localtime(derived).date() if derived else None,
        "top": top,
        "weights": dict(WEIGHTS),
        "segments": list(segments.values()),
        "firms": len(firms),
    }


# ----------------------------------------------------------------------------------------- promise check

SHORTFALL = 0.8  # a result under 80 % of the promise is flagged for the chain meeting


def _ratio(actual: float | None, promised: float | None) -> float | None:
    if actual is None or not promised:
        return None
    return actual / promised


def promise_rows(user: Any, chain: Chain | None = None) -> list[dict[str, Any]]:
    """兑现核查: every signed lead whose project is producing, its promises set against its results — the
    investment completed (monthly reports), the investment intensity (completed investment per mu of the
    investor's land), 亩均税收 (the investor's latest evaluation: tax ÷ land; confidential) and jobs (the
    investor's latest yearly figures). A result under 80 % of its promise is a shortfall."""
    from django.db.models import Sum as DbSum

    from chainleader.core.querysets import scope_for
    from chainleader.enterprises.models import YearFigure
    from chainleader.evaluation.models import EvaluationResult
    from chainleader.projects.models import MonthlyReport

    confidential = scope_for(user).confidential
    leads = (
        Lead.objects.for_user(user)
        .filter(
            stage__in=[Lead.Stage.SIGNED, Lead.Stage.LANDED], project__producing_on__isnull=False
        )
        .select_related("chain", "project", "project__investor")
        .order_by("chain__name_sort", "firm_name_sort", "pk")
    )
    if chain is not None:
        leads = leads.filter(chain=chain)
    found = list(leads)
    projects = [lead.project_id for lead in found]
    investors = [
        lead.project.investor_id for lead in found if lead.project and lead.project.investor_id
    ]
    done = dict(
        MonthlyReport.objects.filter(project_id__in=projects)
        .values("project_id")
        .annotate(s=DbSum("completed_yi"))
        .values_list("project_id", "s")
    )
    evaluated: dict[int, tuple[float | None, float | None]] = {}
    for ent, tax, land in (
        EvaluationResult.objects.filter(enterprise_id__in=investors, run__status="published")
        .order_by("enterprise_id", "-run__year", "-run_id")
        .values_list("enterprise_id", "tax_wan", "land_mu")
    ):
        evaluated.setdefault(ent, (tax, land))
    jobs: dict[int, int | None] = {}
    for ent, employees in (
        YearFigure.objects.filter(enterprise_id__in=investors)
        .order_by("enterprise_id", "-year")
        .values_list("enterprise_id", "employees")
    ):
        jobs.setdefault(ent, employees)
    rows = []
    for lead in found:
        project = lead.project
        investor = project.investor_id if project else None
        invested = float(done.get(lead.project_id) or 0) or None
        tax, land = evaluated.get(investor, (None, None)) if investor else (None, None)
        intensity = invested * 10_000 / land if invested and land else None  # 亿元 → 万元 per mu
        tax_per_mu = tax / land if tax is not None and land else None
        checks = {
            "investment": (invested, float(lead.expected_investment_yi or 0) or None),
            "intensity": (intensity, float(lead.promised_intensity_wan_per_mu or 0) or None),
            "tax_per_mu": (tax_per_mu, float(lead.promised_tax_wan_per_mu or 0) or None),
            "jobs": (jobs.get(investor) if investor else None, lead.promised_jobs),
        }
        if not confidential:
            checks["tax_per_mu"] = (None, None)
        ratios = {k: _ratio(a, p) for k, (a, p) in checks.items()}
        short = [k for k, r in ratios.items() if r is not None and r < SHORTFALL]
        rows.append(
            {
                "lead": lead,
                "project": project,
                "checks": checks,
                "ratios": ratios,
                "shortfalls": short,
                "investor_missing": investor is None,
            }
        )
    return rows


CHECK_LABELS = {
    "investment": gettext_lazy("investment (100 million yuan)"),
    "intensity": gettext_lazy("investment intensity (10k yuan per mu)"),
    "tax_per_mu": gettext_lazy("tax per mu (10k yuan)"),
    "jobs": gettext_lazy("jobs"),
}


def promise_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the promise check's Excel export: per check promised, actual and the ratio."""
    header = [str(_("chain")), str(_("target firm")), str(_("project code")), str(_("stage"))]
    for label in CHECK_LABELS.values():
        header += [
            f"{label} · {_('promised')}",
            f"{label} · {_('actual')}",
            f"{label} · {_('achieved (%)')}",
        ]
    header.append(str(_("shortfalls")))
    out = []
    for r in rows:
        lead = r["lead"]
        line: list[Any] = [
            str(lead.chain),
            lead.firm_name,
            r["project"].code if r["project"] else "",
            str(lead.get_stage_display()),
        ]
        for key in CHECK_LABELS:
            actual, promised = r["checks"][key]
            ratio = r["ratios"][key]
            line += [promised, actual, round(ratio * 100, 1) if ratio is not None else None]
        line.append("、".join(str(CHECK_LABELS[k]) for k in r["shortfalls"]))
        out.append(line)
    return header, out


# --- the firm's page (enterprises.hooks.enterprise_panels; issue 15 item 5) ---------------------------------------


def enterprise_leads_panel(enterprise: Any, user: Any) -> Panel | None:
    """The leads whose target firm is the firm (linked, or bearing its name), as the user sees them; none for a firm account (the
    leads are the office's working list)."""
    if getattr(user, "role", "") == "enterprise":
        return None
    # By the registry link; a lead written before the link (none found then) still by the firm's exact name.
    qs = Lead.objects.for_user(user).filter(
        Q(enterprise=enterprise) | Q(enterprise__isnull=True, firm_name__iexact=enterprise.name)
    )
    rows = [
        PanelRow(
            f"{lead.chain} · {lead.firm_name}",
            lead.get_absolute_url(),
            f"{lead.get_stage_display()} · {lead.stage_on:%Y-%m-%d}",
        )
        for lead in qs.select_related("chain__region").order_by("-stage_on", "-pk")[:PANEL_ROWS]
    ]
    url = reverse("investment:lead_list") + "?" + urlencode({"q": enterprise.name})
    return Panel("leads", _("Investment leads"), qs.count(), rows, url)
