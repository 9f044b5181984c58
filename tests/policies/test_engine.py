"""The eligibility engine alone (no database): the tree's checks name the bad node, every operator, amounts."""

from decimal import Decimal

import pytest

from chainleader.engines import eligibility as engine

FACTS = {
    "tiers": {"little_giant", "little_giant:national"},
    "mu_class": "A",
    "mu_streak_A": 2,
    "industry_code": "3811",
    "region_code": "370211",
    "revenue_wan": Decimal("20000"),
    "tax_wan": None,
    "chains": {"7"},
    "chain_master": True,
    "above_size": False,
}


@pytest.mark.parametrize(
    ("tree", "path", "words"),
    [
        ([], "", "对象"),
        ({"al": []}, "", "all、any、not"),
        ({"all": {}}, "all", "列表"),
        ({"all": [{"fact": "x", "op": ">=", "value": 1}]}, "all[0]", "未知的数据项“x”"),
        ({"all": [{"fact": "tiers", "op": ">=", "value": 1}]}, "all[0]", "不能用运算“>=”"),
        (
            {"any": [{"not": {"fact": "revenue_wan", "op": ">=", "value": "多"}}]},
            "any[0].not",
            "数字",
        ),
        ({"all": [{"fact": "revenue_wan", "op": "between", "value": [5, 1]}]}, "all[0]", "下限"),
        ({"all": [{"fact": "mu_class", "op": "in", "value": []}]}, "all[0]", "非空"),
        ({"all": [{"fact": "mu_class", "op": "==", "value": "A", "x": 1}]}, "all[0]", "多余的键"),
        ({"all": [{"fact": "mu_class", "op": "=="}]}, "all[0]", "缺少：value"),
    ],
)
def test_a_bad_tree_names_the_path_of_the_bad_node(tree, path, words):
    problems = engine.check(tree)
    assert problems and problems[0].path == path and words in problems[0].message
    assert str(problems[0]).startswith(path or "根节点")


def test_a_good_tree_has_no_problem_and_passes_the_json_schema():
    tree = {"all": [{"fact": "mu_class", "op": "in", "value": ["A", "B"]}, {"not": {"any": []}}]}
    assert engine.check(tree) == []


@pytest.mark.parametrize(
    ("leaf", "passed"),
    [
        ({"fact": "tiers", "op": "has_any", "value": ["little_giant:national", "x"]}, True),
        ({"fact": "tiers", "op": "has_all", "value": ["little_giant", "gazelle"]}, False),
        ({"fact": "tiers", "op": "has_none", "value": ["gazelle"]}, True),
        ({"fact": "mu_class", "op": "==", "value": "A"}, True),
        ({"fact": "mu_class", "op": "not_in", "value": ["C", "D"]}, True),
        ({"fact": "mu_streak_A", "op": ">=", "value": 3}, False),
        ({"fact": "industry_code", "op": "startswith", "value": ["39", "38"]}, True),
        ({"fact": "region_code", "op": "not_startswith", "value": "370212"}, True),
        ({"fact": "revenue_wan", "op": "between", "value": [10000, 20000]}, True),
        ({"fact": "revenue_wan", "op": "<", "value": 20000}, False),
        ({"fact": "tax_wan", "op": ">=", "value": 0}, False),
        ({"fact": "tax_wan", "op": "known", "value": False}, True),
        ({"fact": "chains", "op": "has_any", "value": [7]}, True),
        ({"fact": "chain_master", "op": "is", "value": True}, True),
        ({"fact": "above_size", "op": "is", "value": True}, False),
    ],
)
def test_each_operator(leaf, passed):
    assert engine.check(leaf) == []
    outcome = engine.evaluate(leaf, FACTS)
    assert outcome.passed is passed
    assert outcome.leaves[0].reason.startswith("符合" if passed else "不符合")


def test_a_missing_figure_fails_with_its_reason_even_under_not():
    outcome = engine.evaluate({"not": {"fact": "tax_wan", "op": ">=", "value": 100}}, FACTS)
    assert not outcome.passed
    assert outcome.leaves[0].reason == "不符合：并非“纳税额（万元）不低于100”（缺少数据）"


def test_every_leaf_is_reported_whatever_decides():
    tree = {
        "any": [
            {"fact": "mu_class", "op": "==", "value": "A"},
            {"fact": "tax_wan", "op": ">", "value": 1},
        ]
    }
    outcome = engine.evaluate(tree, FACTS)
    assert outcome.passed and [r["path"] for r in outcome.reasons] == ["any[0]", "any[1]"]


def test_amounts_fixed_rate_and_cap():
    facts = {"rd_wan": Decimal("1000")}
    assert engine.amount(engine.AmountRule(kind="fixed", fixed_wan=Decimal(50)), facts) == Decimal(
        "50.00"
    )
    rate = engine.AmountRule(kind="rate", rate_pct=Decimal(10), base_fact="rd_wan")
    assert engine.amount(rate, facts) == Decimal("100.00")
    capped = engine.AmountRule(
        kind="rate", rate_pct=Decimal(10), base_fact="rd_wan", cap_wan=Decimal(80)
    )
    assert engine.amount(capped, facts) == Decimal("80.00")
    assert engine.amount(rate, {}) is None
    assert engine.amount_problems(
        engine.AmountRule(kind="rate", rate_pct=Decimal(1), base_fact="tiers")
    )


def test_streak_counts_years_running_up_to_the_year():
    grades = {2021: "D", 2022: "C", 2023: "D", 2024: "D"}
    assert engine.streak(grades, 2024, "D") == 2
    assert engine.streak(grades, 2022, "D") == 0
    assert engine.streak(grades, 2021, "D") == 1
