"""Firm → product suggestions (产品推荐) for firms with no product data, learned from the listed firms' products.

A registry firm often has a name, a business scope (经营范围) and an industry code, but no product list; the chain
map and relatedness need products. ``SuggestModel.fit`` learns from firms that do have products (the product
graph's listed firms: short name, full names, industry, 主营产品 with revenue weights); ``suggest`` returns, for
each query firm, the top products with a score and the evidence behind each. No Django here.

Three kinds of evidence, each a non-negative number per product, blended with fixed weights (firms 1, industry
2, text 0.3; ``Params``):

- **Similar firms** (kNN): character 1–3-gram TF-IDF of the query's text (name, full name, scope, the name of its
  industry class) against the listed firms' names; the ``neighbours`` (150) most similar firms vote for their
  products, each vote weighted by the similarity's square root and by the product's place in the firm (a product
  with a revenue share counts more than a business-scope item). A neighbour of the query's own industry counts
  ``same_industry_boost`` times more. Names alone are weak evidence (near namesakes rarely share products), so many
  mildly similar firms, most of the same industry, vote: this measured better than a few near-namesakes.
- **Industry**: the share of the training firms of the query's industry that make the product (the finest of the
  query's industry keys with at least ``min_industry_firms`` (5) firms, else the coarsest known), plus the same
  share at each coarser key (× ``coarser_weight`` per level). The chosen key's counts alone are the baseline
  (``popular``): "the most common products of the firm's industry".
- **Text**: the product's name appears verbatim in the query's text (电机 in 某某电机有限公司, or in its scope).

Industry keys are opaque strings, finest first (``("270101", "270100", "270000")`` for a Shenwan level-3 code),
so any classification works whose codes the training firms carry. Registry firms carry GB/T 4754 codes, which the
listed firms do not: for them pass no keys and give the class *name* as ``industry_text``, which joins the text.
Chinese is not segmented (no jieba): character n-grams need no dictionary, and product names in the graph are
short noun phrases that n-grams match well (docs/decisions/0016-product-suggestions.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Words of company names that say nothing about products (legal form, vague business words).
NAME_NOISE = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "股份",
    "控股",
    "实业",
    "发展",
    "国际",
    "中国",
    "（",
    "）",
    "(",
    ")",
)
# Stock-name prefixes that mark a listing status, not the business (*ST 某某, N 某某 on the first day).
_STATUS = re.compile(r"^(?:\*?ST|N|C|XD|XR|DR)\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
MAX_TERM = 12  # longest product name looked for verbatim in a text
# Graph "products" that are words of every name or business scope (公司, 制造, 一般项目 …): never a verbatim match.
VERBATIM_STOP = frozenset(
    (
        "公司",
        "制造",
        "生产",
        "加工",
        "销售",
        "批发",
        "零售",
        "经营",
        "项目",
        "一般项目",
        "许可项目",
        "设备制造",
        "制品",
        "技术",
        "开发",
        "研发",
        "科技",
        "集团",
        "股份",
        "实业",
        "进出口",
    )
)


def code_keys(
    code: str, lengths: Sequence[int], *, pad: str = "", prefix: str = ""
) -> tuple[str, ...]:
    """A hierarchical code's keys, finest first: the code cut to each length (longest first), right-padded with
    ``pad`` to the code's length, each with ``prefix``. Shenwan ``270101`` with lengths (6, 4, 2) and pad "0":
    270101, 270100, 270000; GB/T 4754 ``3811`` with (4, 3, 2): 3811, 381, 38."""
    code = code.strip()
    if not code:
        return ()
    keys = [code[:n].ljust(len(code), pad) if pad else code[:n] for n in lengths if n <= len(code)]
    return tuple(prefix + k for k in dict.fromkeys(keys))


def clean_text(text: str) -> str:
    """A name or scope with its legal-form words and listing-status prefixes removed, spaces collapsed."""
    text = _STATUS.sub("", text.strip())
    for word in NAME_NOISE:
        text = text.replace(word, " ")
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Params:
    """Tuned on a seeded split of the listed firms other than the bench's (seed 1, 20 %); see the bench."""

    neighbours: int = 150
    similarity_power: float = 0.5
    same_industry_boost: float = 2.0
    min_industry_firms: int = 5
    weight_firms: float = 1.0
    weight_industry: float = 2.0
    weight_text: float = 0.3
    # A product with a revenue share (> 0.001) counts 1 + this in a neighbour's vote.
    share_bonus: float = 0.5
    # Each coarser industry key adds its share × this (× again per level); 0: the chosen key alone.
    coarser_weight: float = 1.0


