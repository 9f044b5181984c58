"""Crash drills (issue 13 item 2, docs/drills.md): a real ``manage.py task_worker`` is killed with SIGKILL in the
middle of a large job, on the database the suite runs on (SQLite file or PostgreSQL).

Each drill, for a large Excel import of firms, a re-derivation of every chain map and a yearly evaluation run:

1. the data is committed (``transactional_db``: the worker is another process and sees only committed rows);
2. the job is created and its task queued, as the pages do; the worker starts;
3. once the job reports progress, the worker is killed (SIGKILL: no handler, no rollback code runs);
4. the job is still "running" (the kill landed mid-job; a job that finished first would prove nothing);
5. a new worker starts: it marks the job failed with the reason (``core.jobs.stale_message``), and the touched
   tables hold exactly what they held before (nothing half-written);
6. the job's progress page says it failed and why;
7. the same task, queued again for the same job (a retry), runs to the end: the job is done and the data is
   all there.

No timings are asserted: every wait polls the database with a generous timeout. ``make drills`` runs them
(outside ``make test``: marker ``drill``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from chainleader.accounts.models import Role
from chainleader.core import jobs
from chainleader.core.models import Job
from chainleader.core.validators import uscc_check_char
from tests.factories import ChainFactory, UserFactory, region

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = float(os.environ.get("DRILL_TIMEOUT", "600"))
FIRMS = int(os.environ.get("DRILL_FIRMS", "10000"))
# The evaluation commits its results in batches of 5,000 and is killed after the first: four batches, so the
# kill lands well before its end.
EVALUATION_FIRMS = max(FIRMS, 20000)
DISTRICTS = ["370202", "370203", "370211", "370212", "370213", "370214"]


# --- the worker --------------------------------------------------------------------------------------------


def worker_env() -> dict[str, str]:
    """The worker's environment: the drill settings, on the test database this process uses."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.drills.drill_settings"}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["DRILL_SQLITE"] = str(db["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    return env


class Worker:
    def __init__(self, log: Path) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "task_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=worker_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=60)
        self.log.close()


@pytest.fixture
def workers(tmp_path, settings) -> Iterator[Callable[[], Worker]]:
    """Start workers; every one still alive is stopped at the end. Tasks queue in the database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CHAINLEADER_JOB_STALE_MINUTES = (
        0  # as the workers' settings (tests/drills/drill_settings.py)
    )
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    log = tmp_path / "worker.log"
    if log.exists():
        sys.stdout.write(log.read_text(errors="replace")[-4000:])  # shown when a drill fails


def wait_for(what: str, check: Callable[[], Any], worker: Worker | None = None) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.process.returncode}) before {what}")
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what} after {TIMEOUT:.0f} s")


def job_state(pk: int) -> tuple[str, int, str]:
    return tuple(Job.objects.filter(pk=pk).values_list("status", "progress", "message").get())


def counts(models: list[Any]) -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in models}


def drill(
    *,
    workers: Callable[[], Worker],
    job: Job,
    enqueue: Callable[[], Any],
    touched: list[Any],
    client: Any,
    done: Callable[[], None],
    kill_at: int,
) -> None:
    """Steps 2 to 7 of the module's docstring for one job, killed once it reports ``kill_at`` % or more."""
    before = counts(touched)
    enqueue()
    first = workers()
    wait_for(f"the job's progress at {kill_at} %", lambda: job_state(job.pk)[1] >= kill_at, first)
    first.kill()
    status, progress, _message = job_state(job.pk)
    assert status == Job.Status.RUNNING, (
        f"the job ended ({status}) before the kill: make the drill's data larger"
    )
    assert 0 < progress < 100

    second = workers()  # marks the job that lost its worker failed when it starts
    wait_for("the stale job marked failed", lambda: job_state(job.pk)[0] == Job.Status.FAILED)
    assert job_state(job.pk)[2] == jobs.stale_message()
    assert counts(touched) == before, "the killed job left rows behind"

    client.force_login(job.created_by)
    page = client.get(reverse("core:job_progress", args=[job.pk]))
    assert page.status_code == 200
    assert page.context["job"].status == Job.Status.FAILED
    assert jobs.stale_message()[:20] in page.content.decode()

    enqueue()  # the retry: the same task for the same job
    wait_for("the retried job done", lambda: job_state(job.pk)[0] == Job.Status.DONE, second)
    done()


# --- the data ----------------------------------------------------------------------------------------------


def uscc(i: int, prefix: str = "9137020") -> str:
    body = f"{prefix}{i:010d}"[:17]
    return body + uscc_check_char(body)


