"""Reads that feed the chain-map engine: the product graph and the local presence, as plain columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db.models import Max

from chainleader.chains.models import Chain
from chainleader.engines import chain_map
from chainleader.enterprises.models import Enterprise, EnterpriseProduct, Product, YearFigure

from .models import (
    CompanyLink,
    CompanyProduct,
    GraphCompany,
    GraphIndustry,
    IndustryUpstream,
    ProductLink,
)


@dataclass
class GraphContext:
    """The engine's graph plus the maps between engine indices and database ids."""

    graph: chain_map.Graph
    product_ids: np.ndarray  # engine product index → Product.pk
    company_ids: np.ndarray  # engine company index → GraphCompany.pk
    product_index: dict[int, int]
    company_index: dict[int, int]


def graph_from_db() -> GraphContext:
    """Load the whole product graph with a handful of values_list() queries (no per-row ORM work)."""
    products = list(Product.objects.order_by("pk").values_list("pk", "name"))
    product_ids = np.array([p for p, _n in products], dtype=np.int64)
    pindex = {int(p): i for i, p in enumerate(product_ids)}
    industries = list(GraphIndustry.objects.order_by("pk").values_list("pk", "name", "parent_id"))
    iindex = {pk: i for i, (pk, _n, _p) in enumerate(industries)}
    companies = list(
        GraphCompany.objects.order_by("pk").values_list("pk", "name", "ticker", "industry_id")
    )
    company_ids = np.array([c[0] for c in companies], dtype=np.int64)
    cindex = {int(c): i for i, c in enumerate(company_ids)}

    edges: dict[str, tuple[list[int], list[int]]] = {
        "up": ([], []),
        "sub": ([], []),
        "down": ([], []),
    }
    for src, rel, dst in ProductLink.objects.values_list("source_id", "rel", "target_id").iterator(
        chunk_size=20000
    ):
        edges[rel][0].append(pindex[src])
        edges[rel][1].append(pindex[dst])
    rows, cols, weights = [], [], []
    for company, product, weight in CompanyProduct.objects.values_list(
        "company_id", "product_id", "weight"
    ).iterator(chunk_size=20000):
        rows.append(cindex[company])
        cols.append(pindex[product])
        weights.append(weight)
    # The source's industry → upstream-industry table names industries without codes; match on the name
    # (SW repeats a name on two levels with Ⅱ/Ⅲ: the deeper level wins).
    by_name: dict[str, tuple[int, int]] = {}
    levels = dict(GraphIndustry.objects.values_list("pk", "level"))
    for pk, name, _parent in industries:
        key = name.rstrip("ⅡⅢ")
        if key not in by_name or levels.get(pk, 0) > by_name[key][1]:
            by_name[key] = (iindex[pk], levels.get(pk, 0))
    rel_rows: list[int] = []
    rel_cols: list[int] = []
    rel_counts: list[int] = []
    unmatched: dict[str, int] = {}
    for name, upstream, count in IndustryUpstream.objects.values_list(
        "industry_name", "upstream_name", "count"
    ):
        a, b = by_name.get(name.rstrip("ⅡⅢ")), by_name.get(upstream.rstrip("ⅡⅢ"))
        if a is None or b is None:
            missing = name if a is None else upstream
            unmatched[missing] = unmatched.get(missing, 0) + 1
            continue
        rel_rows.append(a[0])
        rel_cols.append(b[0])
        rel_counts.append(count)
    graph = chain_map.Graph.from_edges(
        len(products),
        [n for _p, n in products],
        edges["up"],
        edges["sub"],
        edges["down"],
        rows,
        cols,
        weights,
        [iindex.get(c[3], -1) if c[3] else -1 for c in companies],
        [n for _pk, n, _p in industries],
        company_names=[c[1] for c in companies],
        company_tickers=[c[2] for c in companies],
        industry_parent=[iindex.get(p, -1) if p else -1 for _pk, _n, p in industries],
        industry_upstream_edges=(rel_rows, rel_cols, rel_counts) if rel_rows else None,
        industry_upstream_unmatched=unmatched,
    )
    return GraphContext(graph, product_ids, company_ids, pindex, cindex)


@dataclass
class Presence:
    """Local registry firms (the deployment's region) as engine columns."""

    firm_ids: np.ndarray
    firm_names: list[str]
    firm_products: sp.csr_matrix
    firm_company: np.ndarray
    firm_revenue: np.ndarray


def local_presence(ctx: GraphContext) -> Presence:
    """Firms of the home region, their products (own or through a confirmed listed-company link), revenue."""
    firms = list(
        Enterprise.objects.filter(region__code__startswith=settings.CHAINLEADER_HOME_REGION)
        .order_by("pk")
        .values_list("pk", "name")
    )
    firm_ids = np.array([f for f, _n in firms], dtype=np.int64)
    findex = {int(f): i for i, f in enumerate(firm_ids)}
    rows, cols = [], []
    for ent, product in EnterpriseProduct.objects.filter(enterprise_id__in=findex).values_list(
        "enterprise_id", "product_id"
    ):
        if product in ctx.product_index:
            rows.append(findex[ent])
            cols.append(ctx.product_index[product])
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.bool_), (rows, cols)), shape=(len(firms), ctx.graph.n_products)
    )
    firm_company = np.full(len(firms), -1, dtype=np.int64)
    for ent, company in CompanyLink.objects.filter(
        status=CompanyLink.Status.CONFIRMED, enterprise_id__in=findex
    ).values_list("enterprise_id", "company_id"):
        firm_company[findex[ent]] = ctx.company_index.get(company, -1)
    revenue = np.full(len(firms), np.nan)
    latest = dict(
        YearFigure.objects.filter(enterprise_id__in=findex, revenue_wan__isnull=False)
        .values("enterprise_id")
        .annotate(y=Max("year"))
        .values_list("enterprise_id", "y")
    )
    for ent, year, value in YearFigure.objects.filter(
        enterprise_id__in=findex, revenue_wan__isnull=False
    ).values_list("enterprise_id", "year", "revenue_wan"):
        if latest.get(ent) == year:
            revenue[findex[ent]] = float(value or 0)
    return Presence(firm_ids, [n for _f, n in firms], matrix, firm_company, revenue)


def chain_key(chain: Chain) -> str:
    """The anchors.json key of a chain: "city:智能家电", "district:智能家电"."""
    return f"{chain.level}:{chain.name}"


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
        out.append(row)
    return out
