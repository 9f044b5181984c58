"""产业链图谱: derive a chain's segment tree from the product graph, apply team edits, judge each segment.

Three steps, each plain columns in and out (STYLE.md 3.5, no Django):

``derive(graph, anchors, params)``
    From the chain's anchor products (中游, one segment per anchor with its sub-classes) walk the product graph
    upstream (materials, parts, equipment: 上游材料 edges and reversed 下游产品 edges) to ``depth_up`` and
    downstream (applications: 下游产品 edges and reversed 上游材料 edges) to ``depth_down``; drop noise
    (accounting lines, products no listed company makes, self-loops, products whose makers are all in
    industries off the chain: see *Industry filter*); group what is left per side into named segments (环节)
    by the dominant SW-2021 industry of the products' national makers. Segment keys
    (``"up:<industry>"``, ``"mid:<anchor>"``, ``"down:<industry>"``) are stable across re-derivations, so
    team edits can refer to them.
``apply_overrides(derived, overrides)``
    Team edits (rename, merge, move, add, hide a segment; add or hide a product; flag a choke point), stored
    as data and replayed after every derivation; an edit whose segment or product no longer exists is
    skipped and counted in ``dropped["stale_overrides"]``.
``assess(graph, derived, ...)``
    Presence per segment: local firms, national makers, chain masters, local revenue, location quotient,
    supplier concentration (HHI); a status (缺失 / 薄弱 / 优势 / 卡脖子) and a chain action (补链 / 延链 /
    固链 / 强链), each with the rule that fired and a reason in Chinese quoting the numbers; the chain's
    completeness and its gap list.

Rules (every threshold is in ``Params``; each status and action records the rule that fired in
``status_rule`` / ``action_rule`` and a Chinese reason quoting the numbers):

* Producer: weight > ``min_weight`` (0): the 0.001 placeholders count, eliminations (< 0) do not.
  ``national_firm_count`` = distinct listed companies producing any product of the segment.
* LQ = (local units in the segment / local base) / (national producers in the segment / national base);
  base ``"all"`` (default): every local unit passed in / every listed company that produces anything;
  ``"chain"``: those present in any segment of this chain. HHI over national producers, each
  company's share = its weights on the segment's products (clipped to [0, 1]) summed.
* Status, first match: team flag → 卡脖子; 0 local and ``choke_min_national`` ≤ national ≤
  ``choke_max_national`` → 卡脖子; (optional) 0 local and HHI ≥ ``choke_min_hhi`` → 卡脖子; 0 local →
  缺失 (also when nobody nationally makes it: the data does not cover it, so no choke call);
  (≥ ``strong_min_local`` local or a chain master) and LQ ≥ ``weak_lq`` → 优势; otherwise 薄弱.
* Action: 优势 → 强链; 卡脖子 → 补链 (攻关 / 引进); 缺失 at depth ≥ ``extend_min_depth`` of its side
  (upstream 2, downstream 1: the outer ring, or applications) → 延链, else (next to the midstream,
  or the midstream itself) → 补链; 薄弱 with LQ < ``weak_fill_lq`` → 补链 (nearly empty), else → 固链.
* Completeness = Σ position weight × (local > 0) / Σ position weight over the visible segments.

Industry filter (``Params.industry_filter``, on when the graph carries ``industry_upstream``, the
industry → upstream-industry relation with a co-occurrence count). The product graph's 上游材料 links mix
recipes and business-scope text with industry (空调 → 空调茶 → 茶叶, 变频器 filed under a 金融控股 maker), so
a reached product must also belong to an industry of the chain:

* The chain's own industries: the industries of the anchors' producers (every producer, as its industry is
  recorded: SW-2021 level 3 in chainkg).
* Upstream allowed = own industries + their upstream industries with count ≥ ``industry_min_count``, and
  so on for ``industry_filter_levels`` hops (1: direct upstream only). Downstream allowed = own industries
  + the industries whose upstream includes them (the reversed relation), same threshold and hops.
* Industries are compared as recorded, not lifted to the segment level: the relation is specific at level
  3 (空调 → 航空装备Ⅲ), while summing it to level 2 turns scattered single co-occurrences into large counts
  (电网设备 → 农产品加工 6) and makes whole families allowed (a 租赁 maker of 电机 would admit every
  多元金融 firm). Levels are reconciled along the SW tree only: an industry matches an allowed one that is
  itself, one of its ancestors or one of its descendants (a relation or a company recorded at level 2
  matches the level-3 industries below it; siblings never match), and relation rows are looked up for an
  industry and its ancestors.
* A reached product is kept when at least one of its producers is in an allowed industry (a placeholder
  maker counts, as for ``require_maker``; products nobody makes are left to ``require_maker``); otherwise
  it is dropped (``dropped["industry_filter"]``) and the walk does not go on from it. A kept product is
  filed under the dominant industry of its makers *in allowed industries*, so a segment names an industry
  through which the product belongs to this chain (原油: its 原材料供应链服务 makers, not its 港口 ones).

Sparse matrices carry the graph (SciPy CSR): the walk is a few row slices per level, presence is one
segment × product incidence matrix multiplied by company × product matrices. Python loops run over
anchors and segments only (tens), never over firms or products; the name filters run once per graph
(``Graph.prepare``) and are cached with the adjacency and producer tables for the whole batch.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]
EdgeList = tuple[npt.ArrayLike, npt.ArrayLike]

UP, MID, DOWN = "up", "mid", "down"
POSITIONS = (UP, MID, DOWN)
POSITION_LABELS = {UP: "上游", MID: "中游", DOWN: "下游"}

STATUS_MISSING = "缺失"
STATUS_WEAK = "薄弱"
STATUS_STRONG = "优势"
STATUS_CHOKE = "卡脖子"
STATUSES = (STATUS_CHOKE, STATUS_MISSING, STATUS_WEAK, STATUS_STRONG)  # also the gap-list priority

ACTION_STRENGTHEN = "强链"
ACTION_FILL = "补链"
ACTION_EXTEND = "延链"
ACTION_SECURE = "固链"
ACTIONS = (ACTION_STRENGTHEN, ACTION_FILL, ACTION_EXTEND, ACTION_SECURE)

OVERRIDE_KINDS = ("rename", "merge", "move", "add", "hide", "hide_product", "add_product", "choke")

DEFAULT_ANCHORS_PATH = Path(__file__).resolve().parents[1] / "chainmap" / "anchors.json"

# Accounting lines of the revenue breakdowns (README, chainkg): eliminations, balancing and adjustment
# items, totals, "other", and business-segment lines (房地产分部) that name a reporting unit, not a product.
DEFAULT_DROP_PATTERNS = (
    "平衡项目",
    "抵销",
    "抵消",
    "抵减",
    "调整项目",
    "合计",
    "小计",
    "^其[他它]",
    "分部$",
    "^公司内",
)
# Whole names that are words of the extraction, not products (产品, 成本 as a "material" of 物流).
DEFAULT_GENERIC_NAMES = (
    "产品",
    "成本",
    "货物",
    "经济",
    "安全",
    "服务",
    "业务",
    "材料",
    "设备",
    "原料",
    "其他",
)
# SW-2021 repeats a name on several levels with Ⅱ/Ⅲ suffixes (林业Ⅱ / 林业Ⅲ); a segment shows it without.
_LEVEL_SUFFIX = re.compile(r"[ⅡⅢ]+$")


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Params:
    """Derivation and judgement rules of one chain map (产业链图谱规则); every threshold is data.

    Producer: a company whose ``主营产品`` weight on the product is > ``min_weight``. The default 0 counts the
    source's 0.001 placeholders (products read from the business scope) as producers and drops negative
    weights (eliminations). Concentration (HHI) uses the weights themselves, clipped to [0, 1], so a
    placeholder counts as a producer but carries almost no share.
    """

    depth_up: int = 2
    depth_down: int = 1
    include_subclasses: bool = True
    subclass_depth: int = 1  # levels of 产品小类 folded into an anchor's segment
    # Sub-classes of reached products too? Off: 产品小类 is mostly "name contains" (玻璃 → 玻璃杯, 玻璃幕墙),
    # which fills an automotive map with tableware.
    subclasses_of_reached: bool = False
    # Segments group products by their makers' industry, lifted this many levels up the SW-2021 tree
    # (1: level 3 → level 2, e.g. 氯碱 / 氟化工 → 化学原料 / 化学制品), so a map has a handful of upstream
    # segments, not one per level-3 industry.
    industry_levels_up: int = 1
    industry_min_makers: int = (
        2  # evidence for filing a product under an industry: this many makers in it
    )
    industry_min_share: float = 0.05  # ... or their revenue shares sum to this
    min_weight: float = 0.0
    max_segment_products: int = 40
    drop_product_patterns: tuple[str, ...] = DEFAULT_DROP_PATTERNS
    generic_names: tuple[str, ...] = DEFAULT_GENERIC_NAMES  # words that name no product: dropped
    require_maker: bool = (
        True  # a reached product no listed company makes is noise (recipes, herbs)
    )
    # Walk upstream and downstream from an anchor's sub-classes even when no listed company makes them: they
    # are the anchor's variants (车载冰箱, 空调热水器), and their materials (压缩机, 电机) are the anchor's.
    walk_anchor_subclasses: bool = True
    # Walk on through reached products dropped for having no maker? Off: 空调 → 空调茶 (a sub-class no firm makes)
    # → 茶叶 would put tea upstream of air conditioners.
    traverse_unmade: bool = False
    # Industry filter (module docstring): keep a reached product only when one of its makers is in an industry
    # of the chain (the anchors' makers' industries and, along the graph's industry → upstream-industry
    # relation, the industries within industry_filter_levels hops upstream, or downstream for the downstream
    # side). No effect when the graph has no industry_upstream relation.
    industry_filter: bool = True
    industry_min_count: int = 2  # a relation pair counts from this co-occurrence count on
    industry_filter_levels: int = (
        1  # hops along the relation (0: the anchors' makers' industries only)
    )
    choke_max_national: int = 2  # 0 local and min..max national producers → 卡脖子
    choke_min_national: int = 1  # 0 national means the data does not cover it: 缺失, not 卡脖子
    choke_min_hhi: float | None = None  # optional: 0 local and national HHI ≥ this → 卡脖子 too
    weak_lq: float = 1.0  # local presence with LQ below this → 薄弱
    strong_min_local: int = (
        2  # 优势 needs this many local firms (or a chain master) and LQ ≥ weak_lq
    )
    weak_fill_lq: float = 0.5  # 薄弱 with LQ below this is nearly empty: 补链 rather than 固链
    extend_min_depth: Mapping[str, int] = field(default_factory=lambda: {UP: 2, DOWN: 1})
    position_weights: Mapping[str, float] = field(
        default_factory=lambda: {UP: 1.0, MID: 1.5, DOWN: 1.0}
    )
    lq_base: str = "all"  # "all": all local firms / all listed makers; "chain": those in this chain
    candidate_limit: int = 10

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Params:
        """Validated parameters; unknown keys and out-of-range values raise ValueError."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError("chain map params: expected an object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"chain map params: unknown keys {unknown}")
        values: dict[str, Any] = {}
        for name in (
            "depth_up",
            "depth_down",
            "subclass_depth",
            "max_segment_products",
            "industry_levels_up",
            "industry_filter_levels",
        ):
            if name in data:
                values[name] = _int(data[name], name, low=0, high=10_000)
        for name in (
            "choke_max_national",
            "choke_min_national",
            "strong_min_local",
            "industry_min_makers",
            "industry_min_count",
        ):
            if name in data:
                values[name] = _int(data[name], name, low=0, high=1_000_000)
        if "candidate_limit" in data:
            values["candidate_limit"] = _int(
                data["candidate_limit"], "candidate_limit", low=0, high=1000
            )
        for name in (
            "include_subclasses",
            "subclasses_of_reached",
            "walk_anchor_subclasses",
            "require_maker",
            "traverse_unmade",
            "industry_filter",
        ):
            if name in data:
                if not isinstance(data[name], bool):
                    raise ValueError(f"chain map params: {name} must be true or false")
                values[name] = data[name]
        for name in ("min_weight", "weak_lq", "weak_fill_lq", "industry_min_share"):
            if name in data:
                values[name] = _float(data[name], name)
        if data.get("choke_min_hhi") is not None:
            values["choke_min_hhi"] = _float(
                data["choke_min_hhi"], "choke_min_hhi", low=0.0, high=1.0
            )
        if "drop_product_patterns" in data:
            patterns = data["drop_product_patterns"]
            if isinstance(patterns, str) or not isinstance(patterns, Sequence):
                raise ValueError(
                    "chain map params: drop_product_patterns must be a list of patterns"
                )
            for pattern in patterns:
                try:
                    re.compile(str(pattern))
                except re.error as exc:
                    raise ValueError(f"chain map params: bad pattern {pattern!r} ({exc})") from None
            values["drop_product_patterns"] = tuple(str(p) for p in patterns)
        if "generic_names" in data:
            generic = data["generic_names"]
            if isinstance(generic, str) or not isinstance(generic, Sequence):
                raise ValueError("chain map params: generic_names must be a list of names")
            values["generic_names"] = tuple(str(n) for n in generic)
        if "extend_min_depth" in data:
            ext = _position_map(data["extend_min_depth"], "extend_min_depth", (UP, DOWN))
            values["extend_min_depth"] = {
                k: _int(v, f"extend_min_depth.{k}", low=1) for k, v in ext.items()
            }
        if "position_weights" in data:
            pw = _position_map(data["position_weights"], "position_weights", POSITIONS)
            values["position_weights"] = {
                k: _float(v, f"position_weights.{k}", low=0.0) for k, v in pw.items()
            }
        if "lq_base" in data:
            if data["lq_base"] not in ("all", "chain"):
                raise ValueError('chain map params: lq_base must be "all" or "chain"')
            values["lq_base"] = data["lq_base"]
        return replace(cls(), **values)

    def with_chain(self, entry: Mapping[str, Any]) -> Params:
        """These parameters with a chain's own settings (anchors.json entry) on top."""
        own = {k: v for k, v in entry.items() if k not in ("anchors", "note")}
        base = {f.name: getattr(self, f.name) for f in fields(self)}
        return Params.from_dict({**base, **own})


