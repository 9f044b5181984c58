"""Benchmark: project scheduling at 10,000 projects with 24 months of reports each (240,000 report rows).

Builds a throw-away SQLite database (WAL, as in production), then measures, as p50/p95 over repeated requests
through Django's test client:
- the project list (first page with the office's totals, a filter, a sort, a deep page; as the office and as a
  chain team member),
- a chain's dashboard (stages, totals, lagging projects, problems, the four lists, the monthly chart),
- a chain brief (.docx with a chart) and the all-chains brief,
and compares each with a naive per-row ORM version of the same figures measured in the same run (following each
row's foreign keys and summing each project's reports one query at a time). Goals: list pages p95 ≤ 150 ms, a
chain brief ≤ 3 s. Also times the daily lagging check over all projects.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.mkdtemp(prefix="chainleader-bench-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ["DJANGO_SETTINGS_MODULE"] = "chainleader.settings.dev"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N = int(os.environ.get("BENCH_PROJECTS", "10000"))
MONTHS = 24
CHAINS = 33
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
NAIVE_REPEAT = int(os.environ.get("BENCH_NAIVE_REPEAT", "5"))
STAGES = ("signed", "registered", "started", "building", "completed", "producing", "counted")


def build():
    from chainleader.accounts.models import OrgUnit, Role, User
    from chainleader.chains.models import Chain
    from chainleader.projects.models import MonthlyReport, Problem, Project
    from chainleader.reference.models import Region
    from chainleader.worklists.models import WorkItem

    call_command("migrate", verbosity=0)
    rng = random.Random(20260101)
    city = Region.objects.get(code="3702")
    districts = list(Region.objects.filter(code__startswith="3702", level=3))
    dept = OrgUnit.objects.create(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    chains = [
        Chain.objects.create(
            name=f"产业链{i:02d}", level="city", region=city, lead_department=dept, order=i
        )
        for i in range(CHAINS)
    ]
    projects = []
    for i in range(N):
        stage = STAGES[i % len(STAGES)]
        projects.append(
            Project(
                code=f"B{i:06d}",
                name=f"基准测试项目{i:05d}",
                chain=chains[i % CHAINS],
                district=districts[i % len(districts)],
                kind="new",
                total_investment_yi=Decimal(str(round(rng.lognormvariate(1.6, 0.9), 2))),
                stage=stage,
                signed_on=date(2025 + i % 2, 1 + i % 12, 1),
                planned_started_on=date(2026, 1 + i % 12, 15),
                planned_completed_on=date(2027, 1 + i % 12, 15),
                is_synthetic=True,
            )
        )
    Project.objects.bulk_create(projects, batch_size=2000)
    ids = list(Project.objects.values_list("pk", flat=True))
    months = [date(2025 + m // 12, m % 12 + 1, 1) for m in range(MONTHS)]
    batch = []
    for pk in ids:
        for month in months:
            planned = Decimal(str(round(rng.uniform(0.1, 2), 4)))
            batch.append(
                MonthlyReport(
                    project_id=pk,
                    month=month,
                    planned_yi=planned,
                    completed_yi=(planned * Decimal(str(round(rng.uniform(0.6, 1.1), 2))))
                    if month < date(2026, 11, 1)
                    else None,
                )
            )
        if len(batch) >= 20000:
            MonthlyReport.objects.bulk_create(batch, batch_size=5000)
            batch = []
    MonthlyReport.objects.bulk_create(batch, batch_size=5000)
    Problem.objects.bulk_create(
        [
            Problem(
                chain=chains[i % CHAINS],
                project_id=ids[(i * 7) % len(ids)],
                title=f"问题{i}",
                raised_on=date(2026, 5, 1),
                status=("raised", "assigned", "closed")[i % 3],
                department=dept,
                deadline=date(2026, 6, 1),
            )
            for i in range(600)
        ]
    )
    WorkItem.objects.bulk_create(
        [
            WorkItem(
                chain=chains[i % CHAINS],
                kind=("task", "investment")[i % 2],
                year=2026,
                title=f"事项{i}",
                owner_unit=dept,
                deadline=date(2026, 6 + i % 6, 1),
            )
            for i in range(330)
        ]
    )
    office = User.objects.create_user("bench", password="Bench-Passw0rd!", role=Role.OFFICE)
    team = User.objects.create_user("bench_team", password="Bench-Passw0rd!", role=Role.TEAM_MEMBER)
    team.chains.add(chains[0])
    return office, team, chains[0]


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def line(label: str, t: list[float]) -> str:
    return f"{label:34s} p50 {statistics.median(t):8.1f} ms   p95 {p95(t):8.1f} ms"


# ------------------------------------------------------------------------------------------------- naive versions


def naive_list(user) -> None:
    """The list page the naive way: every foreign key fetched on access, totals summed row by row in Python."""
    from django.template.loader import render_to_string

    from chainleader.projects.models import Project
    from chainleader.projects.tables import PROJECT_COLUMNS

    qs = Project.objects.for_user(user)
    page = list(qs.order_by("-total_investment_yi", "pk")[:50])
    rows = [(obj, [(c, c.value(obj)) for c in PROJECT_COLUMNS]) for obj in page]
    totals = {"count": 0, "total_yi": Decimal(0), "completed_year_yi": Decimal(0)}
    for project in qs.iterator():
        totals["count"] += 1
        totals["total_yi"] += project.total_investment_yi
        for report in project.reports.filter(month__year=2026):
            totals["completed_year_yi"] += report.completed_yi or 0
    render_to_string(
        "core/_object_table.html", {"columns": PROJECT_COLUMNS, "rows": rows, "page_obj": None}
    )


def naive_dashboard(user, chain) -> None:
    """The chain page the naive way: per-project loops for stages, totals, lagging and monthly sums."""
    from chainleader.projects.models import Problem, Project

    stages: dict[str, list[Decimal]] = {}
    monthly: dict[date, Decimal] = {}
    lagging = []
    for project in Project.objects.for_user(user).filter(chain=chain):
        stages.setdefault(project.stage, []).append(project.total_investment_yi)
        if project.is_lagging:
            lagging.append((project.name, project.district.name, project.chain.name))
        for report in project.reports.all():
            monthly[report.month] = monthly.get(report.month, Decimal(0)) + report.planned_yi
    for problem in Problem.objects.for_user(user).filter(chain=chain):
        _ = problem.department.name if problem.department_id else ""


def naive_brief(user, chain) -> None:
    """The brief's figures gathered row by row (each project, its reports, problems, items), then the same Word
    file (chart included) from the same renderer."""
    from django.utils import timezone

    from chainleader.projects import briefs
    from chainleader.projects.models import Problem, Project, Stage
    from chainleader.worklists.models import WorkItem

    start, end, today = date(2026, 1, 1), date(2026, 11, 24), date(2026, 11, 24)
    head = {
        "count": 0,
        "total_yi": Decimal(0),
        "above_100m": 0,
        "big": 0,
        "lagging": 0,
        "year": 2026,
        "completed_year_yi": Decimal(0),
        "planned_period_yi": Decimal(0),
        "completed_period_yi": Decimal(0),
        "big_signed": 0,
        "big_target": 2,
    }
    stages = {s: [0, Decimal(0)] for s in Stage.values}
    monthly: dict[date, list] = {}
    lagging = []
    for p in (
        Project.objects.for_user(user).filter(chain=chain).order_by("-total_investment_yi", "pk")
    ):
        head["count"] += 1
        head["total_yi"] += p.total_investment_yi
        head["above_100m"] += p.total_investment_yi >= 1
        head["big"] += p.total_investment_yi >= 20
        head["big_signed"] += bool(
            p.signed_on and p.signed_on.year == 2026 and p.total_investment_yi >= 20
        )
        stages[p.stage][0] += 1
        stages[p.stage][1] += p.total_investment_yi
        if p.is_lagging:
            head["lagging"] += 1
            _ = p.district.name, p.chain.name
            lagging.append(p)
        for r in p.reports.all():
            if r.month.year == 2026:
                head["completed_year_yi"] += r.completed_yi or 0
            if start <= r.month <= end:
                head["planned_period_yi"] += r.planned_yi
                head["completed_period_yi"] += r.completed_yi or 0
                row = monthly.setdefault(r.month, [Decimal(0), Decimal(0)])
                row[0] += r.planned_yi
                row[1] += r.completed_yi or 0
    head["rate"] = (
        head["completed_period_yi"] / head["planned_period_yi"] * 100
        if head["planned_period_yi"]
        else None
    )
    problems = {"raised": 0, "solved": 0, "open": 0, "overdue": 0}
    open_problems = []
    for pr in Problem.objects.for_user(user).filter(chain=chain):
        problems["raised"] += start <= pr.raised_on <= end
        if pr.status == "closed":
            problems["solved"] += 1
        else:
            problems["open"] += 1
            _ = pr.department.name if pr.department_id else ""
            open_problems.append(pr)
        problems["overdue"] += pr.is_overdue(today)
    lists = {}
    for item in WorkItem.objects.for_user(user).filter(chain=chain):
        row = lists.setdefault(
            item.kind,
            {
                "label": item.get_kind_display(),
                "total": 0,
                "open": 0,
                "requested": 0,
                "closed": 0,
                "overdue": 0,
            },
        )
        row["total"] += 1
        row["overdue"] += item.is_overdue(today)
    data = briefs.BriefData(
        title=chain.name,
        chain=chain,
        start=start,
        end=end,
        generated_at=timezone.now(),
        since=None,
        headline=head,
        stages=[
            {"stage": s, "label": Stage(s).label, "count": c, "total_yi": t, "delta": None}
            for s, (c, t) in stages.items()
        ],
        changes=[],
        lagging=lagging[:100],
        lagging_total=len(lagging),
        problems=problems,
        open_problems=open_problems[:100],
        worklists=list(lists.values()),
        chains=[],
        monthly=[
            {"month": m, "planned": v[0], "completed": v[1]} for m, v in sorted(monthly.items())
        ],
        next_steps=["-"],
    )
    briefs.render_docx(data)


def main() -> None:
    t0 = time.perf_counter()
    office, team, chain = build()
    from chainleader.projects import services

    print(
        f"built {N:,} projects × {MONTHS} months of reports in {time.perf_counter() - t0:.1f} s ({DB})"
    )
    t = time.perf_counter()
    summary = services.projects_mark_lagging()
    print(
        f"daily lagging check over {summary['projects']:,} projects: {(time.perf_counter() - t) * 1000:.0f} ms "
        f"({summary['lagging']:,} lagging)"
    )
    setup_test_environment()
    settings.CHAINLEADER_OTP_REQUIRED = False
    clients = {}
    for label, user in (("office", office), ("team", team)):
        clients[label] = Client()
        clients[label].force_login(user)

    print("\n-- project list")
    cases = {
        "office: first page + totals": ("office", "/projects/"),
        "office: filter stage + band": ("office", "/projects/?stage=building&band=above_100m"),
        "office: sort by investment": ("office", "/projects/?sort=-total_investment_yi"),
        "office: deep page (150)": ("office", "/projects/?page=150"),
        "team: first page + totals": ("team", "/projects/"),
    }
    worst = 0.0
    for label, (who, url) in cases.items():
        assert clients[who].get(url).status_code == 200, url
        t = timed(lambda who=who, url=url: clients[who].get(url), REPEAT)
        worst = max(worst, p95(t))
        print(line(label, t))
    base = timed(lambda: naive_list(office), NAIVE_REPEAT)
    ours = timed(lambda: clients["office"].get("/projects/"), REPEAT)
    print(line("naive per-row list (office)", base))
    print(f"ratio naive/ours (p95, office first page): {p95(base) / p95(ours):.1f}x")
    print(f"worst list p95: {worst:.1f} ms (goal ≤ 150 ms)")

    print("\n-- chain dashboard")
    url = f"/projects/chains/{chain.pk}/"
    ours = timed(lambda: clients["office"].get(url), REPEAT)
    base = timed(lambda: naive_dashboard(office, chain), NAIVE_REPEAT)
    print(line("chain dashboard (office)", ours))
    print(line("naive per-row dashboard", base))
    print(f"ratio naive/ours (p95): {p95(base) / p95(ours):.1f}x")

    print("\n-- briefs (.docx with chart)")
    form = {"period_start": "2026-01-01", "period_end": "2026-11-24"}
    brief_url = f"/projects/chains/{chain.pk}/brief/"
    assert clients["office"].post(brief_url, form).status_code == 200
    ours = timed(lambda: clients["office"].post(brief_url, form), max(REPEAT // 3, 5))
    base = timed(lambda: naive_brief(office, chain), NAIVE_REPEAT)
    print(line("chain brief (office)", ours))
    print(line("naive per-row chain brief", base))
    print(f"ratio naive/ours (p95): {p95(base) / p95(ours):.1f}x   (goal: chain brief ≤ 3 s)")
    allb = timed(lambda: clients["office"].post("/projects/brief/", form), 5)
    print(line(f"all-chains brief ({N:,} projects)", allb))
    connection.close()
    shutil.rmtree(DB.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
