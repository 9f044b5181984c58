"""Benchmark: the cockpit (领导驾驶舱) at the demo's size and at 10× its projects and firms.

Builds a throw-away SQLite database (WAL, as in production) shaped like the demo — 33 city chains of 10 projects
(330 projects, 24 months of reports each), ~2,000 firms with a published per-mu evaluation, problems closed on time
and late — then measures, as p50/p95 over repeated requests through Django's test client:
- the cockpit page as the office with a warm cache (what a reader gets between writes),
- the same page with the cache's version bumped before every request (the figures recomputed each time, the
  worst case: the first reader after each write),
- a district's cockpit (its own figures, recomputed) and a chain's page with the record;
and compares the recomputation with a naive per-row version of the same figures measured in the same run (each
project's reports and problems followed one query at a time). Then adds nine more copies of the projects and the
firms (3,300 projects, ~20,000 firms) and measures again. Goal: p95 ≤ 300 ms on the demo's data.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
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

CHAINS = 33
PER_CHAIN = 10
FIRMS = 2000
MONTHS = 24
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
NAIVE_REPEAT = int(os.environ.get("BENCH_NAIVE_REPEAT", "5"))
STAGES = ("signed", "registered", "started", "building", "completed", "producing", "counted")
YEAR = 2026


def build_base():
    from chainleader.accounts.models import OrgUnit, Role, User
    from chainleader.chains.models import Chain
    from chainleader.evaluation import services as evaluation
    from chainleader.evaluation.models import EvaluationRun
    from chainleader.reference.models import Region

    call_command("migrate", verbosity=0)
    city = Region.objects.get(code="3702")
    districts = list(Region.objects.filter(code__startswith="3702", level=3).order_by("code"))
    dept = OrgUnit.objects.create(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    chains = [
        Chain.objects.create(
            name=f"产业链{i:02d}", level="city", region=city, lead_department=dept, order=i
        )
        for i in range(CHAINS)
    ]
    run = EvaluationRun.objects.create(
        year=2024, scheme=evaluation.scheme_current(), status=EvaluationRun.Status.PUBLISHED
    )
    office = User.objects.create_user("bench", password="Bench-Passw0rd!", role=Role.OFFICE)
    unit = OrgUnit.objects.create(name="黄岛区", kind=OrgUnit.Kind.DISTRICT, region=districts[2])
    district = User.objects.create_user(
        "bench_district", password="Bench-Passw0rd!", role=Role.DISTRICT, org_unit=unit
    )
    return office, district, chains, districts, dept, run


def add_copy(copy: int, chains, districts, dept, run) -> None:
    """One demo-sized copy: 330 projects with 24 months of reports, 100 problems, 2,000 graded firms."""
    from chainleader.enterprises.models import Enterprise
    from chainleader.evaluation.models import EvaluationResult
    from chainleader.projects.models import MonthlyReport, Problem, Project

    rng = random.Random(20260101 + copy)
    projects = []
    for i in range(CHAINS * PER_CHAIN):
        projects.append(
            Project(
                code=f"C{copy:02d}{i:05d}",
                name=f"驾驶舱基准项目{copy}-{i:04d}",
                chain=chains[i % CHAINS],
                district=districts[i % len(districts)],
                kind="new",
                total_investment_yi=Decimal(str(round(rng.lognormvariate(1.6, 0.9), 2))),
                stage=STAGES[i % len(STAGES)],
                signed_on=date(2025 + i % 2, 1 + i % 12, 1),
                started_on=date(2026, 1 + i % 12, 1) if i % 3 else None,
                is_synthetic=True,
            )
        )
    created = Project.objects.bulk_create(projects, batch_size=2000)
    months = [date(2025 + m // 12, m % 12 + 1, 1) for m in range(MONTHS)]
    reports = []
    for p in created:
        for month in months:
            planned = Decimal(str(round(rng.uniform(0.1, 2), 4)))
            reports.append(
                MonthlyReport(
                    project_id=p.pk,
                    month=month,
                    planned_yi=planned,
                    completed_yi=planned * Decimal("0.9") if month < date(2026, 11, 1) else None,
                    is_synthetic=True,
                )
            )
    MonthlyReport.objects.bulk_create(reports, batch_size=5000)
    Problem.objects.bulk_create(
        [
            Problem(
                chain=chains[i % CHAINS],
                project_id=created[(i * 7) % len(created)].pk,
                region=districts[i % len(districts)],
                title=f"问题{copy}-{i}",
                raised_on=date(2026, 3, 1),
                status=("assigned", "closed", "closed")[i % 3],
                department=dept,
                deadline=date(2026, 5, 1),
                closed_at=datetime(2026, 4 + i % 3, 10, tzinfo=UTC) if i % 3 else None,
                is_synthetic=True,
            )
            for i in range(100)
        ]
    )
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"青岛基准企业{copy}-{i:04d}有限公司",
                uscc=f"91370200B{copy:02d}{i:07d}"[:18],
                region=districts[i % len(districts)],
                is_synthetic=True,
            )
            for i in range(FIRMS)
        ],
        batch_size=2000,
    )
    EvaluationResult.objects.bulk_create(
        [
            EvaluationResult(run=run, enterprise=f, graded=True, grade="ABCD"[i % 4])
            for i, f in enumerate(firms)
        ],
        batch_size=2000,
    )


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
    return f"{label:40s} p50 {statistics.median(t):8.1f} ms   p95 {p95(t):8.1f} ms"


def naive_cockpit(user) -> None:
    """The cockpit's figures the naive way: every project, its chain and district, its reports and problems
    fetched one query at a time and summed in Python; the firms' classes counted row by row."""
    from chainleader.evaluation.models import EvaluationResult
    from chainleader.projects.models import Project

    chains: dict[str, list] = {}
    districts: dict[str, list] = {}
    stages: dict[str, int] = {}
    monthly: dict[date, Decimal] = {}
    for p in Project.objects.for_user(user):
        done = Decimal(0)
        for r in p.reports.all():
            if r.month.year == YEAR:
                done += r.completed_yi or 0
            monthly[r.month] = monthly.get(r.month, Decimal(0)) + (r.completed_yi or 0)
        closed = on_time = 0
        for pr in p.problems.all():
            if pr.status == "closed" and pr.closed_at and pr.closed_at.year == YEAR:
                closed += 1
                on_time += pr.deadline is None or pr.closed_at.date() <= pr.deadline
        for bucket, key in ((chains, p.chain.name), (districts, p.district.name)):
            row = bucket.setdefault(key, [0, Decimal(0), 0, 0])
            row[0] += 1
            row[1] += done
            row[2] += closed
            row[3] += on_time
        stages[p.stage] = stages.get(p.stage, 0) + 1
    classes: dict[str, int] = {}
    for result in EvaluationResult.objects.filter(run__status="published"):
        classes[result.grade] = classes.get(result.grade, 0) + 1
    sorted(chains.items(), key=lambda kv: -kv[1][1])
    sorted(districts.items(), key=lambda kv: -kv[1][1])