def _int(value: Any, name: str, *, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"chain map params: {name} must be an integer")
    if value < low or (high is not None and value > high):
        raise ValueError(f"chain map params: {name}={value} out of range")
    return value


def _float(value: Any, name: str, *, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"chain map params: {name} must be a finite number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"chain map params: {name}={value} out of range")
    return float(value)


def _position_map(value: Any, name: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping) or set(value) - set(allowed):
        raise ValueError(f"chain map params: {name} must map {list(allowed)} to numbers")
    return dict(value)


# ---------------------------------------------------------------------------------------------
# The product graph
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Graph:
    """The product graph (产品图谱) as sparse matrices; product, company and industry ids are row indices.

    ``up[i, j]``: j is an upstream material of i (上游材料); ``sub[i, j]``: j is a sub-class of i (产品小类);
    ``down[i, j]``: j is a downstream product of i (下游产品); ``maker[c, p]``: company c lists p as a main
    product with that weight (主营产品). Self-loops are removed and remembered in ``self_loop``.

    ``industry_upstream[i, j]`` (optional, industries × industries, indices as in ``company_industry`` and
    ``industry_names``): industry j is upstream of industry i, with the source's co-occurrence count
    (chainkg ``industry_upstream.csv``); it drives the industry filter of ``derive``. Without it the
    filter is off. ``industry_upstream_unmatched``: relation names that matched no industry when the graph
    was loaded → rows skipped.
    """

    product_names: list[str]
    up: sp.csr_matrix
    sub: sp.csr_matrix
    down: sp.csr_matrix
    maker: sp.csr_matrix
    company_industry: IntArray
    industry_names: list[str]
    company_names: list[str] = field(default_factory=list)
    company_tickers: list[str] = field(default_factory=list)
    self_loop: BoolArray | None = None
    industry_parent: IntArray | None = None  # per industry, its parent industry (-1 none)
    industry_upstream: sp.csr_matrix | None = (
        None  # industry × upstream industry: co-occurrence count
    )
    industry_upstream_unmatched: dict[str, int] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.product_names)
        for name in ("up", "sub", "down"):
            if getattr(self, name).shape != (n, n):
                raise ValueError(f"graph: {name} must be {n} × {n}")
        if self.maker.shape[1] != n:
            raise ValueError("graph: maker must have one column per product")
        if len(self.company_industry) != self.maker.shape[0]:
            raise ValueError("graph: company_industry must have one entry per company")
        if self.company_industry.size and self.company_industry.max() >= len(self.industry_names):
            raise ValueError("graph: company_industry refers to an unknown industry")
        if self.industry_parent is not None and len(self.industry_parent) != len(
            self.industry_names
        ):
            raise ValueError("graph: industry_parent must have one entry per industry")
        n_ind = len(self.industry_names)
        if self.industry_upstream is not None and self.industry_upstream.shape != (n_ind, n_ind):
            raise ValueError(f"graph: industry_upstream must be {n_ind} × {n_ind}")

    @property
    def n_products(self) -> int:
        return len(self.product_names)

    @property
    def n_companies(self) -> int:
        return int(self.maker.shape[0])

    @classmethod
    def from_edges(
        cls,
        n_products: int,
        product_names: Sequence[str],
        up_edges: EdgeList,
        sub_edges: EdgeList,
        down_edges: EdgeList,
        maker_rows: npt.ArrayLike,
        maker_cols: npt.ArrayLike,
        maker_weights: npt.ArrayLike,
        company_industry: npt.ArrayLike,
        industry_names: Sequence[str],
        company_names: Sequence[str] = (),
        company_tickers: Sequence[str] = (),
        industry_parent: npt.ArrayLike | None = None,
        industry_upstream_edges: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None = None,
        industry_upstream_unmatched: Mapping[str, int] | None = None,
    ) -> Graph:
        """Build from edge lists: each ``*_edges`` is a pair (from ids, to ids) of a 上游材料 / 产品小类 /
        下游产品 relation as the source states it. Duplicate maker rows keep the largest weight.

        ``industry_upstream_edges``: optional triple (industry ids, upstream industry ids, counts), one entry
        per pair "industry i has upstream industry j, seen ``count`` times", ids being indices into
        ``industry_names`` (the ids ``company_industry`` uses); repeated pairs are summed. ``None`` (the
        default): no relation, the industry filter of ``derive`` is off. ``industry_upstream_unmatched``: the
        caller's relation names that matched no industry → rows skipped (kept for reporting only).
        """
        if len(product_names) != n_products:
            raise ValueError("graph: product_names must have n_products entries")
        loops = np.zeros(n_products, dtype=np.bool_)

        def adjacency(edges: EdgeList) -> sp.csr_matrix:
            src = np.asarray(edges[0], dtype=np.int64)
            dst = np.asarray(edges[1], dtype=np.int64)
            if src.shape != dst.shape:
                raise ValueError("graph: edge lists need as many sources as targets")
            if src.size and (
                min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n_products
            ):
                raise ValueError("graph: edge refers to an unknown product")
            loop = src == dst
            loops[src[loop]] = True
            ones = np.ones(int((~loop).sum()), dtype=np.bool_)
            m = sp.csr_matrix((ones, (src[~loop], dst[~loop])), shape=(n_products, n_products))
            m.sum_duplicates()
            return m

        rows = np.asarray(maker_rows, dtype=np.int64)
        cols = np.asarray(maker_cols, dtype=np.int64)
        weights = np.asarray(maker_weights, dtype=np.float64)
        industry = np.asarray(company_industry, dtype=np.int64)
        n_companies = len(industry)
        if not (rows.shape == cols.shape == weights.shape):
            raise ValueError("graph: maker rows, columns and weights must have the same length")
        if rows.size and (rows.min() < 0 or rows.max() >= n_companies):
            raise ValueError("graph: maker row refers to an unknown company")
        if cols.size and (cols.min() < 0 or cols.max() >= n_products):
            raise ValueError("graph: maker column refers to an unknown product")
        if not np.isfinite(weights).all():
            raise ValueError("graph: maker weights must be finite")
        # Several breakdowns of one report can list the same product twice: keep the largest weight.
        order = np.lexsort((-weights, cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
        first = np.ones(rows.size, dtype=np.bool_)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        maker = sp.csr_matrix(
            (weights[first], (rows[first], cols[first])), shape=(n_companies, n_products)
        )
        return cls(
            product_names=list(product_names),
            up=adjacency(up_edges),
            sub=adjacency(sub_edges),
            down=adjacency(down_edges),
            maker=maker,
            company_industry=industry,
            industry_names=list(industry_names),
            company_names=list(company_names),
            company_tickers=list(company_tickers),
            self_loop=loops,
            industry_parent=None
            if industry_parent is None
            else np.asarray(industry_parent, dtype=np.int64),
            industry_upstream=None
            if industry_upstream_edges is None
            else _industry_relation(industry_upstream_edges, len(industry_names)),
            industry_upstream_unmatched=dict(industry_upstream_unmatched or {}),
        )

    # -- lookups shared by every derivation of a batch (computed once, then cached) -------------

    def product_index(self) -> dict[str, int]:
        """Product name → id."""
        if "index" not in self._cache:
            self._cache["index"] = {name: i for i, name in enumerate(self.product_names)}
        index: dict[str, int] = self._cache["index"]
        return index

    def resolve(self, refs: Iterable[str | int]) -> tuple[IntArray, list[str | int]]:
        """Product ids for names or ids, in order, without repeats; and the refs that match nothing."""
        index = self.product_index()
        ids: list[int] = []
        missing: list[str | int] = []
        for ref in refs:
            pid = _resolve_one(ref, index, self.n_products)
            if pid is None:
                missing.append(ref)
            elif pid not in ids:
                ids.append(pid)
        return np.asarray(ids, dtype=np.int64), missing

    def _name_arrays(self) -> tuple[ObjArray, ObjArray]:
        """Product and industry names as object arrays, for vectorised labelling."""
        if "names" not in self._cache:
            self._cache["names"] = (
                np.array(self.product_names, dtype=object),
                np.array([*self.industry_names, ""], dtype=object),
            )
        arrays: tuple[ObjArray, ObjArray] = self._cache["names"]
        return arrays

    def prepare(self, params: Params | None = None) -> None:
        """Build the lookups every derivation of a batch shares (adjacency, producers, noise) now."""
        params = params or Params()
        self._adjacency()
        self._producers(params.min_weight, params.industry_levels_up)
        self._noise(params.drop_product_patterns)
        self._generic(params.generic_names)
        self._name_arrays()

    def _adjacency(self) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
        """(upstream, downstream, sub-class) adjacency: row i lists the neighbours of product i."""
        if "adj" not in self._cache:
            # y is downstream of x when x is a material of y, and x is upstream of y when y is a 下游产品
            # of x: each relation is read both ways, so a chain is found whichever side recorded it.
            up_adj = ((self.up + self.down.T) > 0).tocsr()
            down_adj = ((self.down + self.up.T) > 0).tocsr()
            sub = (self.sub > 0).tocsr()
            for m in (up_adj, down_adj, sub):
                m.sort_indices()
            self._cache["adj"] = (up_adj, down_adj, sub)
        adj: tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix] = self._cache["adj"]
        return adj

    def _producers(self, min_weight: float, levels_up: int = 0) -> _Producers:
        key = ("producers", min_weight, levels_up)
        if key not in self._cache:
            self._cache[key] = _Producers.build(self, min_weight, levels_up)
        producers: _Producers = self._cache[key]
        return producers

    def _noise(self, patterns: tuple[str, ...]) -> BoolArray:
        key = ("noise", patterns)
        if key not in self._cache:
            self._cache[key] = noise_mask(self.product_names, patterns)
        mask: BoolArray = self._cache[key]
        return mask

    def _industry_strong(self, min_count: int) -> tuple[sp.csr_matrix, sp.csr_matrix] | None:
        """(upstream, downstream) industry adjacency: pairs of the relation with count ≥ min_count."""
        if self.industry_upstream is None:
            return None
        key = ("industry_strong", min_count)
        if key not in self._cache:
            rel = self.industry_upstream.tocoo()
            keep = rel.data >= min_count
            n = rel.shape[0]
            ones = np.ones(int(keep.sum()), dtype=np.bool_)
            up = sp.csr_matrix((ones, (rel.row[keep], rel.col[keep])), shape=(n, n))
            down = sp.csr_matrix((ones, (rel.col[keep], rel.row[keep])), shape=(n, n))
            for m in (up, down):
                m.sum_duplicates()
                m.sort_indices()
            self._cache[key] = (up, down)
        strong: tuple[sp.csr_matrix, sp.csr_matrix] = self._cache[key]
        return strong

    def _industry_line(self, mask: BoolArray) -> BoolArray:
        """The industries in mask with their SW-tree ancestors and descendants (not their siblings)."""
        out = mask.copy()
        parent = self.industry_parent
        if parent is None or not mask.any():
            return out
        has_parent = parent >= 0
        up, down = mask, mask
        for _ in range(len(parent)):  # tree depth bounds this (3 for SW-2021); cycles stop at len
            nxt_up = np.zeros_like(mask)
            nxt_up[parent[np.flatnonzero(up & has_parent)]] = True
            nxt_down = np.zeros_like(mask)
            nxt_down[has_parent] = down[parent[has_parent]]
            up, down = nxt_up & ~out, nxt_down & ~out
            if not (up.any() or down.any()):
                break
            out |= up | down
        return out

    def _generic(self, names: tuple[str, ...]) -> BoolArray:
        key = ("generic", names)
        if key not in self._cache:
            index = self.product_index()
            mask = np.zeros(self.n_products, dtype=np.bool_)
            mask[[index[n] for n in names if n in index]] = True
            self._cache[key] = mask
        generic: BoolArray = self._cache[key]
        return generic


def _resolve_one(ref: str | int, index: Mapping[str, int], n: int) -> int | None:
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int | np.integer):
        return int(ref) if 0 <= int(ref) < n else None
    return index.get(str(ref).strip())


