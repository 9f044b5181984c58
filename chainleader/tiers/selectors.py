"""Reads of the tier pipeline: a firm's facts for the criteria engine, candidates found by the engine, and the
counts against the city's targets (overall and per district). Every read goes through the user's scope; the
yearly figures only through YearFigure's confidential scope (a user without the grant sees every figure as
unknown, and the checks say why)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from chainleader.core.querysets import scope_for
from chainleader.engines import tier_criteria as engine
from chainleader.engines.tier_rules import LEVEL_ORDER, RULES, TARGET_TITLES
from chainleader.enterprises.hooks import PANEL_ROWS, Panel, PanelRow
from chainleader.enterprises.models import Enterprise, EnterpriseProduct, EnterpriseTier, YearFigure
from chainleader.reference.models import Region

from .models import Level, Tier, TierCandidate, TierTarget

# A candidate's declared field -> the engine's fact and the factor to it (percentages are fractions there).
DECLARED_FACTS = {
    "main_business_pct": ("main_business_share", 0.01),
    "product_pct": ("main_product_share", 0.01),
    "rd_staff_pct": ("rd_staff_share", 0.01),
    "debt_pct": ("debt_ratio", 0.01),
}
FIGURE_YEARS = (
    4  # the engine looks back at most three growth years from the year before the application
)


def rule_choices() -> list[tuple[str, str]]:
    """(tier:level, name) of every tier the pipeline checks, in the rules' order."""
    return [(key, str(rule["label"])) for key, rule in RULES.items()]


def split_rule(key: str) -> tuple[str, str]:
    tier, _sep, level = key.partition(":")
    return tier, level


def figures_visible(user: Any) -> bool:
    """None is the system (the stored verdicts): it reads every figure."""
    return user is None or bool(scope_for(user).confidential)


def _rows(manager: Any, user: Any) -> Any:
    return manager.all() if user is None else manager.for_user(user)


def facts_for(
    user: Any,
    enterprises: Iterable[Enterprise],
    year: int,
    candidates: dict[int, TierCandidate] | None = None,
    *,
    figures: bool = True,
) -> dict[int, engine.Facts]:
    """The engine's facts of each firm for an application in ``year`` (three queries for any number of firms):
    figures of the four years before, titles held by ``year``, the largest product share; ``candidates`` (by
    firm id) add what an application declares. ``figures=False``: the yearly figures stay unknown (over the
    hourly limit of confidential reads)."""
    firms = list(enterprises)
    ids = [e.pk for e in firms]
    hidden = not figures or not figures_visible(user)
    by_firm: dict[int, dict[str, dict[int, float | None]]] = defaultdict(
        lambda: {"revenue_wan": {}, "rd_wan": {}, "employees": {}}
    )
    if not hidden:
        rows = (
            _rows(YearFigure.objects, user)
            .filter(enterprise_id__in=ids, year__gte=year - FIGURE_YEARS, year__lt=year)
            .values_list("enterprise_id", "year", "revenue_wan", "rd_wan", "employees")
        )
        for ent, y, revenue, rd, staff in rows:
            series = by_firm[ent]
            series["revenue_wan"][y] = engine.as_number(revenue)
            series["rd_wan"][y] = engine.as_number(rd)
            series["employees"][y] = engine.as_number(staff)
    titles: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for ent, tier, level in (
        _rows(EnterpriseTier.objects, user)
        .filter(enterprise_id__in=ids, year__lte=year)
        .values_list("enterprise_id", "tier", "level")
    ):
        titles[ent].add((tier, level))
    shares = dict(
        _rows(EnterpriseProduct.objects, user)
        .filter(enterprise_id__in=ids, revenue_share__isnull=False)
        .values("enterprise_id")
        .annotate(top=Max("revenue_share"))
        .values_list("enterprise_id", "top")
    )
    out: dict[int, engine.Facts] = {}
    for firm in firms:
        declared: dict[str, float | None] = {}
        top = shares.get(firm.pk)
        if top is not None:
            declared["main_product_share"] = float(top)
        cand = (candidates or {}).get(firm.pk)
        if cand is not None:
            for name in TierCandidate.DECLARED_FIELDS:
                value = getattr(cand, name)
                if value is not None:
                    fact, scale = DECLARED_FACTS.get(name, (name, 1.0))
                    declared[fact] = float(value) * scale
        series = by_firm[firm.pk]
        industry = getattr(firm, "industry", None)
        out[firm.pk] = engine.Facts(
            year=year,
            founded_on=firm.founded_on,
            revenue_wan=series["revenue_wan"],
            rd_wan=series["rd_wan"],
            employees=series["employees"],
            industry_code=industry.full_code if industry is not None else "",
            above_size=firm.above_size,
            listed=bool(firm.ticker),
            titles=frozenset(titles[firm.pk]),
            declared=declared,
            figures_hidden=hidden,
        )
    return out


