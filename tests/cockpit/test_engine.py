"""The 摘星夺旗 engine on a hand-worked case (the arithmetic in the comments)."""

from __future__ import annotations

import pytest

from chainleader.engines.assessment import Adjustment, Item, SchemeError, item_points, score

SUBJECTS = [("a", "甲链"), ("b", "乙链"), ("c", "丙链")]
COLUMNS = {
    "investment_completed": {"a": 10.0, "b": 5.0, "c": None},
    "projects_started": {"a": 2.0, "b": 4.0, "c": 4.0},
    "problems_on_time": {"a": 0.9, "b": 0.5, "c": 1.0},
    "big_projects_signed": {"a": 4.0, "b": 1.0, "c": 0.0},
}
ITEMS = [
    Item("investment_completed", 40, "best"),
    Item("projects_started", 30, "rank"),
    Item("problems_on_time", 30, "ratio", target=1, cap=1),
    Item("big_projects_signed", 10, "ratio", target=2, cap=1.5),
]
ADJUSTMENTS = [Adjustment("b", 5, "集中开工成效突出"), Adjustment("c", -3, "问题整改不力")]


def test_the_hand_worked_case():
    ranked = score(SUBJECTS, COLUMNS, ITEMS, ADJUSTMENTS, awards=2)
    by = {s.subject: s for s in ranked}
    # investment (best, w 40): the best is a's 10 → a 40×10/10 = 40, b 40×5/10 = 20, c missing → 0.
    assert by["a"].lines[0].points == 40
    assert by["b"].lines[0].points == 20
    assert by["c"].lines[0].points == 0 and by["c"].lines[0].value is None
    # started (rank, w 30, n = 3): b and c share rank 1 → 30×3/3 = 30; a is third → 30×1/3 = 10.
    assert [by[k].lines[1].points for k in "abc"] == [10, 30, 30]
    # on time (ratio, target 1, cap 1): 30×0.9 = 27, 30×0.5 = 15, 30×1.0 = 30.
    assert [by[k].lines[2].points for k in "abc"] == [27, 15, 30]
    # big projects (ratio, target 2, cap 1.5): a 4/2 = 2 → capped 1.5 → 15; b 1/2 → 5; c 0.
    assert [by[k].lines[3].points for k in "abc"] == [15, 5, 0]
    # totals: a 40+10+27+15 = 92; b 20+30+15+5 +5 (bonus) = 75; c 0+30+30+0 −3 (deduction) = 57.
    assert [(s.subject, s.total, s.rank, s.award) for s in ranked] == [
        ("a", 92, 1, True),
        ("b", 75, 2, True),
        ("c", 57, 3, False),
    ]
    assert by["c"].breakdown()["adjustments"] == [{"points": -3, "reason": "问题整改不力"}]
    assert by["a"].breakdown()["items"][3] == {
        "metric": "big_projects_signed",
        "value": 4.0,
        "method": "ratio",
        "weight": 10,
        "points": 15,
    }


def test_equal_totals_share_the_rank_and_the_award():
    ranked = score(
        [("x", "X"), ("y", "Y"), ("z", "Z")],
        {"m": {"x": 1.0, "y": 1.0, "z": 0.5}},
        [Item("m", 10, "ratio")],
        awards=1,
    )
    # x and y: 10×1 = 10 each, rank 1, both awarded; z: 10×0.5 = 5, rank 3.
    assert [(s.subject, s.total, s.rank, s.award) for s in ranked] == [
        ("x", 10, 1, True),
        ("y", 10, 1, True),
        ("z", 5, 3, False),
    ]


def test_all_zero_against_the_best_scores_zero_not_a_division_error():
    assert item_points(Item("m", 10, "best"), {"a": 0.0, "b": None}) == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (Item("m", 10, "guess"), "unknown method"),
        (Item("m", -1), "negative"),
        (Item("m", 10, "ratio", target=0), "target"),
    ],
)
def test_a_bad_item_is_refused_naming_it(item, message):
    with pytest.raises(SchemeError, match=message):
        score([("a", "甲")], {}, [item])


def test_an_adjustment_for_an_unknown_subject_is_refused():
    with pytest.raises(SchemeError, match="unknown subject"):
        score([("a", "甲")], {}, [Item("m", 1)], [Adjustment("zz", 1, "x")])
