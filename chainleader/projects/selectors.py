"""Reads for project pages, maps, dashboards and briefs. Each starts from the user's scoped queryset, and the
totals are computed on that set in the database (SECURITY.md AC2), a few grouped queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chainleader.chains.models import Chain
from chainleader.core import charts
from chainleader.enterprises.hooks import PANEL_ROWS, Panel, PanelRow
from chainleader.reference.models import Region

from .models import (
    BAND_ABOVE_100M_YI,
    BAND_BIG_YI,
    BIG_PROJECTS_TARGET_PER_CHAIN,
    STAGE_ORDER,
    MonthlyReport,
    Problem,
    Project,
    Stage,
    StartBatch,
)
from .querysets import overdue_q

YI = DecimalField(max_digits=20, decimal_places=4)
ZERO = Value(Decimal("0"), output_field=YI)


class Band:
    """Investment bands the office reports: ≥ 20亿, 亿元以上 (1–20亿), below 1亿."""

    BIG = "big"
    ABOVE_100M = "above_100m"
    SMALL = "small"

    @staticmethod
    def choices() -> list[tuple[str, str]]:
        return [
            (Band.BIG, _("≥ 2 billion yuan")),
            (Band.ABOVE_100M, _("100 million – 2 billion yuan")),
            (Band.SMALL, _("below 100 million yuan")),
        ]

    @staticmethod
    def expression() -> Case:
        return Case(
            When(total_investment_yi__gte=BAND_BIG_YI, then=Value(Band.BIG)),
            When(total_investment_yi__gte=BAND_ABOVE_100M_YI, then=Value(Band.ABOVE_100M)),
            default=Value(Band.SMALL),
            output_field=CharField(),
        )

    @staticmethod
    def q(band: str) -> Q:
        if band == Band.BIG:
            return Q(total_investment_yi__gte=BAND_BIG_YI)
        if band == Band.ABOVE_100M:
            return Q(
                total_investment_yi__gte=BAND_ABOVE_100M_YI, total_investment_yi__lt=BAND_BIG_YI
            )
        return Q(total_investment_yi__lt=BAND_ABOVE_100M_YI)


def completed_in_year(year: int) -> Coalesce:
    """Per project: completed investment in the reported months of `year` (a correlated subquery)."""
    sub = (
        MonthlyReport.objects.filter(project=OuterRef("pk"), month__year=year)
        .order_by()
        .values("project")
        .annotate(s=Sum("completed_yi"))
        .values("s")
    )
    return Coalesce(Subquery(sub, output_field=YI), ZERO)


def totals(qs: QuerySet[Any], year: int) -> dict[str, Any]:
    """The figures an office reports for a set of projects, in one query: count, total investment, completed
    this year, 亿元以上 count, ≥ 20亿 count, lagging count."""
    row = qs.order_by().aggregate(
        count=Count("pk"),
        total_yi=Coalesce(Sum("total_investment_yi"), ZERO),
        above_100m=Count("pk", filter=Q(total_investment_yi__gte=BAND_ABOVE_100M_YI)),
        big=Count("pk", filter=Q(total_investment_yi__gte=BAND_BIG_YI)),
        lagging=Count("pk", filter=Q(is_lagging=True)),
        completed_year_yi=Coalesce(Sum(completed_in_year(year)), ZERO),
    )
    row["year"] = year
    return row


GROUPS = {
    "chain": ("chain", "chain__name"),
    "district": ("district", "district__name"),
    "stage": ("stage", None),
    "band": ("band", None),
}


def summary_by(qs: QuerySet[Any], group: str, year: int) -> list[dict[str, Any]]:
    """One row per chain / district / stage / band with count, investment and completed this year (one query)."""
    key, label = GROUPS[group]
    base = qs.order_by()
    if group == "band":
        base = base.annotate(band=Band.expression())
    done = (
        MonthlyReport.objects.filter(project__in=qs.values("pk"), month__year=year)
        .order_by()
        .values(f"project__{key}" if group not in ("band",) else "project")
    )
    values = [key] + ([label] if label else [])
    rows = list(
        base.values(*values).annotate(
            count=Count("pk"),
            total_yi=Coalesce(Sum("total_investment_yi"), ZERO),
            big=Count("pk", filter=Q(total_investment_yi__gte=BAND_BIG_YI)),
            lagging=Count("pk", filter=Q(is_lagging=True)),
        )
    )
    if group == "band":
        per_project = dict(done.annotate(s=Sum("completed_yi")).values_list("project", "s"))
        bands = dict(base.values_list("pk", "band"))
        completed: dict[Any, Decimal] = {}
        for pk, value in per_project.items():
            completed[bands.get(pk)] = completed.get(bands.get(pk), Decimal("0")) + (value or 0)
    else:
        completed = dict(done.annotate(s=Sum("completed_yi")).values_list(f"project__{key}", "s"))
    labels = (
        dict(Stage.choices) if group == "stage" else dict(Band.choices()) if group == "band" else {}
    )
    order = (
        STAGE_ORDER
        if group == "stage"
        else [b for b, _l in Band.choices()]
        if group == "band"
        else None
    )
    for row in rows:
        row["key"] = row[key]
        row["label"] = row.get(label) if label else labels.get(row[key], row[key])
        row["completed_year_yi"] = completed.get(row[key]) or Decimal("0")
    if order is not None:
        rows.sort(key=lambda r: order.index(r["key"]))
    else:
        rows.sort(key=lambda r: (-r["total_yi"], str(r["label"])))
    return rows


# --------------------------------------------------------------------------------------------- KPI


@dataclass
class ChainKpi:
    """A chain's count toward 各产业链每年引进20亿元以上项目或行业引领性项目不少于2个: projects signed in the year
    that are ≥ 20亿 or flagged industry-leading (one project counts once)."""

    chain: Chain
    big_signed: int
    leading_signed: int = 0
    counted: int = 0
    target: int = BIG_PROJECTS_TARGET_PER_CHAIN

    @property
    def met(self) -> bool:
        return self.counted >= self.target


def chain_kpis(user: Any, year: int, chains: QuerySet[Any] | None = None) -> list[ChainKpi]:
    """Per chain in scope: projects signed this year of ≥ 20亿 or industry-leading, against the target of 2."""
    signed = (
        Project.objects.for_user(user)
        .filter(chain=OuterRef("pk"), signed_on__year=year)
        .filter(Q(total_investment_yi__gte=BAND_BIG_YI) | Q(is_leading=True))
        .order_by()
        .values("chain")
    )

    def count(where: Q) -> Coalesce:
        sub = signed.filter(where).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(sub, output_field=IntegerField()), 0)

    qs = (chains if chains is not None else Chain.objects.for_user(user)).select_related("region")
    qs = qs.annotate(
        big_signed=count(Q(total_investment_yi__gte=BAND_BIG_YI)),
        leading_signed=count(Q(is_leading=True)),
        counted=count(Q()),
    )
    return [
        ChainKpi(
            chain=c, big_signed=c.big_signed, leading_signed=c.leading_signed, counted=c.counted
        )
        for c in qs
    ]


# --------------------------------------------------------------------------------------------- events


def event_totals(user: Any, projects: QuerySet[Any], year: int) -> list[dict[str, Any]]:
    """Per kind of event (集中开工, 签约仪式, 竣工投产) held in the year: events, projects and their investment,
    counted over `projects` (the page's scoped set: a chain's, a district's, the city's). An event none of
    whose projects is in the set does not count; a project at two events of a kind counts at each."""
    through = StartBatch.projects.through.objects.filter(
        startbatch__in=StartBatch.objects.for_user(user).filter(held_on__year=year),
        project__in=projects,
    )
    rows = {
        r["startbatch__kind"]: r
        for r in through.order_by()
        .values("startbatch__kind")
        .annotate(
            events=Count("startbatch", distinct=True),
            projects=Count("project"),
            online=Count("startbatch", distinct=True, filter=Q(startbatch__online=True)),
            total_yi=Coalesce(Sum("project__total_investment_yi"), ZERO),
        )
    }
    out = []
    for kind, label in StartBatch.Kind.choices:
        r: dict[str, Any] = dict(rows.get(kind, {}))
        out.append(
            {
                "kind": kind,
                "label": label,
                "events": r.get("events", 0),
                "projects": r.get("projects", 0),
                "online": r.get("online", 0),
                "total_yi": r.get("total_yi", Decimal("0")),
            }
        )
    return out


# --------------------------------------------------------------------------------------------- map


def district_figures(qs: QuerySet[Any]) -> list[dict[str, Any]]:
    """Per district (county): count, total investment, lagging count, for the distribution map."""
    rows = (
        qs.order_by()
        .values("district__code", "district__name")
        .annotate(
            count=Count("pk"),
            total_yi=Coalesce(Sum("total_investment_yi"), ZERO),
            lagging=Count("pk", filter=Q(is_lagging=True)),
        )
    )
    return [
        {
            "code": r["district__code"],
            "name": r["district__name"],
            "count": r["count"],
            "total_yi": r["total_yi"],
            "lagging": r["lagging"],
        }
        for r in rows
    ]


# The distribution map draws each district's short name (市南, not 市南区) at the boundary file's label point.
# The four central districts are a few pixels apart at the first zoom, so their labels are moved (pixels): 市北
# over the bay to the west, 市南 onto the sea to the south, 崂山 onto its own land to the east. Whatever still
# overlaps on a narrow screen is hidden (labelLayout.hideOverlap) and comes back when the map is zoomed.
MAP_LABEL_SHIFTS = {
    "370203": [-22, -2],  # 市北区
    "370202": [6, 14],  # 市南区
    "370212": [24, -4],  # 崂山区
    "370213": [2, -6],  # 李沧区
}


def short_region_name(name: str) -> str:
    """市南区 → 市南, 胶州市 → 胶州 (the label on the map; the tooltip and the table keep the full name)."""
    return name[:-1] if len(name) > 2 and name.endswith(("区", "市", "县")) else name


def map_option(qs: QuerySet[Any], map_name: str, region_names: dict[str, str]) -> dict[str, Any]:
    """The ECharts option of the distribution map: districts coloured by total investment, each labelled with
    its short name, labels that would overlap moved apart or hidden; the tooltip text comes translated."""
    figures = {f["code"]: f for f in district_figures(qs)}
    data = []
    for code, geo_name in region_names.items():
        f = figures.get(code, {"count": 0, "total_yi": Decimal("0"), "lagging": 0})
        tip = [
            _("Investment %(amount)s (100 million yuan)") % {"amount": f"{f['total_yi']:,.2f}"},
            ngettext("%(count)s project", "%(count)s projects", f["count"]) % {"count": f["count"]},
        ]
        if f["lagging"]:
            tip.append(_("%(count)s lagging") % {"count": f["lagging"]})
        item: dict[str, Any] = {
            "name": geo_name,
            "value": float(f["total_yi"]),
            "count": f["count"],
            "lagging": f["lagging"],
            "code": code,
            "tip": " · ".join(tip),
            "label": {"formatter": short_region_name(geo_name)},
        }
        if code in MAP_LABEL_SHIFTS:
            item["labelShift"] = MAP_LABEL_SHIFTS[code]
        data.append(item)
    top = max([d["value"] for d in data] + [1.0])
    return {
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": round(top, 2),
            "left": "left",
            "bottom": 10,
            "calculable": True,
            "text": [str(_("high")), str(_("low"))],
            "inRange": {"color": ["#e8f1fb", "#74a9de", "#206bc4"]},
        },
        "series": [
            {
                "type": "map",
                "map": map_name,
                "roam": True,
                "name": str(_("Total investment (100 million yuan)")),
                # Dark text with a white halo reads on the palest and the darkest district alike.
                "label": {
                    "show": True,
                    "fontSize": 12,
                    "color": "#1d273b",
                    "textBorderColor": "#fff",
                    "textBorderWidth": 2,
                },
                # projects.js adds each item's labelShift as dx/dy (labelLayout takes no per-item values).
                "labelLayout": {"hideOverlap": True},
                "data": data,
            }
        ],
    }


# --------------------------------------------------------------------------------------------- batches


def batch_figures(batch: StartBatch, user: Any) -> dict[str, Any]:
    """Headline figures of a 集中开工 batch over the projects the user can see."""
    qs = Project.objects.for_user(user).filter(start_batches=batch)
    figures = qs.order_by().aggregate(
        count=Count("pk"),
        total_yi=Coalesce(Sum("total_investment_yi"), ZERO),
        above_100m=Count("pk", filter=Q(total_investment_yi__gte=BAND_ABOVE_100M_YI)),
        big=Count("pk", filter=Q(total_investment_yi__gte=BAND_BIG_YI)),
    )
    # By chain, not by chain name: the city's and a district's 智能家电 are two chains, told apart by the label.
    by_chain = list(
        qs.order_by()
        .values(
            "chain", "chain__name", "chain__level", "chain__region__alias", "chain__region__name"
        )
        .annotate(count=Count("pk"), total_yi=Sum("total_investment_yi"))
        .order_by("-total_yi")
    )
    for r in by_chain:
        where = r["chain__region__alias"] or r["chain__region__name"]
        r["label"] = (
            f"{r['chain__name']}（{where}）"
            if r["chain__level"] == "district"
            else r["chain__name"]
        )
    figures["by_chain"] = by_chain
    figures["by_district"] = list(
        qs.order_by()
        .values("district__name")
        .annotate(count=Count("pk"), total_yi=Sum("total_investment_yi"))
        .order_by("-total_yi")
    )
    return figures


def batches_with_figures(user: Any) -> QuerySet[Any]:
    visible = Project.objects.for_user(user)
    count = (
        StartBatch.projects.through.objects.filter(startbatch=OuterRef("pk"), project__in=visible)
        .order_by()
        .values("startbatch")
        .annotate(n=Count("project"), s=Sum("project__total_investment_yi"))
    )
    return (
        StartBatch.objects.for_user(user)
        .select_related("region")
        .annotate(
            project_count=Coalesce(
                Subquery(count.values("n"), output_field=IntegerField()),  # type: ignore[misc]
                0,
            ),
            total_yi=Coalesce(Subquery(count.values("s"), output_field=YI), ZERO),  # type: ignore[misc]
        )
    )


# --------------------------------------------------------------------------------------------- chain and district pages


def monthly_series(qs: QuerySet[Any], start: date, end: date) -> list[dict[str, Any]]:
    """Planned and completed investment per month over [start, end] for a set of projects (one query)."""
    rows = (
        MonthlyReport.objects.filter(
            project__in=qs.values("pk"), month__gte=start.replace(day=1), month__lte=end
        )
        .order_by()
        .values("month")
        .annotate(planned=Coalesce(Sum("planned_yi"), ZERO), completed=Sum("completed_yi"))
        .order_by("month")
    )
    return [dict(r) for r in rows]


def monthly_chart_option(series: list[dict[str, Any]]) -> dict[str, Any]:
    """Planned beside completed investment per month: every month labelled, the axes named."""
    months = [r["month"].strftime("%Y-%m") for r in series]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {
            "data": [str(_("planned")), str(_("completed investment"))],
            "top": 0,
            "right": 10,
        },
        "color": ["#74a9de", "#206bc4"],
        "grid": charts.grid(right=20, top=50),
        "xAxis": charts.category_axis(months, name=_("month")),
        "yAxis": charts.value_axis(_("100 million yuan")),
        "series": [
            {
                "name": str(_("planned")),
                "type": "bar",
                "data": [float(r["planned"]) for r in series],
            },
            {
                "name": str(_("completed investment")),
                "type": "bar",
                "data": [
                    float(r["completed"]) if r["completed"] is not None else None for r in series
                ],
            },
        ],
    }


def stage_rows(qs: QuerySet[Any]) -> list[dict[str, Any]]:
    """Count and investment per stage, every stage listed (zeros too), in workflow order."""
    found = {
        r["stage"]: r
        for r in qs.order_by()
        .values("stage")
        .annotate(count=Count("pk"), total_yi=Coalesce(Sum("total_investment_yi"), ZERO))
    }
    return [
        {
            "stage": s,
            "label": label,
            "count": found.get(s, {}).get("count", 0),
            "total_yi": found.get(s, {}).get("total_yi", Decimal("0")),
        }
        for s, label in Stage.choices
    ]


def problem_counts(qs: QuerySet[Any], today: date) -> dict[str, int]:
    return qs.order_by().aggregate(
        open=Count("pk", filter=~Q(status=Problem.Status.CLOSED)),
        overdue=Count("pk", filter=overdue_q(today)),
        escalated=Count(
            "pk", filter=Q(escalated_at__isnull=False) & ~Q(status=Problem.Status.CLOSED)
        ),
        closed=Count("pk", filter=Q(status=Problem.Status.CLOSED)),
        total=Count("pk"),
    )


def problems_overdue_first(qs: QuerySet[Any], today: date) -> QuerySet[Any]:
    ordered: QuerySet[Any] = qs.annotate(
        overdue=Case(
            When(overdue_q(today), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-overdue", F("deadline").asc(nulls_last=True), "-raised_on", "pk")
    return ordered


def qingdao_districts() -> dict[str, str]:
    """code -> name of the city's counties (the map's regions), from the reference table."""
    from django.conf import settings

    city = getattr(settings, "CHAINLEADER_HOME_REGION", "3702")
    return dict(
        Region.objects.filter(code__startswith=city, level=Region.Level.COUNTY).values_list(
            "code", "name"
        )
    )


# --- the firm's page (enterprises.hooks.enterprise_panels; issue 15 item 5) ---------------------------------------


def enterprise_projects_panel(enterprise: Any, user: Any) -> Panel:
    """The projects the firm invests in that the user sees: how many, the latest few, the list narrowed to it."""
    qs = Project.objects.for_user(user).filter(investor=enterprise)
    rows = [
        PanelRow(p.name, p.get_absolute_url(), p.get_stage_display())
        for p in qs.order_by("-pk")[:PANEL_ROWS]
    ]
    url = reverse("projects:project_list") + f"?investor={enterprise.pk}"
    return Panel("projects", _("Projects"), qs.count(), rows, url)


def firm_investment_by_year(enterprise: Any, user: Any) -> dict[int, Decimal]:
    """The investment completed per year (亿元) by the projects the firm invests in that the user sees (the
    monthly reports' completed investment); one grouped query."""
    rows = (
        MonthlyReport.objects.filter(
            project__in=Project.objects.for_user(user).filter(investor=enterprise).values("pk"),
            completed_yi__isnull=False,
        )
        .order_by()
        .values("month__year")
        .annotate(total=Sum("completed_yi"))
    )
    return {r["month__year"]: r["total"] for r in rows}


def enterprise_requests_panel(enterprise: Any, user: Any) -> Panel:
    """The firm's requests (企业诉求, decision 0020) the user sees."""
    qs = Problem.objects.for_user(user).filter(source=Problem.Source.FIRM, enterprise=enterprise)
    rows = [
        PanelRow(
            p.title,
            p.get_absolute_url(),
            f"{p.get_status_display()} · {p.raised_on:%Y-%m-%d}",
        )
        for p in qs.order_by("-raised_on", "-pk")[:PANEL_ROWS]
    ]
    url = reverse("projects:request_list") + f"?enterprise={enterprise.pk}"
    return Panel("requests", _("Firm requests"), qs.count(), rows, url)
