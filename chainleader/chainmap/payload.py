"""The declared shape of a chain-map snapshot (ChainMap.segments / .edges), as pages and the API read it."""

from __future__ import annotations

from typing import TypedDict


class EvidenceItem(TypedDict, total=False):
    kind: str  # product | code | text
    product: str
    term: str
    match: str  # exact | suffix
    weight: float
    code: str
    words: list[str]
    similarity: float


class LocalFirm(TypedDict):
    id: int
    name: str
    role: str  # master | core | supporting
    review: str  # auto | pending | confirmed
    method: str
    score: float | None
    evidence: list[EvidenceItem]


class Producer(TypedDict):
    ticker: str
    name: str
    weight: float
    products: list[str]
    why: str


class MapSegment(TypedDict, total=False):
    id: int  # Segment.pk: the chain page and the map share one tree
    code: str
    parent: int | None
    is_leaf: bool
    status: str  # MapStatus value
    status_rule: str
    overridden: bool
    reason: str
    action: str
    action_reason: str
    strategic: bool
    strategic_source: str
    local_firm_count: int
    pending_count: int
    chain_master_present: bool
    national_firm_count: int
    refused_count: int
    refused_examples: list[str]
    lq: float | None
    output_share: float | None  # confidential
    local_revenue_wan: float | None  # confidential
    products: list[str]
    product_count: int
    local_firms: list[LocalFirm]
    candidates: list[Producer]
    counts: dict[str, int]


class MapLink(TypedDict):
    source: int  # Segment.pk of the supplying leaf
    target: int  # Segment.pk of the using leaf
    pairs: int  # product pairs of the graph behind the link
    examples: list[str]  # "铜管 → 蛇形管换热器"
