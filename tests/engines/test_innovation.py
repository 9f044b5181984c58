"""The innovation sums: a diagnosis's overall level, a reviewer's total, an application's mean score."""

from decimal import Decimal

import pytest

from chainleader.engines import innovation as engine

CRITERIA = {"technology": 40, "team": 25, "price": 20, "schedule": 15}


def test_overall_level_is_the_mean_to_one_decimal_rounded_half_up():
    assert engine.overall_level([3, 2, 2, 3, 2, 1]) == Decimal("2.2")  # 13 / 6 = 2.1666…
    assert engine.overall_level([1, 2]) == Decimal("1.5")
    assert engine.overall_level([5, 5, 5, 5, 5, 4]) == Decimal("4.8")  # 29 / 6 = 4.8333…
    assert engine.overall_level([2, 2, 2, 3]) == Decimal("2.3")  # 2.25 → 2.3


@pytest.mark.parametrize("bad", [[0, 3], [3, 6], [3, None], [], [True, 3], [2.5, 3]])
def test_overall_level_refuses_what_is_not_1_to_5(bad):
    with pytest.raises(engine.ScoreError):
        engine.overall_level(bad)


def test_bands():
    assert [engine.level_band(Decimal(x)) for x in ("1.9", "2.0", "3.5", "4.0")] == [
        "starting",
        "basic",
        "intermediate",
        "advanced",
    ]


def test_score_total_sums_within_each_maximum():
    assert engine.score_total(
        {"technology": 36, "team": "20.5", "price": 18, "schedule": 0}, CRITERIA
    ) == Decimal("74.50")


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"technology": 41, "team": 1, "price": 1, "schedule": 1}, "technology"),
        ({"technology": 1, "team": -1, "price": 1, "schedule": 1}, "team"),
        ({"technology": 1, "team": 1, "price": 1}, "schedule"),
        ({"technology": 1, "team": 1, "price": "x", "schedule": 1}, "price"),
        ({"technology": 1, "team": 1, "price": 1, "schedule": 1, "luck": 1}, "luck"),
        ({"technology": "NaN", "team": 1, "price": 1, "schedule": 1}, "technology"),
    ],
)
def test_score_total_names_the_bad_criterion(scores, field):
    with pytest.raises(engine.ScoreError) as err:
        engine.score_total(scores, CRITERIA)
    assert err.value.field == field


def test_mean_total():
    assert engine.mean_total([Decimal("86"), Decimal("80")]) == Decimal("83.00")
    assert engine.mean_total([Decimal(1), Decimal(2), Decimal(2)]) == Decimal("1.67")
    assert engine.mean_total([]) is None
