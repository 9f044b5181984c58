"""Reads that feed the product-suggestion engine (engines/product_suggest.py): one values_list query per table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chainleader.engines.chain_map.text import is_noise
from chainleader.engines.product_suggest import Query, code_keys

from . import hooks
from .models import Enterprise, EnterpriseProduct, ProductSuggestion

# Listed firms carry Shenwan 2021 codes, registry firms GB/T 4754: the two never share a key.
SW_PREFIX = "SW:"
GB_PREFIX = "GB:"


def shenwan_keys(code: str | None) -> tuple[str, ...]:
    code = (code or "").strip()
    return code_keys(code, (6, 4, 2), pad="0", prefix=SW_PREFIX) if len(code) == 6 else ()


def gbt_keys(code: str | None) -> tuple[str, ...]:
    """GB/T 4754 class 3811 → 3811, 381, 38 (a section letter alone is too coarse to say anything)."""
    code = (code or "").strip()
    return code_keys(code, (4, 3, 2), prefix=GB_PREFIX) if code[:1].isdigit() else ()


@dataclass
class SuggestionCorpus:
    """The engine's training columns: the graph's listed firms, then the registry firms that have products."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    industry: list[tuple[str, ...]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)  # column → enterprises.Product pk
    product_names: list[str] = field(default_factory=list)

    def column(self, product_id: int, name: str) -> int:
        col = self._columns.get(product_id)
        if col is None:
            col = self._columns[product_id] = len(self.product_ids)
            self.product_ids.append(product_id)
            self.product_names.append(name)
        return col

    def __post_init__(self) -> None:
        self._columns: dict[int, int] = {}


def suggestion_corpus() -> SuggestionCorpus:
    """Listed firms (GraphCompany: short name, full name, Shenwan industry; CompanyProduct with weights) and
    registry firms with products (name, scope, GB/T code; EnterpriseProduct, revenue share or 0.001 when
    unknown). Accounting lines (平衡项目, 抵销 …) are left out."""
    corpus = SuggestionCorpus()
    company_row: dict[int, int] = {}
    companies, company_products = hooks.listed_firm_products()  # the product graph's (chainmap)
    for pk, name, fullname, code in companies:
        company_row[pk] = len(corpus.texts)
        corpus.texts.append(f"{name} {fullname}")
        corpus.labels.append(name)
        corpus.industry.append(shenwan_keys(code))
    for company, product, weight, name in company_products:
        if is_noise(name) or company not in company_row:
            continue
        corpus.rows.append(company_row[company])
        corpus.cols.append(corpus.column(product, name))
        corpus.weights.append(weight)
    edges: list[tuple[int, int, float]] = []
    for ent, product, share, name in EnterpriseProduct.objects.values_list(
        "enterprise_id", "product_id", "revenue_share", "product__name"
    ).iterator(chunk_size=5000):
        if not is_noise(name):
            edges.append((ent, corpus.column(product, name), float(share) if share else 0.001))
    firm_row: dict[int, int] = {}
    if edges:
        for pk, name, scope, code in (
            Enterprise.objects.filter(pk__in={e for e, _c, _w in edges})
            .order_by("pk")
            .values_list("pk", "name", "business_scope", "industry__code")
        ):
            firm_row[pk] = len(corpus.texts)
            corpus.texts.append(f"{name} {scope}")
            corpus.labels.append(name)
            corpus.industry.append(gbt_keys(code))
    for ent, col, weight in edges:
        corpus.rows.append(firm_row[ent])
        corpus.cols.append(col)
        corpus.weights.append(weight)
    return corpus


def suggestion_graph_ready() -> bool:
    """Whether the product graph has listed firms' products to learn from."""
    return hooks.product_graph_ready()


def suggestion_queries(enterprise_ids: Iterable[int]) -> tuple[list[int], list[Query]]:
    """The firms to suggest for, as engine queries: name, former names and business scope as text, GB/T keys,
    and the class name (电动机制造) as industry text."""
    ids, queries = [], []
    for pk, name, former, scope, code, industry_name in (
        Enterprise.objects.filter(pk__in=list(enterprise_ids))
        .order_by("pk")
        .values_list(
            "pk", "name", "former_names", "business_scope", "industry__code", "industry__name"
        )
    ):
        ids.append(pk)
        queries.append(
            Query(
                name=name,
                text=" ".join(t for t in (former, scope) if t),
                industry=gbt_keys(code),
                industry_text=industry_name or "",
            )
        )
    return ids, queries


def firms_without_products(queryset: Any) -> Any:
    """The firms of ``queryset`` that make no recorded product."""
    return queryset.exclude(pk__in=EnterpriseProduct.objects.values("enterprise_id"))


def decided_products(enterprise_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(firm, product) pairs already confirmed or rejected: never suggested again."""
    return set(
        ProductSuggestion.objects.filter(enterprise_id__in=list(enterprise_ids))
        .exclude(status=ProductSuggestion.Status.PENDING)
        .values_list("enterprise_id", "product_id")
    )
