"""Link registry enterprises (enterprises.Enterprise) to listed companies of the graph, then copy their products.

``link_companies`` tries, per enterprise, in this order:

1. **Ticker** — ``Enterprise.ticker`` equals ``GraphCompany.ticker`` (case-insensitive), or failing that the
   6-digit code parts are equal and only one graph company has that code → method ticker, confirmed.
2. **Exact name** — the enterprise's name or any former name (one per line; 、，;； also separate) equals a
   company's full name, else one of its other full names, else its short name (compared after Unicode NFKC,
   so full-width brackets equal ASCII ones, and without spaces) → method name, confirmed. Several companies
   on the first tier that matches → each a pending link (score 1.0) for review.
3. **Fuzzy name** — character-bigram Jaccard similarity between normalised names (legal forms 股份有限公司,
   有限责任公司, 有限公司, 集团, 股份, 公司 removed; (中国), 青岛/山东 in brackets or as a prefix removed)
   ≥ 0.6 → method fuzzy, status pending, with the score: at most 3 candidates, best first. Candidates come
   from a bigram inverted index with prefix filtering, so no enterprise × company loop.

Credit code: the chainkg graph carries no unified social credit codes (only tickers and names), so the
credit-code method of the issue cannot run against it; it needs a source that gives listed companies' codes.

Prior decisions are respected: an enterprise that already has a confirmed or rejected link (by a person or
an earlier run) gets no new link at all; an existing pending link is never duplicated (a ticker or exact-name
match on the same company upgrades it to confirmed). ``other_fullnames`` of a company without a full name
are not used (in chainkg those are scraping errors: 688078.SH, 688080.SH).

``link_products`` copies the products of every confirmed link's company into ``EnterpriseProduct``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from chainleader.core import audit
from chainleader.engines.chain_map.text import is_noise
from chainleader.enterprises.models import Enterprise, EnterpriseProduct

from .models import CompanyLink, CompanyProduct, GraphCompany

FUZZY_THRESHOLD = 0.6
FUZZY_MAX_CANDIDATES = 3
BATCH_SIZE = 5000

LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "股份", "公司")
PLACES = (
    "山东省",
    "山东",
    "青岛市",
    "青岛",
)  # removed as a prefix or in brackets; 中国 only in brackets
_BRACKETED_PLACE = re.compile(r"\((?:中国|" + "|".join(PLACES) + r")\)")
_PLACE_PREFIX = re.compile(r"^(?:" + "|".join(PLACES) + r")")
_PUNCT = re.compile(r"[\s()\[\]{}<>.,，。、·\-_'\"“”‘’*&]+")
_NAME_SEPARATORS = re.compile(r"[\n\r、，,;；|]+")
_CODE = re.compile(r"\d{6}")

# Accounting lines of revenue breakdowns, not products (README: 平衡项目, 分部间抵销, 调整项目, 抵销 ...).
PLACEHOLDER_WEIGHT = (
    0.001  # the source's weight for items from business-scope text, not a revenue share
)
SHARE_QUANTUM = Decimal("0.0001")


def exact_key(name: str) -> str:
    """A name for exact comparison: NFKC (full-width → ASCII), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def fuzzy_key(name: str) -> str:
    """A name for similarity: exact_key without legal forms, bracketed or leading places, punctuation."""
    key = _BRACKETED_PLACE.sub("", exact_key(name))
    for form in LEGAL_FORMS:
        key = key.replace(form, "")
    without_place = _PLACE_PREFIX.sub("", key)
    if len(without_place) >= 3:  # keep 青岛港 / 山东黄金 recognisable
        key = without_place
    return _PUNCT.sub("", key)


def bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def split_names(text: str) -> list[str]:
    return [n.strip() for n in _NAME_SEPARATORS.split(text or "") if n.strip()]


def ticker_code(ticker: str) -> str:
    match = _CODE.search(ticker or "")
    return match.group() if match else ""


def is_pseudo_product(name: str) -> bool:
    """Accounting lines and generic words: the engine's one noise filter (engines/chain_map/text.py)."""
    return is_noise(name)


@dataclass
class _Match:
    company_id: int
    method: str
    status: str
    score: float | None = None


