from __future__ import annotations

from decimal import Decimal

import pytest

from chainleader.indicators.models import Indicator, IndicatorTarget, IndicatorValue
from tests.factories import ChainFactory, region


@pytest.fixture
def cnc(db):
    """The plan's CNC rate: 54.6 (2020) → 70 (2025) for the city."""
    ind = Indicator.objects.create(code="X10", name="关键工序数控化率", unit="%", tolerance_pct=5)
    IndicatorTarget.objects.create(
        indicator=ind,
        base_year=2020,
        base_value=Decimal("54.6"),
        target_year=2025,
        target_value=Decimal("70"),
    )
    return ind


@pytest.fixture
def district_chain(db):
    return ChainFactory(name="黄岛新材料", level="district", region=region("370211"))


@pytest.fixture
def other_chain(db):
    return ChainFactory(name="崂山生物", level="district", region=region("370212"))


@pytest.fixture
def output(db, district_chain, other_chain, team_chain):
    """An output indicator with targets for district A, district B, the team's chain and district A's chain,
    and a 2023 value for each: attainments worked in the tests."""
    ind = Indicator.objects.create(code="X20", name="产值", unit="亿元", tolerance_pct=5)
    subjects = [
        {"region": region("370211")},
        {"region": region("370212")},
        {"chain": team_chain},
        {"chain": district_chain},
        {"chain": other_chain},
    ]
    for s, actual in zip(subjects, ("90", "100", "110", "80", "100"), strict=True):
        IndicatorTarget.objects.create(
            indicator=ind,
            base_year=2020,
            base_value=Decimal(0),
            target_year=2025,
            target_value=Decimal(500),
            **s,
        )
        IndicatorValue.objects.create(
            indicator=ind, year=2021, period=0, value=Decimal(actual), **s
        )
    return ind
