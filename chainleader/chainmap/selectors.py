"""Reads that feed the chain-map engine: the product graph, the trees' leaves and the local firms, as plain columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Max

from chainleader.chains.models import Chain, Placement, Segment
from chainleader.engines.chain_map.graph import Graph
from chainleader.engines.chain_map.placement import Firm, Leaf, manufacturing_code
from chainleader.engines.chain_map.text import split_terms
from chainleader.enterprises.models import Enterprise, EnterpriseProduct, YearFigure

from .charts import STATUS_COLOURS, status_label
from .models import (
    ChainMap,
    CompanyLink,
    CompanyProduct,
    GraphCompany,
    GraphIndustry,
    ProductLink,
)


@dataclass
class GraphContext:
    """The engine's graph plus the maps between engine indices and database ids."""

    graph: Graph
    product_ids: np.ndarray  # engine product index → Product.pk
    company_ids: np.ndarray  # engine company index → GraphCompany.pk
    product_index: dict[int, int]
    company_index: dict[int, int]


def graph_from_db() -> GraphContext:
    """Load the whole product graph with a handful of values_list() queries (no per-row ORM work).

    Products are the ones the graph uses (made by a listed company or linked to another product)."""
    from chainleader.enterprises.models import Product

    made = list(
        CompanyProduct.objects.values_list("company_id", "product_id", "weight").iterator(
            chunk_size=20000
        )
    )
    links = list(
        ProductLink.objects.exclude(rel=ProductLink.Rel.SUBCLASS)
        .values_list("source_id", "rel", "target_id")
        .iterator(chunk_size=20000)
    )
    used = {p for _c, p, _w in made} | {s for s, _r, _t in links} | {t for _s, _r, t in links}
    products = sorted(Product.objects.filter(pk__in=used).values_list("pk", "name")) if used else []
    product_ids = np.array([p for p, _n in products], dtype=np.int64)
    pindex = {int(p): i for i, p in enumerate(product_ids)}
    parents = dict(GraphIndustry.objects.values_list("pk", "parent_id"))
    names = dict(GraphIndustry.objects.values_list("pk", "name"))

    def top(pk: int | None) -> str:
        seen = 0
        while pk is not None and parents.get(pk) is not None and seen < 5:
            pk, seen = parents[pk], seen + 1
        return names.get(pk, "") if pk is not None else ""

    companies = list(
        GraphCompany.objects.order_by("pk").values_list("pk", "name", "ticker", "industry_id")
    )
    company_ids = np.array([c[0] for c in companies], dtype=np.int64)
    cindex = {int(c): i for i, c in enumerate(company_ids)}
    up: tuple[list[int], list[int]] = ([], [])
    down: tuple[list[int], list[int]] = ([], [])
    for src, rel, dst in links:
        side = up if rel == ProductLink.Rel.UPSTREAM else down
        side[0].append(pindex[src])
        side[1].append(pindex[dst])
    graph = Graph.from_edges(
        [n for _p, n in products],
        [c[1] for c in companies],
        [c[2] for c in companies],
        [top(c[3]) for c in companies],
        (
            [cindex[c] for c, _p, _w in made],
            [pindex[p] for _c, p, _w in made],
            [w for _c, _p, w in made],
        ),
        up,
        down,
    )
    return GraphContext(graph, product_ids, company_ids, pindex, cindex)


def tree_leaves(chains: list[Chain] | None = None) -> list[Leaf]:
    """Every leaf segment (a segment without children) of the given chains (all by default)."""
    qs = Segment.objects.all()
    if chains is not None:
        qs = qs.filter(chain__in=chains)
    rows = list(
        qs.order_by("chain_id", "position", "order", "pk").values_list(
            "pk",
            "chain_id",
            "name",
            "position",
            "kind",
            "key_products",
            "synonyms",
            "industry_codes",
            "keywords",
            "strategic",
            "parent_id",
            "excludes",
        )
    )
    parents = {r[10] for r in rows if r[10]}
    leaves = []
    for row in rows:
        pk, chain, name, position, kind, products, synonyms, codes, keywords, strategic = row[:10]
        if pk in parents:
            continue
        leaves.append(
            Leaf(
                id=pk,
                chain=chain,
                name=name,
                position=position,
                makes=kind in Segment.MAKE_KINDS,
                terms=tuple(split_terms(products) + split_terms(synonyms)),
                codes=tuple(c for c in codes.replace("、", " ").split() if c),
                keywords=tuple(split_terms(keywords)),
                strategic=strategic,
                excludes=tuple(split_terms(row[11])),
            )
        )
    return leaves


