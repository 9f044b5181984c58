"""Firms in two districts, cadres to serve them, and a frozen clock (2026-06-01) for hand-worked dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from chainleader.accounts.models import OrgUnit, Role
from chainleader.commissioners import services
from tests.factories import (
    EnterpriseFactory,
    OrgUnitFactory,
    PlacementFactory,
    TierFactory,
    UserFactory,
    region,
)

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def firm_a(db):
    """A chain master in district A (黄岛)."""
    firm = EnterpriseFactory(name="黄岛链主集团有限公司", region=region("370211"))
    PlacementFactory(enterprise=firm, role="master")
    return firm


@pytest.fixture
def firm_a2(db):
    """A tiered firm in district A (专精特新)."""
    firm = EnterpriseFactory(name="黄岛精密机械有限公司", region=region("370211"))
    TierFactory(enterprise=firm)
    return firm


@pytest.fixture
def firm_b(db):
    """A tiered firm in district B (崂山)."""
    firm = EnterpriseFactory(name="崂山智能科技有限公司", region=region("370212"))
    TierFactory(enterprise=firm)
    return firm


@pytest.fixture
def industry_bureau(db):
    return OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)


@pytest.fixture
def cadre(industry_bureau):
    """A department cadre (read-only role elsewhere) who serves firms as their commissioner."""
    return UserFactory(
        username="wangjianguo",
        full_name="王建国",
        role=Role.DEPARTMENT,
        org_unit=industry_bureau,
    )


@pytest.fixture
def cadre2(district_a_unit):
    return UserFactory(
        username="lixiaohong", full_name="李晓红", role=Role.DISTRICT, org_unit=district_a_unit
    )


@pytest.fixture
def assigned(office_user, firm_a, firm_b, cadre):
    """firm A and firm B served by the cadre since 2026-01-05 (90 days: due 2026-04-05, overdue by today)."""
    a = services.assign(
        actor=office_user,
        enterprise=firm_a,
        commissioner=cadre,
        kind="key",
        since=date(2026, 1, 5),
    )
    b = services.assign(
        actor=office_user,
        enterprise=firm_b,
        commissioner=cadre,
        kind="tiered",
        since=date(2026, 1, 5),
    )
    return a, b
