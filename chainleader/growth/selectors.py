"""Reads of growth plans: progress with the figures the reader may see, the echelon table of a year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.core.querysets import scope_for
from chainleader.engines import growth as engine
from chainleader.enterprises.hooks import PANEL_ROWS, Panel, PanelRow
from chainleader.enterprises.models import Enterprise, YearFigure

from .models import GrowthPlan, PlanYear
from .progress import PlanProgress, tolerance


def with_progress(qs: QuerySet[GrowthPlan], user: Any) -> QuerySet[GrowthPlan]:
    """Plans with what their progress needs, loaded for ``user`` in two more queries whatever their number: the
    firm's yearly figures through YearFigure.objects.for_user (none for a scope without confidential figures)
    and the plan's years (likewise none: their investment figures are confidential too)."""
    figures: Any = YearFigure.objects.for_user(user).only(
        "pk", "enterprise_id", "year", "revenue_wan", "tax_wan"
    )
    years: Any = PlanYear.objects.for_user(user)
    return qs.select_related("enterprise", "enterprise__region").prefetch_related(
        Prefetch("enterprise__figures", queryset=figures, to_attr="visible_figures"),
        Prefetch("years", queryset=years, to_attr="visible_years"),
    )


def lagging_ids(qs: QuerySet[GrowthPlan], user: Any, lagging: bool) -> list[int]:
    """The plans of ``qs`` that lag (or are on pace): judged in Python, as the figures are encrypted at rest."""
    plans = with_progress(qs.prefetch_related(None), user)
    return [p.pk for p in plans if p.progress().lagging is lagging]


def figures_visible(user: Any) -> bool:
    return scope_for(user).confidential


# --- echelons ---------------------------------------------------------------------------------------------


@dataclass
class EchelonRow:
    enterprise: Enterprise
    revenue_wan: Decimal | None
    before_wan: Decimal | None
    move: engine.Move

    @property
    def echelon(self) -> int | None:
        return self.move.after

    @property
    def before(self) -> int | None:
        return self.move.before

    @property
    def move_label(self) -> str:
        return str(MOVE_LABELS[self.move.kind])


@dataclass
class EchelonTable:
    year: int
    rows: list[EchelonRow]  # firms in an echelon this year or last, highest revenue first
    counts: dict[int, int]  # echelon → firms this year
    moved: Counter[str]  # kind → firms

    def in_echelon(self, level: int) -> list[EchelonRow]:
        return [r for r in self.rows if r.echelon == level]

    @property
    def up(self) -> list[EchelonRow]:
        return [r for r in self.rows if r.move.kind == "up"]

    @property
    def down(self) -> list[EchelonRow]:
        return [r for r in self.rows if r.move.kind in ("down", "out")]


def figure_years(user: Any) -> list[int]:
    return sorted(
        set(YearFigure.objects.for_user(user).values_list("year", flat=True).distinct()),
        reverse=True,
    )


def echelon_table(user: Any, year: int) -> EchelonTable:
    """Firms in the 30 / 50 / 100亿 echelons in ``year`` and the year before, with their moves. Revenue is
    compared in Python (encrypted at rest): two years of the reader's visible figures, one query."""
    before: dict[int, Decimal | None] = {}
    after: dict[int, Decimal | None] = {}
    for ent, y, revenue in (
        YearFigure.objects.for_user(user)
        .filter(year__in=[year - 1, year])
        .values_list("enterprise_id", "year", "revenue_wan")
    ):
        (after if y == year else before)[ent] = revenue
    moves = engine.moves(before, after)
    firms = Enterprise.objects.for_user(user).select_related("region").in_bulk(list(moves))
    rows = [
        EchelonRow(firms[pk], after.get(pk), before.get(pk), mv)
        for pk, mv in moves.items()
        if pk in firms
    ]
    rows.sort(key=lambda r: (-(r.revenue_wan or Decimal(-1)), r.enterprise.name_sort))
    counts = Counter(r.echelon for r in rows if r.echelon)
    return EchelonTable(
        year,
        rows,
        {level: counts.get(level, 0) for level in engine.ECHELONS},
        Counter(r.move.kind for r in rows),
    )


