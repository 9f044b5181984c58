"""chain_map engine (产业链图谱): a hand-built graph where every status and action has a stated reason.

The small graph below (22 products, 15 listed companies, 7 local registry firms) is built so that each
segment lands on one rule; the comment beside each segment gives the numbers, worked out by hand.
No database: the engine takes arrays.

Local units L = 7 registry firms (F0…F6) + 1 local listed company linked to no firm (C2) = 8.
National producers N = 14 (C0…C13 each make something with weight > 0; C14 makes nothing).
LQ = (local in segment / L) / (national in segment / N).

segment            products                 national      local            LQ                  status / action
up:钢铁 (d1)        冷轧板 镀锌板             C0 C1 C2 = 3  F0 F1 C2 = 3     (3/8)/(3/14) = 1.75 优势 / 强链
up:通用设备 (d1)    压缩机                    C3 C4 = 2     F3 = 1           (1/8)/(2/14) = 0.875 薄弱 (LQ<1) / 固链
up:电子 (d1)        温控器                    C5 C6 = 2     0                –                   卡脖子 (≤2) / 补链
up:化学制品 (d1)    制冷剂                    C7 C8 C9 = 3  0                0                   缺失 / 补链 (next to midstream)
up:塑料 (d1)        ABS树脂 塑料管            C13 = 1       F6 = 1           (1/8)/(1/14) = 1.75 薄弱 (1 firm) / 固链
up:采掘 (d2)        铁矿石                    C10 C7 C8 = 3 0                0                   缺失 / 延链 (outer ring)
mid:冰箱            冰箱 迷你冰箱             C11 = 1       F2 (master) = 1  1.75                优势 (chain master) / 强链
mid:空调            空调                      C4 C5 C11 C12 = 4  F4 = 1      (1/8)/(4/14) = 0.4375 薄弱 / 补链 (LQ<0.5)
down:白色家电 (d1)  冷藏柜 冷链车             C11 C12 C4 = 3  0              0                   缺失 / 延链 (downstream)

The graph carries an industry → upstream-industry relation (INDUSTRY_UPSTREAM), so every test runs with the
industry filter on (the default). The anchors' makers are in 白色家电 (家电A, 家电B), 通用设备 (压缩机B's
placeholder on 空调) and 电子 (电子A); the relation makes 钢铁, 通用设备, 电子, 塑料, 化学制品 and 采掘 their
upstream with count ≥ 2, so the filter drops nothing here and the numbers above are unchanged. The noise
variant (``build_graph(noise=True)``) adds a tea maker's products, which the filter drops.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from chainleader.engines import chain_map as cm
from chainleader.engines.chain_map import Graph, Params, apply_overrides, assess, derive

# ---------------------------------------------------------------------------------------------
# The hand-built graph
# ---------------------------------------------------------------------------------------------

PRODUCTS = [
    "冰箱",  # 0 anchor
    "空调",  # 1 anchor
    "迷你冰箱",  # 2 sub-class of 冰箱, made: joins mid:冰箱
    "冰箱清洗剂",  # 3 sub-class of 冰箱, no maker: dropped (no_maker)
    "冷轧板",  # 4 material of 冰箱 and 空调
    "镀锌板",  # 5 material of 空调
    "压缩机",  # 6 material of 冰箱 and 空调
    "温控器",  # 7 material of 冰箱
    "制冷剂",  # 8 material of 空调
    "铁矿石",  # 9 material of 冷轧板: depth 2
    "冷藏柜",  # 10 下游产品 of 冰箱
    "平衡项目",  # 11 "material" of 空调: an accounting line (accounting_line)
    "菜谱原料",  # 12 material of 冰箱 nobody makes (no_maker); the walk stops there
    "香料",  # 13 material of 菜谱原料, made by C7: never reached
    "铁精粉",  # 14 material of 铁矿石: depth 3, beyond depth_up = 2
    "ABS树脂",  # 15 material of 冰箱
    "产品",  # 16 "material" of 空调: a generic word (generic_name)
    "冷链车",  # 17 has 冰箱 as a material: downstream through the reversed 上游材料 edge
    "塑料管",  # 18 has 空调 as its 下游产品: upstream through the reversed 下游产品 edge
    "检测服务",  # 19 on no edge: only a team edit brings it onto the map
    "门封条",  # 20 added to 冰箱's materials in the second graph version
    "氟化氢",  # 21 material of 制冷剂 nobody makes: dropped at depth 2 (no_maker)
]
P = {name: i for i, name in enumerate(PRODUCTS)}

INDUSTRIES = ["钢铁", "通用设备", "电子", "化学制品", "采掘", "白色家电", "塑料", "茶业", "物流"]
IND = {name: i for i, name in enumerate(INDUSTRIES)}

# (industry, its upstream industry, co-occurrence count), as the source's industry_upstream table states it.
INDUSTRY_UPSTREAM = [
    ("白色家电", "钢铁", 5),
    ("白色家电", "通用设备", 3),
    ("白色家电", "电子", 3),
    ("白色家电", "塑料", 2),
    ("白色家电", "化学制品", 2),
    ("白色家电", "采掘", 2),  # the table is aggregated: appliance makers' steel links them to ore
    ("通用设备", "钢铁", 2),
    ("钢铁", "采掘", 4),
    ("白色家电", "茶业", 1),  # one stray co-occurrence (空调 → 空调茶 → 茶叶): below the threshold
    ("茶业", "白色家电", 1),
    (
        "物流",
        "白色家电",
        3,
    ),  # cold-chain logistics buys refrigerators: 物流 is downstream of 白色家电
]

# (company, industry, {product: weight}); weights as the source gives them (0.001 = placeholder).
COMPANIES = [
    ("钢A", "钢铁", {"冷轧板": 0.6, "镀锌板": 0.2}),  # C0
    ("钢B", "钢铁", {"冷轧板": 0.3}),  # C1
    ("钢C", "钢铁", {"冷轧板": 0.001, "镀锌板": 0.5}),  # C2
    ("压缩机A", "通用设备", {"压缩机": 0.8}),  # C3
    ("压缩机B", "通用设备", {"压缩机": 0.7, "冷藏柜": 0.001, "空调": 0.001}),  # C4
    ("电子A", "电子", {"温控器": 0.4, "空调": 0.05, "检测服务": 0.01}),  # C5
    ("电子B", "电子", {"温控器": 0.001}),  # C6
    ("化工A", "化学制品", {"制冷剂": 0.5, "铁矿石": 0.001, "香料": 0.2}),  # C7
    # C8's 平衡项目 line is negative (an elimination): not a producer of it.
    ("化工B", "化学制品", {"制冷剂": 0.3, "铁矿石": 0.001, "平衡项目": -0.1}),  # C8
    ("化工C", "化学制品", {"制冷剂": 0.2, "平衡项目": 0.001}),  # C9
    ("矿A", "采掘", {"铁矿石": 0.9, "铁精粉": 0.5}),  # C10
    ("家电A", "白色家电", {"冰箱": 0.6, "迷你冰箱": 0.1, "空调": 0.3, "冷藏柜": 0.3}),  # C11
    ("家电B", "白色家电", {"空调": 0.5, "冷藏柜": 0.2, "冷链车": 0.1, "产品": 0.001}),  # C12
    ("塑料A", "塑料", {"ABS树脂": 0.4, "塑料管": 0.1, "门封条": 0.2}),  # C13
    ("空壳", "白色家电", {}),  # C14: no products, not a producer
]
C = {name: i for i, (name, _, _) in enumerate(COMPANIES)}

UP_EDGES = [  # (product, its upstream material)  上游材料
    ("冰箱", "冷轧板"),
    ("空调", "冷轧板"),
    ("空调", "镀锌板"),
    ("冰箱", "压缩机"),
    ("空调", "压缩机"),
    ("冰箱", "温控器"),
    ("空调", "制冷剂"),
    ("冷轧板", "铁矿石"),
    ("空调", "平衡项目"),
    ("冰箱", "菜谱原料"),
    ("菜谱原料", "香料"),
    ("铁矿石", "铁精粉"),
    ("冰箱", "ABS树脂"),
    ("空调", "产品"),
    ("冷链车", "冰箱"),
    ("空调", "空调"),  # a self-loop (the source has 108)
    ("制冷剂", "氟化氢"),
]
SUB_EDGES = [("冰箱", "迷你冰箱"), ("冰箱", "冰箱清洗剂")]  # (product, its sub-class)  产品小类
DOWN_EDGES = [("冰箱", "冷藏柜"), ("塑料管", "空调")]  # (product, its downstream product)  下游产品


# The noise variant: a tea maker and a cold-chain carrier join the graph (products 22…24, companies C15, C16).
NOISE_PRODUCTS = [
    "茶叶",  # 22 "material" of 空调 (the source's 空调 → 空调茶 → 茶叶), made only by 茶企 (茶业)
    "奶茶",  # 23 lists 冰箱 as a material (downstream of it), made only by 茶企
    "冷链运输",  # 24 lists 冰箱 as a material, made by 物流A: 物流 is downstream of 白色家电
]
NOISE_COMPANIES = [
    ("茶企", "茶业", {"茶叶": 0.3, "奶茶": 0.4}),  # C15
    ("物流A", "物流", {"冷链运输": 0.6}),  # C16
]
NOISE_UP = [("空调", "茶叶"), ("奶茶", "冰箱"), ("冷链运输", "冰箱")]


def build_graph(
    *,
    extra_up: tuple[tuple[str, str], ...] = (),
    without_up: tuple[tuple[str, str], ...] = (),
    noise: bool = False,
    relation: list[tuple[str, str, int]] | None = INDUSTRY_UPSTREAM,
    industry_parent: list[int] | None = None,
    industries: list[str] = INDUSTRIES,
) -> Graph:
    products = PRODUCTS + NOISE_PRODUCTS if noise else PRODUCTS
    companies = COMPANIES + NOISE_COMPANIES if noise else COMPANIES
    pid = {name: i for i, name in enumerate(products)}
    kid = {name: i for i, name in enumerate(industries)}
    up = [e for e in UP_EDGES if e not in without_up] + list(extra_up)
    up += NOISE_UP if noise else []

    def pairs(edges: list[tuple[str, str]]) -> tuple[list[int], list[int]]:
        return [pid[a] for a, _ in edges], [pid[b] for _, b in edges]

    rows, cols, weights = [], [], []
    for c, (_, _, made) in enumerate(companies):
        for product, w in made.items():
            rows.append(c)
            cols.append(pid[product])
            weights.append(w)
    return Graph.from_edges(
        n_products=len(products),
        product_names=products,
        up_edges=pairs(up),
        sub_edges=pairs(SUB_EDGES),
        down_edges=pairs(DOWN_EDGES),
        maker_rows=rows,
        maker_cols=cols,
        maker_weights=weights,
        company_industry=[kid[ind] for _, ind, _ in companies],
        industry_names=industries,
        company_names=[name for name, _, _ in companies],
        industry_parent=industry_parent,
        industry_upstream_edges=None
        if relation is None
        else (
            [kid[a] for a, _, _ in relation],
            [kid[b] for _, b, _ in relation],
            [n for _, _, n in relation],
        ),
    )


ANCHORS = [P["冰箱"], P["空调"]]

# Local registry firms F0…F6: (linked listed company or None, products made when not linked, revenue 万元,
# chain master).
FIRMS = [
    ("钢A", [], 30000.0, False),  # F0
    ("钢B", [], math.nan, False),  # F1
    (None, ["冰箱"], 50000.0, True),  # F2: the chain master, not listed
    ("压缩机A", [], math.nan, False),  # F3
    (None, ["空调"], 1200.0, False),  # F4
    (None, [], 800.0, False),  # F5: a local firm of another chain (counts in the LQ base only)
    (None, ["ABS树脂"], math.nan, False),  # F6
]
L_UNITS = 8
N_PRODUCERS = 14


def local_inputs(graph: Graph) -> dict[str, Any]:
    rows = [f for f, (_, made, _, _) in enumerate(FIRMS) for _ in made]
    cols = [P[p] for _, made, _, _ in FIRMS for p in made]
    local_company = np.zeros(graph.n_companies, dtype=bool)
    local_company[C["钢C"]] = True  # a local listed company no registry firm is linked to yet
    return {
        "local_firm_products": sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(FIRMS), graph.n_products)
        ),
        "local_firm_company": [C[c] if c else -1 for c, _, _, _ in FIRMS],
        "local_company": local_company,
        "local_firm_revenue": [r for _, _, r, _ in FIRMS],
        "master_firm": [m for _, _, _, m in FIRMS],
    }


@pytest.fixture
def graph() -> Graph:
    return build_graph()


@pytest.fixture
def derived(graph: Graph) -> cm.Derived:
    return derive(graph, ANCHORS, Params())


@pytest.fixture
def assessment(graph: Graph, derived: cm.Derived) -> cm.Assessment:
    return assess(graph, derived, **local_inputs(graph))


def names(graph: Graph, ids: tuple[int, ...] | list[int]) -> set[str]:
    return {graph.product_names[i] for i in ids}


def row(a: cm.Assessment, key: str) -> dict[str, object]:
    return a.rows()[a.keys.index(key)]


# ---------------------------------------------------------------------------------------------
# Derivation: walk, noise, grouping, depth
# ---------------------------------------------------------------------------------------------


def test_segments_group_products_by_their_makers_industry(graph, derived):
    got = {s.key: names(graph, s.products) for s in derived.segments}
    assert got == {
        "up:钢铁": {"冷轧板", "镀锌板"},
        "up:通用设备": {"压缩机"},
        "up:电子": {"温控器"},
        "up:化学制品": {"制冷剂"},
        # 塑料管 is upstream only through the reversed 下游产品 edge (塑料管 → 空调).
        "up:塑料": {"ABS树脂", "塑料管"},
        # 铁矿石: 矿A's 0.9 share outweighs the two 0.001 placeholders of chemical firms.
        "up:采掘": {"铁矿石"},
        "mid:冰箱": {"冰箱", "迷你冰箱"},
        "mid:空调": {"空调"},
        # 冷链车 is downstream only through the reversed 上游材料 edge (冷链车 uses 冰箱).
        "down:白色家电": {"冷藏柜", "冷链车"},
    }


def test_segments_carry_position_depth_and_nesting(derived):
    seg = {s.key: s for s in derived.segments}
    assert [s.position for s in derived.segments] == sorted(
        (s.position for s in derived.segments), key=cm.POSITIONS.index
    )
    assert seg["up:采掘"].depth == 2
    assert seg["up:采掘"].parent_key == "up:钢铁"  # reached through 冷轧板
    assert seg["up:钢铁"].depth == 1 and seg["up:钢铁"].parent_key is None
    assert seg["mid:冰箱"].depth == 0
    assert seg["down:白色家电"].depth == 1
    # Upstream reads from the outer ring inwards: the depth-2 segment comes first.
    assert derived.segments[0].key == "up:采掘"
    assert [s.order for s in derived.segments] == list(range(len(derived.segments)))


def test_noise_is_dropped_and_counted(derived):
    assert derived.dropped == {
        "no_maker": 3,  # 冰箱清洗剂 (sub-class), 菜谱原料 (material), 氟化氢 (depth 2)
        "accounting_line": 1,  # 平衡项目
        "generic_name": 1,  # 产品
        "self_loop": 1,  # 空调 → 空调
    }
    assert set(derived.dropped_examples["no_maker"]) == {"冰箱清洗剂", "菜谱原料", "氟化氢"}
    assert derived.dropped_examples["accounting_line"] == ("平衡项目",)


def test_walk_stops_at_products_nobody_makes(graph, derived):
    on_map = {graph.product_names[p] for s in derived.segments for p in s.products}
    assert "香料" not in on_map  # made by 化工A, but only reachable through 菜谱原料
    with_unmade = derive(graph, ANCHORS, Params(traverse_unmade=True))
    assert "香料" in {graph.product_names[p] for s in with_unmade.segments for p in s.products}


def test_depth_limits_the_walk(graph):
    def on_map(params: Params) -> set[str]:
        d = derive(graph, ANCHORS, params)
        return {graph.product_names[p] for s in d.segments for p in s.products}

    assert "铁精粉" not in on_map(Params())  # depth 3
    assert "铁精粉" in on_map(Params(depth_up=3))
    shallow = on_map(Params(depth_up=1, depth_down=0))
    assert "铁矿石" not in shallow and "冷轧板" in shallow
    assert "冷藏柜" not in shallow and "冷链车" not in shallow


def test_a_product_reached_both_ways_sits_on_the_nearer_side():
    # 冷链车 uses 冰箱 (downstream, depth 1) and, in this variant, is a material of 冷轧板 (upstream,
    # depth 2): it stays downstream. 冷藏柜, downstream and upstream of 空调 both at depth 1: upstream.
    g = build_graph(extra_up=(("冷轧板", "冷链车"), ("空调", "冷藏柜")))
    d = derive(g, ANCHORS, Params())
    side = {g.product_names[p]: s.position for s in d.segments for p in s.products}
    assert side["冷链车"] == "down"
    assert side["冷藏柜"] == "up"


def test_without_require_maker_unmade_products_become_their_own_segments(graph):
    d = derive(graph, ANCHORS, Params(require_maker=False))
    keys = {s.key for s in d.segments}
    assert "up:菜谱原料" in keys  # named after the product: no maker, no industry
    assert "accounting_line" in d.dropped and "no_maker" not in d.dropped


def test_industry_levels_up_groups_by_the_parent_industry():
    g = build_graph()
    parents = np.full(len(INDUSTRIES) + 1, -1)
    parents[IND["钢铁"]] = parents[IND["采掘"]] = len(INDUSTRIES)  # both under 金属
    lifted = Graph(
        product_names=g.product_names,
        up=g.up,
        sub=g.sub,
        down=g.down,
        maker=g.maker,
        company_industry=g.company_industry,
        industry_names=[*INDUSTRIES, "金属"],
        self_loop=g.self_loop,
        industry_parent=parents,
    )
    seg = {s.key: s for s in derive(lifted, ANCHORS, Params(industry_levels_up=1)).segments}
    assert names(lifted, seg["up:金属"].products) == {"冷轧板", "镀锌板", "铁矿石"}
    assert seg["up:金属"].depth == 1
    assert "up:钢铁" in {
        s.key for s in derive(lifted, ANCHORS, Params(industry_levels_up=0)).segments
    }


def test_a_product_needs_evidence_to_be_filed_under_an_industry(graph):
    # ABS树脂 (0.4) and 塑料管 (0.1) have one maker each (塑料A): filed under 塑料 by default
    # (share ≥ 0.05); each a segment of its own, named after it, when a share of 0.5 is required.
    d = derive(graph, ANCHORS, Params(industry_min_share=0.5))
    seg = {s.key: s for s in d.segments}
    assert names(graph, seg["up:塑料管"].products) == {"塑料管"}
    assert names(graph, seg["up:ABS树脂"].products) == {"ABS树脂"}
    assert "up:塑料" not in seg
    assert "up:钢铁" in seg  # 3 makers in 钢铁: evidence enough whatever the shares


def test_max_segment_products_keeps_the_most_made(graph):
    d = derive(graph, ANCHORS, Params(max_segment_products=1))
    seg = {s.key: s for s in d.segments}
    assert names(graph, seg["up:钢铁"].products) == {
        "冷轧板"
    }  # 3 makers, share 0.901 > 镀锌板's 0.7
    assert d.dropped["segment_overflow"] == 3  # 镀锌板, 塑料管 and 冷链车 (0.1 < 冷藏柜 0.501)


def test_derive_all_uses_each_chains_params(graph):
    out = cm.derive_all(
        graph,
        {"a": [P["冰箱"]], "b": [P["空调"]]},
        {"a": Params(depth_up=1), "b": Params()},
    )
    assert {s.key for s in out["a"].segments if s.position == "mid"} == {"mid:冰箱"}
    assert all(s.depth <= 1 for s in out["a"].segments)
    assert any(s.depth == 2 for s in out["b"].segments)  # 冷轧板 → 铁矿石


# ---------------------------------------------------------------------------------------------
# Industry filter: the industry → upstream-industry relation
# ---------------------------------------------------------------------------------------------


def on_map(graph: Graph, d: cm.Derived) -> dict[str, str]:
    """Product name → segment key, for every product on the map."""
    return {graph.product_names[p]: s.key for s in d.segments for p in s.products}


def test_the_filter_allows_the_anchors_industries_and_their_upstream(graph):
    up, down = cm.allowed_industries(graph, ANCHORS, Params())
    allowed_up = {INDUSTRIES[k] for k in np.flatnonzero(up)}
    # Own: 白色家电 (家电A, 家电B), 通用设备 (压缩机B's placeholder on 空调), 电子 (电子A); upstream of
    # them with count ≥ 2. 茶业 (count 1) is not; 物流 is downstream, not upstream.
    assert allowed_up == {"白色家电", "通用设备", "电子", "钢铁", "塑料", "化学制品", "采掘"}
    assert {INDUSTRIES[k] for k in np.flatnonzero(down)} == {"白色家电", "通用设备", "电子", "物流"}
    assert cm.allowed_industries(graph, ANCHORS, Params(industry_filter=False)) is None
    assert cm.allowed_industries(build_graph(relation=None), ANCHORS, Params()) is None


def test_the_filter_keeps_the_worked_example_whole(graph, derived):
    # Every product of the hand-worked map has a maker in an allowed industry: nothing is dropped, and
    # the map is the one derived without the relation.
    assert "industry_filter" not in derived.dropped
    plain = derive(build_graph(relation=None), ANCHORS, Params())
    assert on_map(graph, derived) == on_map(graph, plain)


def test_a_product_made_only_off_the_chain_is_dropped_and_counted():
    g = build_graph(noise=True)
    d = derive(g, ANCHORS, Params())
    placed = on_map(g, d)
    # 茶叶 (upstream of 空调) and 奶茶 (downstream of 冰箱): their only maker is in 茶业, which is neither
    # upstream of the chain's industries (count 1 < 2) nor downstream of them.
    assert "茶叶" not in placed and "奶茶" not in placed
    assert d.dropped["industry_filter"] == 2
    assert set(d.dropped_examples["industry_filter"]) == {"茶叶", "奶茶"}
    # 冷链运输 stays: its maker's industry, 物流, lists 白色家电 as upstream (the reversed relation).
    assert placed["冷链运输"] == "down:物流"
    # The rest of the map is the worked example's.
    plain = on_map(g, derive(build_graph(), ANCHORS, Params()))
    assert {k: v for k, v in placed.items() if k != "冷链运输"} == plain


def test_each_side_is_judged_on_its_own_industries():
    # 冷链运输 is now also a "material" of 空调: upstream it is off the chain (物流 is not upstream of the
    # anchors' industries), downstream it is on it. It stays downstream and is not counted as dropped.
    g = build_graph(noise=True, extra_up=(("空调", "冷链运输"),))
    d = derive(g, ANCHORS, Params())
    assert on_map(g, d)["冷链运输"] == "down:物流"
    assert set(d.dropped_examples["industry_filter"]) == {"茶叶", "奶茶"}


def test_with_the_filter_off_the_noise_stays():
    g = build_graph(noise=True)
    for d in (
        derive(g, ANCHORS, Params(industry_filter=False)),
        derive(build_graph(noise=True, relation=None), ANCHORS, Params()),  # no relation: as before
    ):
        placed = on_map(g, d)
        assert placed["茶叶"] == "up:茶业" and placed["奶茶"] == "down:茶业"
        assert "industry_filter" not in d.dropped
    # A threshold of 1 admits the stray co-occurrences: 茶业 → 白色家电 and 白色家电 → 茶业.
    low = on_map(g, derive(g, ANCHORS, Params(industry_min_count=1)))
    assert low["茶叶"] == "up:茶业" and low["奶茶"] == "down:茶业"


def test_the_count_threshold_and_the_hops(graph):
    # Count ≥ 3: of the anchors' upstream only 钢铁 (5), 通用设备 (3) and 电子 (3) remain; 采掘 is 2 hops out
    # (钢铁 → 采掘, 4).
    d = derive(graph, ANCHORS, Params(industry_min_count=3))
    keys = {s.key for s in d.segments}
    assert {"up:钢铁", "up:通用设备", "up:电子"} <= keys
    assert not {"up:塑料", "up:化学制品", "up:采掘"} & keys
    assert set(d.dropped_examples["industry_filter"]) == {"制冷剂", "ABS树脂", "塑料管", "铁矿石"}
    assert d.dropped["industry_filter"] == 4
    # The walk does not go on from a dropped product: 氟化氢 (behind 制冷剂) is no longer reached.
    assert set(d.dropped_examples["no_maker"]) == {"冰箱清洗剂", "菜谱原料"}
    two = derive(graph, ANCHORS, Params(industry_min_count=3, industry_filter_levels=2))
    assert on_map(graph, two)["铁矿石"] == "up:采掘"
    assert two.dropped["industry_filter"] == 3
    # Hops 0: the anchors' own industries only, on both sides.
    own = on_map(graph, derive(graph, ANCHORS, Params(industry_filter_levels=0)))
    assert {"压缩机", "温控器", "冷藏柜", "冷链车"} <= set(own)
    assert "冷轧板" not in own
    noisy = build_graph(noise=True)
    assert "冷链运输" not in on_map(noisy, derive(noisy, ANCHORS, Params(industry_filter_levels=0)))


def test_a_kept_product_is_filed_under_its_makers_in_the_chains_industries():
    # Without 采掘 in the relation, 铁矿石 stays through its chemical makers' placeholders (化学制品 is
    # upstream) and is filed under 化学制品, not under its off-chain main maker's 采掘.
    rel = [r for r in INDUSTRY_UPSTREAM if "采掘" not in r[:2]]
    g = build_graph(relation=rel)
    d = derive(g, ANCHORS, Params())
    assert on_map(g, d)["铁矿石"] == "up:化学制品"
    assert "up:采掘" not in {s.key for s in d.segments}
    assert "industry_filter" not in d.dropped


def test_industry_levels_match_along_the_tree_not_across_it():
    # 金属 is the parent of 钢铁 and 采掘. A relation recorded at the parent level admits both children.
    industries = [*INDUSTRIES, "金属"]
    parent = [-1] * len(industries)
    parent[IND["钢铁"]] = parent[IND["采掘"]] = industries.index("金属")
    coarse = [r for r in INDUSTRY_UPSTREAM if r[1] not in ("钢铁", "采掘")] + [
        ("白色家电", "金属", 5)
    ]
    g = build_graph(relation=coarse, industry_parent=parent, industries=industries)
    placed = on_map(g, derive(g, ANCHORS, Params(industry_levels_up=0)))
    assert placed["冷轧板"] == "up:钢铁" and placed["铁矿石"] == "up:采掘"
    # A relation naming 钢铁 does not admit its sibling 采掘: 铁矿石 is filed under its chemical makers.
    fine = [r for r in INDUSTRY_UPSTREAM if r[1] != "采掘"]
    g = build_graph(relation=fine, industry_parent=parent, industries=industries)
    placed = on_map(g, derive(g, ANCHORS, Params(industry_levels_up=0)))
    assert placed["冷轧板"] == "up:钢铁" and placed["铁矿石"] == "up:化学制品"


# ---------------------------------------------------------------------------------------------
# Assessment: every status and action for its stated reason
# ---------------------------------------------------------------------------------------------


def test_each_segment_gets_the_status_and_action_worked_out_by_hand(assessment):
    got = {
        k: (s, a)
        for k, s, a in zip(assessment.keys, assessment.status, assessment.action, strict=True)
    }
    assert got == {
        "up:钢铁": ("优势", "强链"),
        "up:通用设备": ("薄弱", "固链"),
        "up:电子": ("卡脖子", "补链"),
        "up:化学制品": ("缺失", "补链"),
        "up:塑料": ("薄弱", "固链"),
        "up:采掘": ("缺失", "延链"),
        "mid:冰箱": ("优势", "强链"),
        "mid:空调": ("薄弱", "补链"),
        "down:白色家电": ("缺失", "延链"),
    }


def test_each_status_names_the_rule_that_fired(assessment):
    rules = dict(zip(assessment.keys, assessment.status_rule, strict=True))
    assert rules == {
        "up:钢铁": "strong",
        "up:通用设备": "low_lq",
        "up:电子": "few_national",
        "up:化学制品": "no_local",
        "up:塑料": "few_local",
        "up:采掘": "no_local",
        "mid:冰箱": "strong",
        "mid:空调": "low_lq",
        "down:白色家电": "no_local",
    }
    actions = dict(zip(assessment.keys, assessment.action_rule, strict=True))
    assert actions["up:化学制品"] == "missing_inner"
    assert actions["up:采掘"] == "missing_outer"
    assert actions["down:白色家电"] == "missing_outer"
    assert actions["mid:空调"] == "weak_near_empty"
    assert actions["up:通用设备"] == "weak"


def test_reasons_are_chinese_and_quote_the_numbers(assessment):
    reason = dict(zip(assessment.keys, assessment.status_reason, strict=True))
    assert (
        reason["up:电子"] == "本地无生产企业；全国仅2家上市企业生产该环节产品（≤2），列为卡脖子环节"
    )
    assert (
        reason["up:化学制品"] == "本地无生产企业；全国有3家上市企业生产（>2家，可招引），列为缺失"
    )
    assert reason["up:钢铁"] == "本地3家生产企业（≥2）；区位熵1.75（≥1.00），列为优势"
    assert reason["mid:冰箱"] == "本地1家生产企业，含链主企业；区位熵1.75（≥1.00），列为优势"
    assert reason["up:通用设备"] == "本地1家生产企业，区位熵0.88低于1.00（全国2家），列为薄弱"
    assert reason["up:塑料"] == "本地仅1家生产企业（<2）且无链主企业；区位熵1.75，列为薄弱"
    action = dict(zip(assessment.keys, assessment.action_reason, strict=True))
    assert "攻关" in action["up:电子"] and "引进" in action["up:电子"]
    assert action["up:采掘"].startswith("上游第2层缺失")
    assert "0.44低于0.50" in action["mid:空调"]


def test_presence_counts(assessment):
    a = assessment
    assert row(a, "up:钢铁")["local_firm_count"] == 3  # F0, F1 (linked) + 钢C (local company)
    assert row(a, "up:钢铁")["local_firms"] == [0, 1]
    assert row(a, "up:钢铁")["local_companies"] == [C["钢A"], C["钢B"], C["钢C"]]
    assert row(a, "up:钢铁")["national_firm_count"] == 3
    assert row(a, "mid:空调")["national_firm_count"] == 4  # 压缩机B's placeholder counts
    assert row(a, "mid:冰箱")["chain_master_present"] is True
    assert row(a, "up:钢铁")["chain_master_present"] is False


def test_local_revenue_sums_known_figures_only(assessment):
    steel = row(assessment, "up:钢铁")
    assert steel["local_revenue_wan"] == 30000.0  # F0; F1 unknown, 钢C has no registry figure
    assert steel["revenue_known_count"] == 1
    assert row(assessment, "mid:冰箱")["local_revenue_wan"] == 50000.0
    assert row(assessment, "up:塑料")["local_revenue_wan"] is None  # F6's revenue unknown


def test_location_quotient_by_hand(assessment):
    lq = dict(zip(assessment.keys, assessment.lq, strict=True))
    assert lq["up:钢铁"] == pytest.approx((3 / L_UNITS) / (3 / N_PRODUCERS))  # 1.75
    assert lq["up:通用设备"] == pytest.approx((1 / L_UNITS) / (2 / N_PRODUCERS))  # 0.875
    assert lq["mid:空调"] == pytest.approx((1 / L_UNITS) / (4 / N_PRODUCERS))  # 0.4375
    assert lq["up:电子"] == 0.0


def test_location_quotient_on_the_chain_base(graph, derived):
    a = assess(graph, derived, params=Params(lq_base="chain"), **local_inputs(graph))
    # Chain base: 7 local units on the map (F5 makes nothing here), 14 national makers on the map.
    assert a.lq[a.keys.index("up:钢铁")] == pytest.approx((3 / 7) / (3 / 14))


def test_supplier_concentration_by_hand(assessment):
    hhi = dict(zip(assessment.keys, assessment.hhi, strict=True))
    # 钢A 0.6 + 0.2 = 0.8, 钢B 0.3, 钢C 0.001 + 0.5 = 0.501.
    steel = (0.8**2 + 0.3**2 + 0.501**2) / (0.8 + 0.3 + 0.501) ** 2
    assert hhi["up:钢铁"] == pytest.approx(steel)  # 0.3827
    assert hhi["up:电子"] == pytest.approx((0.4**2 + 0.001**2) / 0.401**2)  # 0.995: one real maker
    assert hhi["up:塑料"] == pytest.approx(1.0)


def test_candidates_are_the_biggest_makers_outside_the_region(assessment):
    assert row(assessment, "up:化学制品")["candidate_companies"] == [
        C["化工A"],
        C["化工B"],
        C["化工C"],
    ]
    assert row(assessment, "up:钢铁")["candidate_companies"] == []  # all three are local


def test_completeness_by_hand(assessment):
    # Present (local > 0): 钢铁, 通用设备, 塑料 of 6 upstream (weight 1 each); both midstream (1.5 each);
    # 0 of 1 downstream. (3 + 3) / (6 + 3 + 1) = 0.6.
    assert assessment.completeness == pytest.approx(0.6)


def test_gap_list_puts_choke_points_first(assessment):
    gaps = [assessment.keys[i] for i in assessment.gaps]
    assert gaps == [
        "up:电子",  # 卡脖子
        "up:化学制品",  # 缺失, depth 1, 3 national (before the downstream one by map order)
        "down:白色家电",  # 缺失, depth 1, 3 national
        "up:采掘",  # 缺失, depth 2
        "mid:空调",  # 薄弱, midstream
        "up:通用设备",  # 薄弱, 2 national
        "up:塑料",  # 薄弱, 1 national
    ]


def test_few_national_with_none_at_all_is_missing_not_choke(graph):
    d = apply_overrides(
        derive(graph, ANCHORS, Params()),
        [
            {
                "kind": "add",
                "key": "team:新环节",
                "name": "新环节",
                "position": "up",
                "products": ["菜谱原料"],
            }
        ],
    )
    a = assess(graph, d, **local_inputs(graph))
    i = a.keys.index("team:新环节")
    assert (a.status[i], a.status_rule[i]) == ("缺失", "no_producer")


def test_concentration_rule_is_off_unless_configured(graph, derived):
    # 化学制品: 0 local, 3 makers with shares 0.5 / 0.3 / 0.2 → HHI 0.38.
    a = assess(graph, derived, params=Params(choke_min_hhi=0.35), **local_inputs(graph))
    i = a.keys.index("up:化学制品")
    assert (a.status[i], a.status_rule[i]) == ("卡脖子", "concentrated")


# ---------------------------------------------------------------------------------------------
# Team edits (overrides) and re-derivation
# ---------------------------------------------------------------------------------------------

OVERRIDES = [
    {"kind": "rename", "key": "up:钢铁", "name": "钢材"},
    {"kind": "rename", "key": "up:电子", "name": "电子元器件"},
    {"kind": "merge", "key": "up:化学制品", "into": "up:塑料"},
    {"kind": "move", "key": "up:采掘", "parent_key": None},
    {
        "kind": "add",
        "key": "team:检测",
        "name": "检测认证",
        "position": "down",
        "products": ["检测服务"],
    },
    {"kind": "hide", "key": "down:白色家电"},
    {"kind": "hide_product", "key": "up:钢铁", "product": "镀锌板"},
    {"kind": "add_product", "key": "up:采掘", "product": "铁精粉"},
    {"kind": "choke", "key": "up:塑料", "note": "高端牌号依赖进口"},
]


def test_overrides_apply_in_order(graph, derived):
    d = apply_overrides(derived, OVERRIDES)
    seg = {s.key: s for s in d.segments}
    assert seg["up:钢铁"].name == "钢材"
    assert names(graph, seg["up:钢铁"].products) == {"冷轧板"}
    assert "up:化学制品" not in seg
    assert names(graph, seg["up:塑料"].products) == {"ABS树脂", "塑料管", "制冷剂"}
    assert seg["up:采掘"].parent_key is None
    assert names(graph, seg["up:采掘"].products) == {"铁矿石", "铁精粉"}
    assert seg["team:检测"].origin == "team" and seg["team:检测"].position == "down"
    assert d.hidden == ("down:白色家电",) and "down:白色家电" not in seg
    assert seg["up:塑料"].choke_flag and seg["up:塑料"].edits == ("merge", "choke")
    assert "stale_overrides" not in d.dropped
    assert d.segments[-1].key == "team:检测"  # a team segment goes last on its side


def test_team_choke_flag_wins_over_local_presence(graph, derived):
    a = assess(graph, apply_overrides(derived, OVERRIDES), **local_inputs(graph))
    i = a.keys.index("up:塑料")
    assert (a.status[i], a.status_rule[i], a.action[i]) == ("卡脖子", "team_flag", "补链")
    assert a.status_reason[i].startswith("专班标记为卡脖子环节（高端牌号依赖进口）；本地1家")
    assert "本地已有1家" in a.action_reason[i]


def test_overrides_survive_a_rederivation_of_a_changed_graph():
    # Version 2 of the graph: 冰箱 now lists 门封条 (made by 塑料A) and no longer lists 温控器.
    g2 = build_graph(extra_up=(("冰箱", "门封条"),), without_up=(("冰箱", "温控器"),))
    d2 = apply_overrides(derive(g2, ANCHORS, Params()), OVERRIDES)
    seg = {s.key: s for s in d2.segments}
    assert seg["up:钢铁"].name == "钢材"
    # The new product joins its derived segment, and the team's merge still folds 制冷剂 into it.
    assert names(g2, seg["up:塑料"].products) == {"ABS树脂", "塑料管", "制冷剂", "门封条"}
    assert seg["up:塑料"].choke_flag
    assert "team:检测" in seg and d2.hidden == ("down:白色家电",)
    # up:电子 is no longer derived: its rename is stale, skipped and reported.
    assert d2.dropped["stale_overrides"] == 1
    assert d2.dropped_examples["stale_overrides"] == ("rename up:电子: 环节不存在",)


def test_an_override_naming_an_unknown_product_is_stale(derived):
    d = apply_overrides(
        derived, [{"kind": "add_product", "key": "up:钢铁", "product": "不存在的产品"}]
    )
    assert d.dropped["stale_overrides"] == 1


def test_malformed_overrides_are_refused(derived):
    with pytest.raises(ValueError, match="kind"):
        apply_overrides(derived, [{"kind": "delete", "key": "up:钢铁"}])
    with pytest.raises(ValueError, match="name"):
        apply_overrides(derived, [{"kind": "rename", "key": "up:钢铁"}])
    with pytest.raises(ValueError, match="position"):
        apply_overrides(derived, [{"kind": "add", "key": "x", "products": []}])


def test_adding_a_product_moves_it_out_of_its_derived_segment(graph, derived):
    d = apply_overrides(derived, [{"kind": "add_product", "key": "mid:冰箱", "product": "压缩机"}])
    seg = {s.key: s for s in d.segments}
    assert P["压缩机"] in seg["mid:冰箱"].products
    assert seg["up:通用设备"].products == ()
    a = assess(graph, d, **local_inputs(graph))
    assert a.status_rule[a.keys.index("up:通用设备")] == "no_products"


# ---------------------------------------------------------------------------------------------
# Parameters and inputs
# ---------------------------------------------------------------------------------------------


def test_params_from_dict_validates():
    p = Params.from_dict({"depth_up": 1, "weak_lq": 0.8, "position_weights": {"mid": 2.0}})
    assert (p.depth_up, p.weak_lq, p.position_weights) == (1, 0.8, {"mid": 2.0})
    p = Params.from_dict(
        {"industry_filter": False, "industry_min_count": 3, "industry_filter_levels": 2}
    )
    assert (p.industry_filter, p.industry_min_count, p.industry_filter_levels) == (False, 3, 2)
    assert (Params().industry_filter, Params().industry_min_count) == (True, 2)
    for bad in (
        {"depth_upp": 1},
        {"depth_up": -1},
        {"depth_up": True},
        {"weak_lq": "1"},
        {"lq_base": "world"},
        {"drop_product_patterns": ["("]},
        {"position_weights": {"side": 1.0}},
        {"industry_filter": "yes"},
        {"industry_min_count": -1},
        {"industry_filter_levels": 1.5},
    ):
        with pytest.raises(ValueError):
            Params.from_dict(bad)


def test_graph_rejects_bad_edges():
    with pytest.raises(ValueError, match="unknown product"):
        Graph.from_edges(2, ["a", "b"], ([0], [5]), ([], []), ([], []), [], [], [], [], [])
    args = (1, ["a"], ([], []), ([], []), ([], []), [], [], [], [0], ["x"])
    with pytest.raises(ValueError, match="unknown industry"):
        Graph.from_edges(*args, industry_upstream_edges=([0], [1], [2]))
    with pytest.raises(ValueError, match="counts"):
        Graph.from_edges(*args, industry_upstream_edges=([0], [0], [-1]))


def test_industry_upstream_pairs_are_summed():
    g = Graph.from_edges(
        1,
        ["a"],
        ([], []),
        ([], []),
        ([], []),
        [],
        [],
        [],
        [0, 1],
        ["x", "y"],
        industry_upstream_edges=([0, 0, 1], [1, 1, 0], [1, 2, 4]),
    )
    assert g.industry_upstream is not None
    assert g.industry_upstream.toarray().tolist() == [[0, 3], [4, 0]]


def test_duplicate_maker_rows_keep_the_largest_weight():
    g = Graph.from_edges(
        1, ["a"], ([], []), ([], []), ([], []), [0, 0], [0, 0], [0.001, 0.4], [0], ["x"]
    )
    assert g.maker.toarray().tolist() == [[0.4]]


# ---------------------------------------------------------------------------------------------
# The anchors config and the real graph (../shared/data/chainkg)
# ---------------------------------------------------------------------------------------------

CITY = [
    "海洋装备",
    "通用航空",
    "集成电路",
    "新型显示",
    "智能家电",
    "氢能与储能",
    "会展",
    "软件和信息服务",
    "新能源汽车",
    "先进高分子及金属材料",
    "人工智能",
    "智能制造装备",
    "虚拟现实",
    "高端化工",
    "精密仪器仪表",
    "科技服务业",
    "轨道交通装备",
    "食品饮料",
    "生物医药及医疗器械",
    "现代物流",
    "现代金融",
    "纺织服装",
    "文化旅游",
    "现代商贸",
]
DISTRICT = [
    "新一代半导体",
    "高端化工及新材料",
    "海洋生物医药",
    "船舶海工",
    "智能家电",
    "汽车",
    "海洋冷链",
    "影视文化",
    "新经济",
]
SERVICE = {
    "city:会展",
    "city:现代金融",
    "city:现代物流",
    "city:科技服务业",
    "city:文化旅游",
    "city:现代商贸",
}
SERVICE |= {"district:影视文化", "city:软件和信息服务", "district:新经济"}


def test_anchor_config_covers_every_chain():
    config = cm.load_anchor_config()
    assert config["version"] >= 1
    assert set(config["chains"]) == {f"city:{c}" for c in CITY} | {
        f"district:{c}" for c in DISTRICT
    }
    for key, entry in config["chains"].items():
        assert 3 <= len(entry["anchors"]) <= 12, key
        assert len(set(entry["anchors"])) == len(entry["anchors"]), key
        assert entry["note"], key
    for key in SERVICE:
        assert config["chains"][key]["depth_up"] == 1, key


def chainkg_folder() -> Path:
    root = os.environ.get("CHAINLEADER_SHARED_DATA")
    base = Path(root) if root else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    return base / "chainkg"


@pytest.fixture(scope="module")
def real_graph() -> Graph:
    folder = chainkg_folder()
    if not (folder / "product_product.csv").exists():
        pytest.skip(f"chainkg data not present at {folder} (set CHAINLEADER_SHARED_DATA)")
    return cm.graph_from_csv_folder(folder)


@pytest.mark.shared_data
def test_every_anchor_is_a_product_that_listed_companies_make(real_graph):
    folder = chainkg_folder()
    listed = set((folder / "products.csv").read_text(encoding="utf-8").splitlines()[1:])
    config = cm.load_anchor_config()
    anchors, _, missing = cm.chains_from_config(real_graph, config)
    assert missing == {}
    made = real_graph._producers(0.0).national_count
    for key, entry in config["chains"].items():
        assert set(entry["anchors"]) <= listed, key
        assert (made[anchors[key]] > 0).all(), key


@pytest.mark.shared_data
def test_real_graph_derives_smart_appliances_with_upstream(real_graph):
    config = cm.load_anchor_config()
    anchors, params, _ = cm.chains_from_config(real_graph, config)
    d = derive(real_graph, anchors["city:智能家电"], params["city:智能家电"])
    up = [s for s in d.segments if s.position == "up"]
    assert len(up) >= 3
    on_up = {real_graph.product_names[p] for s in up for p in s.products}
    assert {"压缩机", "电机"}.isdisjoint(on_up)  # anchors themselves stay midstream
    assert "液晶显示屏" in on_up  # a material of 电视
    assert d.dropped["no_maker"] > 0
    a = assess(real_graph, d)
    national = dict(zip(a.keys, a.national_firm_count, strict=True))
    assert national["mid:冰箱"] >= 5 and national["mid:空调"] >= 5
    assert a.completeness == 0.0  # no local firms passed
    assert set(a.status) <= set(cm.STATUSES)


@pytest.mark.shared_data
def test_real_graph_loads_the_industry_upstream_relation(real_graph):
    assert real_graph.industry_upstream is not None
    # All 5,256 rows matched (the 2 names industries.csv lacks are companies' industries), no pair twice.
    assert real_graph.industry_upstream.nnz == 5256
    assert real_graph.industry_upstream_unmatched == {}


@pytest.mark.shared_data
def test_real_graph_industry_filter_clears_smart_appliance_noise(real_graph):
    config = cm.load_anchor_config()
    anchors, params, _ = cm.chains_from_config(real_graph, config)
    key = "city:智能家电"
    noise = {"茶叶", "多元金融", "专业连锁", "港口"}
    before = derive(real_graph, anchors[key], replace(params[key], industry_filter=False))
    assert noise & {s.name for s in before.segments if s.position == "up"}  # the symptom
    d = derive(real_graph, anchors[key], params[key])
    up = [s.name for s in d.segments if s.position == "up"]
    assert not noise & set(up), up
    assert len(up) >= 3
    # Appliance inputs keep industry-named segments (家电零部件, 消费电子 / 光学光电子, 特钢 / 金属制品 ...).
    assert any(w in name for name in up for w in ("家电零部件", "电机", "钢", "塑料", "电子")), up
    assert d.dropped["industry_filter"] > 0
    on_up = {
        real_graph.product_names[p] for s in d.segments if s.position == "up" for p in s.products
    }
    assert "液晶显示屏" in on_up


@pytest.mark.shared_data
def test_real_graph_derives_every_configured_chain(real_graph):
    config = cm.load_anchor_config()
    anchors, params, _ = cm.chains_from_config(real_graph, config)
    maps = cm.derive_all(real_graph, anchors, params)
    assert len(maps) == 33
    for key, d in maps.items():
        assert sum(s.position == "mid" for s in d.segments) == len(anchors[key]), key
        json.dumps(d.segment_rows(), ensure_ascii=False)  # plain types only
