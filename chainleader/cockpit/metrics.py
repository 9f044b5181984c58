"""The fixed registry of metrics an assessment item may name, each computed from the platform's own data for every
subject (chain or district) over a period, in one grouped query each (never a loop of queries)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.projects.models import BAND_BIG_YI, MonthlyReport, Problem, Project
from chainleader.reference.models import Region

Column = dict[str, float | None]


def period_range(year: int, period: str) -> tuple[date, date]:
    """The first and last day of a year or of one of its quarters."""
    if period.startswith("q") and period[1:].isdigit():
        q = int(period[1:])
        start = date(year, 3 * q - 2, 1)
        end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)
    return date(year, 1, 1), date(year, 12, 31)


def subjects(kind: str) -> list[tuple[str, str]]:
    """(key, label) of every subject: the city's chains (key: id) or the city's districts (key: region code)."""
    if kind == "chain":
        return [
            (str(pk), name)
            for pk, name in Chain.objects.filter(level=Chain.Level.CITY)
            .order_by("name_sort", "pk")
            .values_list("pk", "name")
        ]
    city = getattr(settings, "CHAINLEADER_HOME_REGION", "3702")
    return list(
        Region.objects.filter(code__startswith=city, level=Region.Level.COUNTY)
        .order_by("code")
        .values_list("code", "name")
    )


def _group(kind: str, prefix: str = "") -> str:
    """The lookup that names a row's subject: its chain's id, or its district's code."""
    return f"{prefix}chain" if kind == "chain" else f"{prefix}district__code"


def _column(rows: Any, keys: list[str]) -> Column:
    found = {str(k): (float(v) if v is not None else None) for k, v in rows}
    return {k: found.get(k, 0.0) for k in keys}


def investment_completed(kind: str, start: date, end: date, keys: list[str], **_: Any) -> Column:
    """Investment completed in the period (亿元), from the projects' monthly reports."""
    rows = (
        MonthlyReport.objects.filter(month__gte=start.replace(day=1), month__lte=end)
        .order_by()
        .values(_group(kind, "project__"))
        .annotate(s=Sum("completed_yi"))
        .values_list(_group(kind, "project__"), "s")
    )
    return _column(rows, keys)


def projects_started(kind: str, start: date, end: date, keys: list[str], **_: Any) -> Column:
    """Projects that started construction in the period (开工)."""
    rows = (
        Project.objects.filter(started_on__gte=start, started_on__lte=end)
        .order_by()
        .values(_group(kind))
        .annotate(n=Count("pk"))
        .values_list(_group(kind), "n")
    )
    return _column(rows, keys)


def big_projects_signed(kind: str, start: date, end: date, keys: list[str], **_: Any) -> Column:
    """Projects of ≥ 20亿 or industry-leading signed in the period."""
    rows = (
        Project.objects.filter(signed_on__gte=start, signed_on__lte=end)
        .filter(Q(total_investment_yi__gte=BAND_BIG_YI) | Q(is_leading=True))
        .order_by()
        .values(_group(kind))
        .annotate(n=Count("pk"))
        .values_list(_group(kind), "n")
    )
    return _column(rows, keys)


def on_time_q() -> Q:
    """A problem closed out by its deadline (one without a deadline is on time when closed)."""
    return Q(deadline__isnull=True) | Q(closed_at__date__lte=F("deadline"))


def problems_on_time(kind: str, start: date, end: date, keys: list[str], **_: Any) -> Column:
    """Share of the ledger problems closed out in the period that were closed by their deadline (0–1); None for a
    subject that closed none."""
    group = "chain" if kind == "chain" else "region__code"
    rows = (
        Problem.objects.filter(
            status=Problem.Status.CLOSED, closed_at__date__gte=start, closed_at__date__lte=end
        )
        .order_by()
        .values(group)
        .annotate(n=Count("pk"), ok=Count("pk", filter=on_time_q()))
        .values_list(group, "n", "ok")
    )
    found = {str(k): ok / n for k, n, ok in rows if n}
    return {k: found.get(k) for k in keys}


def indicator_attainment(
    kind: str, start: date, end: date, keys: list[str], actor: Any = None, **_: Any
) -> Column:
    """The chain's or district's indicator attainment (0–1) from the indicators app; None while it has none."""
    found = attainment_by_subject(actor, start.year).get(kind, {})
    return {k: found.get(k) for k in keys}


def attainment_by_subject(user: Any, year: int) -> dict[str, dict[str, float | None]]:
    """{"chain": {chain id: ratio}, "district": {region code: ratio}} from indicators.selectors.attainment (the
    mean attainment of the subject's indicator targets, in percent, 100 = on pace), as ratios (1.0 = on pace),
    over what ``user`` sees. Empty without a user."""
    from chainleader.indicators import selectors as indicators

    if user is None:
        return {}
    raw = indicators.attainment(user, year)
    chains = raw.get("chains", {})
    districts = raw.get("districts", {})
    codes = dict(Region.objects.filter(pk__in=list(districts)).values_list("pk", "code"))
    return {
        "chain": {str(k): _ratio(v) for k, v in chains.items()},
        "district": {str(codes[k]): _ratio(v) for k, v in districts.items() if k in codes},
    }


def _ratio(percent: Any) -> float | None:
    return round(float(percent) / 100, 4) if percent is not None else None


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any
    unit: Any
    compute: Callable[..., Column]
    default_method: str
    default_target: float


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "investment_completed",
            _("investment completed"),
            _("100 million yuan"),
            investment_completed,
            "best",
            1.0,
        ),
        Metric(
            "projects_started", _("projects started"), _("projects"), projects_started, "rank", 1.0
        ),
        Metric(
            "big_projects_signed",
            _("big projects signed (≥ 2 billion yuan or industry-leading)"),
            _("projects"),
            big_projects_signed,
            "ratio",
            2.0,
        ),
        Metric(
            "problems_on_time",
            _("problems closed on time"),
            _("share"),
            problems_on_time,
            "ratio",
            1.0,
        ),
        Metric(
            "indicator_attainment",
            _("indicator attainment"),
            _("share"),
            indicator_attainment,
            "ratio",
            1.0,
        ),
    )
}


def columns(
    kind: str, year: int, period: str, metrics: list[str], actor: Any = None
) -> dict[str, Column]:
    """Every named metric's column over the subjects of ``kind`` in the period."""
    start, end = period_range(year, period)
    keys = [k for k, _label in subjects(kind)]
    return {
        m: METRICS[m].compute(kind, start, end, keys, actor=actor) for m in metrics if m in METRICS
    }
