"""Reads of the cockpit (领导驾驶舱), the chain's record (B8) and the published rankings.

The cockpit's figures are grouped queries on the user's scoped sets (a district's are its own territory's), a
dozen per computation, cached per scope, year and language under a version that every write to projects,
reports, problems, evaluation runs or assessment runs bumps (docs/decisions/0027); the cache's own timeout bounds
what a write without signals (a bulk import) leaves stale.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainleader.accounts.models import Role, User
from chainleader.chains.models import Chain, Placement
from chainleader.commissioners.models import Visit
from chainleader.core import charts
from chainleader.core.querysets import scope_for
from chainleader.evaluation.models import EvaluationResult, EvaluationRun
from chainleader.investment.models import Lead
from chainleader.matching.models import Match
from chainleader.projects import selectors as projects
from chainleader.projects.models import BAND_BIG_YI, MonthlyReport, Problem, Project
from chainleader.worklists.models import ChainMeeting, MeetingDecision
from chainleader.worklists.selectors import meetings_chaired

from .metrics import attainment_by_subject, on_time_q
from .models import AssessmentRun, AssessmentScore, SubjectKind

CACHE_SECONDS = 600
VERSION_KEY = "cockpit:version"
ZERO = Decimal("0")


# --------------------------------------------------------------------------------------------- the cache


def cache_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def bump_version(**_: Any) -> None:
    """Called after a write the cockpit reads (receivers): every scope's cached figures are stale at once."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def scope_key(user: Any) -> str:
    """One cache entry per data scope: the office and the chief chain leader share the city's."""
    scope = scope_for(user)
    if scope.everything:
        return "all"
    chains = ",".join(str(i) for i in sorted(scope.chain_ids))
    return f"r{','.join(scope.region_prefixes)}c{chains}"


def summary(user: Any, year: int) -> dict[str, Any]:
    """The cockpit of ``user`` for ``year`` (from the cache when nothing changed since it was computed)."""
    key = f"cockpit:{cache_version()}:{scope_key(user)}:{year}:{translation.get_language() or ''}"
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = compute_summary(user, year)
        cache.set(key, found, timeout=CACHE_SECONDS)
    # Published rankings are the same for every scope and change only by publishing (which bumps the version).
    return found


# --------------------------------------------------------------------------------------------- the figures


def _f(v: Any) -> float:
    return round(float(v or 0), 4)


def _share(ok: int, n: int) -> float | None:
    return round(ok / n, 4) if n else None


def compute_summary(user: Any, year: int) -> dict[str, Any]:
    scope = scope_for(user)
    city = scope.everything
    qs = Project.objects.for_user(user)
    problems = Problem.objects.for_user(user).filter(source=Problem.Source.LEDGER)
    attainment = attainment_by_subject(user, year)
    totals = qs.order_by().aggregate(
        count=Count("pk"),
        total_yi=Coalesce(Sum("total_investment_yi"), projects.ZERO),
        big=Count("pk", filter=Q(total_investment_yi__gte=BAND_BIG_YI)),
        lagging=Count("pk", filter=Q(is_lagging=True)),
    )
    cross = _cross(qs, problems, year)
    chains = _rows(cross, "chain", attainment.get("chain", {}))
    held = meetings_chaired(user, [r["id"] for r in chains], year=year)
    for row in chains:
        row["meetings"] = held.get(row["id"], 0)
    districts = _rows(cross, "district", attainment.get("district", {}))
    today = timezone.localdate()
    problem_figures = problems.order_by().aggregate(
        closed=Count("pk", filter=Q(status=Problem.Status.CLOSED, closed_at__year=year)),
        on_time=Count(
            "pk", filter=Q(status=Problem.Status.CLOSED, closed_at__year=year) & on_time_q()
        ),
        open=Count("pk", filter=~Q(status=Problem.Status.CLOSED)),
        overdue=Count("pk", filter=Q(status="assigned", deadline__lt=today)),
    )
    problem_figures["share"] = _share(problem_figures["on_time"], problem_figures["closed"])
    stages = [
        {
            "stage": r["stage"],
            "label": str(r["label"]),
            "count": r["count"],
            "total_yi": _f(r["total_yi"]),
        }
        for r in projects.stage_rows(qs)
    ]
    series = projects.monthly_series(qs, date(year - 1, 1, 1), date(year, 12, 31))
    regions = projects.qingdao_districts()
    if not city:
        regions = {
            c: n
            for c, n in regions.items()
            if c.startswith(scope.region_prefixes) or not scope.region_prefixes
        }
    return {
        "year": year,
        "city": city,
        "totals": {
            "count": totals["count"],
            "total_yi": _f(totals["total_yi"]),
            # The chains' rows hold every project of the scope once: their sum is the scope's (no second pass
            # over the reports).
            "completed_year_yi": round(sum(r["completed_year_yi"] for r in chains), 4),
            "big": totals["big"],
            "lagging": totals["lagging"],
        },
        "chains": chains,
        "districts": districts,
        "stages": stages,
        "problems": problem_figures,
        "mu_classes": mu_classes(user),
        "attainment_available": any(attainment.values()),
        "map": projects.map_option(qs, "qingdao", regions),
        "trend": projects.monthly_chart_option(series),
        "stage_chart": _stage_chart(stages),
        "rankings": published_rankings(user),
    }


