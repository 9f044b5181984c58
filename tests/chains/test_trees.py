"""Every chain has a curated tree a chain team could sign (issue 10): three positions, ≥ 3 leaves each, every leaf
with products or codes, no duplicate leaves, real GB/T codes, a source; strategic flags only with a source and
never on a commodity, a service or a channel. The loader makes the chain's segments follow the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainleader.chains.models import Chain, Segment
from chainleader.chains.trees_service import TREES_DIR, read_tree, tree_load
from chainleader.demo.chains_data import ALL_CHAINS
from chainleader.engines.chain_map.tree import TreeError, load_tree_file, parse_tree
from chainleader.reference.models import Industry
from tests.factories import region

FILES = sorted(TREES_DIR.glob("*/*.yaml"))
# Things traded everywhere or bought as a service: never a strategic dependency, whatever the counts say.
COMMODITY_WORDS = (
    "丙烷",
    "丁烷",
    "表面活性剂",
    "钢材",
    "通用塑料",
    "物流",
    "零售",
    "销售",
    "贸易",
    "维修",
    "回收",
)


def test_every_chain_of_the_demo_has_a_tree_file():
    names = {(f.parent.name, f.stem) for f in FILES}
    missing = [(s.level, s.name) for s in ALL_CHAINS if (s.level, s.name) not in names]
    assert not missing
    assert len(FILES) == 33


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=[f"{f.parent.name}-{f.stem}" for f in FILES])
def test_tree_file_is_complete_and_sound(path: Path):
    codes = set(Industry.objects.values_list("code", flat=True))
    tree = load_tree_file(path, known_codes=codes)  # raises TreeError listing every problem
    assert tree.chain == path.stem and tree.level == path.parent.name
    assert tree.sources
    for pos in ("up", "mid", "down"):
        assert sum(1 for n in tree.leaves if n.position == pos) >= 3, pos
    names = [n.name for n in tree.leaves]
    assert len(names) == len(set(names))
    for leaf in tree.leaves:
        assert leaf.products or leaf.codes, leaf.path
        if leaf.strategic:
            assert leaf.strategic_source, leaf.path
            assert leaf.kind not in ("service", "channel"), leaf.path
            assert not any(w in leaf.name for w in COMMODITY_WORDS), leaf.path


def _doc(**tree):
    leaf = {"key": "a", "name": "甲", "kind": "part", "products": ["甲"]}
    base = {
        "up": [
            {
                "key": "x",
                "name": "上",
                "children": [dict(leaf, key=f"u{i}", name=f"上{i}") for i in range(3)],
            }
        ],
        "mid": [dict(leaf, key=f"m{i}", name=f"中{i}") for i in range(3)],
        "down": [dict(leaf, key=f"d{i}", name=f"下{i}", kind="service") for i in range(3)],
    }
    base.update(tree)
    return {"chain": "测试链", "level": "city", "version": 1, "sources": ["公开资料"], "tree": base}


def test_a_good_document_flattens_with_paths_and_parents():
    tree = parse_tree(_doc())
    paths = [n.path for n in tree.nodes]
    assert paths[:2] == ["up.x", "up.x.u0"]
    assert tree.by_path()["up.x.u0"].parent == "up.x"
    assert len(tree.leaves) == 9


def test_every_problem_is_listed_at_once():
    bad = _doc(
        mid=[
            {"key": "m1", "name": "中1", "kind": "part"},  # no products or codes
            {
                "key": "m1",
                "name": "中2",
                "kind": "gadget",
                "products": ["x"],
            },  # duplicate key, bad kind
            {
                "key": "m3",
                "name": "中3",
                "kind": "channel",
                "codes": ["51x"],
                "strategic": {"source": "某清单"},
            },
        ],
        down=[{"key": "d1", "name": "下1", "kind": "service", "products": ["x"], "strategic": {}}],
    )
    with pytest.raises(TreeError) as exc:
        parse_tree(bad)
    text = "\n".join(exc.value.errors)
    assert "mid.m1: 末级环节需要 products 或 codes" in text
    assert "key 重复" in text
    assert "kind “gadget”" in text
    assert "51x" in text
    assert "不能标为战略卡点" in text
    assert "strategic 需要 source" in text
    assert "down: 末级环节 1 个" in text


@pytest.mark.django_db
def test_loading_a_tree_keeps_ids_on_rename_and_removes_what_the_file_drops():
    chain = Chain.objects.create(name="测试链", level="city", region=region("3702"))
    tree = parse_tree(_doc())
    counts = tree_load(chain=chain, tree=tree)
    assert counts["created"] == 10  # one parent and nine leaves
    first = Segment.objects.get(chain=chain, code="up.x.u0")
    assert first.parent.code == "up.x" and first.kind == "part" and first.key_products == "甲"
    doc = _doc()
    doc["version"] = 2
    doc["tree"]["up"][0]["children"][0]["name"] = "上零"  # renamed
    doc["tree"]["mid"] = doc["tree"]["mid"] + [
        {"key": "m9", "name": "中9", "kind": "product", "codes": ["3851"]}
    ]
    doc["tree"]["down"] = doc["tree"]["down"][:3]
    tree_load(chain=chain, tree=parse_tree(doc))
    first.refresh_from_db()
    assert (
        first.name == "上零" and first.version == 2
    )  # same row, same id: placements and history stay
    assert Segment.objects.filter(chain=chain, code="mid.m9").exists()
    assert (
        tree_load(chain=chain, tree=parse_tree(doc))["skipped"] == 1
    )  # same version: nothing to do
    chain.refresh_from_db()
    assert chain.tree_version == 2 and "公开资料" in chain.tree_sources


@pytest.mark.django_db
def test_read_tree_checks_codes_against_the_reference_table(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text(
        "chain: 测试链\nlevel: city\nsources: [x]\ntree:\n"
        + "".join(
            f"  {pos}:\n"
            + "".join(
                f"    - {{key: {pos}{i}, name: {pos}{i}, kind: part, codes: ['9999']}}\n"
                for i in range(3)
            )
            for pos in ("up", "mid", "down")
        ),
        encoding="utf-8",
    )
    with pytest.raises(TreeError) as exc:
        read_tree(f)
    assert "9999 不在 GB/T 4754-2017 代码表中" in str(exc.value)