def verdict_for(user: Any, candidate: TierCandidate, *, figures: bool = True) -> engine.Verdict:
    """The engine's checks of one candidate, on what ``user`` may see."""
    facts = facts_for(
        user,
        [candidate.enterprise],
        candidate.year,
        {candidate.enterprise_id: candidate},
        figures=figures,
    )
    return engine.evaluate(candidate.rule_key, facts[candidate.enterprise_id])


@dataclass(frozen=True)
class Found:
    enterprise: Enterprise
    verdict: engine.Verdict


def _held_q(tier: str, level: str) -> Q:
    """Firms holding ``tier`` at ``level`` or higher (a national title outranks the provincial one)."""
    levels = [lv for lv, rank in LEVEL_ORDER.items() if rank >= LEVEL_ORDER.get(level, 0)]
    return Q(tiers__tier=tier, tiers__level__in=levels)


def find_candidates(
    user: Any,
    key: str,
    year: int,
    *,
    district: Region | None = None,
    include_possible: bool = False,
    limit: int = 200,
) -> tuple[list[Found], int]:
    """找候选: the firms in ``user``'s scope the engine finds eligible for ``key`` in ``year`` (and, with
    ``include_possible``, those failing no known criterion), best first; with how many firms were checked. Firms
    already in the pipeline for that tier and year, or already holding the title, are left out."""
    tier, level = split_rule(key)
    firms = Enterprise.objects.for_user(user).select_related("industry")
    if district is not None:
        firms = firms.filter(region__code__startswith=district.code)
    if tier == Tier.ABOVE_SIZE:
        firms = firms.filter(above_size=False)
    else:
        firms = firms.exclude(pk__in=Enterprise.objects.filter(_held_q(tier, level)).values("pk"))
    taken = TierCandidate.objects.filter(tier=tier, level=level, year=year).values("enterprise_id")
    firms = firms.exclude(pk__in=taken).order_by("name_sort", "pk")
    checked = 0
    found: list[Found] = []
    batch = 500
    firm_list = list(firms)
    for start in range(0, len(firm_list), batch):
        chunk = firm_list[start : start + batch]
        facts = facts_for(user, chunk, year)
        for firm in chunk:
            checked += 1
            verdict = engine.evaluate(key, facts[firm.pk])
            wanted = {engine.ELIGIBLE, engine.POSSIBLE} if include_possible else {engine.ELIGIBLE}
            if verdict.outcome in wanted:
                found.append(Found(firm, verdict))
    order = {engine.ELIGIBLE: 0, engine.POSSIBLE: 1}
    found.sort(
        key=lambda f: (
            order[f.verdict.outcome],
            -sum(c.outcome == engine.PASS for c in f.verdict.checks),
        )
    )
    return found[:limit], checked


# ------------------------------------------------------------------------------------ counts and targets

TIER_ORDER = [t.value for t in Tier]


@dataclass
class Progress:
    tier: str
    label: str
    target: TierTarget | None
    achieved: int
    recognised: int
    applied: int
    candidates: int
    eligible: int
    rejected: int
    known_ok: int = 0  # candidates failing no known criterion (eligible or possible)

    @property
    def percent(self) -> int | None:
        if self.target is None or not self.target.value:
            return None
        return round(100 * self.achieved / self.target.value)

    @property
    def gap(self) -> int | None:
        if self.target is None:
            return None
        return max(self.target.value - self.achieved, 0)

    @property
    def bar(self) -> int:
        return min(self.percent or 0, 100)


