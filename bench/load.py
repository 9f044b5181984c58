"""Load test (issue 13 item 4): Locust users against the production layout (deploy/prod-local.sh: nginx → two
gunicorn instances → PostgreSQL, Redis, two task workers) holding the demo data × 10, on loopback only.

1. The layout starts in a temporary folder with the demo data; the demo's firms, projects, problems and monthly
   reports are then copied nine times (synthetic, as the demo's own), so the lists hold ten times the demo.
2. Accounts for the simulated users: 40 each of office, district and firm (LOAD_ACCOUNTS), each signed in once
   before the runs; the simulated users take their sessions in turn. A login's PBKDF2 hash costs about half a
   second of CPU: signing 200 users in during a run would measure the logins, not the pages.
3. Three runs, each bounded in time: 1 user (the baseline), 50 users and 200 users. Every user takes a signed-in
   session, then mixes list pages, detail pages, a chain map, a chart page, an Excel export and a write (a problem raised
   through the API), with 1–3 s between clicks (a person reading a page).
4. For each run and path: requests, p50 / p95 / p99 in ms and errors; then the ratio of each path's p95 at 50 and
   200 users to the same path's p95 with one user, measured in this process.

Goal (issue 13): at 50 users, p95 ≤ 150 ms for pages and 0 errors. The load generator runs on the same 2 cores
as the server: its own CPU use is part of what the figures show.

Environment: LOAD_SECONDS (60 per run), LOAD_USERS ("1,50,200"), LOAD_SCALE (10), LOAD_KEEP=1 keeps the layout up.
"""

from __future__ import annotations

# Locust patches the standard library with gevent first: import it before anything else.
from locust import HttpUser, between, task  # isort: skip
from locust.env import Environment  # isort: skip

import logging
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gevent
import gevent.pool
import urllib3

urllib3.disable_warnings(
    urllib3.exceptions.InsecureRequestWarning
)  # the layout's self-signed certificate

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "prod-local.sh"
BASE, PORT = 28100, 28443
HOST = f"https://127.0.0.1:{PORT}"
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
USERS = [int(u) for u in os.environ.get("LOAD_USERS", "1,50,200").split(",")]
SCALE = int(os.environ.get("LOAD_SCALE", "10"))
PASSWORD = "Load-Test-2026!x"  # noqa: S105 - the synthetic accounts of a throw-away database
PAGE_GOAL_MS = 150

SETUP = r"""
import itertools
from django.db import transaction
from django.contrib.auth.hashers import make_password
from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.core.jobs import refresh_planner_statistics
from chainleader.enterprises.models import Enterprise, YearFigure
from chainleader.projects.models import MonthlyReport, Problem, Project

SCALE, PASSWORD, N = {scale}, "{password}", {accounts}
with transaction.atomic():
    firms = list(Enterprise.objects.all())
    figures = list(YearFigure.objects.all())
    projects = list(Project.objects.all())
    problems = list(Problem.objects.all())
    reports = list(MonthlyReport.objects.all())
    for copy in range(1, SCALE):
        made = {{}}
        for f in firms:
            old = f.pk
            f.pk = f.id = None
            f.uscc = "BCDEFGHJK"[copy - 1] + f.uscc[1:] if f.uscc else f.uscc
            f.name = f"{{f.name}}（副本{{copy}}）"
            f.is_synthetic = True
            f.save()
            made[old] = f.pk
        YearFigure.objects.bulk_create(
            [YearFigure(**{{**{{k: getattr(y, k) for k in ("year", "revenue_wan", "tax_wan", "energy_tce")}},
                           "enterprise_id": made[y.enterprise_id]}}) for y in figures if y.enterprise_id in made]
        )
        for p in projects:
            old = p.pk
            p.pk = p.id = None
            p.name = f"{{p.name}}（副本{{copy}}）"
            p.code = f"{{p.code[:28]}}-{{copy}}"
            if p.investor_id in made:
                p.investor_id = made[p.investor_id]
            p.save()
            for r in reports:
                if r.project_id == old:
                    r.pk = r.id = None
                    r.project_id = p.pk
                    r.save()
                    r.project_id = old
        for q in problems:
            q.pk = q.id = None
            q.title = f"{{q.title}}（副本{{copy}}）"
            if q.enterprise_id in made:
                q.enterprise_id = made[q.enterprise_id]
            q.project_id = None
            q.save()
    office = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).first()
    district = User.objects.get(username="district").org_unit
    firm = User.objects.get(username="firm").org_unit
    hashed = make_password(PASSWORD)  # one PBKDF2 hash for every synthetic account, not one each
    User.objects.bulk_create(
        [
            User(username=f"load_{{kind}}_{{i}}", password=hashed, role=role, org_unit=unit)
            for i in range(N)
            for kind, role, unit in (
                ("office", Role.OFFICE, office),
                ("district", Role.DISTRICT, district),
                ("firm", Role.ENTERPRISE, firm),
            )
        ]
    )
refresh_planner_statistics()
print("firms", Enterprise.objects.count(), "projects", Project.objects.count(), "problems", Problem.objects.count())
"""


