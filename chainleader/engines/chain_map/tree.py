"""The curated segment tree of a chain (产业链图谱骨架): parse, validate, flatten. Pure Python, no Django.

A tree file (YAML, one per chain, ``chainleader/chains/trees/<level>/<name>.yaml``) names the chain, its
sources, and three positions (``up`` / ``mid`` / ``down``), each a list of segments (环节); a segment has
either ``children`` (sub-segments) or is a *leaf* carrying what places firms and products on it:

``key``          stable ASCII slug, unique among its siblings; a node's id is its path (``up.core-parts.compressor``)
``name``         the Chinese name shown on the map
``kind``         leaf only: material · part · equipment · product (things that are *made*) · software · service
                 · channel (things that are not); a maker leaf needs manufacturing evidence for a producer
``products``     key products, written as firms and the product graph write them
``synonyms``     other names of the same products
``codes``        GB/T 4754-2017 classes (3- or 4-digit) whose firms belong here
``keywords``     words in a firm's name, products or business scope that point here
``technologies`` key technologies (shown, not matched)
``excludes``     product words that end like a term but are something else (电机 excludes 发电机)
``strategic``    ``{item, source}`` where the leaf is a known dependency named in a public list or study; only
                 these leaves can ever be judged 卡脖子

``python -m chainleader.engines.chain_map.tree FILE… [--codes gbt.csv] [--products products.csv]`` checks files and
reports, per leaf, which of its products the product graph knows by exact name.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POSITIONS = ("up", "mid", "down")
MAKE_KINDS = ("material", "part", "equipment", "product")
OTHER_KINDS = ("software", "service", "channel")
KINDS = MAKE_KINDS + OTHER_KINDS
LEAF_LISTS = ("products", "synonyms", "codes", "keywords", "technologies", "excludes")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^\d{3,4}$")
MIN_LEAVES_PER_POSITION = 3
MAX_DEPTH = 3


class TreeError(ValueError):
    """A tree file that cannot be used; ``errors`` lists every problem with the path of the node."""

    def __init__(self, errors: Sequence[str], source: str = "") -> None:
        self.errors = list(errors)
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "；".join(self.errors))


@dataclass(frozen=True)
class Node:
    """One segment of the tree. ``path`` is the stable id within the chain; ``parent`` the parent's path."""

    path: str
    key: str
    name: str
    position: str
    depth: int  # 1 = directly under the position
    order: int
    parent: str | None
    kind: str = ""
    products: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    strategic_item: str = ""
    strategic_source: str = ""
    is_leaf: bool = True

    @property
    def strategic(self) -> bool:
        return bool(self.strategic_source)

    @property
    def makes(self) -> bool:
        """Things made (materials, parts, equipment, products): a producer here needs manufacturing evidence."""
        return self.kind in MAKE_KINDS


@dataclass(frozen=True)
class ChainTree:
    chain: str
    level: str
    version: int
    sources: tuple[str, ...]
    note: str
    nodes: tuple[Node, ...]  # depth-first, positions in order up → mid → down
    origin: str = ""

    @property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_leaf)

    def by_path(self) -> dict[str, Node]:
        return {n.path: n for n in self.nodes}


