"""engines/growth.py: the plan's pace, the lagging rule and the echelons, worked by hand (no Django)."""

from __future__ import annotations

from decimal import Decimal as D

from chainleader.engines.growth import (
    BELOW,
    Move,
    annual_rate,
    echelon,
    expected_value,
    judge,
    latest_judged,
    move,
    moves,
    plan_path,
    progress,
)


def test_doubling_in_four_years_follows_the_geometric_path():
    # 100 → 200 from 2022 to 2026: the factor per year is 2^(1/4) = 1.189207...
    assert expected_value(D(100), D(200), 2022, 2026, 2022) == D("100.00")
    assert expected_value(D(100), D(200), 2022, 2026, 2023) == D("118.92")  # 100 × 2^0.25
    assert expected_value(D(100), D(200), 2022, 2026, 2024) == D("141.42")  # 100 × √2
    assert expected_value(D(100), D(200), 2022, 2026, 2025) == D("168.18")  # 100 × 2^0.75
    assert expected_value(D(100), D(200), 2022, 2026, 2026) == D("200.00")
    assert annual_rate(D(100), D(200), 2022, 2026) == D("0.1892")


def test_outside_the_plan_years_nothing_is_expected():
    assert expected_value(D(100), D(200), 2022, 2026, 2021) is None
    assert expected_value(D(100), D(200), 2022, 2026, 2027) is None
    assert expected_value(D(100), D(200), 2026, 2022, 2024) is None  # target before base


def test_a_base_of_zero_grows_along_a_straight_line():
    # 0 → 400 over 4 years: 100 a year
    assert expected_value(D(0), D(400), 2022, 2026, 2023) == D("100.00")
    assert annual_rate(D(0), D(400), 2022, 2026) is None


def test_an_explicit_year_target_replaces_the_path():
    path = plan_path(D(100), D(200), 2022, 2024, {2023: D("130")})
    # the path would say 141.42 for 2023 (100 × √2)
    assert path == {2022: D("100.00"), 2023: D("130.00"), 2024: D("200.00")}


def test_lagging_is_below_expected_less_the_tolerance():
    # expected 141.42; 5 % tolerance: the line is 134.349
    assert judge(D("134.35"), D("141.42"), D("0.05")) is False
    assert judge(D("134.34"), D("141.42"), D("0.05")) is True
    assert judge(D("134.34"), D("141.42"), D("0.10")) is False  # 127.278 with 10 %
    assert judge(None, D("141.42"), D("0.05")) is None


def test_progress_judges_each_year_but_the_base_and_the_latest_decides():
    path = plan_path(D(100), D(200), 2022, 2026)
    points = progress(path, {2022: D(100), 2023: D(110), 2024: D(140)}, 2022, D("0.05"))
    by_year = {p.year: p for p in points}
    assert by_year[2022].lagging is None  # the base year is not judged
    # 2023: 110 < 118.92 × 0.95 = 112.974 → lagging, 7.50 % below (8.92 / 118.92 = 0.0750)
    assert by_year[2023].lagging is True
    assert by_year[2023].gap_share == D("0.0750")
    # 2024: 140 ≥ 141.42 × 0.95 = 134.349 → on pace
    assert by_year[2024].lagging is False
    assert by_year[2025].lagging is None  # no actual yet
    last = latest_judged(points)
    assert last is not None and last.year == 2024 and last.lagging is False


def test_echelons_in_yi_from_revenue_in_wan():
    assert echelon(D("1000000")) == 100  # 100亿 = 1,000,000万, at the threshold
    assert echelon(D("999999.99")) == 50
    assert echelon(D("500000")) == 50
    assert echelon(D("300000")) == 30
    assert echelon(D("299999")) == BELOW
    assert echelon(None) is None


def test_moves_between_two_years():
    assert move(30, 50) == "up"
    assert move(100, 50) == "down"
    assert move(None, 30) == "new"
    assert move(30, None) == "out"
    assert move(50, 50) == "same"
    before = {"a": D("290000"), "b": D("1200000"), "c": D("350000"), "d": D("10")}
    after = {"a": D("310000"), "b": D("800000"), "c": D("360000"), "e": D("510000"), "d": D("20")}
    got = moves(before, after)
    assert got == {
        "a": Move(BELOW, 30, "up"),  # 29亿 → 31亿
        "b": Move(100, 50, "down"),  # 120亿 → 80亿
        "c": Move(30, 30, "same"),
        "e": Move(None, 50, "new"),  # no figure the year before
    }  # d stays below 30亿: left out