def layout_env(folder: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        PROD_LOCAL_DIR=str(folder / "var"),
        PROD_LOCAL_BASE=str(BASE),
        PROD_LOCAL_PORT=str(PORT),
        PROD_LOCAL_DEMO="1",
    )
    return env


def sh(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPT), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=3600,
    )
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


# --- the simulated users ---------------------------------------------------------------------------------------

ACCOUNTS_PER_ROLE = int(os.environ.get("LOAD_ACCOUNTS", "40"))
SESSIONS: dict[str, list[dict[str, str]]] = {"office": [], "district": [], "firm": []}
IDS: dict[str, list[int]] = {}


class Person(HttpUser):
    abstract = True
    host = HOST
    wait_time = between(1, 3)
    role = "office"

    def on_start(self) -> None:
        self.client.verify = False  # the layout's self-signed certificate
        # Signed in once per account before the runs (a login's PBKDF2 hash costs ~0.5 s of CPU: 200 of them
        # would measure the logins, not the pages); simulated users take the accounts' sessions in turn.
        sessions = SESSIONS[self.role]
        SESSIONS[self.role] = sessions[1:] + sessions[:1]
        for name, value in sessions[0].items():
            self.client.cookies.set(name, value, domain="127.0.0.1")
        # The rows this account may open (a district's projects, a firm's chains), as its lists link them.
        self.projects = [
            p["id"]
            for p in self.client.get("/api/projects/?page_size=100", name="ids").json()["results"]
        ]
        self.chains = [
            c["id"]
            for c in self.client.get("/api/chains/?page_size=100", name="ids").json()["results"]
        ]

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")

    @task(3)
    def project_list(self) -> None:
        self.page(f"/projects/?page={random.randint(1, 3)}", "list: projects")

    @task(2)
    def firm_list(self) -> None:
        self.page("/enterprises/?sort=name", "list: firms")

    @task(2)
    def problem_list(self) -> None:
        self.page("/projects/problems/", "list: problems")

    @task(2)
    def project_detail(self) -> None:
        if self.projects:
            self.page(f"/projects/{random.choice(self.projects)}/", "detail: project")

    @task(1)
    def chain_map(self) -> None:
        if self.chains:
            self.page(f"/maps/{random.choice(self.chains)}/", "map: chain")

    @task(1)
    def chart(self) -> None:
        self.page("/projects/summary/", "chart: project summary")

    @task(1)
    def my_items(self) -> None:
        self.page("/worklists/mine/", "list: my items")


class Office(Person):
    weight = 3
    role = "office"

    @task(1)
    def export(self) -> None:
        self.page("/projects/?export=xlsx", "export: projects xlsx")

    @task(1)
    def raise_problem(self) -> None:
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/api/problems/",
            json={
                "chain": random.choice(IDS["chains"]),
                "title": "压测：用地指标待协调",
                "category": IDS["category"],
            },
            headers={"X-CSRFToken": token, "Referer": HOST + "/"},
            name="write: raise a problem (API)",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"HTTP {answer.status_code}: {answer.text[:200]}")


class District(Person):
    weight = 2
    role = "district"


class Firm(Person):
    weight = 1
    role = "firm"

    @task(3)
    def project_detail(self) -> None:  # a firm sees few projects: its own page instead
        self.page("/enterprises/", "list: firms")