def _industry_relation(
    edges: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike], n_industries: int
) -> sp.csr_matrix:
    """Industry × upstream-industry counts from (industry ids, upstream ids, counts); pairs summed."""
    src = np.asarray(edges[0], dtype=np.int64).ravel()
    dst = np.asarray(edges[1], dtype=np.int64).ravel()
    counts = np.asarray(edges[2], dtype=np.float64).ravel()
    if not (src.shape == dst.shape == counts.shape):
        raise ValueError("graph: industry_upstream needs as many industries, upstreams and counts")
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n_industries):
        raise ValueError("graph: industry_upstream refers to an unknown industry")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("graph: industry_upstream counts must be finite and ≥ 0")
    m = sp.csr_matrix((counts, (src, dst)), shape=(n_industries, n_industries))
    m.sum_duplicates()
    m.sort_indices()
    return m


def noise_mask(names: Sequence[str], patterns: Iterable[str]) -> BoolArray:
    """True where a product name is an accounting line (a drop pattern matches)."""
    joined = "|".join(f"(?:{p})" for p in patterns)
    if not joined:
        return np.zeros(len(names), dtype=np.bool_)
    rx = re.compile(joined)
    return np.fromiter((rx.search(n) is not None for n in names), dtype=np.bool_, count=len(names))


@dataclass(frozen=True, eq=False)
class _Producers:
    """Who makes what under one ``min_weight``: the matrices every presence figure is computed from."""

    made: sp.csr_matrix  # company × product, True where the company is a producer
    share: sp.csr_matrix  # company × product, the weight clipped to [0, 1] (revenue share)
    made_t: sp.csr_matrix  # product × company, 1.0 where made (for segment × company products)
    share_t: sp.csr_matrix  # product × company, the clipped weight
    national_count: IntArray  # per product: producers
    national_weight: FloatArray  # per product: sum of clipped weights (ranks products in a segment)
    industry: IntArray  # per product: dominant industry of its producers (weighted), -1 unknown
    industry_makers: IntArray  # per product: its producers in that industry
    industry_share: FloatArray  # per product: their summed shares
    n_producers: int  # companies that make at least one product
    company_industry: IntArray  # per company: its industry lifted to the segment level, -1 unknown

    @classmethod
    def build(cls, graph: Graph, min_weight: float, levels_up: int) -> _Producers:
        maker = graph.maker.tocoo()
        keep = maker.data > min_weight
        shape = graph.maker.shape
        made = sp.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.bool_), (maker.row[keep], maker.col[keep])),
            shape=shape,
        )
        clipped = np.clip(maker.data[keep], 0.0, 1.0)
        share = sp.csr_matrix((clipped, (maker.row[keep], maker.col[keep])), shape=shape)
        national_count = np.asarray(made.sum(axis=0)).ravel().astype(np.int64)
        national_weight = np.asarray(share.sum(axis=0)).ravel()
        # Dominant industry: industry with the largest share-weighted makers; a 0.001 placeholder weighs
        # almost nothing against a revenue share, so report breakdowns decide when they exist, and with
        # placeholders only the count of makers decides.
        company_industry = graph.company_industry.copy()
        if graph.industry_parent is not None:
            for _ in range(levels_up):
                known = company_industry >= 0
                parent = np.full(company_industry.size, -1, dtype=np.int64)
                parent[known] = graph.industry_parent[company_industry[known]]
                company_industry = np.where(parent >= 0, parent, company_industry)
        known = company_industry >= 0
        n_ind = max(len(graph.industry_names), 1)
        onehot = sp.csr_matrix(
            (
                np.ones(int(known.sum())),
                (np.flatnonzero(known), company_industry[known]),
            ),
            shape=(shape[0], n_ind),
        )
        # 1e-9 per maker: with shares tied (or all 0 when min_weight < 0) the count of makers decides.
        scored = share + made.astype(np.float64) * 1e-9
        by_industry = (scored.T @ onehot).tocsr()  # product × industry
        industry = np.asarray(by_industry.argmax(axis=1)).ravel().astype(np.int64)
        has = np.asarray(by_industry.sum(axis=1)).ravel() > 0
        industry[~has] = -1
        rows = np.flatnonzero(has)
        col = industry[has]
        industry_share = np.zeros(graph.n_products)
        industry_share[rows] = np.asarray((share.T @ onehot).tocsr()[rows, col]).ravel()
        industry_makers = np.zeros(graph.n_products, dtype=np.int64)
        counts = (made.astype(np.float64).T @ onehot).tocsr()
        industry_makers[rows] = np.asarray(counts[rows, col]).ravel().astype(np.int64)
        n_producers = int((np.diff(made.indptr) > 0).sum())
        return cls(
            made,
            share,
            made.T.astype(np.float64).tocsr(),
            share.T.tocsr(),
            national_count,
            national_weight,
            industry,
            industry_makers,
            industry_share,
            n_producers,
            company_industry,
        )

    def dominant(
        self, ids: IntArray, companies: BoolArray | None
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """(dominant industry, its makers, their summed shares) of each product, counting only the given
        companies' producer rows (all when None); -1 / 0 / 0 where none of them makes it."""
        if companies is None:
            return self.industry[ids], self.industry_makers[ids], self.industry_share[ids]
        n_ind = int(self.company_industry.max(initial=-1)) + 1
        size = ids.size * max(n_ind, 1)

        def per_industry(m: sp.csr_matrix) -> FloatArray:
            """(product in ids × industry) sums of m's entries from the given companies."""
            rows, pos = _row_positions(m, ids)
            comp = m.indices[pos]
            ind = self.company_industry[comp]
            use = companies[comp] & (ind >= 0)
            sums = np.bincount(
                rows[use] * n_ind + ind[use],
                weights=m.data[pos[use]].astype(np.float64),
                minlength=size,
            ).astype(np.float64)
            return sums.reshape(ids.size, max(n_ind, 1))

        share, count = per_industry(self.share_t), per_industry(self.made_t)
        # The same score as build(): shares, then 1e-9 per maker so the count decides among ties.
        score = share + count * 1e-9
        industry = score.argmax(axis=1).astype(np.int64)
        has = score.max(axis=1) > 0
        at = (np.arange(ids.size), industry)
        return (
            np.where(has, industry, -1),
            np.where(has, np.rint(count[at]).astype(np.int64), 0),
            np.where(has, share[at], 0.0),
        )


# ---------------------------------------------------------------------------------------------
# Derivation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A segment (环节) of a chain map: a named group of products on one side of the midstream."""

    key: str  # stable across derivations: "up:<industry>", "mid:<anchor>", "down:<industry>", team keys
    name: str
    position: str  # "up" / "mid" / "down"
    parent_key: str | None
    depth: int  # 0 midstream; 1 next to it; 2 one step further out
    products: tuple[int, ...]
    order: int
    origin: str = "derived"  # "derived" or "team" (added by an override)
    choke_flag: bool = False  # flagged 卡脖子 by the team
    choke_note: str = ""
    edits: tuple[str, ...] = ()  # override kinds applied to it

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "position": self.position,
            "parent_key": self.parent_key,
            "depth": self.depth,
            "products": list(self.products),
            "order": self.order,
            "origin": self.origin,
            "choke_flag": self.choke_flag,
            "choke_note": self.choke_note,
            "edits": list(self.edits),
        }


