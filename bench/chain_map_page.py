"""Benchmark: the chain-map page and API over the demo with the real product graph (goal p95 ≤ 150 ms),
and the whole derivation from the database (load graph + presence, derive, judge, store all 33 maps).

Needs ../shared/data/chainkg (skips with a message otherwise). Builds a throw-away SQLite database in WAL mode.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    graph = settings.SHARED_DATA_DIR / "chainkg"
    if not (graph / "companies.csv").exists():
        print(f"skipped: {graph} not found")
        return
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    t = time.perf_counter()
    call_command("load_demo_graph", str(graph), stdout=io.StringIO(), stderr=io.StringIO())
    print(f"graph import + links + two derivations of 33 maps: {time.perf_counter() - t:.1f} s")

    from chainleader.accounts.models import User
    from chainleader.chainmap.services import map_derive
    from chainleader.chains.models import Chain, Segment

    t = time.perf_counter()
    done = map_derive()
    print(
        f"derive all {done} maps from the database (load, derive, judge, store): {time.perf_counter() - t:.2f} s (goal ≤ 10 s)"
    )

    setup_test_environment()
    settings.CHAINLEADER_OTP_REQUIRED = False
    # As chainleader/wsgi.py does in every web worker once the application is loaded (see there).
    import gc

    gc.collect()
    gc.freeze()
    chain = Chain.objects.get(name="智能家电", level="city")
    fridge = Segment.objects.get(chain=chain, name="冰箱冷柜")
    for username in ("office", "district"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in (
            ("map page", f"/maps/{chain.pk}/"),
            ("map API", f"/api/chains/{chain.pk}/map/"),
            ("segment panel", f"/maps/segments/{fridge.pk}/"),
        ):
            assert client.get(url).status_code == 200, url
            t = timed(lambda url=url, client=client: client.get(url), REPEAT)
            print(
                f"{username:9s} {label:14s} p50 {statistics.median(t):6.1f} ms  p95 {p95(t):6.1f} ms (goal ≤ 150 ms)"
            )


if __name__ == "__main__":
    main()
