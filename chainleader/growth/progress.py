"""A plan's progress from values already loaded: the plan's own figures, the firm's yearly figures the reader may
see (prefetched through YearFigure.objects.for_user) and the plan's years. No query of its own: a plan whose
figures were not loaded for the reader shows no actuals (never an unscoped read)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.engines import growth as engine

METRICS = ("revenue", "tax", "investment")
METRIC_LABELS = {
    "revenue": gettext_lazy("revenue"),
    "tax": gettext_lazy("tax paid"),
    "investment": gettext_lazy("fixed-asset investment"),
}


def tolerance() -> Decimal:
    """How far below the plan's pace a year may fall before it lags (settings may override; 5 %)."""
    return Decimal(str(getattr(settings, "CHAINLEADER_GROWTH_TOLERANCE", engine.DEFAULT_TOLERANCE)))


@dataclass
class MetricProgress:
    metric: str
    base: Decimal | None
    target: Decimal | None
    points: list[engine.YearPoint] = field(default_factory=list)
    rate: Decimal | None = None

    @property
    def label(self) -> str:
        return str(METRIC_LABELS[self.metric])

    @property
    def latest(self) -> engine.YearPoint | None:
        return engine.latest_judged(self.points)


@dataclass
class PlanProgress:
    metrics: list[MetricProgress]
    lagging: (
        bool | None
    )  # None: not judged (no actual yet, figures not visible, plan not in progress)
    reasons: list[str]

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)

    def metric(self, name: str) -> MetricProgress:
        return next(m for m in self.metrics if m.metric == name)

    def latest_actual(self, name: str) -> tuple[int, Decimal] | None:
        points = [p for p in self.metric(name).points if p.actual is not None]
        return (points[-1].year, points[-1].actual) if points else None  # type: ignore[return-value]


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"  # as the list columns write amounts (core.tables)


def reason_text(metric: MetricProgress, point: engine.YearPoint, tol: Decimal) -> str:
    gap = (point.gap_share or Decimal(0)) * 100
    return _(
        "%(year)s %(metric)s %(actual)s (10k yuan) is %(gap)s%% below the plan's pace of %(expected)s; "
        "more than %(tolerance)s%% below counts as lagging."
    ) % {
        "year": point.year,
        "metric": metric.label,
        "actual": _fmt(point.actual or Decimal(0)),
        "expected": _fmt(point.expected or Decimal(0)),
        "gap": number_format(gap.quantize(Decimal("0.1")), decimal_pos=1),
        "tolerance": number_format((tol * 100).quantize(Decimal("0.1")), decimal_pos=1),
    }


def compute(
    plan: Any,
    figures: Mapping[int, tuple[Decimal | None, Decimal | None]],
    years: Iterable[Any],
    tol: Decimal | None = None,
) -> PlanProgress:
    """``figures``: year → (revenue, tax) the reader may see; ``years``: the plan's PlanYear rows."""
    tol = tolerance() if tol is None else tol
    years = list(years)
    metrics = []
    for name in METRICS:
        if name == "investment":
            actuals = {y.year: y.investment_actual_wan for y in years}
        else:
            index = 0 if name == "revenue" else 1
            actuals = {year: values[index] for year, values in figures.items()}
        base = getattr(plan, f"base_{name}_wan")
        if base is None:
            base = actuals.get(plan.base_year)
        target = getattr(plan, f"target_{name}_wan")
        if target is None and base is not None and plan.kind == "doubling" and name != "investment":
            target = base * 2
        overrides = {
            y.year: getattr(y, f"{name}_wan")
            for y in years
            if getattr(y, f"{name}_wan") is not None
        }
        mp = MetricProgress(name, base, target)
        if base is not None and target is not None:
            path = engine.plan_path(base, target, plan.base_year, plan.target_year, overrides)
            mp.rate = engine.annual_rate(base, target, plan.base_year, plan.target_year)
        else:
            path = dict(overrides)
        full: dict[int, Decimal | None] = {
            year: path.get(year) for year in range(plan.base_year, plan.target_year + 1)
        }
        mp.points = [
            engine.YearPoint(
                p.year,
                p.expected,
                p.actual,
                p.lagging if plan.status == "active" else None,
                p.gap_share,
            )
            for p in engine.progress(full, actuals, plan.base_year, tol)
        ]
        metrics.append(mp)
    reasons = []
    judged = False
    for mp in metrics:
        latest = mp.latest
        if latest is None:
            continue
        judged = True
        if latest.lagging:
            reasons.append(reason_text(mp, latest, tol))
    return PlanProgress(metrics, (bool(reasons) if judged else None), reasons)


def figures_by_year(rows: Iterable[Any]) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """YearFigure rows (or their prefetched list) → year: (revenue, tax)."""
    return {f.year: (f.revenue_wan, f.tax_wan) for f in rows}
