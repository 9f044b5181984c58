"""The demo's indicator system (chainleader/demo/indicators_data.py, called by load_demo): idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chainleader.demo.indicators_data import load_indicator_system
from chainleader.indicators.models import IndicatorTarget, IndicatorValue, Warning
from tests.factories import ChainTargetFactory
from tests.projects.factories import ReportFactory


def test_the_demo_loads_the_indicator_system_once(db):
    ct = ChainTargetFactory(indicator="产值", value=1000)
    ReportFactory(month=date(2025, 6, 1), completed_yi=Decimal("3"))
    first = load_indicator_system()
    assert first["indicators"] >= 30 and first["chain_targets"] == 1 and first["computed"] > 0
    assert IndicatorTarget.objects.filter(chain_target=ct).exists()
    assert IndicatorValue.objects.filter(indicator__code="C01", year=2025, period=6).exists()
    values, warnings = IndicatorValue.objects.count(), Warning.objects.count()
    again = load_indicator_system()
    assert again == {
        "indicators": 0,
        "targets": 0,
        "chain_targets": 0,
        "computed": 0,
        "warnings": 0,
    }
    assert (IndicatorValue.objects.count(), Warning.objects.count()) == (values, warnings)