def build_firms(n: int, year: int = 2024) -> None:
    """n firms over Qingdao's districts, each with its yearly figures (bulk inserts)."""
    from chainleader.enterprises.models import Enterprise, YearFigure
    from chainleader.reference.models import Region

    regions = {r.code: r for r in Region.objects.filter(code__in=DISTRICTS)}
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=uscc(i, "9137029"),
                name=f"演练企业{i:06d}有限公司",
                region=regions[DISTRICTS[i % len(DISTRICTS)]],
                above_size=i % 3 == 0,
                is_synthetic=True,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    ids = Enterprise.objects.order_by("pk").values_list("pk", flat=True)
    YearFigure.objects.bulk_create(
        [
            YearFigure(
                enterprise_id=pk,
                year=year,
                land_mu=Decimal(10 + i % 40),
                tax_wan=Decimal(50 + (i * 37) % 900),
                revenue_wan=Decimal(800 + (i * 53) % 9000),
                value_added_wan=Decimal(200 + (i * 17) % 2000),
                energy_tce=Decimal(30 + i % 300),
                employees=20 + i % 400,
                is_synthetic=True,
            )
            for i, pk in enumerate(ids)
        ],
        batch_size=2000,
    )


def roster(path: Path, n: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "所在区域", "是否规上"])
    for i in range(n):
        ws.append([uscc(i), f"导入演练{i:06d}制造有限公司", DISTRICTS[i % len(DISTRICTS)], "是"])
    wb.save(path)
    return path


# --- the drills --------------------------------------------------------------------------------------------


def test_a_killed_excel_import_writes_nothing_and_runs_again(workers, client, tmp_path):
    from chainleader.core.models import AuditEvent
    from chainleader.enterprises.models import Enterprise
    from tests.drills.drill_tasks import excel_import_task

    office = UserFactory(username="drill_office", role=Role.OFFICE)
    job = jobs.job_create(kind="import", actor=office)
    path = roster(tmp_path / "名录.xlsx", FIRMS)

    def done() -> None:
        assert Enterprise.objects.count() == FIRMS
        assert Enterprise.objects.filter(uscc=uscc(FIRMS - 1)).exists()

    drill(
        workers=workers,
        job=job,
        enqueue=lambda: excel_import_task.enqueue(
            "enterprises.enterprise", str(path), office.pk, job.pk
        ),
        touched=[Enterprise, Enterprise.history.model, AuditEvent],
        client=client,
        done=done,
        kill_at=10,  # the file is read: the import's one transaction is under way
    )


def test_a_killed_evaluation_run_leaves_no_results_and_runs_again(workers, client):
    from chainleader.evaluation import services as evaluation
    from chainleader.evaluation.models import EvaluationResult, EvaluationRun
    from chainleader.evaluation.tasks import evaluation_run_task

    build_firms(EVALUATION_FIRMS)
    office = UserFactory(username="drill_office", role=Role.OFFICE)
    run = evaluation.evaluation_run_create(
        year=2024,
        scheme=evaluation.scheme_current(),
        actor=office,
        job=jobs.job_create(kind="mu_evaluation", actor=office),
    )

    def done() -> None:
        assert EvaluationResult.objects.filter(run=run).count() == EVALUATION_FIRMS
        assert EvaluationRun.objects.get(pk=run.pk).finished_at is not None

    drill(
        workers=workers,
        job=run.job,
        enqueue=lambda: evaluation_run_task.enqueue(run.pk, office.pk, run.job.pk),
        touched=[EvaluationResult],
        client=client,
        done=done,
        kill_at=26,  # the first batch of results is committed, the others are not written yet
    )


def test_a_killed_map_derivation_writes_nothing_and_runs_again(workers, client, tmp_path):
    from django.core.management import call_command

    from chainleader.chainmap.models import ChainMap
    from chainleader.chainmap.tasks import map_derive_task
    from chainleader.chains.models import Chain, Placement
    from chainleader.core.models import AuditEvent
    from tests.chainmap.graphs import write_graph

    for tree in sorted((ROOT / "chainleader" / "chains" / "trees" / "city").glob("*.yaml")):
        ChainFactory(name=tree.stem, level="city", region=region("3702"))
    call_command("load_chain_trees", verbosity=0)
    call_command(
        "import_chain_graph", str(write_graph(tmp_path / "chainkg")), "--no-progress", verbosity=0
    )
    build_firms(FIRMS)
    office = UserFactory(username="drill_office", role=Role.OFFICE)
    job = jobs.job_create(kind="map_derive", actor=office)
    chains = list(Chain.objects.order_by("pk").values_list("pk", flat=True))
    assert chains
    stamps = dict(ChainMap.objects.values_list("chain_id", "derived_at"))

    def done() -> None:
        after = dict(ChainMap.objects.values_list("chain_id", "derived_at"))
        assert set(after) == set(chains)
        assert all(after[c] != stamps.get(c) for c in chains)

    drill(
        workers=workers,
        job=job,
        enqueue=lambda: map_derive_task.enqueue(chains, office.pk, job.pk),
        touched=[ChainMap, Placement, AuditEvent],
        client=client,
        done=done,
        kill_at=45,  # the graph is filled: the placing and judging transaction starts
    )