def _cross(qs: Any, problems: Any, year: int) -> dict[str, list[Any]]:
    """Three grouped queries by (chain, district): the projects, the year's completed investment, the problems
    closed in the year (and on time). The chain rows and the district rows are both summed from them."""
    base = list(
        qs.order_by()
        .values("chain", "chain__name", "district", "district__code", "district__name")
        .annotate(
            count=Count("pk"),
            total_yi=Coalesce(Sum("total_investment_yi"), projects.ZERO),
            lagging=Count("pk", filter=Q(is_lagging=True)),
            started=Count("pk", filter=Q(started_on__year=year)),
        )
    )
    completed = list(
        MonthlyReport.objects.filter(project__in=qs.values("pk"), month__year=year)
        .order_by()
        .values("project__chain", "project__district")
        .annotate(s=Sum("completed_yi"))
        .values_list("project__chain", "project__district", "s")
    )
    closed = list(
        problems.filter(status=Problem.Status.CLOSED, closed_at__year=year)
        .order_by()
        .values("chain", "region")
        .annotate(n=Count("pk"), ok=Count("pk", filter=on_time_q()))
        .values_list("chain", "region", "n", "ok")
    )
    return {"base": base, "completed": completed, "closed": closed}


def _rows(
    cross: dict[str, list[Any]], group: str, attainment: dict[str, float | None]
) -> list[dict[str, Any]]:
    """One row per chain or district: projects, investment, completed this year, problems closed on time; ranked
    by investment completed this year."""
    chain = group == "chain"
    rows: dict[Any, dict[str, Any]] = {}
    for r in cross["base"]:
        key = r["chain"] if chain else r["district"]
        row = rows.setdefault(
            key,
            {
                "id": key,
                "code": "" if chain else r["district__code"],
                "label": r["chain__name"] if chain else r["district__name"],
                "count": 0,
                "total_yi": 0.0,
                "completed_year_yi": 0.0,
                "started": 0,
                "lagging": 0,
                "problems_closed": 0,
                "on_time": 0,
            },
        )
        row["count"] += r["count"]
        row["total_yi"] += float(r["total_yi"] or 0)
        row["started"] += r["started"]
        row["lagging"] += r["lagging"]
    for c, d, total in cross["completed"]:
        found = rows.get(c if chain else d)
        if found is not None:
            found["completed_year_yi"] += float(total or 0)
    for c, region_id, n, ok in cross["closed"]:
        found = rows.get(c if chain else region_id)
        if found is not None:
            found["problems_closed"] += n
            found["on_time"] += ok
    out = list(rows.values())
    for row in out:
        row["total_yi"] = round(row["total_yi"], 4)
        row["completed_year_yi"] = round(row["completed_year_yi"], 4)
        row["on_time_share"] = _share(row.pop("on_time"), row["problems_closed"])
        subject = str(row["id"]) if chain else str(row["code"])
        row["attainment"] = attainment.get(subject)
    out.sort(key=lambda r: (-r["completed_year_yi"], -r["total_yi"], str(r["label"])))
    for i, r in enumerate(out, 1):
        r["rank"] = i
    return out