@dataclass(frozen=True, eq=False)
class Derived:
    """A derived chain map: its segments in display order and what was dropped on the way, with counts."""

    segments: tuple[Segment, ...]
    anchors: tuple[int, ...]
    # reason → count: accounting_line, generic_name, no_maker, anchor_no_maker, self_loop,
    # industry_filter, segment_overflow (products), stale_overrides (team edits skipped)
    dropped: dict[str, int]
    dropped_examples: dict[str, tuple[str, ...]]  # reason → up to 5 names (or edit descriptions)
    params: Params
    graph: Graph = field(repr=False)
    hidden: tuple[str, ...] = ()  # keys hidden by the team

    def segment(self, key: str) -> Segment | None:
        return next((s for s in self.segments if s.key == key), None)

    def segment_rows(self) -> list[dict[str, Any]]:
        """The segments as plain dicts, with product names beside the ids."""
        names = self.graph.product_names
        rows = []
        for seg in self.segments:
            row = seg.as_dict()
            row["product_names"] = [names[p] for p in seg.products]
            rows.append(row)
        return rows

    def product_columns(self) -> tuple[IntArray, IntArray]:
        """(product id, segment index) for every product on the map."""
        counts = [len(s.products) for s in self.segments]
        ids = np.fromiter((p for s in self.segments for p in s.products), dtype=np.int64)
        seg = np.repeat(np.arange(len(self.segments), dtype=np.int64), counts)
        return ids, seg


EXAMPLES = 5


class _Drops:
    """Counts and examples of what a derivation dropped, each product counted once per reason."""

    def __init__(self, n: int) -> None:
        self.masks: dict[str, BoolArray] = {}
        self.n = n

    def add(self, reason: str, ids: IntArray) -> None:
        if ids.size:
            mask = self.masks.setdefault(reason, np.zeros(self.n, dtype=np.bool_))
            mask[ids] = True

    def discard(self, reason: str, ids: IntArray) -> None:
        """Uncount products that ended up on the map after all (dropped on one side only)."""
        if reason in self.masks and ids.size:
            self.masks[reason][ids] = False
            if not self.masks[reason].any():
                del self.masks[reason]

    def result(self, names: Sequence[str]) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
        counts = {r: int(m.sum()) for r, m in self.masks.items()}
        examples = {
            r: tuple(names[i] for i in np.flatnonzero(m)[:EXAMPLES]) for r, m in self.masks.items()
        }
        return counts, examples


def _row_positions(m: sp.csr_matrix, ids: IntArray) -> tuple[IntArray, IntArray]:
    """(position in ids, position in m.indices / m.data) of every entry in the given rows of a CSR matrix.

    Plain index arithmetic on indptr: SciPy's fancy row indexing builds a new matrix per call, which
    costs more than the walk itself on a map of a few hundred products.
    """
    starts = m.indptr[ids].astype(np.int64)
    lengths = m.indptr[ids + 1].astype(np.int64) - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(ids.size, dtype=np.int64), lengths)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return rows, offsets + np.arange(total)


def _row_gather(m: sp.csr_matrix, ids: IntArray) -> tuple[IntArray, IntArray]:
    """(position in ids, column) of every entry in the given rows of a CSR matrix."""
    rows, pos = _row_positions(m, ids)
    return rows, m.indices[pos].astype(np.int64)


def _neighbours(adj: sp.csr_matrix, ids: IntArray) -> IntArray:
    return np.unique(_row_gather(adj, ids)[1])


def allowed_industries(
    graph: Graph, anchors: npt.ArrayLike, params: Params | None = None
) -> tuple[BoolArray, BoolArray] | None:
    """(upstream, downstream) masks over ``graph.industry_names``: the industries the industry filter
    allows on each side of a chain with these anchor ids; None when the filter is off or the graph has no
    industry_upstream relation. Each mask already includes the SW-tree ancestors and descendants of its
    industries (module docstring, *Industry filter*)."""
    params = params or Params()
    strong = graph._industry_strong(params.industry_min_count) if params.industry_filter else None
    if strong is None:
        return None
    anchor_ids = np.asarray(anchors, dtype=np.int64).ravel()
    prod = graph._producers(params.min_weight, params.industry_levels_up)
    makers = np.unique(_row_gather(prod.made_t, anchor_ids)[1])
    own = graph.company_industry[makers]
    base = np.zeros(len(graph.industry_names), dtype=np.bool_)
    base[own[own >= 0]] = True

    def reach(rel: sp.csr_matrix) -> BoolArray:
        allowed, frontier = base.copy(), base
        for _ in range(params.industry_filter_levels):
            rows = np.flatnonzero(graph._industry_line(frontier))
            nxt = np.zeros_like(base)
            nxt[_row_gather(rel, rows)[1]] = True
            nxt &= ~allowed
            if not nxt.any():
                break
            allowed |= nxt
            frontier = nxt
        return graph._industry_line(allowed)

    return reach(strong[0]), reach(strong[1])