def measure(label: str, clients, office, chain) -> float:
    from chainleader.cockpit import selectors

    url = f"/cockpit/?year={YEAR}"
    assert clients["office"].get(url).status_code == 200
    warm = timed(lambda: clients["office"].get(url), REPEAT)

    def cold(who: str) -> None:
        selectors.bump_version()
        assert clients[who].get(url).status_code == 200

    fresh = timed(lambda: cold("office"), REPEAT)
    district = timed(lambda: cold("district"), REPEAT)
    chain_url = f"/cockpit/chains/{chain.pk}/?year={YEAR}"
    assert clients["office"].get(chain_url).status_code == 200
    chain_page = timed(lambda: clients["office"].get(chain_url), REPEAT)
    base = timed(lambda: naive_cockpit(office), NAIVE_REPEAT)
    print(f"\n-- {label}")
    print(line("cockpit, office, cached", warm))
    print(line("cockpit, office, recomputed", fresh))
    print(line("cockpit, district, recomputed", district))
    print(line("chain page with the record", chain_page))
    print(line("naive per-row figures (office)", base))
    print(f"ratio naive/ours (p95, recomputed office cockpit): {p95(base) / p95(fresh):.1f}x")
    return max(p95(warm), p95(fresh))


def main() -> None:
    from chainleader.projects.models import Project

    t0 = time.perf_counter()
    office, district, chains, districts, dept, run = build_base()
    add_copy(0, chains, districts, dept, run)
    print(
        f"built the demo's size: {Project.objects.count():,} projects × {MONTHS} months, "
        f"{FIRMS:,} graded firms in {time.perf_counter() - t0:.1f} s ({DB})"
    )
    setup_test_environment()
    settings.CHAINLEADER_OTP_REQUIRED = False
    clients = {}
    for label, user in (("office", office), ("district", district)):
        clients[label] = Client()
        clients[label].force_login(user)
    worst = measure("demo size", clients, office, chains[0])
    print(f"worst p95 at the demo's size: {worst:.1f} ms (goal ≤ 300 ms)")
    t = time.perf_counter()
    for copy in range(1, 10):
        add_copy(copy, chains, districts, dept, run)
    print(
        f"\nadded 9 copies: {Project.objects.count():,} projects, {10 * FIRMS:,} graded firms "
        f"in {time.perf_counter() - t:.1f} s"
    )
    measure("10× projects and firms", clients, office, chains[0])
    connection.close()
    shutil.rmtree(DB.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