def sign_in(role: str, username: str) -> None:
    import requests

    session = requests.Session()
    session.verify = False
    # verify=False on each call: a session-level False loses to REQUESTS_CA_BUNDLE when that is set
    page = session.get(f"{HOST}/accounts/login/", timeout=120, verify=False)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{HOST}/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{HOST}/accounts/login/"},
        timeout=120,
        verify=False,
    )
    if "/accounts/login/" in answer.url:
        sys.exit(f"{username} could not sign in")
    SESSIONS[role].append(session.cookies.get_dict())


def sign_in_all(accounts: int) -> None:
    pool = gevent.pool.Pool(4)  # as many as the layout's web workers
    for role in SESSIONS:
        for i in range(accounts):
            pool.spawn(sign_in, role, f"load_{role}_{i}")
    pool.join(raise_error=True)


def run(users: int) -> dict[str, tuple[int, float, float, float, int]]:
    env = Environment(user_classes=[Office, District, Firm])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users / 10, 1))
    gevent.sleep(SECONDS)
    runner.quit()
    out = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if entry.num_requests == 0 or name == "ids":
            continue
        out[name] = (
            entry.num_requests,
            entry.get_response_time_percentile(0.5),
            entry.get_response_time_percentile(0.95),
            entry.get_response_time_percentile(0.99),
            entry.num_failures,
        )
    errors = {f"{e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()}
    for what, count in list(errors.items())[:8]:
        print(f"    error ×{count}: {what[:160]}")
    return out


def ids(env: dict[str, str]) -> None:
    got = (
        sh(
            env,
            "manage",
            "shell",
            "-c",
            "from chainleader.chains.models import Chain; from chainleader.projects.models import Problem, Project; "
            "print(list(Project.objects.values_list('pk', flat=True)[:500])); "
            "print(list(Chain.objects.filter(level='city').values_list('pk', flat=True))); "
            "print(Problem.objects.values_list('category', flat=True).first())",
        )
        .strip()
        .splitlines()
    )
    IDS["projects"] = eval(got[-3])  # noqa: S307 - our own printed list of ints
    IDS["chains"] = eval(got[-2])  # noqa: S307
    IDS["category"] = got[-1]


def main() -> None:
    logging.getLogger("locust").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="chainleader-load-"))
    folder.chmod(0o755)
    env = layout_env(folder)
    accounts = ACCOUNTS_PER_ROLE
    t0 = time.perf_counter()
    try:
        sh(env, "start")
        print(f"layout up with the demo in {time.perf_counter() - t0:.0f} s")
        t1 = time.perf_counter()
        print(
            sh(
                env,
                "manage",
                "shell",
                stdin=SETUP.format(scale=SCALE, password=PASSWORD, accounts=accounts),
            )
            .strip()
            .splitlines()[-1],
            f"(demo × {SCALE}, {time.perf_counter() - t1:.0f} s)",
        )
        ids(env)
        results = {}
        t2 = time.perf_counter()
        sign_in_all(accounts)
        print(f"{3 * accounts} accounts signed in ({time.perf_counter() - t2:.0f} s)")
        for users in USERS:
            print(f"== {users} users, {SECONDS:.0f} s")
            results[users] = run(users)
            print(f"  {'path':34} {'requests':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
            for name, (n, p50, p95, p99, failures) in results[users].items():
                print(f"  {name:34} {n:8d} {p50:6.0f} {p95:6.0f} {p99:6.0f} {failures:6d}")
        base = results[USERS[0]]
        for users in USERS[1:]:
            pages = [v for k, v in results[users].items() if not k.startswith(("export", "write"))]
            worst = max((v[2] for v in pages), default=0)
            errors = sum(v[4] for v in results[users].values())
            ratios = ", ".join(
                f"{k}: {v[2] / base[k][2]:.1f}×"
                for k, v in results[users].items()
                if k in base and base[k][2]
            )
            verdict = "meets" if worst <= PAGE_GOAL_MS and errors == 0 else "misses"
            print(
                f"{users} users: worst page p95 {worst:.0f} ms, {errors} errors ({verdict} the goal at 50 users:"
            )
            print(f"  p95 ≤ {PAGE_GOAL_MS} ms, 0 errors); p95 against 1 user: {ratios}")
    finally:
        if os.environ.get("LOAD_KEEP") != "1":
            sh(env, "stop")
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