def _titles_held(user: Any, tier: str, level: str, year: int, district: Region | None) -> int:
    """Firms in scope holding one of the tier's titles at ``level`` or higher, awarded by ``year``."""
    titles = TARGET_TITLES.get(tier, (tier,))
    levels = [lv for lv, rank in LEVEL_ORDER.items() if rank >= LEVEL_ORDER.get(level, 0)]
    qs = EnterpriseTier.objects.for_user(user).filter(
        tier__in=titles, level__in=levels, year__lte=year
    )
    if district is not None:
        qs = qs.filter(enterprise__region__code__startswith=district.code)
    return qs.values("enterprise_id").distinct().count()


def _above_size_held(user: Any, district: Region | None) -> int:
    qs = Enterprise.objects.for_user(user).filter(above_size=True)
    if district is not None:
        qs = qs.filter(region__code__startswith=district.code)
    return qs.count()


def targets_for(user: Any, year: int, district: Region | None = None) -> dict[str, TierTarget]:
    """The target of each tier for ``year`` that applies: the district's own where it has one, else the city's."""
    out: dict[str, TierTarget] = {}
    qs = TierTarget.objects.for_user(user).filter(year=year).select_related("region")
    for t in sorted(qs, key=lambda t: t.region_id is not None):
        if t.region_id is None or (district is not None and t.region_id == district.pk):
            out[t.tier] = t
    return out


def working_year(user: Any) -> int:
    """The year a page opens on: the latest year (not past next year) of a candidate or target the user sees, so
    the page does not open on an empty year in January; this year when there is none."""
    this = timezone.localdate().year
    found = [
        qs.filter(year__lte=this + 1).aggregate(latest=Max("year"))["latest"]
        for qs in (TierCandidate.objects.for_user(user), TierTarget.objects.for_user(user))
    ]
    years = [y for y in found if y is not None]
    return max(years) if years else this


