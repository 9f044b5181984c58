"""Firm → product suggestions (engines/product_suggest.py): a small hand-made corpus, and a seeded held-out split
of the listed firms that must beat the industry-popularity baseline (skipped without ../shared/data)."""

from __future__ import annotations

import pytest

from bench.product_suggest import chainkg_folder, corpus_from_csv, evaluate, split
from chainleader.engines.product_suggest import Query, SuggestModel, clean_text, recall_at

PRODUCTS = ["电机", "微特电机", "变频器", "化学药", "中成药", "原料药", "存款", "贷款", "轴承"]
FIRMS = [
    # text, label, industry keys (finest first), products (name, weight)
    (
        "大洋电机 中山大洋电机股份有限公司",
        "大洋电机",
        ("ELEC-MOTOR", "ELEC"),
        [("电机", 0.8), ("微特电机", 0.2)],
    ),
    (
        "卧龙电驱 卧龙电气驱动集团股份有限公司",
        "卧龙电驱",
        ("ELEC-MOTOR", "ELEC"),
        [("电机", 0.6), ("变频器", 0.3)],
    ),
    (
        "江特电机 江西特种电机股份有限公司",
        "江特电机",
        ("ELEC-MOTOR", "ELEC"),
        [("电机", 0.9), ("平衡", -0.1)],
    ),
    (
        "华东医药 华东医药股份有限公司",
        "华东医药",
        ("PHARMA-CHEM", "PHARMA"),
        [("化学药", 0.7), ("原料药", 0.1)],
    ),
    ("恒瑞医药 江苏恒瑞医药股份有限公司", "恒瑞医药", ("PHARMA-CHEM", "PHARMA"), [("化学药", 0.9)]),
    ("同仁堂 北京同仁堂股份有限公司", "同仁堂", ("PHARMA-TCM", "PHARMA"), [("中成药", 0.9)]),
    ("招商银行 招商银行股份有限公司", "招商银行", ("BANK", "BANK"), [("存款", 0.5), ("贷款", 0.5)]),
    (
        "人本轴承 人本股份有限公司",
        "人本轴承",
        ("MECH", "MECH"),
        [],
    ),  # no products: not learned from
]


def small_model() -> SuggestModel:
    names = [*PRODUCTS, "平衡"]
    col = {n: i for i, n in enumerate(names)}
    rows, cols, weights = [], [], []
    for i, (*_rest, products) in enumerate(FIRMS):
        for name, w in products:
            rows.append(i)
            cols.append(col[name])
            weights.append(w)
    return SuggestModel.fit(
        firm_texts=[f[0] for f in FIRMS],
        firm_labels=[f[1] for f in FIRMS],
        firm_industry=[f[2] for f in FIRMS],
        made=(rows, cols, weights),
        product_names=names,
    )


def names_of(suggestions) -> list[str]:
    return [s.name for s in suggestions]


def test_a_firm_named_for_motors_gets_motor_products_first():
    [got] = small_model().suggest([Query(name="某某电机有限公司")])
    assert names_of(got)[0] == "电机"
    assert {"电机", "微特电机", "变频器"} <= set(names_of(got)[:4])
    top = got[0]
    assert top.source in {"firms", "text"}
    assert set(top.firms) <= {"大洋电机", "卧龙电驱", "江特电机"}
    assert top.firms


def test_the_product_named_in_the_text_is_found_verbatim():
    [got] = small_model().suggest([Query(name="某某公司", text="生产、销售变频器及配件")])
    found = {s.name: s for s in got}
    assert found["变频器"].term == "变频器"


def test_with_only_an_industry_the_industrys_common_products_come_first():
    [got] = small_model().suggest([Query(name="", industry=("PHARMA-CHEM", "PHARMA"))])
    assert names_of(got)[0] == "化学药"
    assert got[0].source == "industry"
    # PHARMA-CHEM has 2 firms (< min_industry_firms): its level above, PHARMA, gives the counts.
    assert (got[0].industry_key, got[0].industry_makers, got[0].industry_firms) == ("PHARMA", 2, 3)


def test_a_small_industry_falls_back_to_its_coarser_key():
    # PHARMA-TCM has one firm (< min_industry_firms): the coarsest known key, PHARMA (3 firms), is used.
    # (Ties in the baseline go by column order: 中成药 before 原料药.)
    model = small_model()
    [got] = model.suggest([Query(name="", industry=("PHARMA-TCM", "PHARMA"))])
    assert got[0].industry_key == "PHARMA"
    assert set(names_of(got)) == {"化学药", "原料药", "中成药"}
    assert model.popular([Query(name="", industry=("PHARMA-TCM", "PHARMA"))]) == [
        [PRODUCTS.index("化学药"), PRODUCTS.index("中成药"), PRODUCTS.index("原料药")]
    ]


def test_an_unknown_industry_key_is_ignored():
    model = small_model()
    [got] = model.suggest([Query(name="", industry=("C3811",), industry_text="电动机制造")])
    assert names_of(got)[0] == "电机"
    assert model.popular([Query(name="x", industry=("C3811",))]) == [[]]


def test_empty_input_gets_no_suggestions():
    model = small_model()
    assert model.suggest([Query(name=""), Query(name="  ", text="有限公司")]) == [[], []]
    assert model.suggest([]) == []


def test_eliminations_and_firms_without_products_are_not_learned():
    model = small_model()
    [got] = model.suggest([Query(name="江特电机")])
    assert "平衡" not in names_of(got)
    [bearing] = model.suggest([Query(name="人本轴承")])
    assert "轴承" not in names_of(bearing)


def test_at_most_k_suggestions_best_first():
    [got] = small_model().suggest([Query(name="电机", industry=("ELEC-MOTOR",))], k=2)
    assert len(got) == 2
    assert got[0].score >= got[1].score


def test_a_corpus_without_products_is_refused():
    with pytest.raises(ValueError, match="no firm"):
        SuggestModel.fit(
            firm_texts=["甲"],
            firm_labels=["甲"],
            firm_industry=[()],
            made=([], [], []),
            product_names=["电机"],
        )


def test_clean_text_drops_legal_forms_and_listing_status():
    assert clean_text("*ST 某某电机股份有限公司") == "某某电机"


def test_recall_at_k_averages_over_firms_with_products():
    assert recall_at([[1, 2], [3], [9]], [{1, 5}, {3}, set()], k=1) == pytest.approx(0.75)


@pytest.mark.shared_data
def test_on_a_held_out_split_of_the_listed_firms_ours_beats_industry_popularity():
    folder = chainkg_folder()
    if not (folder / "company_product.csv").exists():
        pytest.skip(f"shared data not present: {folder}")
    corpus = corpus_from_csv(folder)
    data = split(corpus, seed=7, share=0.2)
    assert len(data.held_out) > 500
    result = evaluate(corpus, data)
    assert result["baseline"] > 0
    assert result["ours"] > result["baseline"], result
    # Also above the baseline at its best fallback threshold, chosen on this split in hindsight.
    assert result["ours"] > result["baseline_best"], result
