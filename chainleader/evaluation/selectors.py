"""Reads of the evaluation: the engine's input columns (one query), chart series, a firm's result.

Every selector that returns data to a user takes the user and starts from for_user(), so totals and chart
series are computed on the user's scoped set (STYLE.md 3.3). The two exceptions say so in their names and
docstrings: ``figure_columns`` (the run's input, read by the service for every firm of the city) and
``classes_for`` (for the policy features, which apply their own scope).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.db.models import Case, Count, OuterRef, QuerySet, Subquery, TextField, When
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.core import crypto
from chainleader.core.fields import EncryptedMixin
from chainleader.engines import mu_yield
from chainleader.enterprises.models import Enterprise, YearFigure

from .models import EvaluationResult, EvaluationRun, Grade
from .querysets import EvaluationResultQuerySet

FIGURES = mu_yield.FIGURE_COLUMNS
GRADES = tuple(Grade.values)  # "A" … "D"
UNGRADED = ""
ABOVE_SIZE_LABEL = "规上"  # the scheme's group whose per-mu tax the seeds compare (MU_SCHEME.md)
HISTOGRAM_STEP = 10  # score bins: 0–10, 10–20, … (a firm at every benchmark scores 100)
# The unit of each figure an indicator divides (mu_yield.FIGURE_COLUMNS), for the unit of its value.
FIGURE_UNITS = {
    "land_mu": _("mu"),
    "tax_wan": _("10k yuan"),
    "revenue_wan": _("10k yuan"),
    "value_added_wan": _("10k yuan"),
    "energy_tce": _("tce"),
    "emissions_t": _("t"),
    "rd_wan": _("10k yuan"),
    "employees": _("persons"),
}


@dataclass
class FigureColumns:
    """The engine's input for one year: enterprise ids beside mu_yield.INPUT_COLUMNS, in id order."""

    enterprise_ids: npt.NDArray[np.int64]
    columns: dict[str, Any]

    def __len__(self) -> int:
        return len(self.enterprise_ids)


def figure_columns(*, year: int) -> FigureColumns:
    """Every firm's figures of ``year`` joined to its registry data, in ONE values_list query.

    Not scoped: this is the run's input (a run always covers the whole city; scope applies to reads).
    The production start year (投产年份) is not in the registry; the founding year stands in for it
    (docs/decisions/0009-mu-evaluation.md), so a firm founded last year counts as newly producing.
    The figures are sealed at rest (SECURITY.md DP2): the database returns sealed text, each value is opened
    in Python (docs/decisions/0021-encryption-at-rest.md gives the cost) and becomes a float here.
    """
    # Sealed figures come as their stored text (a Cast to text bypasses the field's one-by-one opening) and
    # are opened in bulk below; employees is a plain column.
    sealed = {
        name for name in FIGURES if isinstance(YearFigure._meta.get_field(name), EncryptedMixin)
    }
    raw = {f"s_{name}": Cast(name, TextField()) for name in FIGURES if name in sealed}
    rows = list(
        YearFigure.objects.filter(year=year)
        .annotate(start_year=ExtractYear("enterprise__founded_on"), **raw)
        .order_by("enterprise_id")
        .values_list(
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__above_size",
            "enterprise__industry__code",
            "start_year",
            *(f"s_{name}" if name in sealed else name for name in FIGURES),
        )
    )
    n = len(rows)
    parts: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if n else [()] * (5 + len(FIGURES))
    ids, usccs, above, industry, start = parts[:5]
    columns: dict[str, Any] = {
        "uscc": np.array(usccs, dtype=str) if n else np.zeros(0, dtype=str),
        "year": np.full(n, float(year)),
        "above_size": np.array(above, dtype=np.float64),
        "industry_code": np.array([code or "" for code in industry], dtype=str)
        if n
        else np.zeros(0, dtype=str),
        "production_start_year": np.array(start, dtype=np.float64),
    }
    ring = crypto.ring()
    for name, values in zip(FIGURES, parts[5:], strict=True):
        # None → NaN: missing, not 0
        if name in sealed:
            columns[name] = np.array(ring.open_floats(values), dtype=np.float64)
        else:
            columns[name] = np.array(
                [np.nan if v is None else float(v) for v in values], dtype=np.float64
            )
    return FigureColumns(enterprise_ids=np.array(ids, dtype=np.int64), columns=columns)