def _texts(value: Any, where: str, name: str, errors: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        errors.append(f"{where}: {name} 应为列表")
        return ()
    out = []
    for v in value:
        text = str(v).strip()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _walk(
    items: Any,
    position: str,
    parent: Node | None,
    depth: int,
    errors: list[str],
    out: list[Node],
) -> None:
    where_parent = parent.path if parent else position
    if not isinstance(items, list) or not items:
        errors.append(f"{where_parent}: 至少需要一个环节")
        return
    seen: set[str] = set()
    for order, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors.append(f"{where_parent}[{order}]: 环节应为映射")
            continue
        key = str(item.get("key", "")).strip()
        name = str(item.get("name", "")).strip()
        path = f"{where_parent}.{key}"
        if not _KEY.match(key):
            errors.append(f"{where_parent}[{order}]: key “{key}” 应为小写字母、数字和连字符")
        elif key in seen:
            errors.append(f"{path}: key 重复")
        seen.add(key)
        if not name:
            errors.append(f"{path}: 缺少 name")
        unknown = set(item) - {"key", "name", "kind", "children", "strategic", *LEAF_LISTS}
        if unknown:
            errors.append(f"{path}: 未知字段 {', '.join(sorted(unknown))}")
        children = item.get("children")
        head = (path, key, name, position, depth, order, parent.path if parent else None)
        if children is not None:
            if depth >= MAX_DEPTH:
                errors.append(f"{path}: 层级超过 {MAX_DEPTH} 级")
                continue
            leaf_fields = [f for f in ("kind", "strategic", *LEAF_LISTS) if item.get(f)]
            if leaf_fields:
                errors.append(
                    f"{path}: 有子环节的环节不应有 {', '.join(leaf_fields)}（写在细分环节上）"
                )
            node = Node(*head, is_leaf=False)
            out.append(node)
            _walk(children, position, node, depth + 1, errors, out)
            continue
        kind = str(item.get("kind", "")).strip()
        if kind not in KINDS:
            errors.append(f"{path}: kind “{kind}” 应为 {' / '.join(KINDS)} 之一")
        lists = {f: _texts(item.get(f), path, f, errors) for f in LEAF_LISTS}
        if not lists["products"] and not lists["codes"]:
            errors.append(f"{path}: 末级环节需要 products 或 codes")
        for code in lists["codes"]:
            if not _CODE.match(code):
                errors.append(f"{path}: 行业代码 “{code}” 应为 GB/T 4754-2017 的 3 或 4 位数字")
        strategic = item.get("strategic")
        s_item = s_source = ""
        if strategic is not None:
            if not isinstance(strategic, Mapping) or not str(strategic.get("source", "")).strip():
                errors.append(f"{path}: strategic 需要 source（公开清单或研究的出处）")
            else:
                s_item = str(strategic.get("item", "")).strip() or name
                s_source = str(strategic["source"]).strip()
            if kind in ("service", "channel"):
                errors.append(f"{path}: {kind} 类环节（服务、渠道）不能标为战略卡点")
        out.append(
            Node(
                *head,
                kind=kind,
                strategic_item=s_item,
                strategic_source=s_source,
                **lists,  # type: ignore[arg-type]
            )
        )


def parse_tree(
    doc: Any, *, origin: str = "", known_codes: Iterable[str] | None = None
) -> ChainTree:
    """Check a tree document and flatten it; raise ``TreeError`` listing every problem at once."""
    errors: list[str] = []
    if not isinstance(doc, Mapping):
        raise TreeError(["文件内容应为映射"], origin)
    chain = str(doc.get("chain", "")).strip()
    level = str(doc.get("level", "")).strip()
    if not chain:
        errors.append("缺少 chain（链名）")
    if level not in ("city", "district"):
        errors.append("level 应为 city 或 district")
    try:
        version = int(doc.get("version", 1))
    except (TypeError, ValueError):
        version = 0
        errors.append("version 应为整数")
    sources = _texts(doc.get("sources"), "sources", "sources", errors)
    if not sources:
        errors.append("sources: 至少写明一个来源（公开的产业链全景图、研究或规划文件）")
    tree = doc.get("tree")
    nodes: list[Node] = []
    if not isinstance(tree, Mapping):
        errors.append("缺少 tree（up / mid / down）")
    else:
        extra = set(tree) - set(POSITIONS)
        if extra:
            errors.append(f"tree: 未知位置 {', '.join(sorted(map(str, extra)))}")
        for pos in POSITIONS:
            before = len(nodes)
            _walk(tree.get(pos), pos, None, 1, errors, nodes)
            leaves = [n for n in nodes[before:] if n.is_leaf]
            if len(leaves) < MIN_LEAVES_PER_POSITION:
                errors.append(
                    f"{pos}: 末级环节 {len(leaves)} 个，至少需要 {MIN_LEAVES_PER_POSITION} 个"
                )
    names: dict[str, str] = {}
    for n in nodes:
        if n.is_leaf:
            if n.name in names:
                errors.append(f"{n.path}: 末级环节名称“{n.name}”与 {names[n.name]} 重复")
            names.setdefault(n.name, n.path)
    if known_codes is not None:
        known = set(known_codes)
        for n in nodes:
            for code in n.codes:
                if _CODE.match(code) and code not in known:
                    errors.append(f"{n.path}: 行业代码 {code} 不在 GB/T 4754-2017 代码表中")
    if errors:
        raise TreeError(errors, origin)
    return ChainTree(
        chain, level, version, sources, str(doc.get("note", "") or "").strip(), tuple(nodes), origin
    )


def load_tree_file(path: str | Path, *, known_codes: Iterable[str] | None = None) -> ChainTree:
    import yaml

    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TreeError([f"YAML 格式错误：{exc}"], str(p)) from exc
    return parse_tree(doc, origin=str(p), known_codes=known_codes)


def tree_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*/*.yaml"))


def _main(argv: Sequence[str]) -> int:  # pragma: no cover - an authoring aid
    import csv

    files = [a for a in argv if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    codes = None
    if "codes" in opts:
        with open(opts["codes"], encoding="utf-8") as fh:
            codes = {row["code"] for row in csv.DictReader(fh)}
    products: set[str] | None = None
    if "products" in opts:
        with open(opts["products"], encoding="utf-8") as fh:
            products = {row["name"] for row in csv.DictReader(fh)}
    bad = 0
    for f in files:
        try:
            tree = load_tree_file(f, known_codes=codes)
        except TreeError as exc:
            bad += 1
            for _e in exc.errors:
                pass
            continue
        leaves = tree.leaves
        if products is not None:
            for n in leaves:
                names = n.products + n.synonyms
                [x for x in names if x in products]
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