@dataclass
class GraphIndex:
    """Graph companies indexed by ticker, exact names and name bigrams (built once per run)."""

    by_ticker: dict[str, int] = field(default_factory=dict)
    by_code: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_fullname: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_other: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_short: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    entries: list[tuple[int, frozenset[str]]] = field(default_factory=list)  # (company id, bigrams)
    postings: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )  # bigram → entry indexes

    @classmethod
    def build(cls) -> GraphIndex:
        index = cls()
        seen: set[tuple[int, frozenset[str]]] = set()
        rows = GraphCompany.objects.values_list(
            "pk", "ticker", "name", "fullname", "other_fullnames"
        )
        for pk, ticker, short, fullname, others in rows:
            index.by_ticker[ticker.upper()] = pk
            if code := ticker_code(ticker):
                index.by_code[code].append(pk)
            other_names = split_names(others) if fullname else []
            for name, table in [
                (fullname, index.by_fullname),
                (short, index.by_short),
                *((n, index.by_other) for n in other_names),
            ]:
                if not name:
                    continue
                table[exact_key(name)].add(pk)
                grams = bigrams(fuzzy_key(name))
                if grams and (pk, grams) not in seen:
                    seen.add((pk, grams))
                    for gram in grams:
                        index.postings[gram].append(len(index.entries))
                    index.entries.append((pk, grams))
        return index

    def match_ticker(self, ticker: str) -> list[_Match]:
        ticker = (ticker or "").strip().upper()
        if not ticker:
            return []
        pk = self.by_ticker.get(ticker)
        if pk is None:
            candidates = self.by_code.get(ticker_code(ticker), [])
            pk = candidates[0] if len(candidates) == 1 else None
        return (
            []
            if pk is None
            else [_Match(pk, CompanyLink.Method.TICKER, CompanyLink.Status.CONFIRMED)]
        )

    def match_name(self, names: list[str]) -> list[_Match]:
        keys = {exact_key(n) for n in names} - {""}
        for table in (self.by_fullname, self.by_other, self.by_short):
            found = set().union(*(table.get(k, set()) for k in keys))
            if len(found) == 1:
                return [_Match(found.pop(), CompanyLink.Method.NAME, CompanyLink.Status.CONFIRMED)]
            if found:
                return [
                    _Match(pk, CompanyLink.Method.NAME, CompanyLink.Status.PENDING, 1.0)
                    for pk in sorted(found)
                ]
        return []

    def match_fuzzy(self, names: list[str]) -> list[_Match]:
        best: dict[int, float] = {}
        for name in names:
            grams = bigrams(fuzzy_key(name))
            if not grams:
                continue
            # Prefix filter: J ≥ t needs |A∩B| ≥ ⌈t·|A|⌉, so B holds one of A's n − ⌈t·n⌉ + 1 rarest bigrams.
            ordered = sorted(grams, key=lambda g: (len(self.postings.get(g, ())), g))
            prefix = ordered[: len(grams) - math.ceil(FUZZY_THRESHOLD * len(grams) - 1e-9) + 1]
            candidates = {i for g in prefix for i in self.postings.get(g, ())}
            for i in candidates:
                pk, other = self.entries[i]
                score = jaccard(grams, other)
                if score >= FUZZY_THRESHOLD and score > best.get(pk, 0.0):
                    best[pk] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:FUZZY_MAX_CANDIDATES]
        return [
            _Match(pk, CompanyLink.Method.FUZZY, CompanyLink.Status.PENDING, round(score, 4))
            for pk, score in ranked
        ]


def _enterprise_rows(
    enterprises: Iterable[Enterprise] | QuerySet | None,
) -> list[tuple[int, str, str, str]]:
    if enterprises is None:
        enterprises = Enterprise.objects.all()
    if isinstance(enterprises, QuerySet):
        return list(enterprises.order_by("pk").values_list("pk", "name", "former_names", "ticker"))
    return sorted((e.pk, e.name, e.former_names, e.ticker) for e in enterprises)