# ---------------------------------------------------------------------------------------------
# Scoped reads for pages, charts and the API
# ---------------------------------------------------------------------------------------------


def scoped_results(run: EvaluationRun, user: Any) -> QuerySet[EvaluationResult]:
    return EvaluationResult.objects.for_user(user).filter(run=run)


def _count_in_scope(results: QuerySet[EvaluationResult]) -> Any:
    """A computed run's number of these results (0 when none lies in scope); NULL before it is computed."""
    counted = results.filter(run=OuterRef("pk")).order_by().values("run").annotate(n=Count("pk"))
    return Case(When(finished_at__isnull=False, then=Coalesce(Subquery(counted.values("n")), 0)))


def runs_with_counts(runs: QuerySet[EvaluationRun], user: Any) -> QuerySet[EvaluationRun]:
    """The runs with shown_firms and shown_graded: their results in the user's scope.

    A run's stored counts are the city's; a district or firm account sees how many of its own firms were
    scored and graded, never the city-wide numbers (issue 13, item 7).
    """
    results = cast("EvaluationResultQuerySet[Any, Any]", EvaluationResult.objects.for_user(user))
    return runs.annotate(
        shown_firms=_count_in_scope(results),
        shown_graded=_count_in_scope(results.graded()),
    )


def run_counts(run: EvaluationRun, user: Any) -> dict[str, Any]:
    """A run's counts as the run stores them (firms, graded, per class, per group), in the user's scope."""
    if not run.computed:
        return {}
    results = scoped_results(run, user)
    classes = dict(results.values_list("grade").annotate(n=Count("id")).order_by())
    groups = dict(
        results.filter(graded=True).values_list("group").annotate(n=Count("id")).order_by()
    )
    return {
        "firms": sum(classes.values()),
        "graded": sum(groups.values()),
        **{g: int(classes.get(g, 0)) for g in GRADES},
        "groups": {str(k): int(v) for k, v in groups.items()},
    }


def previous_published_run(run: EvaluationRun, user: Any) -> EvaluationRun | None:
    """The published run of the year before, when the user may see it."""
    return (
        EvaluationRun.objects.for_user(user).filter(year=run.year - 1, status="published").first()
    )


def grade_counts(run: EvaluationRun, user: Any) -> dict[str, int]:
    """Firms per class ("" = not graded) in the user's scope."""
    counts = dict(scoped_results(run, user).values_list("grade").annotate(n=Count("id")).order_by())
    return {g: int(counts.get(g, 0)) for g in (*GRADES, UNGRADED)}


def grades_by_district(run: EvaluationRun, user: Any) -> list[dict[str, Any]]:
    """[{"code", "name", "A": n, …, "D": n, "total": graded n}] per district, in code order."""
    rows = (
        scoped_results(run, user)
        .filter(graded=True)
        .values(
            "enterprise__region_id", "enterprise__region__code", "enterprise__region__name", "grade"
        )
        .annotate(n=Count("id"))
        .order_by("enterprise__region__code")
    )
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row["enterprise__region__code"]
        entry = out.setdefault(
            code,
            {
                "id": row["enterprise__region_id"],
                "code": code,
                "name": row["enterprise__region__name"],
                "total": 0,
            },
        )
        entry[row["grade"]] = row["n"]
        entry["total"] += row["n"]
    for entry in out.values():
        for g in GRADES:
            entry.setdefault(g, 0)
        entry["cells"] = [(g, entry[g]) for g in GRADES]
    return list(out.values())