def derive(graph: Graph, anchors: npt.ArrayLike, params: Params | None = None) -> Derived:
    """Derive a chain map from its anchor product ids (中游) and the product graph."""
    params = params or Params()
    anchor_ids = _unique_in_order(np.asarray(anchors, dtype=np.int64).ravel())
    if anchor_ids.size and (anchor_ids.min() < 0 or anchor_ids.max() >= graph.n_products):
        raise ValueError("derive: anchor id out of range")
    up_adj, down_adj, sub_adj = graph._adjacency()
    prod = graph._producers(params.min_weight, params.industry_levels_up)
    accounting = graph._noise(params.drop_product_patterns)
    generic = graph._generic(params.generic_names)
    noise = accounting | generic
    made = prod.national_count > 0
    drops = _Drops(graph.n_products)
    names = graph.product_names

    def usable(ids: IntArray) -> tuple[IntArray, IntArray]:
        """(kept on the map, walked on from): drops noise, and products nobody makes if required."""
        is_noise = noise[ids]
        drops.add("accounting_line", ids[accounting[ids]])
        drops.add("generic_name", ids[generic[ids] & ~accounting[ids]])
        unmade = ~made[ids] & ~is_noise
        if params.require_maker:
            drops.add("no_maker", ids[unmade])
            kept = ids[~is_noise & ~unmade]
            walk = ids[~is_noise] if params.traverse_unmade else kept
            return kept, walk
        return ids[~is_noise], ids[~is_noise]

    visited = np.zeros(graph.n_products, dtype=np.bool_)
    visited[anchor_ids] = True
    if anchor_ids.size:
        drops.add("anchor_no_maker", anchor_ids[~made[anchor_ids]])
    # Midstream: one segment per anchor, with its sub-classes (产品小类) down to subclass_depth levels.
    mid_members: list[IntArray] = []
    walk_from = [anchor_ids]
    for a in anchor_ids:
        level = np.asarray([a], dtype=np.int64)
        members = [level]
        for _ in range(params.subclass_depth if params.include_subclasses else 0):
            level = _neighbours(sub_adj, level)
            level = level[~visited[level]]
            visited[level] = True
            kept, walk = usable(level)
            members.append(kept)
            walk_from.append(level[~noise[level]] if params.walk_anchor_subclasses else walk)
            level = walk
        mid_members.append(np.concatenate(members))
    mid_all = np.concatenate(mid_members) if mid_members else np.zeros(0, dtype=np.int64)
    start = np.unique(np.concatenate(walk_from)) if walk_from else np.zeros(0, dtype=np.int64)

    # Industry filter: per side, the companies in an allowed industry (None: filter off).
    allowed = allowed_industries(graph, anchor_ids, params)
    on_chain: dict[str, BoolArray | None] = {UP: None, DOWN: None}
    if allowed is not None:
        known = graph.company_industry >= 0
        safe = np.maximum(graph.company_industry, 0)
        on_chain = {UP: known & allowed[0][safe], DOWN: known & allowed[1][safe]}

    def off_chain(ids: IntArray, companies: BoolArray) -> BoolArray:
        """True where a product has producers but none of them in an allowed industry."""
        rows, cols = _row_gather(prod.made_t, ids)
        has_any = made[ids]
        ok = np.zeros(ids.size, dtype=np.bool_)
        ok[rows[companies[cols]]] = True
        return has_any & ~ok

    def walk_side(side: str, adj: sp.csr_matrix, depth: int) -> tuple[IntArray, IntArray]:
        seen = visited.copy()
        frontier = start
        out_ids: list[IntArray] = []
        out_depth: list[IntArray] = []
        for d in range(1, depth + 1):
            nxt = _neighbours(adj, frontier)
            nxt = nxt[~seen[nxt]]
            seen[nxt] = True
            if (
                params.include_subclasses
                and params.subclasses_of_reached
                and params.subclass_depth > 0
            ):
                subs = _neighbours(sub_adj, nxt)
                subs = subs[~seen[subs]]
                seen[subs] = True
                nxt = np.union1d(nxt, subs)
            kept, frontier = usable(nxt)
            companies = on_chain[side]
            if companies is not None and kept.size:
                off = off_chain(kept, companies)
                drops.add("industry_filter", kept[off])
                # Off the chain: not on the map, and the walk does not go on from it.
                frontier = frontier[~np.isin(frontier, kept[off])]
                kept = kept[~off]
            out_ids.append(kept)
            out_depth.append(np.full(kept.size, d, dtype=np.int64))
        if not out_ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(out_ids), np.concatenate(out_depth)

    up_ids, up_depth = walk_side(UP, up_adj, params.depth_up)
    down_ids, down_depth = walk_side(DOWN, down_adj, params.depth_down)
    # A product reached both ways (cycles such as 塑料 ↔ 化工) sits on the side where it is nearer;
    # on a tie it stays upstream, where a chain map usually shows shared materials.
    far = np.iinfo(np.int64).max
    depth_up_of = np.full(graph.n_products, far, dtype=np.int64)
    depth_up_of[up_ids] = up_depth
    depth_down_of = np.full(graph.n_products, far, dtype=np.int64)
    depth_down_of[down_ids] = down_depth
    keep_up = up_depth <= depth_down_of[up_ids]
    keep_down = down_depth < depth_up_of[down_ids]
    up_ids, up_depth = up_ids[keep_up], up_depth[keep_up]
    down_ids, down_depth = down_ids[keep_down], down_depth[keep_down]
    on_map = np.concatenate([mid_all, up_ids, down_ids])
    # The industry filter judges each side on its own: a product off one side's industries but on the
    # other side's stays on the map and is not counted as dropped.
    drops.discard("industry_filter", on_map)
    if graph.self_loop is not None and on_map.size:
        drops.add("self_loop", on_map[graph.self_loop[on_map]])

    mid_segments = [
        Segment(
            key=f"mid:{names[a]}",
            name=names[a],
            position=MID,
            parent_key=None,
            depth=0,
            products=tuple(int(p) for p in members),
            order=0,
        )
        for a, members in zip(anchor_ids, mid_members, strict=True)
    ]
    segments = [
        *_group_side(graph, prod, UP, up_ids, up_depth, up_adj, params, drops, on_chain[UP]),
        *mid_segments,
        *_group_side(
            graph, prod, DOWN, down_ids, down_depth, down_adj, params, drops, on_chain[DOWN]
        ),
    ]
    segments = [replace(s, order=i) for i, s in enumerate(segments)]
    dropped, examples = drops.result(names)
    return Derived(
        segments=tuple(segments),
        anchors=tuple(int(a) for a in anchor_ids),
        dropped=dropped,
        dropped_examples=examples,
        params=params,
        graph=graph,
    )


def _unique_in_order(ids: IntArray) -> IntArray:
    _, first = np.unique(ids, return_index=True)
    return ids[np.sort(first)]


def _group_side(
    graph: Graph,
    prod: _Producers,
    side: str,
    ids: IntArray,
    depths: IntArray,
    adj: sp.csr_matrix,
    params: Params,
    drops: _Drops,
    on_chain: BoolArray | None = None,
) -> list[Segment]:
    """Group one side's products into segments by the dominant industry of their national makers (only
    the makers in the chain's industries, ``on_chain``, when the industry filter is on)."""
    if ids.size == 0:
        return []
    industry, industry_makers, industry_share = prod.dominant(ids, on_chain)
    # A product is grouped under its makers' industry only on some evidence: enough makers in that
    # industry, or a revenue share from a report breakdown. One business-scope mention (a 0.001 weight)
    # would otherwise file 变频器 under 多元金融. Without evidence (or makers) the product is a segment of
    # its own, named after it.
    evidence = (industry_makers >= params.industry_min_makers) | (
        industry_share >= params.industry_min_share
    )
    industry = np.where(evidence, industry, -1)
    product_labels, industry_labels = graph._name_arrays()
    labels = np.where(industry >= 0, industry_labels[np.maximum(industry, 0)], product_labels[ids])
    group_labels, group_of = np.unique(labels, return_inverse=True)
    n_groups = len(group_labels)
    # Within a segment, the most-made products first (share-weighted makers, then maker count, then id).
    order = np.lexsort((ids, -prod.national_count[ids], -prod.national_weight[ids], group_of))
    ids, depths, group_of = ids[order], depths[order], group_of[order]
    rank = np.arange(ids.size) - np.searchsorted(group_of, group_of)
    over = rank >= params.max_segment_products
    drops.add("segment_overflow", ids[over])
    ids, depths, group_of = ids[~over], depths[~over], group_of[~over]
    seg_depth = np.full(n_groups, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(seg_depth, group_of, depths)
    seg_weight = np.bincount(group_of, weights=prod.national_weight[ids], minlength=n_groups)

    # Nesting: a segment first met at depth ≥ 2 hangs under the nearer segment that links to it most.
    position = np.full(graph.n_products, -1, dtype=np.int64)
    position[ids] = np.arange(ids.size)
    src, dst = _row_gather(adj, ids)
    dst = position[dst]
    step = dst >= 0
    src, dst = src[step], dst[step]
    next_level = depths[dst] == depths[src] + 1
    seg_links = np.zeros((n_groups, n_groups))  # from segment × to segment: product links
    np.add.at(seg_links, (group_of[src[next_level]], group_of[dst[next_level]]), 1.0)
    keys = [f"{side}:{label}" for label in group_labels]
    parents: list[str | None] = []
    for g in range(n_groups):
        candidates = seg_links[:, g] * (seg_depth < seg_depth[g])
        parents.append(
            keys[int(candidates.argmax())] if seg_depth[g] >= 2 and candidates.max() > 0 else None
        )

    # Display order: upstream from the outermost ring inwards, downstream from the midstream outwards;
    # within a ring, the heaviest segment first.
    ring = -seg_depth if side == UP else seg_depth
    seg_order = np.lexsort((group_labels.astype(str), -seg_weight, ring))
    segments = []
    for g in seg_order.tolist():
        label = str(group_labels[g])
        segments.append(
            Segment(
                key=keys[g],
                name=_LEVEL_SUFFIX.sub("", label) or label,
                position=side,
                parent_key=parents[g],
                depth=int(seg_depth[g]),
                products=tuple(int(p) for p in ids[group_of == g]),
                order=0,
            )
        )
    return segments


def derive_all(
    graph: Graph,
    anchors_by_chain: Mapping[str, Sequence[int] | npt.ArrayLike],
    params: Params | Mapping[str, Params] | None = None,
) -> dict[str, Derived]:
    """Derive every chain's map in one batch; the graph's adjacency and producer tables are built once."""
    out: dict[str, Derived] = {}
    for p in params.values() if isinstance(params, Mapping) else [params]:
        graph.prepare(p)
    for chain, anchors in anchors_by_chain.items():
        p = params.get(chain, Params()) if isinstance(params, Mapping) else params
        out[chain] = derive(graph, np.asarray(anchors, dtype=np.int64), p)
    return out


# ---------------------------------------------------------------------------------------------
# Team edits (overrides)
# ---------------------------------------------------------------------------------------------


def apply_overrides(derived: Derived, overrides: Sequence[Mapping[str, Any]]) -> Derived:
    """Replay the team's edits, in order, on a (re-)derived map.

    Kinds: ``rename {key, name}``, ``merge {key, into}``, ``move {key, parent_key?, position?}``,
    ``add {key, name, position, products, parent_key?}``, ``hide {key}``, ``hide_product {key, product}``,
    ``add_product {key, product}``, ``choke {key, note?}``. Products are names (stable across graph imports)
    or ids. A product belongs to one segment: adding it somewhere moves it there. An edit whose segment or
    product is gone is skipped and counted under ``dropped["stale_overrides"]``; a malformed edit raises
    ValueError (it should have been refused when it was stored).
    """
    graph = derived.graph
    index = graph.product_index()
    segs: dict[str, Segment] = {s.key: s for s in derived.segments}
    order: list[str] = [s.key for s in derived.segments]
    hidden = list(derived.hidden)
    stale: list[str] = []

    def edited(seg: Segment, kind: str, **changes: Any) -> Segment:
        return replace(seg, edits=(*seg.edits, kind), **changes)

    def take(pid: int) -> None:
        """Remove a product from whichever segment holds it."""
        for key, seg in segs.items():
            if pid in seg.products:
                segs[key] = replace(seg, products=tuple(p for p in seg.products if p != pid))

    def product(ref: Any, what: str) -> int | None:
        pid = _resolve_one(ref, index, graph.n_products) if isinstance(ref, str | int) else None
        if pid is None:
            stale.append(f"{what}: 未知产品 {ref}")
        return pid

    for i, ov in enumerate(overrides):
        kind = _override_kind(ov, i)
        key = str(ov["key"])
        label = f"{kind} {key}"
        if kind == "add":
            position = ov.get("position")
            if position not in POSITIONS:
                raise ValueError(f"override {i}: add needs a position in {POSITIONS}")
            refs = ov.get("products", [])
            if isinstance(refs, str) or not isinstance(refs, Sequence):
                raise ValueError(f"override {i}: add needs a list of products")
            pids = [p for p in (product(r, label) for r in refs) if p is not None]
            for pid in pids:
                take(pid)
            parent = ov.get("parent_key")
            if parent is not None and parent not in segs:
                stale.append(f"{label}: 上级环节 {parent} 不存在")
                parent = None
            if key in segs:  # the derivation now finds it too: keep one segment, the team's name
                seg = segs[key]
                merged = tuple(dict.fromkeys((*seg.products, *pids)))
                segs[key] = edited(seg, kind, name=str(ov.get("name", seg.name)), products=merged)
                continue
            segs[key] = Segment(
                key=key,
                name=str(ov.get("name") or key),
                position=str(position),
                parent_key=parent,
                depth=_int(ov.get("depth", 0 if position == MID else 1), "depth"),
                products=tuple(dict.fromkeys(pids)),
                order=0,
                origin="team",
                edits=(kind,),
            )
            if key in hidden:
                hidden.remove(key)
            order.append(key)  # the stable sort below puts it last on its side
            continue
        if key not in segs:
            stale.append(f"{label}: 环节不存在")
            continue
        seg = segs[key]
        if kind == "rename":
            segs[key] = edited(seg, kind, name=_required_text(ov, "name", i))
        elif kind == "merge":
            into = _required_text(ov, "into", i)
            if into not in segs or into == key:
                stale.append(f"{label}: 目标环节 {into} 不存在")
                continue
            target = segs[into]
            segs[into] = edited(
                target, kind, products=tuple(dict.fromkeys((*target.products, *seg.products)))
            )
            for k, s in segs.items():  # children of the merged segment now hang under its target
                if s.parent_key == key:
                    segs[k] = replace(s, parent_key=into)
            del segs[key]
            order.remove(key)
        elif kind == "move":
            changes: dict[str, Any] = {}
            if "position" in ov:
                if ov["position"] not in POSITIONS:
                    raise ValueError(f"override {i}: move position must be one of {POSITIONS}")
                changes["position"] = ov["position"]
            if "parent_key" in ov:
                parent = ov["parent_key"]
                if parent is not None and (parent not in segs or parent == key):
                    stale.append(f"{label}: 上级环节 {parent} 不存在")
                    continue
                changes["parent_key"] = parent
            if not changes:
                raise ValueError(f"override {i}: move needs a position or a parent_key")
            segs[key] = edited(seg, kind, **changes)
        elif kind == "hide":
            del segs[key]
            order.remove(key)
            hidden.append(key)
            for k, s in segs.items():
                if s.parent_key == key:
                    segs[k] = replace(s, parent_key=None)
        elif kind == "hide_product":
            hide_id = product(ov.get("product"), label)
            if hide_id is None:
                continue
            if hide_id not in seg.products:
                stale.append(f"{label}: 产品 {ov.get('product')} 不在该环节")
                continue
            segs[key] = edited(seg, kind, products=tuple(p for p in seg.products if p != hide_id))
        elif kind == "add_product":
            add_id = product(ov.get("product"), label)
            if add_id is None:
                continue
            take(add_id)
            seg = segs[key]
            segs[key] = edited(
                seg,
                kind,
                products=(*seg.products, add_id) if add_id not in seg.products else seg.products,
            )
        elif kind == "choke":
            segs[key] = edited(seg, kind, choke_flag=True, choke_note=str(ov.get("note", "")))

    # Team-moved segments keep their place in the list but are shown with their new side.
    ordered = sorted(order, key=lambda k: POSITIONS.index(segs[k].position))
    segments = tuple(replace(segs[k], order=n) for n, k in enumerate(ordered))
    dropped = dict(derived.dropped)
    examples = dict(derived.dropped_examples)
    if stale:
        dropped["stale_overrides"] = dropped.get("stale_overrides", 0) + len(stale)
        examples["stale_overrides"] = (*examples.get("stale_overrides", ()), *stale)[:EXAMPLES]
    return replace(
        derived, segments=segments, dropped=dropped, dropped_examples=examples, hidden=tuple(hidden)
    )


def _override_kind(ov: Mapping[str, Any], i: int) -> str:
    if not isinstance(ov, Mapping):
        raise ValueError(f"override {i}: expected an object")
    kind = ov.get("kind")
    if kind not in OVERRIDE_KINDS:
        raise ValueError(f"override {i}: kind must be one of {OVERRIDE_KINDS}")
    if not isinstance(ov.get("key"), str) or not ov["key"]:
        raise ValueError(f"override {i}: key is required")
    return str(kind)


def _required_text(ov: Mapping[str, Any], name: str, i: int) -> str:
    value = ov.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"override {i}: {ov.get('kind')} needs {name}")
    return value.strip()