def link_companies(
    *, actor: Any = None, enterprises: Iterable[Enterprise] | QuerySet | None = None
) -> dict[str, int]:
    """Link registry enterprises to graph companies (see the module docstring); returns counts.

    Counts: enterprises looked at, already_decided (skipped: a confirmed or rejected link exists), ticker /
    name (confirmed links created), ambiguous (pending exact-name links created), fuzzy (pending fuzzy links
    created), upgraded (pending → confirmed), unchanged (matches that already existed), unmatched.
    """
    rows = _enterprise_rows(enterprises)
    counts = dict.fromkeys(
        [
            "enterprises",
            "already_decided",
            "ticker",
            "name",
            "ambiguous",
            "fuzzy",
            "upgraded",
            "unchanged",
            "unmatched",
        ],
        0,
    )
    counts["enterprises"] = len(rows)
    ids = [r[0] for r in rows]
    decided_statuses = [CompanyLink.Status.CONFIRMED, CompanyLink.Status.REJECTED]
    with transaction.atomic():
        links = (
            CompanyLink.objects.filter(enterprise_id__in=ids)
            if enterprises is not None
            else CompanyLink.objects.all()
        )
        decided = set(
            links.filter(status__in=decided_statuses).values_list("enterprise_id", flat=True)
        )
        pending = {
            (e, c): pk
            for pk, e, c in links.filter(status=CompanyLink.Status.PENDING).values_list(
                "pk", "enterprise_id", "company_id"
            )
        }
        index = GraphIndex.build()
        new: list[CompanyLink] = []
        upgrades: list[CompanyLink] = []
        for pk, name, former, ticker in rows:
            if pk in decided:
                counts["already_decided"] += 1
                continue
            names = [name, *split_names(former)]
            matches = (
                index.match_ticker(ticker) or index.match_name(names) or index.match_fuzzy(names)
            )
            if not matches:
                counts["unmatched"] += 1
            for m in matches:
                existing = pending.get((pk, m.company_id))
                if existing is None:
                    new.append(
                        CompanyLink(
                            enterprise_id=pk,
                            company_id=m.company_id,
                            method=m.method,
                            status=m.status,
                            score=m.score,
                        )
                    )
                    key = (
                        m.method
                        if m.status == CompanyLink.Status.CONFIRMED
                        else ("fuzzy" if m.method == CompanyLink.Method.FUZZY else "ambiguous")
                    )
                    counts[key] += 1
                elif m.status == CompanyLink.Status.CONFIRMED:
                    upgrades.append(
                        CompanyLink(pk=existing, method=m.method, status=m.status, score=None)
                    )
                    counts["upgraded"] += 1
                else:
                    counts["unchanged"] += 1
        CompanyLink.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
        CompanyLink.objects.bulk_update(
            upgrades, ["method", "status", "score"], batch_size=BATCH_SIZE
        )
        if new or upgrades:
            audit.record(
                actor=actor, event_type="link", object_type="chainmap.companylink", detail=counts
            )
    return counts


def revenue_share(weight: float) -> Decimal | None:
    """The graph weight as a revenue share: only 0 < weight ≤ 1, and not the 0.001 placeholder."""
    if not 0 < weight <= 1 or math.isclose(weight, PLACEHOLDER_WEIGHT):
        return None
    share = Decimal(repr(weight)).quantize(SHARE_QUANTUM)
    return share if share > 0 else None


def link_products(
    *, enterprises: Iterable[Enterprise] | QuerySet | None = None, actor: Any = None
) -> dict[str, int]:
    """Copy the products of each confirmed link's company into EnterpriseProduct, once.

    revenue_share = the graph weight where 0 < weight ≤ 1 (4 decimals), else empty; the source's 0.001
    placeholder (items from business-scope text) also gives an empty share. Accounting lines (平衡项目,
    调整项目, …抵销…) are not copied. Existing EnterpriseProduct rows are left as they are (the office may
    have edited them), so a second run creates nothing.
    """
    links = CompanyLink.objects.filter(status=CompanyLink.Status.CONFIRMED)
    if enterprises is not None:
        links = links.filter(enterprise_id__in=[r[0] for r in _enterprise_rows(enterprises)])
    companies_of: dict[int, set[int]] = defaultdict(set)
    for enterprise_id, company_id in links.values_list("enterprise_id", "company_id"):
        companies_of[company_id].add(enterprise_id)
    counts = Counter(
        links=sum(len(v) for v in companies_of.values()), created=0, existing=0, pseudo=0
    )
    wanted: dict[tuple[int, int], float] = {}
    rows = CompanyProduct.objects.filter(company_id__in=list(companies_of)).values_list(
        "company_id", "product_id", "weight", "product__name"
    )
    for company_id, product_id, weight, name in rows.iterator(chunk_size=BATCH_SIZE):
        if is_pseudo_product(name):
            counts["pseudo"] += 1
            continue
        for enterprise_id in companies_of[company_id]:
            key = (enterprise_id, product_id)
            wanted[key] = max(weight, wanted.get(key, weight))
    with transaction.atomic():
        existing = set(
            EnterpriseProduct.objects.filter(enterprise_id__in={e for e, _p in wanted}).values_list(
                "enterprise_id", "product_id"
            )
        )
        new = [
            EnterpriseProduct(enterprise_id=e, product_id=p, revenue_share=revenue_share(w))
            for (e, p), w in sorted(wanted.items())
            if (e, p) not in existing
        ]
        EnterpriseProduct.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
        counts["created"], counts["existing"] = len(new), len(wanted) - len(new)
        if new:
            audit.record(
                actor=actor,
                event_type="link",
                object_type="enterprises.enterpriseproduct",
                detail=dict(counts),
            )
    return dict(counts)
