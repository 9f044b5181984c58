"""The early-warning rules on hand-worked series (engines/indicators.py)."""

from decimal import Decimal

import pytest

from chainleader.engines import indicators as engine


def test_expected_at_is_the_linear_pace():
    # CNC rate: 54.6 (2020) → 70 (2025). Per year (70 − 54.6) / 5 = 3.08.
    # 2023: 54.6 + 3 × 3.08 = 63.84.
    assert engine.expected_at(54.6, 70, 2020, 2025, 2023) == pytest.approx(63.84)
    assert engine.expected_at(54.6, 70, 2020, 2025, 2020) == pytest.approx(54.6)
    assert engine.expected_at(54.6, 70, 2020, 2025, 2025) == pytest.approx(70)
    # Outside the plan's years the pace stays at its ends; a zero-length plan is its target.
    assert engine.expected_at(54.6, 70, 2020, 2025, 2030) == pytest.approx(70)
    assert engine.expected_at(1, 9, 2025, 2025, 2025) == 9


def test_pace_warns_when_behind_by_more_than_the_tolerance():
    # 专精特新: 237 (2020) → 600 (2025); per year 72.6; 2023 expects 237 + 3 × 72.6 = 454.8.
    # Actual 400: behind by (454.8 − 400) / 454.8 = 12.049…%  > 5 % → warning.
    found = engine.pace(base=237, target=600, t0=2020, t1=2025, t=2023, actual=400, tolerance_pct=5)
    assert found is not None
    assert found.expected == pytest.approx(454.8)
    assert found.gap_pct == pytest.approx(12.0493, abs=1e-3)
    # Actual 440: behind by 14.8 / 454.8 = 3.25 % ≤ 5 % → no warning.
    assert (
        engine.pace(base=237, target=600, t0=2020, t1=2025, t=2023, actual=440, tolerance_pct=5)
        is None
    )
    # Ahead of the pace: never a warning.
    assert engine.pace(base=237, target=600, t0=2020, t1=2025, t=2023, actual=500) is None


def test_pace_respects_lower_is_better():
    # Energy per unit: 1.0 (2020) → 0.8 (2025), lower is better; 2022 expects 1.0 − 2 × 0.04 = 0.92.
    # Actual 0.98 is above the pace by 0.06 / 0.92 = 6.52 % > 5 % → warning; 0.90 is ahead → none.
    found = engine.pace(
        base=1.0,
        target=0.8,
        t0=2020,
        t1=2025,
        t=2022,
        actual=0.98,
        direction="down",
        tolerance_pct=5,
    )
    assert found is not None and found.gap_pct == pytest.approx(6.5217, abs=1e-3)
    assert (
        engine.pace(base=1.0, target=0.8, t0=2020, t1=2025, t=2022, actual=0.90, direction="down")
        is None
    )


def test_year_on_year_fall():
    # 120 → 102: a fall of 18 / 120 = 15 % (> 10 % tolerance) → warning; 120 → 115: 4.17 % → none.
    found = engine.yoy_fall(current=102, previous=120, tolerance_pct=10)
    assert found is not None and found.gap_pct == pytest.approx(15.0)
    assert engine.yoy_fall(current=115, previous=120, tolerance_pct=10) is None
    # Lower is better: a rise from 50 to 60 is 20 % worse.
    assert engine.yoy_fall(current=60, previous=50, direction="down").gap_pct == pytest.approx(20)
    assert engine.yoy_fall(current=Decimal("40"), previous=Decimal("50"), direction="down") is None


def test_threshold():
    # A floor of 60 (higher is better): 58 is below → warning (2 / 60 = 3.33 % under); 61 is fine.
    found = engine.threshold(value=58, limit=60)
    assert found is not None and found.gap_pct == pytest.approx(3.3333, abs=1e-3)
    assert engine.threshold(value=61, limit=60) is None
    # A ceiling of 10 (lower is better): 12 is above → warning.
    assert engine.threshold(value=12, limit=10, direction="down") is not None
    assert engine.threshold(value=9, limit=10, direction="down") is None


def test_hhi_of_supply_shares():
    # Outputs 60, 30, 10 → shares 60 %, 30 %, 10 % → 3600 + 900 + 100 = 4600.
    assert engine.hhi([60, 30, 10]) == pytest.approx(4600)
    # Four equal suppliers: 4 × 25² = 2500; one supplier: 10000; nothing: 0.
    assert engine.hhi([5, 5, 5, 5]) == pytest.approx(2500)
    assert engine.hhi([Decimal("7.5")]) == pytest.approx(10000)
    assert engine.hhi([]) == 0
    # Zero and negative amounts are no share: 80, 20 → 6400 + 400 = 6800.
    assert engine.hhi([80, 0, 20, -3]) == pytest.approx(6800)


def test_attainment_and_stalled():
    # 400 against an expected 454.8 → 87.95… → 88.0 %; lower is better: 0.92 expected / 0.98 actual → 93.9 %.
    assert engine.attainment(actual=400, expected=454.8) == 88.0
    assert engine.attainment(actual=0.98, expected=0.92, direction="down") == 93.9
    assert engine.attainment(actual=5, expected=0) is None
    # Cumulative investment 1, 3, 3, 3, 3: no growth over the last three reports → stalled.
    assert engine.stalled([1, 3, 3, 3, 3], 3) is True
    # 1, 3, 3, 3, 4: grew in the last report → not stalled; too few reports → not judged.
    assert engine.stalled([1, 3, 3, 3, 4], 3) is False
    assert engine.stalled([3, 3], 3) is False