def tolerance_percent() -> Decimal:
    return (tolerance() * 100).quantize(Decimal("0.1"))


def _flag(lagging: bool | None) -> str:
    if lagging is None:
        return ""
    return str(_("behind the plan's pace") if lagging else _("on the plan's pace"))


def progress_rows(progress: PlanProgress) -> list[tuple[int, list[engine.YearPoint]]]:
    """The plan's years, each with one point per metric (revenue, tax, investment)."""
    by_year: dict[int, list[engine.YearPoint]] = {}
    for m in progress.metrics:
        for p in m.points:
            by_year.setdefault(p.year, []).append(p)
    return sorted(by_year.items())


def progress_table(plan: GrowthPlan) -> tuple[list[str], list[list[Any]]]:
    """The plan's years as an Excel sheet: per metric the plan's value, the actual and the verdict."""
    progress = plan.progress()
    header = [str(_("year"))]
    for m in progress.metrics:
        header += [
            str(_("%(metric)s plan") % {"metric": m.label}),
            str(_("%(metric)s actual") % {"metric": m.label}),
            str(_("%(metric)s pace") % {"metric": m.label}),
        ]
    by_year: dict[int, list[Any]] = {}
    for m in progress.metrics:
        for p in m.points:
            by_year.setdefault(p.year, []).extend([p.expected, p.actual, _flag(p.lagging)])
    rows = [[year, *values] for year, values in sorted(by_year.items())]
    return header, rows


def echelon_export(table: EchelonTable) -> tuple[list[str], list[list[Any]]]:
    header = [
        str(_("enterprise")),
        str(_("unified social credit code")),
        str(_("District")),
        str(_("revenue (10k yuan)")),
        str(_("echelon (100 million yuan)")),
        str(_("revenue the year before (10k yuan)")),
        str(_("echelon the year before")),
        str(_("move")),
        str(_("synthetic (demo)")),
    ]
    rows = [
        [
            r.enterprise.name,
            r.enterprise.uscc,
            r.enterprise.region.name if r.enterprise.region else "",
            r.revenue_wan,
            r.echelon,
            r.before_wan,
            r.before,
            str(MOVE_LABELS[r.move.kind]),
            "✓" if r.enterprise.is_synthetic else "",
        ]
        for r in table.rows
    ]
    return header, rows


MOVE_LABELS = {
    "up": gettext_lazy("moved up"),
    "down": gettext_lazy("moved down"),
    "new": gettext_lazy("new (no figure the year before)"),
    "out": gettext_lazy("no figure this year"),
    "same": gettext_lazy("same echelon"),
}


# --- the firm's page (enterprises.hooks.enterprise_panels; issue 15 item 5) ---------------------------------------


def enterprise_plans_panel(enterprise: Any, user: Any) -> Panel:
    """The firm's growth plans the user sees, each with its pace (on or behind the plan) only where the user
    sees the confidential figures it is judged on."""
    qs = GrowthPlan.objects.for_user(user).filter(enterprise=enterprise)
    visible = figures_visible(user)
    rows = []
    for plan in with_progress(qs, user).order_by("-target_year", "-pk")[:PANEL_ROWS]:
        note = plan.get_status_display()
        flag = _flag(plan.progress().lagging) if visible else ""
        if flag:
            note += f" · {flag}"
        text = f"{plan.get_kind_display()} {plan.base_year}–{plan.target_year}"
        rows.append(PanelRow(text, plan.get_absolute_url(), note))
    url = reverse("growth:plan_list") + f"?enterprise={enterprise.pk}"
    return Panel("plans", _("Growth plans"), qs.count(), rows, url)