@dataclass
class LocalFirms:
    """Registry firms of the home region as the classifier sees them."""

    ids: list[int]
    regions: list[str]  # region code of each firm
    firms: list[Firm]
    revenue: dict[int, float]  # latest revenue, 万元 (confidential: only sums leave the service)
    company: dict[int, int]  # enterprise id → GraphCompany pk of its confirmed listed-company link


MAKING_WORDS = ("制造", "生产", "加工")


def local_firms() -> LocalFirms:
    rows = list(
        Enterprise.objects.filter(region__code__startswith=settings.CHAINLEADER_HOME_REGION)
        .order_by("pk")
        .values_list("pk", "name", "industry__code", "region__code", "business_scope")
    )
    products: dict[int, list[tuple[str, float]]] = {}
    for ent, name, share in EnterpriseProduct.objects.filter(
        enterprise__region__code__startswith=settings.CHAINLEADER_HOME_REGION
    ).values_list("enterprise_id", "product__name", "revenue_share"):
        products.setdefault(ent, []).append((name, float(share or 0)))
    firms = []
    for pk, name, code, _region, scope in rows:
        code = code or ""
        makes = manufacturing_code(code) if code else None
        if makes is None and any(w in (scope or "") for w in MAKING_WORDS):
            makes = True  # no industry code, but the registered business scope says it makes things
        firms.append(
            Firm(
                name=name,
                products=products.get(pk, []),
                code=code,
                manufacturing=makes,
                text=scope or "",
                why_not_manufacturing=f"行业代码 {code} 不属制造业（C 门类）"
                if makes is False
                else "",
            )
        )
    latest = dict(
        YearFigure.objects.filter(revenue_wan__isnull=False)
        .values("enterprise_id")
        .annotate(y=Max("year"))
        .values_list("enterprise_id", "y")
    )
    revenue: dict[int, float] = {}
    for ent, year, value in YearFigure.objects.filter(revenue_wan__isnull=False).values_list(
        "enterprise_id", "year", "revenue_wan"
    ):
        if latest.get(ent) == year:
            revenue[ent] = float(value or 0)
    company = dict(
        CompanyLink.objects.filter(status=CompanyLink.Status.CONFIRMED).values_list(
            "enterprise_id", "company_id"
        )
    )
    return LocalFirms([r[0] for r in rows], [r[3] for r in rows], firms, revenue, company)


def chain_regions() -> dict[int, str]:
    """Chain id → region code: a district's chain takes only the firms of its district."""
    return dict(Chain.objects.values_list("pk", "region__code"))


def kept_placements(segment_ids: list[int]) -> dict[tuple[int, int], str]:
    """(segment, enterprise) → review state of the placements a re-derivation must not touch:
    placed by hand, confirmed or rejected by a reviewer."""
    return {
        (s, e): review
        for s, e, review, method in Placement.objects.filter(
            segment_id__in=segment_ids
        ).values_list("segment_id", "enterprise_id", "review", "method")
        if method == Placement.Method.MANUAL
        or review in (Placement.Review.CONFIRMED, Placement.Review.REJECTED)
    }


def masters_by_chain() -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for chain_id, ent_id in Chain.masters.through.objects.values_list("chain_id", "enterprise_id"):
        out.setdefault(chain_id, set()).add(ent_id)
    return out


