"""RL1 and RL4 with real threads on the real test database (a file on SQLite, PostgreSQL in CI).

RL1: two writers load the same version of a firm and save at the same moment: exactly one wins, the other
gets StaleEdit, the database keeps the winner's value and the history one change.
RL4: SQLite runs in WAL mode with IMMEDIATE transactions and a 20 s busy timeout, so 8 threads writing 50
records each (a service write and its audit row each time) meet no "database is locked" error; the audit
hash chain stays intact under the concurrent writers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import StaleEdit
from chainleader.core.models import AuditEvent
from chainleader.enterprises import services as enterprise_services
from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import Park
from tests.factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in n threads started together; each closes its own connection. Results or errors."""
    results: list[Any] = [None] * n
    start = threading.Barrier(n)

    def target(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:  # collected, and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results


def test_two_threads_saving_the_same_version_one_wins_and_one_is_stale(office_user):
    firm = EnterpriseFactory(name="原名")
    loaded = run_threads(2, lambda i: Enterprise.objects.get(pk=firm.pk))
    assert {e.version for e in loaded} == {1}

    def save(i: int) -> Any:
        return enterprise_services.enterprise_update(
            enterprise=loaded[i], actor=office_user, data={"name": f"写者{i}"}, expected_version=1
        )

    results = run_threads(2, save)
    winners = [r for r in results if isinstance(r, Enterprise)]
    stale = [r for r in results if isinstance(r, StaleEdit)]
    assert len(winners) == 1 and len(stale) == 1, results
    firm.refresh_from_db()
    assert firm.name == winners[0].name and firm.version == 2
    assert firm.history.filter(history_type="~").count() == 1
    assert AuditEvent.objects.filter(event_type="update", object_id=str(firm.pk)).count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="journal_mode is a SQLite pragma")
def test_the_sqlite_test_database_is_a_file_in_wal_mode(db):
    with connection.cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        assert cur.fetchone()[0] == "wal"
        cur.execute("PRAGMA database_list")
        assert cur.fetchone()[2], "the test database must be a file, not :memory:"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 20


def test_8_threads_times_50_writes_meet_no_lock_error_and_keep_the_audit_chain(office_user):
    home = region("370211")
    before = AuditEvent.objects.count()

    def write(i: int) -> int:
        done = 0
        for n in range(50):
            try:
                core_services.object_create(
                    model=Park, actor=office_user, data={"name": f"并发{i}-{n}", "region": home}
                )
            except OperationalError as exc:  # "database is locked": RL4 failed
                return -1 if "locked" in str(exc) else -2
            done += 1
        return done

    results = run_threads(8, write)
    assert results == [50] * 8, results
    assert Park.objects.filter(name__startswith="并发").count() == 400
    assert AuditEvent.objects.count() - before == 400
    assert audit.verify_chain() is None