@dataclass(frozen=True)
class Query:
    """A firm to suggest products for. ``industry``: its keys in the model's classification, finest first (may be
    empty); ``industry_text``: the name of its industry in any classification (e.g. GB/T 4754 电动机制造)."""

    name: str
    text: str = ""
    industry: tuple[str, ...] = ()
    industry_text: str = ""


@dataclass(frozen=True)
class Suggestion:
    """One suggested product with its evidence: which part weighed most (``source``: ``firms``, ``industry`` or
    ``text``), the most similar listed firms that make it, how many firms of the industry make it (of how many),
    and the name found in the text."""

    product: int  # column of SuggestModel.product_names
    name: str
    score: float
    source: str
    firms: tuple[str, ...] = ()
    industry_key: str = ""
    industry_makers: int = 0
    industry_firms: int = 0
    term: str = ""


@dataclass
class SuggestModel:
    """The fitted model: the listed firms' text vectors, their products, and per-industry product counts."""

    product_names: list[str]
    firm_labels: list[str]
    firm_industry: list[tuple[str, ...]]
    votes: (
        sp.csr_matrix
    )  # firms × products: 1 (+ share_bonus where the product has a revenue share)
    made: sp.csr_matrix  # firms × products: 1 where the firm makes it
    vectorizer: Any
    firm_vectors: sp.csr_matrix
    industry_rows: dict[str, int]
    industry_keys: list[str]
    industry_members: (
        sp.csr_matrix
    )  # industry keys × firms: 1 where the firm (with products) has the key
    industry_counts: sp.csr_matrix  # industry keys × products: how many firms of the key make it
    industry_sizes: IntArray  # firms per industry key (with at least one product)
    terms: dict[str, int]  # product name → column, for verbatim matches
    makers: FloatArray  # firms making each product
    params: Params = field(default_factory=Params)

    @classmethod
    def fit(
        cls,
        *,
        firm_texts: Sequence[str],
        firm_labels: Sequence[str],
        firm_industry: Sequence[tuple[str, ...]],
        made: tuple[Sequence[int], Sequence[int], Sequence[float]],
        product_names: Sequence[str],
        params: Params | None = None,
    ) -> SuggestModel:
        """Learn from firms with products. ``made`` = (firm row, product column, revenue weight); rows with a
        weight ≤ 0 (eliminations) are dropped. Firms with no product row are not learned from."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        params = params or Params()
        n_f, n_p = len(firm_texts), len(product_names)
        rows = np.asarray(made[0], dtype=np.int64)
        cols = np.asarray(made[1], dtype=np.int64)
        weights = np.asarray(made[2], dtype=np.float64)
        keep = weights > 0
        rows, cols, weights = rows[keep], cols[keep], weights[keep]
        share = np.where(weights > 0.001, 1.0 + params.share_bonus, 1.0)
        votes = sp.csr_matrix((share, (rows, cols)), shape=(n_f, n_p))
        votes.sum_duplicates()
        votes.data = np.minimum(votes.data, 1.0 + params.share_bonus)
        presence = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_f, n_p))
        presence.sum_duplicates()
        presence.data[:] = 1.0
        has_products = np.asarray(presence.getnnz(axis=1) > 0)
        # Firms without products would only be neighbours with nothing to vote for: blank them out.
        texts = [clean_text(t) if has_products[i] else "" for i, t in enumerate(firm_texts)]
        if not any(texts):
            raise ValueError("no firm with both a name and a product to learn from")
        vectorizer = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1, dtype=np.float64
        )
        firm_vectors = sp.csr_matrix(vectorizer.fit_transform(texts))

        keys = sorted({k for i in range(n_f) if has_products[i] for k in firm_industry[i] if k})
        industry_rows = {k: i for i, k in enumerate(keys)}
        ir, ic = [], []
        for i in np.flatnonzero(has_products).tolist():
            for k in set(firm_industry[i]):
                if k:
                    ir.append(industry_rows[k])
                    ic.append(i)
        member = sp.csr_matrix(
            (np.ones(len(ir)), (np.asarray(ir, dtype=np.int64), np.asarray(ic, dtype=np.int64))),
            shape=(len(keys), n_f),
        )
        industry_counts = sp.csr_matrix(member @ presence)
        industry_sizes = np.asarray(member.sum(axis=1), dtype=np.int64).ravel()

        made_cols = np.flatnonzero(presence.getnnz(axis=0) > 0)
        terms = {
            product_names[c]: int(c)
            for c in made_cols.tolist()
            if 2 <= len(product_names[c]) <= MAX_TERM and product_names[c] not in VERBATIM_STOP
        }
        return cls(
            product_names=list(product_names),
            firm_labels=list(firm_labels),
            firm_industry=[tuple(x) for x in firm_industry],
            votes=votes,
            made=presence,
            vectorizer=vectorizer,
            firm_vectors=firm_vectors,
            industry_rows=industry_rows,
            industry_keys=keys,
            industry_members=member,
            industry_counts=industry_counts,
            industry_sizes=industry_sizes,
            terms=terms,
            makers=np.asarray(presence.sum(axis=0), dtype=np.float64).ravel(),
            params=params,
        )

    # -----------------------------------------------------------------------------------------

    def _industry_row(self, keys: Sequence[str]) -> int | None:
        """The finest of the keys with enough training firms (else the coarsest known), or None."""
        known = [self.industry_rows[k] for k in keys if k in self.industry_rows]
        for row in known:
            if self.industry_sizes[row] >= self.params.min_industry_firms:
                return row
        return known[-1] if known else None

    def _query_text(self, q: Query) -> str:
        return " ".join(t for t in (q.name, q.text, q.industry_text) if t and t.strip())

    def _found_terms(self, text: str) -> dict[int, str]:
        """Product columns whose name occurs verbatim in the text (every substring of 2…MAX_TERM characters)."""
        found: dict[int, str] = {}
        n = len(text)
        for i in range(n):
            for j in range(i + 2, min(n, i + MAX_TERM) + 1):
                col = self.terms.get(text[i:j])
                if col is not None:
                    found[col] = text[i:j]
        return found

    def popular(self, queries: Sequence[Query], k: int = 20) -> list[list[int]]:
        """The baseline: the ``k`` products made by most training firms of each query's industry (ties: by
        column order, that is by first appearance), nothing for a query with no known industry."""
        out: list[list[int]] = []
        for q in queries:
            row = self._industry_row(q.industry)
            if row is None:
                out.append([])
                continue
            counts = self.industry_counts.getrow(row)
            order = np.lexsort((counts.indices, -counts.data))[:k]
            out.append(counts.indices[order].astype(np.int64).tolist())
        return out

    def suggest(
        self, queries: Sequence[Query], k: int = 20, batch: int = 256
    ) -> list[list[Suggestion]]:
        """Top ``k`` products per query, best first, each with its score and evidence. A query with no text and
        no known industry gets an empty list."""
        out: list[list[Suggestion]] = []
        for start in range(0, len(queries), batch):
            out.extend(self._suggest_batch(queries[start : start + batch], k))
        return out

    def _suggest_batch(self, queries: Sequence[Query], k: int) -> list[list[Suggestion]]:
        p = self.params
        texts = [clean_text(self._query_text(q)) for q in queries]
        n_q = len(queries)
        sims = np.asarray((self.vectorizer.transform(texts) @ self.firm_vectors.T).todense())
        rows = [self._industry_row(q.industry) for q in queries]
        # The query's own industry (its finest usable key) lifts the neighbours that share it.
        for qi, row in enumerate(rows):
            if row is not None:
                sims[qi, self.industry_members.getrow(row).indices] *= p.same_industry_boost
        n_nb = min(p.neighbours, sims.shape[1])
        nb: IntArray = np.zeros((n_q, 0), dtype=np.int64)
        if n_nb:
            nb = np.argpartition(-sims, n_nb - 1, axis=1)[:, :n_nb].astype(np.int64)
        nb_sims = np.take_along_axis(sims, nb, axis=1) ** p.similarity_power
        totals = nb_sims.sum(axis=1)
        weights = sp.csr_matrix(
            (
                nb_sims.ravel(),
                (np.repeat(np.arange(n_q), n_nb), nb.ravel().astype(np.int64)),
            ),
            shape=(n_q, sims.shape[1]),
        )
        weights.eliminate_zeros()
        scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
        # The three parts stay sparse (queries × products): a query touches a few thousand products of 35,000.
        firms_part = sp.csr_matrix(sp.diags(scale / (1.0 + p.share_bonus)) @ weights @ self.votes)
        pr, pc, pv = [], [], []
        for qi, (q, r) in enumerate(zip(queries, rows, strict=True)):
            if r is None:
                continue
            pr.append(qi)
            pc.append(r)
            pv.append(1.0)
            if p.coarser_weight:
                known = [self.industry_rows[k_] for k_ in q.industry if k_ in self.industry_rows]
                w = 1.0
                for r2 in known[known.index(r) + 1 :]:
                    w *= p.coarser_weight
                    pr.append(qi)
                    pc.append(r2)
                    pv.append(w)
        pick = sp.csr_matrix(
            (np.asarray(pv), (np.asarray(pr, dtype=np.int64), np.asarray(pc, dtype=np.int64))),
            shape=(n_q, len(self.industry_keys)),
        )
        sizes = np.maximum(self.industry_sizes, 1).astype(np.float64)
        industry_part = sp.csr_matrix(pick @ sp.diags(1.0 / sizes) @ self.industry_counts)
        found = [self._found_terms(t) for t in texts]
        t_rows = [qi for qi, terms in enumerate(found) for _c in terms]
        t_cols = [c for terms in found for c in terms]
        text_part = sp.csr_matrix(
            (np.ones(len(t_rows)), (t_rows, t_cols)), shape=firms_part.shape, dtype=np.float64
        )
        parts = [
            p.weight_firms * firms_part,
            p.weight_industry * industry_part,
            p.weight_text * text_part,
        ]
        score = sp.csr_matrix(parts[0] + parts[1] + parts[2])
        score.eliminate_zeros()
        score.sort_indices()
        for part in parts:
            part.sort_indices()
        result: list[list[Suggestion]] = []
        for qi in range(n_q):
            lo, hi = score.indptr[qi], score.indptr[qi + 1]
            cols, values = score.indices[lo:hi], score.data[lo:hi]
            keep = values > 0
            cols, values = cols[keep], values[keep]
            order = np.lexsort((cols, -values))[:k]
            cols, values = cols[order], values[order]
            by_part = np.stack([_row_values(part, qi, cols) for part in parts])
            result.append(
                [
                    self._explain(qi, int(c), float(v), by_part[:, n], weights, rows[qi], found[qi])
                    for n, (c, v) in enumerate(zip(cols.tolist(), values.tolist(), strict=True))
                ]
            )
        return result

    def _explain(
        self,
        qi: int,
        col: int,
        score: float,
        parts: FloatArray,
        weights: sp.csr_matrix,
        industry_row: int | None,
        found: dict[int, str],
    ) -> Suggestion:
        source = ("firms", "industry", "text")[int(np.argmax(parts))]
        nb = weights.getrow(qi)
        makers = self.made[nb.indices, col].toarray().ravel() > 0
        order = np.argsort(-nb.data[makers], kind="stable")[:3]
        firms = tuple(self.firm_labels[i] for i in nb.indices[makers][order].tolist())
        key, in_industry, size = "", 0, 0
        if industry_row is not None:
            key = self.industry_keys[industry_row]
            in_industry = int(self.industry_counts[industry_row, col])
            size = int(self.industry_sizes[industry_row])
        return Suggestion(
            product=col,
            name=self.product_names[col],
            score=round(score, 6),
            source=source,
            firms=firms,
            industry_key=key,
            industry_makers=in_industry,
            industry_firms=size,
            term=found.get(col, ""),
        )


def _row_values(m: sp.csr_matrix, row: int, cols: IntArray) -> FloatArray:
    """m[row, cols] for a csr matrix with sorted indices, without densifying the row."""
    lo, hi = m.indptr[row], m.indptr[row + 1]
    idx, data = m.indices[lo:hi], m.data[lo:hi]
    at = np.searchsorted(idx, cols)
    hit = (at < len(idx)) & (idx[np.minimum(at, len(idx) - 1)] == cols) if len(idx) else at < 0
    out = np.zeros(len(cols), dtype=np.float64)
    out[hit] = data[at[hit]]
    return out


def recall_at(suggested: Sequence[Sequence[int]], truth: Sequence[set[int]], k: int = 20) -> float:
    """Mean over firms of |top k ∩ truth| / |truth| (firms with an empty truth are skipped)."""
    values = [
        len(set(list(s)[:k]) & t) / len(t) for s, t in zip(suggested, truth, strict=True) if t
    ]
    return float(np.mean(values)) if values else 0.0