# ---------------------------------------------------------------------------------------------
# Assessment
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Assessment:
    """Presence and judgement per segment (环节研判), one entry per segment of ``derived.segments``.

    Local units: the registry firms passed in (``local_firm_products``, plus the graph products of the
    listed company each is linked to), and local listed companies linked to no firm (``local_company``).
    """

    keys: tuple[str, ...]
    local_firm_count: IntArray  # local units making any product of the segment
    national_firm_count: IntArray  # listed companies (producers) making any product of the segment
    chain_master_present: BoolArray
    # Sum over the segment's local firms whose revenue is known (a firm in two segments counts in
    # both: registry firms carry no per-product revenue); NaN when none is known.
    local_revenue_wan: FloatArray
    revenue_known_count: IntArray
    lq: FloatArray  # location quotient; inf local-only; NaN with no local base or no maker at all
    hhi: FloatArray  # Herfindahl index of national makers' shares (0–1); NaN when no national maker
    status: tuple[str, ...]
    status_rule: tuple[str, ...]
    status_reason: tuple[str, ...]
    action: tuple[str, ...]
    action_rule: tuple[str, ...]
    action_reason: tuple[str, ...]
    local_firms: tuple[IntArray, ...]  # registry firm indices (rows of local_firm_products)
    local_companies: tuple[IntArray, ...]  # local listed companies (graph company ids) making it
    # Investment targets (招商): the segment's national makers that are not local, biggest share first.
    candidate_companies: tuple[IntArray, ...]
    completeness: float  # Σ position weight × present / Σ position weight; NaN with no segments
    gaps: IntArray  # segment indices of 卡脖子 / 缺失 / 薄弱 segments, most urgent first

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per segment (for JSON snapshots and pages)."""
        return [
            {
                "key": self.keys[i],
                "local_firm_count": int(self.local_firm_count[i]),
                "national_firm_count": int(self.national_firm_count[i]),
                "chain_master_present": bool(self.chain_master_present[i]),
                "local_revenue_wan": _json_float(self.local_revenue_wan[i]),
                "revenue_known_count": int(self.revenue_known_count[i]),
                "lq": _json_float(self.lq[i]),
                "hhi": _json_float(self.hhi[i]),
                "status": self.status[i],
                "status_rule": self.status_rule[i],
                "status_reason": self.status_reason[i],
                "action": self.action[i],
                "action_rule": self.action_rule[i],
                "action_reason": self.action_reason[i],
                "local_firms": self.local_firms[i].tolist(),
                "local_companies": self.local_companies[i].tolist(),
                "candidate_companies": self.candidate_companies[i].tolist(),
            }
            for i in range(len(self.keys))
        ]


def _json_float(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _bool_rows(m: sp.spmatrix | sp.sparray) -> sp.csr_matrix:
    out = sp.csr_matrix(m, dtype=np.bool_)
    out.eliminate_zeros()
    return out


def assess(
    graph: Graph,
    derived: Derived,
    *,
    local_firm_products: sp.spmatrix | sp.sparray | None = None,
    local_firm_company: npt.ArrayLike | None = None,
    local_company: npt.ArrayLike | None = None,
    local_firm_revenue: npt.ArrayLike | None = None,
    master_firm: npt.ArrayLike | None = None,
    master_company: npt.ArrayLike | None = None,
    params: Params | None = None,
) -> Assessment:
    """Presence, status and action of every segment of a derived (and edited) chain map.

    ``local_firm_products``: local registry firm × product, nonzero where the firm makes it.
    ``local_firm_company``: per local firm, the graph company it is linked to (-1 none); the company's
    products count as the firm's. ``local_company``: per graph company, True when it is local; those not
    linked from a firm count as local units of their own. ``local_firm_revenue`` in 万元 (NaN unknown),
    ``master_firm`` (per firm) and ``master_company`` (per graph company): chain masters of this chain.
    Pass all local firms of the region, not only this chain's: they are the location quotient's base.
    """
    params = params or derived.params
    segs = derived.segments
    n_seg, n_prod, n_comp = len(segs), graph.n_products, graph.n_companies
    prod = graph._producers(params.min_weight, params.industry_levels_up)

    counts = [len(s.products) for s in segs]
    seg_products = sp.csr_matrix(
        (
            np.ones(sum(counts)),
            (
                np.repeat(np.arange(n_seg), counts),
                np.fromiter((p for s in segs for p in s.products), dtype=np.int64),
            ),
        ),
        shape=(n_seg, n_prod),
    )

    # National: listed companies making any product of the segment, and their summed shares.
    seg_share = (seg_products @ prod.share_t).tocsr()  # segment × company
    seg_made_count = (seg_products @ prod.made_t).tocsr()  # segment × company: products made
    seg_made = _bool_rows(seg_made_count)
    seg_made.sort_indices()
    national = np.diff(seg_made.indptr).astype(np.int64)
    share_sum = np.asarray(seg_share.sum(axis=1)).ravel()
    share_sq = np.asarray(seg_share.multiply(seg_share).sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        hhi = np.where(share_sum > 0, share_sq / np.where(share_sum > 0, share_sum**2, 1.0), np.nan)
    # Only placeholder weights (all 0.001): equal shares, so HHI = 1 / makers.
    hhi = np.where((share_sum <= 0) & (national > 0), 1.0 / np.maximum(national, 1), hhi)

    # Local units: firms (with their linked company's products) + unlinked local companies.
    firms = (
        _bool_rows(local_firm_products)
        if local_firm_products is not None
        else sp.csr_matrix((0, n_prod), dtype=np.bool_)
    )
    n_firms = firms.shape[0]
    if firms.shape[1] != n_prod:
        raise ValueError("assess: local_firm_products needs one column per product")
    link = _int_column(local_firm_company, n_firms, -1, "local_firm_company")
    if link.size and link.max() >= n_comp:
        raise ValueError("assess: local_firm_company refers to an unknown company")
    linked = link >= 0
    link_matrix = sp.csr_matrix(
        (np.ones(int(linked.sum())), (link[linked], np.flatnonzero(linked))),
        shape=(n_comp, n_firms),
    )  # company × firm
    local_c = _bool_column(local_company, n_comp, "local_company")
    covered = np.zeros(n_comp, dtype=np.bool_)
    covered[link[linked]] = True
    own_units = np.flatnonzero(local_c & ~covered)
    n_units = n_firms + own_units.size
    is_local_company = local_c | covered
    # Segment × unit: a firm is in a segment through its own products or its linked company's.
    seg_firms = seg_products @ firms.T.astype(np.float64) + seg_made_count @ link_matrix
    seg_units = _bool_rows(sp.hstack([seg_firms, seg_made_count[:, own_units]]).tocsr())

    revenue = np.concatenate(
        [
            _float_column(local_firm_revenue, n_firms, "local_firm_revenue"),
            np.full(own_units.size, np.nan),
        ]
    )
    master = np.concatenate(
        [
            _bool_column(master_firm, n_firms, "master_firm"),
            _bool_column(master_company, n_comp, "master_company")[own_units],
        ]
    )
    if n_firms and master_company is not None:  # a firm linked to a chain-master company is one
        master[:n_firms] |= (
            _bool_column(master_company, n_comp, "master_company")[np.maximum(link, 0)] & linked
        )

    seg_units.sort_indices()
    local = np.diff(seg_units.indptr).astype(np.int64)
    su = seg_units.astype(np.float64)
    master_present = (su @ master.astype(np.float64)) > 0
    known = np.isfinite(revenue)
    revenue_known = (su @ known.astype(np.float64)).astype(np.int64)
    local_revenue = np.where(revenue_known > 0, su @ np.where(known, revenue, 0.0), np.nan)

    # Location quotient: (local units in the segment / local base) / (national makers / national base).
    if params.lq_base == "chain":
        local_base = int((np.asarray(seg_units.sum(axis=0)).ravel() > 0).sum())
        national_base = int((np.asarray(seg_made.sum(axis=0)).ravel() > 0).sum())
    else:
        local_base, national_base = n_units, prod.n_producers
    with np.errstate(invalid="ignore", divide="ignore"):
        lq = (
            (local / local_base) / (national / national_base)
            if local_base and national_base
            else None
        )
    if lq is None:
        lq = np.full(n_seg, np.nan)
    else:
        lq = np.where((national == 0) & (local > 0), np.inf, lq)
        lq = np.where((national == 0) & (local == 0), np.nan, lq)

    local_firm_lists = tuple(
        seg_units.indices[seg_units.indptr[i] : seg_units.indptr[i + 1]] for i in range(n_seg)
    )
    firm_lists = tuple(x[x < n_firms].astype(np.int64) for x in local_firm_lists)
    local_company_lists = []
    candidates = []
    dense_share = seg_share.toarray()  # segments × companies: tens × thousands
    for i in range(n_seg):
        makers = seg_made.indices[seg_made.indptr[i] : seg_made.indptr[i + 1]].astype(np.int64)
        local_company_lists.append(makers[is_local_company[makers]])
        outside = makers[~is_local_company[makers]]
        top = np.lexsort((outside, -dense_share[i, outside]))[: params.candidate_limit]
        candidates.append(outside[top])

    status, status_rule, status_reason, action, action_rule, action_reason = [], [], [], [], [], []
    for i, seg in enumerate(segs):
        st, sr, sreason = _status(
            seg, int(local[i]), int(national[i]), bool(master_present[i]), lq[i], hhi[i], params
        )
        ac, ar, areason = _action(seg, st, int(local[i]), int(national[i]), lq[i], params)
        status.append(st)
        status_rule.append(sr)
        status_reason.append(sreason)
        action.append(ac)
        action_rule.append(ar)
        action_reason.append(areason)

    weights = np.array(
        [params.position_weights.get(s.position, 1.0) for s in segs], dtype=np.float64
    )
    completeness = (
        float((weights * (local > 0)).sum() / weights.sum()) if weights.sum() > 0 else math.nan
    )
    priority = np.array([STATUSES.index(s) for s in status], dtype=np.int64)
    ring = np.array([s.depth for s in segs], dtype=np.int64)
    gap_order = np.lexsort((np.arange(n_seg), -national, ring, priority))
    gaps = gap_order[priority[gap_order] < STATUSES.index(STATUS_STRONG)].astype(np.int64)

    return Assessment(
        keys=tuple(s.key for s in segs),
        local_firm_count=local,
        national_firm_count=national,
        chain_master_present=master_present,
        local_revenue_wan=local_revenue,
        revenue_known_count=revenue_known,
        lq=lq,
        hhi=hhi,
        status=tuple(status),
        status_rule=tuple(status_rule),
        status_reason=tuple(status_reason),
        action=tuple(action),
        action_rule=tuple(action_rule),
        action_reason=tuple(action_reason),
        local_firms=firm_lists,
        local_companies=tuple(local_company_lists),
        candidate_companies=tuple(candidates),
        completeness=completeness,
        gaps=gaps,
    )


def _int_column(values: npt.ArrayLike | None, n: int, default: int, name: str) -> IntArray:
    if values is None:
        return np.full(n, default, dtype=np.int64)
    out = np.asarray(values, dtype=np.int64).ravel()
    if out.size != n:
        raise ValueError(f"assess: {name} needs {n} entries")
    return out


def _bool_column(values: npt.ArrayLike | None, n: int, name: str) -> BoolArray:
    if values is None:
        return np.zeros(n, dtype=np.bool_)
    out = np.asarray(values, dtype=np.bool_).ravel()
    if out.size != n:
        raise ValueError(f"assess: {name} needs {n} entries")
    return out


def _float_column(values: npt.ArrayLike | None, n: int, name: str) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    out = np.asarray(values, dtype=np.float64).ravel()
    if out.size != n:
        raise ValueError(f"assess: {name} needs {n} entries")
    return out


def _fmt(x: float) -> str:
    return "∞" if math.isinf(x) else ("—" if math.isnan(x) else f"{x:.2f}")


def _status(
    seg: Segment, local: int, national: int, master: bool, lq: float, hhi: float, p: Params
) -> tuple[str, str, str]:
    """(status, rule, reason): the first rule that fires, in the order below."""
    if seg.choke_flag:
        note = f"（{seg.choke_note}）" if seg.choke_note else ""
        return (
            STATUS_CHOKE,
            "team_flag",
            f"专班标记为卡脖子环节{note}；本地{local}家、全国{national}家上市企业生产",
        )
    if local == 0 and p.choke_min_national <= national <= p.choke_max_national:
        return (
            STATUS_CHOKE,
            "few_national",
            f"本地无生产企业；全国仅{national}家上市企业生产该环节产品（≤{p.choke_max_national}），列为卡脖子环节",
        )
    if local == 0 and p.choke_min_hhi is not None and national > 0 and hhi >= p.choke_min_hhi:
        return (
            STATUS_CHOKE,
            "concentrated",
            f"本地无生产企业；全国{national}家生产企业集中度HHI为{_fmt(hhi)}（≥{p.choke_min_hhi:.2f}），列为卡脖子环节",
        )
    if local == 0 and not seg.products:
        return STATUS_MISSING, "no_products", "该环节尚未关联产品，本地无生产企业，列为缺失"
    if local == 0 and national == 0:
        return (
            STATUS_MISSING,
            "no_producer",
            "本地无生产企业；全国亦无上市企业生产该环节产品（数据未覆盖，不作卡脖子判断），列为缺失",
        )
    if local == 0:
        return (
            STATUS_MISSING,
            "no_local",
            f"本地无生产企业；全国有{national}家上市企业生产（>{p.choke_max_national}家，可招引），列为缺失",
        )
    enough = local >= p.strong_min_local or master
    if enough and lq >= p.weak_lq:
        why = (
            f"本地{local}家生产企业（≥{p.strong_min_local}）"
            if local >= p.strong_min_local
            else f"本地{local}家生产企业，含链主企业"
        )
        if master and local >= p.strong_min_local:
            why += "，含链主企业"
        return STATUS_STRONG, "strong", f"{why}；区位熵{_fmt(lq)}（≥{p.weak_lq:.2f}），列为优势"
    if not lq >= p.weak_lq:
        return (
            STATUS_WEAK,
            "low_lq",
            f"本地{local}家生产企业，区位熵{_fmt(lq)}低于{p.weak_lq:.2f}（全国{national}家），列为薄弱",
        )
    return (
        STATUS_WEAK,
        "few_local",
        f"本地仅{local}家生产企业（<{p.strong_min_local}）且无链主企业；区位熵{_fmt(lq)}，列为薄弱",
    )


def _action(
    seg: Segment, status: str, local: int, national: int, lq: float, p: Params
) -> tuple[str, str, str]:
    """(action, rule, reason) for a segment's status (补链 / 延链 / 固链 / 强链)."""
    where = f"{POSITION_LABELS.get(seg.position, seg.position)}" + (
        f"第{seg.depth}层" if seg.position != MID else "核心环节"
    )
    if status == STATUS_STRONG:
        return (
            ACTION_STRENGTHEN,
            "strong",
            f"{where}为优势环节：做大做强，发挥龙头和链主带动作用（优势→强链）",
        )
    if status == STATUS_CHOKE:
        if local:
            return (
                ACTION_FILL,
                "choke",
                f"{where}为卡脖子环节，本地已有{local}家：组织技术攻关，突破关键产品（卡脖子→补链）",
            )
        return (
            ACTION_FILL,
            "choke",
            f"{where}为卡脖子环节：组织技术攻关，或引进全国{national}家生产企业落地（卡脖子→补链）",
        )
    if status == STATUS_MISSING:
        outer = p.extend_min_depth.get(seg.position)
        if outer is not None and seg.depth >= outer:
            return (
                ACTION_EXTEND,
                "missing_outer",
                f"{where}缺失，位于链条外延（层级≥{outer}）：向{POSITION_LABELS[seg.position]}延伸招引（缺失且在外层→延链）",
            )
        return (
            ACTION_FILL,
            "missing_inner",
            f"{where}缺失，紧邻中游核心环节：招引配套企业补齐（缺失且靠近中游→补链）",
        )
    if lq < p.weak_fill_lq:
        return (
            ACTION_FILL,
            "weak_near_empty",
            f"{where}薄弱且区位熵{_fmt(lq)}低于{p.weak_fill_lq:.2f}，近乎空白：按补链招引（薄弱且区位熵很低→补链）",
        )
    return (
        ACTION_SECURE,
        "weak",
        f"{where}薄弱：稳住本地{local}家企业，保障配套和供应（薄弱→固链）",
    )


