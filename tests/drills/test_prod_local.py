"""The production layout (issue 13 item 6, docs/deploy.md): `deploy/prod-local.sh` starts nginx (HTTPS), two
gunicorn instances, two task workers, PostgreSQL and Redis from Debian packages; this drill starts it in a
temporary folder, queues a job that holds a task worker, and while that job runs is served the login page and a
signed-in page by both web instances (nginx's X-Upstream header names the one that answered); then releases the
job and sees it finish on a task worker.

Needs the Debian packages (postgresql, nginx-light, redis-server; `.ci/run` installs them) and runs in the
PostgreSQL pass of `make drills` only (it brings its own PostgreSQL: once is enough). No timings are asserted.
"""

from __future__ import annotations

import glob
import http.cookiejar
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.drill

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "prod-local.sh"
BASE, PORT = 18100, 18443
TIMEOUT = float(os.environ.get("DRILL_TIMEOUT", "600"))
PASSWORD = "Layout-Drill-2026!x"

missing = [b for b in ("nginx", "redis-server", "openssl") if not shutil.which(b)]
if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
    missing.append("postgresql")


def _skip_reason() -> str:
    if missing:
        return "the production layout needs the Debian packages " + ", ".join(missing)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "runs once, in the PostgreSQL pass of make drills (the layout brings its own PostgreSQL)"
    return ""


@pytest.fixture(scope="module")
def layout():
    if reason := _skip_reason():
        pytest.skip(reason)
    # PostgreSQL runs as the postgres user when the drill runs as root: the folder must be one it may enter
    # (pytest's own temporary folders are the runner's alone).
    folder = Path(tempfile.mkdtemp(prefix="chainleader-prod-local-"))
    folder.chmod(0o755)
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        PROD_LOCAL_DIR=str(folder / "var"),
        PROD_LOCAL_BASE=str(BASE),
        PROD_LOCAL_PORT=str(PORT),
        PROD_LOCAL_DEMO="0",
    )

    def manage(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own script
            [str(SCRIPT), "manage", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    started = subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPT), "start"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
    )
    try:
        assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-3000:]
        yield folder, manage
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, cwd=ROOT, timeout=120)  # noqa: S603
        shutil.rmtree(folder, ignore_errors=True)


def _opener() -> urllib.request.OpenerDirector:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the layout's certificate is self-signed
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )


def _get(opener, path: str):
    return opener.open(f"https://127.0.0.1:{PORT}{path}", timeout=60)


def _wait(check, what: str):
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        if value := check():
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_job_runs_on_a_task_worker_while_both_web_processes_serve_pages(layout):
    folder, manage = layout
    manage(
        "shell",
        "-c",
        "from chainleader.accounts.models import Role, User; "
        f"User.objects.create_user('layout_office', password='{PASSWORD}', role=Role.OFFICE)",
    )
    result_id = (
        manage(
            "shell",
            "-c",
            "from tests.drills.layout_tasks import hold_until_released; "
            f"print(hold_until_released.enqueue(folder='{folder}').id)",
        )
        .strip()
        .splitlines()[-1]
    )
    holder = _wait(
        lambda: (folder / "started").exists() and (folder / "started").read_text(), "the job"
    )

    # The job holds a task worker now; the web processes answer meanwhile.
    browser = _opener()
    upstreams = set()
    for _ in range(6):
        page = _get(browser, "/accounts/login/")
        assert page.status == 200
        upstreams.add(page.headers["X-Upstream"])
    assert len(upstreams) == 2, upstreams  # both gunicorn instances served (nginx balances them)
    login = _get(browser, "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    form = urllib.parse.urlencode(
        {"username": "layout_office", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"https://127.0.0.1:{PORT}/accounts/login/",
        data=form,
        headers={"Referer": f"https://127.0.0.1:{PORT}/accounts/login/"},
    )
    signed_in = browser.open(request, timeout=60)
    assert signed_in.status == 200 and "/accounts/login/" not in signed_in.url
    served = {_get(browser, "/chains/").headers["X-Upstream"] for _ in range(4)}
    assert served == upstreams  # the session is shared: a signed-in page from either process
    assert not (folder / "release").exists()
    status = manage(
        "shell",
        "-c",
        f"from django_tasks_db.models import DBTaskResult as R; print(R.objects.get(pk='{result_id}').status)",
    )
    assert status.strip().splitlines()[-1] == "RUNNING"  # still running while the pages were served

    (folder / "release").write_text("go", encoding="utf-8")

    def finished() -> str:
        out = (
            manage(
                "shell",
                "-c",
                "from django_tasks_db.models import DBTaskResult as R; "
                f"r = R.objects.get(pk='{result_id}'); print(r.status, r.worker_ids)",
            )
            .strip()
            .splitlines()[-1]
        )
        return out if out.startswith(("SUCCESSFUL", "FAILED")) else ""

    final = _wait(finished, "the job to finish")
    assert final.startswith("SUCCESSFUL"), final
    assert re.search(r"worker-[12]", final), final  # one of the layout's two task workers ran it
    assert holder.split(":")[
        1
    ]  # and it was a process apart from the web processes that served the pages