def grades_by_chain(run: EvaluationRun, user: Any) -> list[dict[str, Any]]:
    """[{"id", "name", "A": n, …, "total"}] per chain the user can see; a firm counts once per chain."""
    chains = Chain.objects.for_user(user).values("pk")
    rows = (
        scoped_results(run, user)
        .filter(graded=True, enterprise__placements__segment__chain__in=chains)
        .values(
            "enterprise__placements__segment__chain__id",
            "enterprise__placements__segment__chain__name",
            "enterprise__placements__segment__chain__level",
            "enterprise__placements__segment__chain__region__name",
            "grade",
        )
        .annotate(n=Count("id", distinct=True))
        .order_by(
            "enterprise__placements__segment__chain__level",
            "enterprise__placements__segment__chain__id",
        )
    )
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        key = row["enterprise__placements__segment__chain__id"]
        entry = out.setdefault(
            key,
            {
                "id": key,
                # A district's chain can share its name with a city chain: the district tells them apart.
                "name": row["enterprise__placements__segment__chain__name"]
                if row["enterprise__placements__segment__chain__level"] == Chain.Level.CITY
                else f"{row['enterprise__placements__segment__chain__name']}"
                f"（{row['enterprise__placements__segment__chain__region__name']}）",
                "level": row["enterprise__placements__segment__chain__level"],
                "total": 0,
            },
        )
        entry[row["grade"]] = row["n"]
        entry["total"] += row["n"]
    for entry in out.values():
        for g in GRADES:
            entry.setdefault(g, 0)
        entry["cells"] = [(g, entry[g]) for g in GRADES]
    return list(out.values())