# ---------------------------------------------------------------------------------------------
# Loading: the chainkg CSV folder and the anchors config
# ---------------------------------------------------------------------------------------------


def _clean_name(col: Any) -> Any:
    """A Polars expression: product names as the source meant them (no line breaks, quotes, edge spaces)."""
    return col.str.replace_all(r"[\r\n\"]", "").str.strip_chars()


def graph_from_csv_folder(path: str | Path) -> Graph:
    """The product graph from the chainkg CSV folder (products, product_product, company_product, ...).

    ``industry_upstream.csv`` (industry_name, upstream_industry_name, count), when present, becomes
    ``Graph.industry_upstream``. Its names are matched to the graph's industries: the companies' industries
    (company_industry.csv, which carries 2 level-3 names industries.csv lacks) with their SW ancestors, plus
    any other industries.csv industry the relation names (added with its parents). Rows with a name that
    matches neither are skipped and counted in ``Graph.industry_upstream_unmatched``.
    """
    import polars as pl

    folder = Path(path)
    products = pl.read_csv(folder / "products.csv", schema={"name": pl.Utf8})
    links = pl.read_csv(
        folder / "product_product.csv",
        schema={"from_product": pl.Utf8, "rel": pl.Utf8, "to_product": pl.Utf8},
    )
    made = pl.read_csv(
        folder / "company_product.csv",
        schema={
            "ticker": pl.Utf8,
            "company_name": pl.Utf8,
            "product_name": pl.Utf8,
            "weight": pl.Utf8,
        },
    )
    companies = pl.read_csv(folder / "companies.csv", infer_schema=False)
    industries = pl.read_csv(folder / "company_industry.csv", infer_schema=False)
    relation_path = folder / "industry_upstream.csv"
    relation = (
        pl.read_csv(
            relation_path,
            schema={
                "industry_name": pl.Utf8,
                "upstream_industry_name": pl.Utf8,
                "count": pl.Float64,
            },
        )
        .with_columns(
            pl.col("industry_name").str.strip_chars(),
            pl.col("upstream_industry_name").str.strip_chars(),
        )
        .drop_nulls()
        if relation_path.exists()
        else None
    )

    links = links.with_columns(
        _clean_name(pl.col("from_product")), _clean_name(pl.col("to_product"))
    )
    made = made.with_columns(
        _clean_name(pl.col("product_name")),
        pl.col("weight").str.strip_chars().cast(pl.Float64, strict=False),
    ).filter(pl.col("weight").is_not_null() & (pl.col("product_name") != ""))
    # Names used by the edges but missing from products.csv (README: 8 + 7) are added after it.
    listed = (
        products.select(_clean_name(pl.col("name")))
        .filter(pl.col("name") != "")
        .unique(maintain_order=True)
    )
    extra = (
        pl.concat(
            [
                links.select(pl.col("from_product").alias("name")),
                links.select(pl.col("to_product").alias("name")),
                made.select(pl.col("product_name").alias("name")),
            ]
        )
        .unique()
        .join(listed, on="name", how="anti")
        .sort("name")
    )
    names = pl.concat([listed, extra]).with_row_index("pid")

    tickers = (
        pl.concat(
            [
                companies.select("ticker", pl.col("name")),
                industries.select("ticker", pl.col("company_name").alias("name")),
                made.select("ticker", pl.col("company_name").alias("name")),
            ]
        )
        .unique(subset="ticker", keep="first", maintain_order=True)
        .with_row_index("cid")
    )
    industry_names, industry_parent, company_kind = _industry_tree(
        pl.read_csv(folder / "industries.csv", infer_schema=False),
        industries.unique(subset="ticker", keep="first"),
        extra_names=()
        if relation is None
        else pl.concat([relation["industry_name"], relation["upstream_industry_name"]])
        .unique()
        .sort()
        .to_list(),
    )
    relation_edges = None
    unmatched: dict[str, int] = {}
    if relation is not None:
        kid = {name: i for i, name in enumerate(industry_names)}
        src = relation["industry_name"].to_list()
        dst = relation["upstream_industry_name"].to_list()
        matched = np.array([a in kid and b in kid for a, b in zip(src, dst, strict=True)], bool)
        for a, b, ok in zip(src, dst, matched, strict=True):
            for name in () if ok else {a, b} - kid.keys():
                unmatched[name] = unmatched.get(name, 0) + 1
        relation_edges = (
            np.array([kid[a] for a, ok in zip(src, matched, strict=True) if ok], dtype=np.int64),
            np.array([kid[b] for b, ok in zip(dst, matched, strict=True) if ok], dtype=np.int64),
            relation["count"].to_numpy()[matched],
        )
    comp_ind = tickers.join(company_kind, on="ticker", how="left").sort("cid")
    if comp_ind.height != tickers.height:
        raise ValueError("graph: a company has more than one industry")

    def edges(rel: str) -> EdgeList:
        e = (
            links.filter(pl.col("rel") == rel)
            .join(names.rename({"name": "from_product", "pid": "src"}), on="from_product")
            .join(names.rename({"name": "to_product", "pid": "dst"}), on="to_product")
        )
        return e["src"].to_numpy(), e["dst"].to_numpy()

    mk = made.join(tickers.select("ticker", "cid"), on="ticker").join(
        names.rename({"name": "product_name"}), on="product_name"
    )
    return Graph.from_edges(
        n_products=names.height,
        product_names=names["name"].to_list(),
        up_edges=edges("上游材料"),
        sub_edges=edges("产品小类"),
        down_edges=edges("下游产品"),
        maker_rows=mk["cid"].to_numpy(),
        maker_cols=mk["pid"].to_numpy(),
        maker_weights=mk["weight"].to_numpy(),
        company_industry=comp_ind["kid"].fill_null(-1).to_numpy().astype(np.int64),
        industry_names=industry_names,
        industry_parent=industry_parent,
        company_names=tickers["name"].fill_null("").to_list(),
        company_tickers=tickers["ticker"].to_list(),
        industry_upstream_edges=relation_edges,
        industry_upstream_unmatched=unmatched,
    )