def mu_classes(user: Any) -> dict[str, Any]:
    """亩均 classes A/B/C/D of the latest published evaluation, over the firms the user sees."""
    run = EvaluationRun.objects.published().order_by("-year").values_list("pk", "year").first()
    if run is None:
        return {"year": None, "counts": {}}
    counts = dict(
        EvaluationResult.objects.for_user(user)
        .filter(run_id=run[0], graded=True)
        .order_by()
        .values("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    return {"year": run[1], "counts": {g: counts.get(g, 0) for g in "ABCD"}}


def _stage_chart(stages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "grid": charts.grid(right=20, top=30),
        "xAxis": charts.category_axis([s["label"] for s in stages], name=_("stage")),
        "yAxis": charts.value_axis(_("projects")),
        "color": ["#206bc4"],
        "series": [{"type": "bar", "name": _("projects"), "data": [s["count"] for s in stages]}],
    }


def published_rankings(user: Any) -> dict[str, Any]:
    """The latest published run of each kind (chains: stars; districts: flags) with its ranking: the city's
    published rankings every cockpit reader sees."""
    out: dict[str, Any] = {}
    for kind in (SubjectKind.CHAIN, SubjectKind.DISTRICT):
        run = (
            AssessmentRun.objects.for_user(user)
            .filter(status=AssessmentRun.Status.PUBLISHED)
            .filter(scheme__subject_kind=kind)
            .select_related("scheme")
            .order_by("-published_at", "-pk")
            .first()
        )
        if run is None:
            out[kind] = None
            continue
        out[kind] = {
            "run": run.pk,
            "name": str(run.scheme),
            "scores": list(
                AssessmentScore.objects.filter(run=run)
                .order_by("rank", "label")
                .values("rank", "label", "total", "awarded")
            ),
        }
    return out


# --------------------------------------------------------------------------------------------- a chain


def chain_summary(user: Any, chain: Chain, year: int) -> dict[str, Any]:
    """A chain's cockpit: its figures over the user's scoped projects and problems."""
    qs = Project.objects.for_user(user).filter(chain=chain)
    problems = Problem.objects.for_user(user).filter(chain=chain)
    series = projects.monthly_series(qs, date(year - 1, 1, 1), date(year, 12, 31))
    return {
        "totals": projects.totals(qs, year),
        "stages": projects.stage_rows(qs),
        "districts": projects.summary_by(qs, "district", year),
        "problems": projects.problem_counts(problems, timezone.localdate()),
        "trend": projects.monthly_chart_option(series),
    }


def record(user: Any, chain: Chain, year: int) -> dict[str, Any]:
    """The chain leader's record (链长履职, B8) for ``year``: who (the chain leader and team), and what was done —
    visits to the chain's firms, meetings chaired, matches brought to a deal, problems closed, leads landed and
    projects started — tied to the chain's indicator attainment. Counts and the rows behind them (the export)."""
    firms = Placement.objects.filter(segment__chain=chain).values("enterprise")
    visits = (
        Visit.objects.for_user(user)
        .filter(assignment__enterprise__in=firms, on__year=year)
        .select_related("assignment__enterprise", "visitor")
        .order_by("-on", "-pk")
    )
    matches = (
        Match.objects.for_user(user)
        .filter(Q(need__chain=chain) | Q(offer__chain=chain))
        .filter(status=Match.Status.DEALT, status_changed_at__year=year)
        .select_related("need__enterprise", "offer__enterprise")
        .order_by("-status_changed_at", "-pk")
    )
    problems = (
        Problem.objects.for_user(user)
        .filter(chain=chain, status=Problem.Status.CLOSED, closed_at__year=year)
        .select_related("department")
        .order_by("-closed_at", "-pk")
    )
    leads = (
        Lead.objects.for_user(user)
        .filter(chain=chain, stage=Lead.Stage.LANDED, stage_on__year=year)
        .select_related("company")
        .order_by("-stage_on", "-pk")
    )
    started = (
        Project.objects.for_user(user)
        .filter(chain=chain, started_on__year=year)
        .select_related("district")
        .order_by("-started_on", "-pk")
    )
    people = list(
        User.objects.filter(
            chains=chain, role__in=(Role.CHAIN_LEADER, Role.TEAM_MEMBER), is_active=True
        )
        .order_by("role", "username")
        .values_list("full_name", "username", "role")
    )
    problem_counts = problems.order_by().aggregate(
        n=Count("pk"), ok=Count("pk", filter=on_time_q())
    )
    meetings = _meetings(user, chain, year)
    return {
        "year": year,
        "leader_post": chain.leader_post,
        "people": [
            {"name": full or username, "role": str(Role(role).label)}
            for full, username, role in people
        ],
        "counts": {
            "visits": visits.count(),
            "meetings": meetings["count"],
            "decisions": meetings["decisions"],
            "matches": matches.count(),
            "problems_closed": problem_counts["n"],
            "problems_on_time": problem_counts["ok"],
            "leads_landed": leads.count(),
            "projects_started": started.count(),
        },
        "attainment": attainment_by_subject(user, year).get("chain", {}).get(str(chain.pk)),
        "visits": visits,
        "matches": matches,
        "problems": problems,
        "leads": leads,
        "started": started,
        "meetings": meetings,
    }


def _meetings(user: Any, chain: Chain, year: int) -> dict[str, Any]:
    """Chain meetings chaired (worklists' held meetings with a chair, worklists.selectors.meetings_chaired) in the
    year, the decisions they took, and the rows for the export."""
    count = meetings_chaired(user, [chain.pk], year=year).get(chain.pk, 0)
    qs = (
        ChainMeeting.objects.for_user(user)
        .filter(chain=chain, status=ChainMeeting.Status.HELD, held_on__year=year)
        .filter(Q(chair__isnull=False) | ~Q(chair_name=""))
    )
    decisions = MeetingDecision.objects.filter(meeting__in=qs.values("pk")).count()
    rows = list(qs.select_related("chair").order_by("-held_on", "-pk")[:200])
    return {"count": count, "decisions": decisions, "rows": rows, "date_field": "held_on"}
