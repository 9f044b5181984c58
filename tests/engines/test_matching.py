"""卡位入链 matching engine: behaviour, both directions, and agreement with the brute force. No database."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from chainleader.engines.matching import (
    COMPONENTS,
    Side,
    Weights,
    match,
    match_exact,
    normalise_text,
    recall,
    text_grams,
    tfidf,
)


def offers_of(texts, **columns):
    return Side(text=texts, **columns)


def test_a_need_for_copper_tube_ranks_red_copper_tube_above_plastic_tube():
    need = Side(text=["铜管"])
    offers = Side(text=["塑料管", "紫铜管", "钢板"])
    result = match(need, offers, k=3)
    ranked = result.index[0].tolist()
    assert ranked.index(1) < ranked.index(0)
    assert result.components["text"][0, 0] > result.components["text"][0, 1] > 0


def test_contributions_sum_to_the_score():
    needs = Side(
        text=["铜管 TP2", "电机"],
        leaf=[1, None],
        industry=["3311", "C3811"],
        region=["370211", "370212"],
        tier=[1.0, 0.0],
    )
    offers = Side(
        text=["紫铜管", "永磁电机", "铜管"],
        leaf=[2, None, 1],
        industry=["3312", "3811", "33"],
        region=["370211", "370203", "370102"],
        tier=[0.5, 1.0, None],
    )
    result = match(needs, offers, k=3, adjacency={1: [2]})
    parts = result.contributions()
    total = sum(parts[name] for name in COMPONENTS)
    valid = result.index >= 0
    np.testing.assert_allclose(total[valid], result.score[valid], rtol=0, atol=1e-12)
    for name in COMPONENTS:
        assert ((result.components[name][valid] >= 0) & (result.components[name][valid] <= 1)).all()


def test_same_leaf_scores_one_adjacent_leaf_half_and_lifts_the_rank():
    need = Side(text=["控制器"], leaf=[10])
    offers = Side(text=["控制器", "控制器", "控制器"], leaf=[None, 11, 10])
    result = match(need, offers, k=3, adjacency={10: [11]})
    assert result.index[0].tolist() == [2, 1, 0]
    assert result.components["leaf"][0].tolist() == [1.0, 0.5, 0.0]


def test_industry_and_distance_levels():
    need = Side(text=["x"], industry=["C3911"], region=["370211"])
    offers = Side(
        text=["y", "y", "y", "y"],
        industry=["3911", "3912", "3921", "2611"],
        region=["370211", "370212", "370102", ""],
    )
    result = match(
        need, offers, k=4, weights=Weights(text=0, leaf=0, industry=1, distance=1, tier=0)
    )
    assert result.index[0].tolist() == [0, 1, 2, 3]
    assert result.components["industry"][0].tolist() == [1.0, 0.5, 0.25, 0.0]
    assert result.components["distance"][0].tolist() == [1.0, 0.5, 0.0, 0.0]


def test_the_same_function_ranks_needs_for_an_offer():
    needs = Side(text=["铜管", "塑料管", "轴承"], region=["370211", "370211", "370211"])
    offer = Side(text=["紫铜管"], region=["370211"])
    back = match(offer, needs, k=3)
    assert back.index[0, 0] == 0
    forth = match(needs, offer, k=1)
    # the pair (need 0, offer 0) has one score whichever side asks (tier aside: both are 0 here)
    assert forth.score[0, 0] == pytest.approx(back.score[0, 0])


def test_empty_inputs_give_empty_or_padded_results():
    assert match(Side(text=[]), Side(text=["铜管"]), k=5).index.shape == (0, 5)
    result = match(Side(text=["铜管"]), Side(text=[]), k=5)
    assert result.index.tolist() == [[-1] * 5]
    assert np.isnan(result.score).all()
    blank = match(Side(text=[""]), Side(text=["", "铜管"]), k=1)
    assert blank.index.shape == (1, 1)


def test_fewer_candidates_than_k_are_padded():
    result = match(Side(text=["铜管"]), Side(text=["紫铜管", "塑料管"]), k=4)
    assert sorted(result.index[0, :2].tolist()) == [0, 1]
    assert result.index[0, 2:].tolist() == [-1, -1]


def test_bad_columns_and_weights_are_refused():
    with pytest.raises(ValueError, match="region"):
        match(Side(text=["a", "b"], region=["370211"]), Side(text=["a"]))
    with pytest.raises(ValueError, match="weight"):
        Weights(text=-1)
    with pytest.raises(ValueError, match="k must"):
        match(Side(text=["a"]), Side(text=["a"]), k=0)


def test_text_normalisation_and_grams():
    assert normalise_text("  ＰＶＣ　管材\n") == "pvc 管材"
    rows, _grams = text_grams(["铜"])
    assert len(rows) == 2  # ⟨铜 and 铜⟩: a one-character name still has grams


def test_tfidf_equals_sklearn_with_the_same_analyser():
    texts = ["紫铜管", "铜管 tp2", "塑料管", "铜", "汽车零部件", "汽车 零部件 总成", ""]

    def analyser(text: str) -> list[str]:
        _rows, grams = text_grams([text])
        return [str(g) for g in grams.tolist()]

    theirs = TfidfVectorizer(analyzer=analyser).fit_transform(texts)
    ours = tfidf(texts)
    np.testing.assert_allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-12)


def _random_side(rng: np.random.Generator, n: int, words: list[str]) -> Side:
    text = ["".join(rng.choice(words, size=rng.integers(1, 4))) for _ in range(n)]
    leaf = [None if v < 0 else int(v) for v in rng.integers(-3, 12, n)]
    industry = rng.choice(["3311", "3312", "3321", "3411", "C3811", "38", "", "391"], n).tolist()
    region = rng.choice(["370211", "370212", "370202", "370102", "3702", ""], n).tolist()
    tier = rng.choice([0.0, 0.0, 0.25, 0.5, 1.0], n).tolist()
    return Side(text=text, leaf=leaf, industry=industry, region=region, tier=tier)


@pytest.mark.parametrize(
    "weights",
    [
        Weights(),
        Weights(text=0.1, leaf=0.4, industry=0.3, distance=0.1, tier=0.1),
        Weights(text=1, leaf=0, industry=0, distance=0, tier=0),
        Weights(text=0, leaf=0.5, industry=0.5, distance=0, tier=0),
    ],
)
def test_recall_against_the_brute_force_on_a_random_case(weights):
    rng = np.random.default_rng(7)
    words = [
        "铜",
        "管",
        "紫",
        "塑料",
        "电机",
        "轴承",
        "控制器",
        "钢",
        "板",
        "芯片",
        "传感器",
        "线缆",
    ]
    needs, offers = _random_side(rng, 60, words), _random_side(rng, 700, words)
    adjacency = {i: [i + 1] for i in range(11)}
    ours = match(needs, offers, k=8, weights=weights, adjacency=adjacency, chunk_rows=16)
    exact = match_exact(needs, offers, k=8, weights=weights, adjacency=adjacency)
    assert recall(ours, exact) >= 0.99
    np.testing.assert_array_equal(ours.index, exact.index)
    np.testing.assert_allclose(ours.score, exact.score, atol=1e-12)
    back = match(offers, needs, k=3, weights=weights, adjacency=adjacency)
    back_exact = match_exact(offers, needs, k=3, weights=weights, adjacency=adjacency)
    assert recall(back, back_exact) >= 0.99
