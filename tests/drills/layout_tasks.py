"""A task for the production-layout drill (tests/drills/test_prod_local.py): it says it started, then holds its
task worker until the test has been served pages, so "a job runs on one worker while another process serves a
page" is shown by the order of events, not by a timing."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from django_tasks import task


@task()
def hold_until_released(folder: str, limit: float = 300.0) -> str:
    here = Path(folder)
    (here / "started").write_text(f"{socket.gethostname()}:{os.getpid()}", encoding="utf-8")
    end = time.monotonic() + limit
    while not (here / "release").exists():
        if time.monotonic() > end:
            raise TimeoutError("not released")
        time.sleep(0.2)
    return f"{os.getpid()}"