def scoped_map_segments(chain_map_obj: Any, user: Any) -> list[dict[str, Any]]:
    """The snapshot's segments as a user may see them: local firms outside the user's scope are not named,
    and local revenue (a confidential figure) is left out unless the user sees all firms' figures."""
    from chainleader.core.querysets import scope_for

    named = {f["id"] for seg in chain_map_obj.segments for f in seg.get("local_firms", [])}
    visible = set(
        Enterprise.objects.for_user(user).filter(pk__in=named).values_list("pk", flat=True)
    )
    # Local revenue sums firms of every district making the segment's products: only a city-wide scope with the
    # confidential grant may see such a total (a district or chain team would learn others' figures).
    scope = scope_for(user)
    confidential = scope.everything and scope.confidential
    out = []
    for seg in chain_map_obj.segments:
        row = dict(seg)
        row["local_firms"] = [f for f in seg.get("local_firms", []) if f["id"] in visible]
        if not confidential:
            row.pop("local_revenue_wan", None)
            row.pop("output_share", None)
        out.append(row)
    return out


def snapshot_for(user: Any, chain: Chain) -> Any:
    from .models import ChainMap

    return (
        ChainMap.objects.for_user(user).filter(chain=chain).select_related("graph_import").first()
    )


def tree_rows(user: Any, chain: Chain, snapshot: Any) -> list[dict[str, Any]]:
    """The chain's tree (live Segment rows: names and edits show at once) joined with the snapshot's figures,
    depth-first in display order."""
    from .charts import STATUS_COLOURS, status_label

    segs = list(
        Segment.objects.for_user(user)
        .filter(chain=chain)
        .order_by("position", "order", "pk")
        .values("pk", "name", "parent_id", "position", "strategic", "code", "kind")
    )
    derived = {s["id"]: s for s in scoped_map_segments(snapshot, user)} if snapshot else {}
    kids: dict[int | None, list[dict[str, Any]]] = {}
    for s in segs:
        kids.setdefault(s["parent_id"], []).append(s)
    out: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int, position: str | None) -> None:
        for s in kids.get(parent, []):
            if position and s["position"] != position and parent is None:
                continue
            row = {**derived.get(s["pk"], {}), **s, "id": s["pk"], "depth": depth}
            row["is_leaf"] = s["pk"] not in kids
            row["status_label"] = status_label(row.get("status", ""))
            row["colour"] = STATUS_COLOURS.get(row.get("status", ""), "#e9ecef")
            out.append(row)
            walk(s["pk"], depth + 1, None)

    for pos, _label in Segment.Position.choices:
        walk(None, 1, pos)
    return out


def gap_rows(user: Any, chain: Chain, snapshot: Any = None) -> list[dict[str, Any]]:
    """The chain's leaves to act on, most urgent first (卡脖子, 缺失, 薄弱, then 优势), midstream first within a
    status: the gap list, its export and the chain-meeting brief read these."""
    from .charts import GAP_ORDER

    snapshot = snapshot if snapshot is not None else snapshot_for(user, chain)
    order = {s: i for i, s in enumerate(GAP_ORDER)}
    rows = [r for r in tree_rows(user, chain, snapshot) if r["is_leaf"] and r.get("status")]
    rows.sort(key=lambda r: (order.get(r["status"], 9), r["position"] != "mid", r["name"]))
    return rows


# --- for the apps below the chain map (their hooks, decision 0018) -----------------------------------------


def segment_badges(user: Any, chain: Chain) -> dict[int, tuple[str, str]]:
    """chains.hooks.segment_badges: {segment id: (status label, colour)} from the user's view of the chain's
    derived map; {} before the first derivation."""
    snapshot = ChainMap.objects.for_user(user).filter(chain=chain).first()
    badges: dict[int, tuple[str, str]] = {}
    for seg in snapshot.segments if snapshot else []:
        status = seg.get("status", "")
        if status:
            badges[seg["id"]] = (status_label(status), STATUS_COLOURS.get(status, ""))
    return badges


def listed_firm_products() -> tuple[Any, Any]:
    """enterprises.hooks.listed_firm_products: the listed firms (id, short name, full name, Shenwan code) by id,
    and their products (company id, product id, weight, product name), as two lazy row iterators."""
    companies = GraphCompany.objects.order_by("pk").values_list(
        "pk", "name", "fullname", "industry__code"
    )
    products = CompanyProduct.objects.values_list(
        "company_id", "product_id", "weight", "product__name"
    ).iterator(chunk_size=5000)
    return companies, products


def product_graph_ready() -> bool:
    """enterprises.hooks.product_graph_ready: whether listed firms' products were imported."""
    return CompanyProduct.objects.exists()