def _industry_tree(
    industries: Any, company_industry: Any, extra_names: Sequence[str] = ()
) -> tuple[list[str], IntArray, Any]:
    """(industry names, parent per industry, ticker → industry id) for SW-2021.

    A company's industry is taken by name: a few of its codes follow another edition than industries.csv
    (610202 is 玻璃制造 for the companies, 玻纤制造 in the list). Its parent comes from the code's
    prefix (xxyyzz → xxyy00 → xx0000), which every edition shares. ``extra_names`` (the industry-upstream
    relation's names) that are industries.csv industries but no company's are added after, with their
    parents; names in neither are left out (the caller counts them).
    """
    import polars as pl

    name_of = dict(zip(industries["code"].to_list(), industries["name"].to_list(), strict=True))
    parent_of = dict(
        zip(industries["code"].to_list(), industries["parent_code"].to_list(), strict=True)
    )
    names: dict[str, int] = {}
    parents: list[int] = []

    def node(name: str) -> int:
        if name not in names:
            names[name] = len(names)
            parents.append(-1)
        return names[name]

    def code_parent(code: str) -> str | None:
        if code in parent_of:
            return parent_of[code] or None
        if len(code) == 6 and code[4:] != "00":
            return code[:4] + "00"
        if len(code) == 6 and code[2:4] != "00":
            return code[:2] + "0000"
        return None

    def attach(kid: int, code: str | None) -> None:
        steps = 0
        while code is not None and code in name_of and parents[kid] < 0 and steps < 3:
            pid = node(name_of[code])
            if pid != kid:
                parents[kid] = pid
            kid, code, steps = pid, code_parent(code), steps + 1

    pairs = company_industry.select("ticker", "industry_code", "industry_name").drop_nulls(
        "industry_name"
    )
    kinds = []
    for code, name in (
        pairs.select("industry_code", "industry_name").unique().sort("industry_name").iter_rows()
    ):
        kid = node(name)
        attach(kid, code_parent(code or ""))
        kinds.append((name, kid))
    code_of = {name: code for code, name in name_of.items()}
    for name in extra_names:
        if name not in names and name in code_of:
            attach(node(name), code_parent(code_of[name]))
    kind_df = pl.DataFrame(
        kinds, schema={"industry_name": pl.Utf8, "kid": pl.Int64}, orient="row"
    ).unique(subset="industry_name")
    company_kind = pairs.join(kind_df, on="industry_name").select("ticker", "kid")
    return list(names), np.asarray(parents, dtype=np.int64), company_kind


def load_anchor_config(path: str | Path | None = None) -> dict[str, Any]:
    """The versioned anchors config (chainmap/anchors.json): {"version": n, "chains": {key: entry}}."""
    data = json.loads(Path(path or DEFAULT_ANCHORS_PATH).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise ValueError("anchors config: needs an integer version")
    chains = data.get("chains")
    if not isinstance(chains, dict) or not chains:
        raise ValueError("anchors config: needs a chains object")
    for key, entry in chains.items():
        anchors = entry.get("anchors") if isinstance(entry, dict) else None
        if (
            not isinstance(anchors, list)
            or not anchors
            or not all(isinstance(a, str) for a in anchors)
        ):
            raise ValueError(f"anchors config: {key} needs a list of anchor product names")
        Params().with_chain(entry)  # validates the chain's own settings
    return data


def chains_from_config(
    graph: Graph, config: Mapping[str, Any], base: Params | None = None
) -> tuple[dict[str, IntArray], dict[str, Params], dict[str, list[str | int]]]:
    """Anchor ids, parameters and unknown anchor names per chain key, from an anchors config."""
    base = base or Params()
    anchors: dict[str, IntArray] = {}
    params: dict[str, Params] = {}
    missing: dict[str, list[str | int]] = {}
    for key, entry in config["chains"].items():
        ids, unknown = graph.resolve(entry["anchors"])
        anchors[key], params[key] = ids, base.with_chain(entry)
        if unknown:
            missing[key] = unknown
    return anchors, params, missing
