"""Personas (healthchecks' Alice/Bob/Charlie): office, two districts, a chain team, a department, a firm, admins."""

from __future__ import annotations

import pytest

from chainleader.accounts.models import OrgUnit, Role

from .factories import ChainFactory, EnterpriseFactory, OrgUnitFactory, UserFactory, region

# URL coverage: a named URL pattern no test requests fails the whole run (tests/url_coverage.py).
from .url_coverage import (  # noqa: F401
    pytest_configure,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)

PASSWORD = "Test-Passw0rd!"


@pytest.fixture
def office_user(db):
    return UserFactory(username="office", role=Role.OFFICE)


@pytest.fixture
def district_a_unit(db):
    return OrgUnitFactory(name="黄岛区", kind=OrgUnit.Kind.DISTRICT, region=region("370211"))


@pytest.fixture
def district_b_unit(db):
    return OrgUnitFactory(name="崂山区", kind=OrgUnit.Kind.DISTRICT, region=region("370212"))


@pytest.fixture
def district_a_user(district_a_unit):
    return UserFactory(username="district_a", role=Role.DISTRICT, org_unit=district_a_unit)


@pytest.fixture
def district_b_user(district_b_unit):
    return UserFactory(username="district_b", role=Role.DISTRICT, org_unit=district_b_unit)


@pytest.fixture
def team_chain(db):
    return ChainFactory(name="智能家电", level="city", region=region("3702"))


@pytest.fixture
def chain_team_user(team_chain):
    user = UserFactory(username="team", role=Role.TEAM_MEMBER)
    user.chains.add(team_chain)
    return user


@pytest.fixture
def department_unit(db):
    return OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)


@pytest.fixture
def department_user(department_unit):
    return UserFactory(username="dept", role=Role.DEPARTMENT, org_unit=department_unit)


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="本企业有限公司", region=region("370212"))


@pytest.fixture
def firm_user(firm):
    unit = OrgUnitFactory(name=firm.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm)
    return UserFactory(username="firm", role=Role.ENTERPRISE, org_unit=unit)


@pytest.fixture
def system_admin(db):
    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN)


@pytest.fixture(scope="session", autouse=True)
def _flush_passes_the_audit_triggers():
    """Transactional tests end with a flush (DELETE FROM every table on SQLite), which the audit log's triggers abort.

    Test teardown only: the flush first creates a purge token and empties the token table last.
    """
    import django.db.backends.sqlite3.base  # noqa: F401  (loads the package in its own order)
    from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations

    original = SQLiteOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "core_auditevent" not in tables:
            return statements
        token = [s for s in statements if "core_auditpurgetoken" in s and s.startswith("DELETE")]
        rest = [s for s in statements if s not in token]
        return [
            "INSERT INTO core_auditpurgetoken (created_at) VALUES (CURRENT_TIMESTAMP);",
            *rest,
            *token,
        ]

    SQLiteOperations.sql_flush = sql_flush
    yield
    SQLiteOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a rolled-back test leaves its entries (the cockpit's figures, keyed by
    a version that only committed writes bump; throttle counters) behind in the process's memory cache."""
    from django.core.cache import cache

    cache.clear()
