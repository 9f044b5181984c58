from __future__ import annotations

from decimal import Decimal

import pytest

from chainleader.growth.models import GrowthPlan, Measure
from tests.factories import EnterpriseFactory, YearFigureFactory, region


@pytest.fixture
def firm_a(db):
    """A firm of district A (黄岛) behind its doubling plan: 100,000 → 200,000 万元 from 2022 to 2026."""
    firm = EnterpriseFactory(name="黄岛倍增企业有限公司", region=region("370211"))
    for year, revenue, tax in ((2022, 100000, 5000), (2023, 110000, 5900), (2024, 120000, 7000)):
        YearFigureFactory(enterprise=firm, year=year, revenue_wan=revenue, tax_wan=tax)
    return firm


@pytest.fixture
def firm_b_plan(firm):
    """The firm persona's plan (district B, 崂山): on pace."""
    for year, revenue, tax in ((2022, 50000, 2000), (2023, 60000, 2400)):
        YearFigureFactory(enterprise=firm, year=year, revenue_wan=revenue, tax_wan=tax)
    return GrowthPlan.objects.create(enterprise=firm, base_year=2022, target_year=2026)


@pytest.fixture
def plan_a(firm_a, department_unit):
    plan = GrowthPlan.objects.create(
        enterprise=firm_a,
        base_year=2022,
        target_year=2026,
        base_tax_wan=Decimal(5000),
        target_tax_wan=Decimal(10000),
    )
    Measure.objects.create(
        plan=plan, text="协调新厂区用地 120 亩", responsible_unit=department_unit
    )
    return plan