def score_histogram(run: EvaluationRun, user: Any) -> dict[str, Any]:
    """Graded firms per score bin and group: {"bins": ["0–10", …], "groups": {label: [n, …]}}."""
    pairs = list(scoped_results(run, user).filter(graded=True).values_list("group", "score"))
    top = max((s for _g, s in pairs if s is not None), default=100.0)
    n_bins = max(math.ceil((top + 1e-9) / HISTOGRAM_STEP), 10)
    groups: dict[str, list[int]] = {}
    for group, score in pairs:
        if score is None:
            continue
        index = min(int(max(score, 0.0) // HISTOGRAM_STEP), n_bins - 1)
        groups.setdefault(group, [0] * n_bins)[index] += 1
    bins = [f"{i * HISTOGRAM_STEP}–{(i + 1) * HISTOGRAM_STEP}" for i in range(n_bins)]
    return {"bins": bins, "groups": groups}


def tax_per_mu_by_district(run: EvaluationRun, user: Any) -> dict[str, Any]:
    """亩均税收 of graded 规上 firms per district (Σ tax / Σ land over the user's scope) and the city's.

    The city average is the run's published 规上 benchmark of 亩均税收, stored with the run: one
    city-wide figure, not a sum over firms the user cannot see (docs/decisions/0009-mu-evaluation.md).
    """
    city = (run.benchmarks.get(ABOVE_SIZE_LABEL) or {}).get("tax_per_mu")
    # Land and tax are sealed at rest (SECURITY.md DP2): read per firm and summed here, not in SQL.
    sums: dict[int, dict[str, Any]] = {}
    for region_id, code, name, tax, land in (
        scoped_results(run, user)
        .filter(graded=True, group=ABOVE_SIZE_LABEL, land_mu__isnull=False)
        .order_by()
        .values_list(
            "enterprise__region_id",
            "enterprise__region__code",
            "enterprise__region__name",
            "tax_wan",
            "land_mu",
        )
    ):
        if land is None or not land > 0:
            continue
        row = sums.setdefault(
            region_id, {"code": code, "name": name, "tax": 0.0, "land": 0.0, "firms": 0}
        )
        row["tax"] += tax or 0.0
        row["land"] += land
        row["firms"] += 1
    districts = []
    for region_id, row in sorted(sums.items(), key=lambda item: item[1]["code"]):
        per_mu = row["tax"] / row["land"] if row["land"] else None
        districts.append(
            {
                "id": region_id,
                "code": row["code"],
                "name": row["name"],
                "firms": row["firms"],
                "tax_wan": row["tax"],
                "land_mu": row["land"],
                "tax_per_mu": per_mu,
                "vs_city_pct": (per_mu / city - 1) * 100 if per_mu is not None and city else None,
            }
        )
    return {"city": city, "districts": districts}


def grade_movement(run: EvaluationRun, user: Any) -> dict[str, Any] | None:
    """Class last year → class this year for the user's firms in both runs (None: no earlier run)."""
    before = previous_published_run(run, user)
    if before is None:
        return None
    then = dict(scoped_results(before, user).values_list("enterprise_id", "grade"))
    now = (
        scoped_results(run, user)
        .filter(enterprise_id__in=list(then))
        .values_list("enterprise_id", "grade")
    )
    labels = (*GRADES, UNGRADED)
    cells = Counter((then[ent], grade) for ent, grade in now)
    matrix = [[cells.get((a, b), 0) for b in labels] for a in labels]
    same = sum(matrix[i][i] for i in range(len(GRADES)))
    up = sum(
        matrix[i][j] for i in range(len(GRADES)) for j in range(len(GRADES)) if j < i
    )  # a better class has a lower index
    down = sum(matrix[i][j] for i in range(len(GRADES)) for j in range(len(GRADES)) if j > i)
    return {"run": before, "labels": labels, "matrix": matrix, "same": same, "up": up, "down": down}


def indicator_unit(indicator: mu_yield.Indicator) -> str:
    """万元/亩 for 亩均税收 (tax_wan / land_mu); "" for a ratio of two figures in the same unit (R&D / revenue)."""
    top, bottom = FIGURE_UNITS.get(indicator.numerator), FIGURE_UNITS.get(indicator.denominator)
    if top is None or bottom is None or str(top) == str(bottom):
        return ""
    return f"{top}/{bottom}"


def result_contributions(result: EvaluationResult) -> list[dict[str, Any]]:
    """The firm's indicators with weight, value and benchmark (with their unit), ratio and score (points), in
    scheme order."""
    scheme = result.run.scheme.scheme()
    group = next((g for g in scheme.groups if g.label == result.group), None)
    if group is None:
        return []
    benchmarks = result.run.benchmarks.get(result.group) or {}
    out = []
    for ind in group.indicators:
        part = result.indicators.get(ind.key) or {}
        out.append(
            {
                "key": ind.key,
                "name": ind.name,
                "unit": indicator_unit(ind),
                "weight": ind.weight,
                "value": part.get("value"),
                "benchmark": benchmarks.get(ind.key),
                "ratio": part.get("ratio"),
                "score": part.get("score"),
            }
        )
    return out


def previous_result(result: EvaluationResult, user: Any) -> EvaluationResult | None:
    """The same firm's result of the year before: the published run's, else the latest visible run's."""
    earlier = (
        EvaluationResult.objects.for_user(user)
        .filter(enterprise_id=result.enterprise_id, run__year=result.run.year - 1)
        .select_related("run")
        .order_by("-run_id")
    )
    found: EvaluationResult | None = earlier.filter(run__status="published").first()
    return found if found is not None else earlier.first()


def latest_result_for(enterprise: Enterprise, user: Any) -> EvaluationResult | None:
    """The firm's most recent result the user may see (a published run first within a year)."""
    results = (
        EvaluationResult.objects.for_user(user)
        .filter(enterprise=enterprise)
        .select_related("run__scheme")
    )
    published: EvaluationResult | None = (
        results.filter(run__status="published").order_by("-run__year", "-run_id").first()
    )
    newest: EvaluationResult | None = results.order_by("-run__year", "-run_id").first()
    if newest is not None and (published is None or newest.run.year > published.run.year):
        return newest
    return published


def classes_for(enterprise_ids: Any, year: int) -> dict[int, tuple[str, int]]:
    """{enterprise id: (class, consecutive years in it)} from the published runs, for policy features.

    Not scoped (the policy features read it for their own rules and apply their own scope). A firm
    without a class in ``year``'s published run is absent. The count stops at the first earlier year
    whose published run gave the firm another class, no class, or was not published at all:
    "consecutive" means consecutive years of evaluation.
    """
    ids = list(enterprise_ids)
    runs = dict(
        EvaluationRun.objects.filter(status="published", year__lte=year).values_list("year", "id")
    )
    if year not in runs:
        return {}
    current = dict(
        EvaluationResult.objects.filter(run_id=runs[year], enterprise_id__in=ids)
        .exclude(grade="")
        .values_list("enterprise_id", "grade")
    )
    streak = dict.fromkeys(current, 1)
    alive = set(current)
    back = year - 1
    while alive and back in runs:
        earlier = dict(
            EvaluationResult.objects.filter(
                run_id=runs[back], enterprise_id__in=list(alive)
            ).values_list("enterprise_id", "grade")
        )
        alive = {e for e in alive if earlier.get(e) == current[e]}
        for e in alive:
            streak[e] += 1
        back -= 1
    return {e: (current[e], streak[e]) for e in current}