def progress(user: Any, year: int, district: Region | None = None) -> list[Progress]:
    """计划完成情况: for each tier, its target for ``year`` and the counts against it in ``user``'s scope: the
    firms holding the title (a cumulative target) or recognised in the year, and the pipeline (applied, candidates,
    candidates meeting every criterion)."""
    cands = TierCandidate.objects.for_user(user).filter(year=year)
    if district is not None:
        cands = cands.filter(enterprise__region__code__startswith=district.code)
    counts: dict[tuple[str, str], int] = {}
    for tier, status, n in cands.values_list("tier", "status").annotate(n=Count("pk")):
        counts[(tier, status)] = n
    eligible = dict(
        cands.filter(status=TierCandidate.Status.CANDIDATE, verdict=TierCandidate.Verdict.ELIGIBLE)
        .values_list("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    known_ok = dict(
        cands.filter(
            status=TierCandidate.Status.CANDIDATE,
            verdict__in=[TierCandidate.Verdict.ELIGIBLE, TierCandidate.Verdict.POSSIBLE],
        )
        .values_list("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    targets = targets_for(user, year, district)
    rows: list[Progress] = []
    for tier in TIER_ORDER:
        target = targets.get(tier)
        level = target.level if target is not None else _lowest_level(tier)
        recognised = counts.get((tier, TierCandidate.Status.RECOGNISED), 0)
        if target is not None and not target.cumulative:
            achieved = recognised
        elif tier == Tier.ABOVE_SIZE:
            achieved = _above_size_held(user, district)
        else:
            achieved = _titles_held(user, tier, level, year, district)
        rows.append(
            Progress(
                tier=tier,
                label=str(Tier(tier).label),
                target=target,
                achieved=achieved,
                recognised=recognised,
                applied=counts.get((tier, TierCandidate.Status.APPLIED), 0),
                candidates=counts.get((tier, TierCandidate.Status.CANDIDATE), 0),
                eligible=eligible.get(tier, 0),
                rejected=counts.get((tier, TierCandidate.Status.REJECTED), 0),
                known_ok=known_ok.get(tier, 0),
            )
        )
    return rows


def _lowest_level(tier: str) -> str:
    levels = [split_rule(k)[1] for k in RULES if split_rule(k)[0] == tier]
    return min(levels, key=lambda lv: LEVEL_ORDER.get(lv, 0)) if levels else Level.CITY


def progress_by_district(user: Any, year: int) -> list[dict[str, Any]]:
    """Per district in ``user``'s scope: titles held (any level) and the year's pipeline per tier."""
    held: dict[tuple[str, str], set[int]] = defaultdict(set)
    for code, tier, ent in (
        EnterpriseTier.objects.for_user(user)
        .filter(year__lte=year)
        .values_list("enterprise__region__code", "tier", "enterprise_id")
    ):
        held[(code[:6], tier)].add(ent)
    for code, ent in (
        Enterprise.objects.for_user(user).filter(above_size=True).values_list("region__code", "pk")
    ):
        held[(code[:6], Tier.ABOVE_SIZE)].add(ent)
    pipeline: dict[tuple[str, str], int] = defaultdict(int)
    for code, tier in (
        TierCandidate.objects.for_user(user)
        .filter(
            year=year, status__in=[TierCandidate.Status.CANDIDATE, TierCandidate.Status.APPLIED]
        )
        .values_list("enterprise__region__code", "tier")
    ):
        pipeline[(code[:6], tier)] += 1
    codes = sorted({c for c, _t in held} | {c for c, _t in pipeline})
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for code in codes:
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "cells": [
                    {"held": len(held.get((code, t), ())), "pipeline": pipeline.get((code, t), 0)}
                    for t in TIER_ORDER
                ],
            }
        )
    return rows


def progress_table(rows: list[Progress], year: int) -> tuple[list[str], list[list[Any]]]:
    """The counts-against-targets page as an Excel sheet (header, rows)."""
    header = [
        "称号",
        "年度",
        "目标级别",
        "目标（家）",
        "口径",
        "已完成（家）",
        "完成率（%）",
        "差额（家）",
        "当年认定",
        "已申报",
        "候选",
        "候选中符合全部条件",
        "候选中已知条件均符合",
        "未通过",
        "目标来源",
    ]
    lines = []
    for r in rows:
        t = r.target
        lines.append(
            [
                r.label,
                year,
                t.get_level_display() if t else "",
                t.value if t else None,
                ("累计" if t.cumulative else "当年") if t else "",
                r.achieved,
                r.percent,
                r.gap,
                r.recognised,
                r.applied,
                r.candidates,
                r.eligible,
                r.known_ok,
                r.rejected,
                t.source if t else "",
            ]
        )
    return header, lines


def today_year() -> int:
    return timezone.localdate().year


def districts_for(user: Any) -> Any:
    """The home city's districts a user may pick (a district user: its own)."""
    from django.conf import settings

    qs = Region.objects.filter(
        level=Region.Level.COUNTY, code__startswith=settings.CHAINLEADER_HOME_REGION
    )
    scope = scope_for(user) if user is not None else None
    if scope is not None and not scope.everything and scope.region_prefixes:
        q = Q(pk__in=[])
        for code in scope.region_prefixes:
            q |= Q(code__startswith=code)
        qs = qs.filter(q)
    return qs.order_by("code")


# --- the firm's page (enterprises.hooks.enterprise_panels; issue 15 item 5) ---------------------------------------


def enterprise_candidates_panel(enterprise: Any, user: Any) -> Panel | None:
    """The firm's tier candidacies the user sees; none for a firm account (the office's working list)."""
    if getattr(user, "role", "") == "enterprise":
        return None
    qs = TierCandidate.objects.for_user(user).filter(enterprise=enterprise)
    rows = [
        PanelRow(
            f"{c.year} · {c.get_tier_display()} · {c.get_level_display()}",
            c.get_absolute_url(),
            c.get_status_display(),
        )
        for c in qs.order_by("-year", "-pk")[:PANEL_ROWS]
    ]
    url = reverse("tiers:candidate_list") + f"?enterprise={enterprise.pk}"
    return Panel("candidates", gettext("Tier candidacies"), qs.count(), rows, url)
