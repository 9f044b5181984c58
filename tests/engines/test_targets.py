"""engines/targets.py: leaf opportunities and ranked targets on a hand-made graph (no Django)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from chainleader.engines.targets import WEIGHTS, board_tier, leaf_weights, rank_targets

# products: 0 压缩机, 1 铜管, 2 空调, 3 冰箱, 4 家电零售
# leaves:   0 压缩机(0), 1 铜管(1), 2 整机(2,3), 3 零售(4)
PRODUCT_LEAF = sp.csr_matrix(
    np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float)
)
# firms: 0 a compressor maker, 1 a local maker, 2 a retailer that sells compressors on paper,
#        3 a copper-tube maker that also makes compressors as a placeholder line, 4 an appliance maker
MAKER = sp.csr_matrix(
    np.array(
        [
            [0.8, 0.0, 0.1, 0.0, 0.0],
            [0.5, 0.0, 0.0, 0.0, 0.0],
            [0.3, 0.0, 0.0, 0.0, 0.6],
            [0.001, 0.9, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.6, 0.3, 0.0],
        ]
    )
)
# U[p, q]: q is a material of p — 压缩机 and 铜管 go into 空调
UPSTREAM = sp.csr_matrix(([1.0, 1.0], ([2, 2], [0, 1])), shape=(5, 5))


def ranked(**overrides):
    weight = leaf_weights(MAKER, PRODUCT_LEAF)
    args = {
        "weight": weight,
        "local": [0, 0, 3, 1],
        "gap": [True, True, False, False],
        "leaf_chain": [1, 1, 1, 1],
        "excluded": [False, True, False, False, False],
        "tiers": [1.0, 1.0, 1.0, 0.7, 1.0],
        "maker": MAKER,
        "product_leaf": PRODUCT_LEAF,
        "upstream": UPSTREAM,
        "master_leaves": {1: {2}},
        "non_maker": [False, False, True, False, False],
        "leaf_makes": [True, True, True, False],
    }
    return rank_targets(**{**args, **overrides})


def test_the_outside_maker_leads_with_its_reasons_and_the_local_and_retail_firms_are_left_out():
    result = ranked()
    compressor = [t for t in result.targets if t.leaf == 0]
    assert [t.company for t in compressor] == [0, 3]
    best = compressor[0]
    assert best.components["share"] == pytest.approx(0.8)
    assert best.components["buyer"] == 0.5, "its 压缩机 goes into the master's 空调"
    assert best.supplies == [(0, 2)]
    assert best.products == [0]
    assert best.score == pytest.approx(
        sum(WEIGHTS[k] * v for k, v in best.components.items()), abs=1e-4
    )
    placeholder = compressor[1]
    assert placeholder.components["share"] == 0.0, "a 0.001 business-scope line is no revenue share"


def test_without_the_maker_rule_a_retailer_would_be_listed():
    result = ranked(non_maker=None)
    assert 2 in {t.company for t in result.targets if t.leaf == 0}


def test_leaf_opportunities_follow_the_places_presence():
    result = ranked(present=[False, False, True, False])
    assert len(result.leaves) == 4
    assert result.leaves[2].distance < result.leaves[3].distance
    assert all(0.0 <= o.density <= 1.0 for o in result.leaves)
    assert result.leaves[0].producers == 4 and result.leaves[0].output == pytest.approx(1.601)
    assert result.leaves[2].cog == 0.0, "no gain in what the place already does"


def test_empty_and_bad_input():
    empty = rank_targets(
        weight=sp.csr_matrix((0, 0)),
        local=[],
        gap=[],
        leaf_chain=[],
        excluded=[],
        tiers=[],
        maker=sp.csr_matrix((0, 0)),
        product_leaf=sp.csr_matrix((0, 0)),
        upstream=sp.csr_matrix((0, 0)),
        master_leaves={},
    )
    assert empty.leaves == [] and empty.targets == []
    with pytest.raises(ValueError):
        ranked(local=[1, 2])


@pytest.mark.parametrize(
    ("ticker", "board"),
    [("600690.SH", "主板"), ("300001.SZ", "创业板"), ("688001.SH", "科创板"), ("900901.SH", "B股")],
)
def test_boards(ticker, board):
    assert board_tier(ticker)[0] == board
