"""The facts of every firm for one year, built in bulk (a handful of queries, never one per firm).

The yearly figures are sealed at rest (SECURITY.md DP2): they are loaded and compared in Python. The reads
here are unscoped: a run is the office's, over every firm; what a user then sees of the results is scoped
(querysets.EligibilityResultQuerySet).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from chainleader.chains.models import Placement
from chainleader.engines import eligibility as engine
from chainleader.enterprises.models import Enterprise, EnterpriseTier, YearFigure
from chainleader.evaluation.models import EvaluationResult

FIGURES = ("revenue_wan", "tax_wan", "rd_wan", "land_mu")


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def classes_by_firm(year: int, firm_ids: Any = None) -> dict[int, dict[int, str]]:
    """{firm: {year: class}} from the published evaluation runs up to `year` (graded firms only)."""
    qs = EvaluationResult.objects.filter(
        run__status="published", run__year__lte=year, graded=True
    ).exclude(grade="")
    if firm_ids is not None:
        qs = qs.filter(enterprise_id__in=firm_ids)
    out: dict[int, dict[int, str]] = defaultdict(dict)
    for firm, y, grade in qs.values_list("enterprise_id", "run__year", "grade"):
        out[firm][y] = grade
    return out


def build(year: int, firm_ids: Any = None) -> dict[int, dict[str, Any]]:
    """{firm id: facts} for `year` (the year of the figures and of the class the conditions look at)."""
    firms = Enterprise.objects.all()
    if firm_ids is not None:
        firms = firms.filter(pk__in=firm_ids)
    facts: dict[int, dict[str, Any]] = {}
    for pk, region, industry, above in firms.values_list(
        "pk", "region__code", "industry__code", "above_size"
    ):
        facts[pk] = {
            "region_code": region,
            "industry_code": industry,
            "above_size": above,
            "tiers": set(),
            "chains": set(),
            "chain_master": False,
            "mu_class": None,
        }
    ids = list(facts) if firm_ids is not None else None

    tiers = EnterpriseTier.objects.filter(year__lte=year)
    if ids is not None:
        tiers = tiers.filter(enterprise_id__in=ids)
    for firm, tier, level in tiers.values_list("enterprise_id", "tier", "level"):
        if firm in facts:
            facts[firm]["tiers"] |= {tier, f"{tier}:{level}"}

    for firm, grades in classes_by_firm(year, ids).items():
        if firm not in facts:
            continue
        facts[firm]["mu_class"] = grades.get(year)
        for grade in ("A", "B", "C", "D"):
            facts[firm][f"mu_streak_{grade}"] = engine.streak(grades, year, grade)
    for f in facts.values():
        for grade in ("A", "B", "C", "D"):
            f.setdefault(f"mu_streak_{grade}", 0)

    figures = YearFigure.objects.filter(year__in=(year, year - 1)).only(
        "enterprise_id", "year", *FIGURES
    )
    if ids is not None:
        figures = figures.filter(enterprise_id__in=ids)
    revenue_before: dict[int, Decimal | None] = {}
    for fig in figures:
        f = facts.get(fig.enterprise_id)
        if f is None:
            continue
        if fig.year == year:
            for name in FIGURES:
                f[name] = getattr(fig, name)
            f["rd_ratio_pct"] = _pct(fig.rd_wan, fig.revenue_wan)
        else:
            revenue_before[fig.enterprise_id] = fig.revenue_wan
    for firm, before in revenue_before.items():
        now = facts[firm].get("revenue_wan")
        if now is not None and before:
            facts[firm]["revenue_growth_pct"] = _pct(Decimal(now) - Decimal(before), before)

    placements = Placement.objects.exclude(review=Placement.Review.REJECTED)
    if ids is not None:
        placements = placements.filter(enterprise_id__in=ids)
    for firm, chain, role in placements.values_list("enterprise_id", "segment__chain_id", "role"):
        if firm in facts:
            facts[firm]["chains"].add(str(chain))
            if role == Placement.Role.MASTER:
                facts[firm]["chain_master"] = True
    return facts


def value_names() -> dict[str, str]:
    """Tier codes as the reasons show them: 链主企业, 专精特新“小巨人”企业, and 链主企业（市级） for chain_master:city."""
    names = {str(code): str(label) for code, label in EnterpriseTier.Tier.choices}
    for code, label in EnterpriseTier.Tier.choices:
        for level, level_label in EnterpriseTier.Level.choices:
            names[f"{code}:{level}"] = f"{label}（{level_label}）"
    return names
