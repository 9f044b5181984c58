"""卡位入链 supply/demand matching: rank candidates for each query, both ways, each component shown. No Django.

``match(queries, candidates, k=10)`` takes two ``Side`` s of plain columns (needs and offers, or offers and needs:
the same function is used both ways) and returns ``Matches``: for each query row the top-``k`` candidate rows,
their scores and every component of the score.

**Score** ``= Σ weight × component``, each component in [0, 1]:

- ``text``: cosine of character-bigram TF-IDF vectors of the product text (product name and spec). Chinese needs
  no segmentation for character n-grams. Each text is framed by a boundary mark and a space is a boundary too, so
  ``铜管`` shares ``铜管`` and ``管⟩`` with ``紫铜管`` but only ``管⟩`` (the head noun) with ``塑料管``, and a
  one-character name still has grams. IDF is sklearn's smooth form ``ln((1 + n) / (1 + df)) + 1``, raw term
  counts, rows L2-normalised; fitted on both sides together so that both directions see the same vectors.
- ``leaf``: the chain tree: same leaf 1, adjacent leaf (parent or sibling, given as ``adjacency``) 0.5.
- ``industry``: GB/T 4754 code: same 4-digit class 1, same 3-digit group 0.5, same 2-digit division 0.25.
- ``distance``: same county (6-digit division code) 1, same city (its first 4 digits) 0.5.
- ``tier``: the *candidate's* tier as a number in [0, 1] (the caller maps 链主, 单项冠军 … to it).

**Search.** Exact, not approximate; fast because most pairs share no character gram and the structured part takes
few values:

1. *Structured top k.* A pair that shares no gram scores its structured part ``S`` only. Candidates are grouped
   by (industry prefix, region prefix) at each of the 4 × 3 match levels, without and with a leaf; within a group
   ``S`` grows with tier, so each group keeps its first ``k`` by (tier desc, row asc). For a query, the groups of
   its own prefixes (and of its own and each adjacent leaf) hold its top ``k`` by ``S``: a candidate left out has
   ``k`` others in its group that score at least as much. Those few candidates per query are scored exactly.
2. *Text.* Every pair with text similarity > 0 comes out of one sparse product per block of queries
   (``Q @ Cᵀ``). A first guess (each row's top ``k`` by text and the structured top ``k``, scored in full) gives
   θ, a lower bound of the k-th best score; a pair can only reach θ if ``w_text·T + w_leaf·L + S0_max ≥ θ``
   (``S0_max``: the query's best industry + distance + tier part over all candidates, from step 1), and only the
   pairs that pass are scored in full and kept when they reach θ.
3. The union is sorted by (score desc, candidate row asc) and each query's first ``k`` returned.

``match_exact`` scores every pair densely (the brute force: test oracle and bench baseline) with the same score
function and tie rule; the two return the same rows, scores equal to rounding (a pair's text cosine may be
summed by another routine, ≤ 1e-15). Cost: the sparse product's non-zeros
plus ``n_queries × 24 × (1 + leaf degree) × k`` for step 1, against ``n_queries × n_candidates`` for brute force.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

COMPONENTS = ("text", "leaf", "industry", "distance", "tier")
_BOUNDARY, _SPACE = (
    "\x00",
    "\x01",
)  # the join mark between texts; a space inside a text (both read as ⟨ ⟩)
_CODE_SPACE = 0x110000  # code points are below this: a bigram is a * 0x110000 + b
_WS = re.compile(r"\s+")
_EDGE_SPACE = re.compile(" ?\x00 ?")
_TABLE_LIMIT = (
    4096  # up to this many distinct leaves (industry codes, regions) a level is one table lookup
)
CHUNK_ROWS = 1024  # queries per sparse product block


@dataclass(frozen=True)
class Weights:
    """Weights of the components; the score is their weighted sum (defaults sum to 1)."""

    text: float = 0.5
    leaf: float = 0.2
    industry: float = 0.15
    distance: float = 0.1
    tier: float = 0.05

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"weight {name} must be a finite number ≥ 0, got {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


@dataclass(frozen=True)
class Side:
    """One side of the market as columns, one element per row.

    ``text``: product name and spec; ``leaf``: chain-tree leaf id or None; ``industry``: GB/T 4754 code (``"3911"``,
    ``"C3911"``; 2 or 3 digits when only the division or group is known; ``""`` unknown); ``region``: division code
    (6-digit county, or 4-digit city; ``""`` unknown); ``tier``: 0 … 1 (None or missing is 0).
    """

    text: Sequence[str]
    leaf: Sequence[int | None] = ()
    industry: Sequence[str] = ()
    region: Sequence[str] = ()
    tier: Sequence[float | None] = ()

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Matches:
    """Top-``k`` candidates per query. Arrays are n_queries × k; ``index`` is -1 (score NaN) past the last candidate.

    ``components[name]`` is the raw component in [0, 1]; ``contributions()`` are weight × component, which sum to
    ``score``.
    """

    index: IntArray
    score: FloatArray
    components: dict[str, FloatArray]
    weights: Weights

    def contributions(self) -> dict[str, FloatArray]:
        w = self.weights.as_dict()
        return {name: w[name] * self.components[name] for name in COMPONENTS}


# ---------------------------------------------------------------------------------------------
# Text: character bigram TF-IDF, vectorised (no Python loop over grams)
# ---------------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), lower case, whitespace runs to one space, stripped."""
    return normalise_texts([text])[0]


def normalise_texts(texts: Sequence[str]) -> list[str]:
    """``normalise_text`` of many texts at once: one NFKC / lower / regex pass over the joined string."""
    if not texts:
        return []
    joined = _BOUNDARY.join(t.replace(_BOUNDARY, " ").replace(_SPACE, " ") for t in texts)
    joined = _WS.sub(" ", unicodedata.normalize("NFKC", joined).lower())
    joined = _EDGE_SPACE.sub(_BOUNDARY, joined)
    return joined.strip(" ").split(_BOUNDARY)


def text_grams(texts: Sequence[str], *, normalised: bool = False) -> tuple[IntArray, IntArray]:
    """(document row, gram code) of every character bigram of the normalised texts, with boundary grams.

    The texts are joined into one string and read as an array of code points; a gram is two neighbouring code
    points, the boundary (and a space) read as code 0. A gram belongs to the text its first position is in.
    """
    texts = texts if normalised else normalise_texts(texts)
    joined = _BOUNDARY + _BOUNDARY.join(t.replace(" ", _SPACE) for t in texts) + _BOUNDARY
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    is_mark = cp == 0
    doc = np.cumsum(is_mark) - 1
    cp[cp == 1] = 0  # a space is a boundary inside a text, but it does not start a new text
    a, b = cp[:-1], cp[1:]
    keep = (a != 0) | (b != 0)  # ⟨⟩ (an empty text, or two spaces) is no gram
    return doc[:-1][keep], (a * _CODE_SPACE + b)[keep]


def tfidf(texts: Sequence[str], *, normalised: bool = False) -> sp.csr_matrix:
    """Rows = texts, L2-normalised TF-IDF over character bigrams (sklearn's smooth IDF); float64."""
    n = len(texts)
    if n == 0:
        return sp.csr_matrix((0, 0), dtype=np.float64)
    doc, gram = text_grams(texts, normalised=normalised)
    vocab, column = np.unique(gram, return_inverse=True)
    x = sp.csr_matrix(
        (np.ones(len(doc), dtype=np.float64), (doc, column.reshape(-1))), shape=(n, len(vocab))
    )
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=len(vocab)).astype(np.float64)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    x.data *= idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1), dtype=np.float64).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    x.data *= np.repeat(scale, np.diff(x.indptr))
    return x


# ---------------------------------------------------------------------------------------------
# Columns → integer codes
# ---------------------------------------------------------------------------------------------


def _digits(code: str | None) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def _prefixes(codes: Sequence[object], lengths: tuple[int, ...]) -> IntArray:
    """len(lengths) × n ints: the code's first ``l`` digits for each length, -1 where the code is shorter.

    Codes repeat (a few hundred industries, a few dozen counties), so each distinct code is parsed once.
    """
    parsed: dict[object, tuple[int, ...]] = {}
    for raw in set(codes):
        d = _digits(str(raw or ""))
        parsed[raw] = tuple(int(d[:n]) if len(d) >= n else -1 for n in lengths)
    out = np.array([parsed[raw] for raw in codes], dtype=np.int64).reshape(len(codes), len(lengths))
    return np.ascontiguousarray(out.T)


def _column(values: Sequence[object], n: int, name: str) -> Sequence[object]:
    if len(values) == 0:
        return [None] * n
    if len(values) != n:
        raise ValueError(f"column {name} has {len(values)} rows, text has {n}")
    return values


@dataclass
class _Coded:
    """One side as integer codes. ``leaf``: compact over both sides, -1 none; ``ind`` and ``reg``: compact ids of
    the (class, group, division) and (county, city) tuples over both sides, for the level tables."""

    leaf: IntArray
    i4: IntArray
    i3: IntArray
    i2: IntArray
    county: IntArray
    city: IntArray
    tier: FloatArray
    ind: IntArray
    reg: IntArray


def _code_side(side: Side, leaf_ids: Mapping[int, int]) -> _Coded:
    n = len(side)
    leaves = _column(side.leaf, n, "leaf")
    leaf = np.array([-1 if v is None else leaf_ids[int(v)] for v in leaves], dtype=np.int64)  # type: ignore[call-overload]
    i4, i3, i2 = _prefixes(_column(side.industry, n, "industry"), (4, 3, 2))
    county, city = _prefixes(_column(side.region, n, "region"), (6, 4))
    tiers = _column(side.tier, n, "tier")
    tier = np.array([0.0 if v is None else float(v) for v in tiers], dtype=np.float64)  # type: ignore[arg-type]
    tier = np.clip(np.nan_to_num(tier, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    empty = np.zeros(n, dtype=np.int64)
    return _Coded(leaf, i4, i3, i2, county, city, tier, empty, empty)


def _industry_level(
    a4: IntArray, a3: IntArray, a2: IntArray, b4: IntArray, b3: IntArray, b2: IntArray
) -> IntArray:
    """4 same class, 2 same group, 1 same division, 0 (I = level / 4)."""
    level: IntArray = np.where(
        (a4 >= 0) & (a4 == b4),
        4,
        np.where((a3 >= 0) & (a3 == b3), 2, np.where((a2 >= 0) & (a2 == b2), 1, 0)),
    )
    return level


def _region_level(a6: IntArray, a4: IntArray, b6: IntArray, b4: IntArray) -> IntArray:
    """2 same county, 1 same city, 0 (D = level / 2)."""
    level: IntArray = np.where((a6 >= 0) & (a6 == b6), 2, np.where((a4 >= 0) & (a4 == b4), 1, 0))
    return level


def _compact(q_key: IntArray, c_key: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Compact ids of keys over both sides: (q ids, c ids, the row of each id's first occurrence in q ⧺ c)."""
    both = np.concatenate([q_key, c_key])
    _, first, inverse = np.unique(both, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    return inverse[: len(q_key)], inverse[len(q_key) :], first


# ---------------------------------------------------------------------------------------------
# The score: one function for pairs (1-D) and blocks (2-D by broadcasting), so both give the same bits
# ---------------------------------------------------------------------------------------------


@dataclass
class _Problem:
    q: _Coded
    c: _Coded
    weights: Weights
    n_leaves: int
    adjacency_keys: IntArray  # sorted a * n_leaves + b for adjacent leaves (both orders)
    q_text: sp.csr_matrix
    c_text: sp.csr_matrix
    c_text_t: (
        sp.csr_matrix
    )  # candidates' vectors transposed (vocabulary × candidates), for the products
    # Level tables (uint8, flattened n × n, n = distinct ids) when small enough; else levels are compared.
    leaf_table: npt.NDArray[np.uint8] | None = None
    ind_table: npt.NDArray[np.uint8] | None = None
    reg_table: npt.NDArray[np.uint8] | None = None
    n_ind: int = 0
    n_reg: int = 0

    def build_tables(self) -> None:
        q, c = self.q, self.c
        n = self.n_leaves + 1  # id 0 is "no leaf"
        if n <= _TABLE_LIMIT:
            table = np.zeros((n, n), dtype=np.uint8)
            a, b = np.divmod(self.adjacency_keys, max(self.n_leaves, 1))
            table[a + 1, b + 1] = 1
            table[np.arange(1, n), np.arange(1, n)] = 2
            self.leaf_table = table.reshape(-1)
        ind_key = lambda s: (s.i4 + 1) * 10**8 + (s.i3 + 1) * 10**4 + (s.i2 + 1)  # noqa: E731
        q.ind, c.ind, first = _compact(ind_key(q), ind_key(c))
        self.n_ind = len(first)
        if self.n_ind <= _TABLE_LIMIT:
            u = [np.concatenate([getattr(q, f), getattr(c, f)])[first] for f in ("i4", "i3", "i2")]
            self.ind_table = (
                _industry_level(
                    u[0][:, None],
                    u[1][:, None],
                    u[2][:, None],
                    u[0][None, :],
                    u[1][None, :],
                    u[2][None, :],
                )
                .astype(np.uint8)
                .reshape(-1)
            )
        reg_key = lambda s: (s.county + 1) * 10**5 + (s.city + 1)  # noqa: E731
        q.reg, c.reg, first = _compact(reg_key(q), reg_key(c))
        self.n_reg = len(first)
        if self.n_reg <= _TABLE_LIMIT:
            u = [np.concatenate([getattr(q, f), getattr(c, f)])[first] for f in ("county", "city")]
            self.reg_table = (
                _region_level(u[0][:, None], u[1][:, None], u[0][None, :], u[1][None, :])
                .astype(np.uint8)
                .reshape(-1)
            )

    def leaf_level(self, qi: IntArray, ci: IntArray) -> IntArray:
        lq, lc = self.q.leaf[qi], self.c.leaf[ci]
        if self.leaf_table is not None:
            level: IntArray = self.leaf_table[(lq + 1) * (self.n_leaves + 1) + (lc + 1)]
            return level
        valid = (lq >= 0) & (lc >= 0)
        key = np.where(valid, lq * max(self.n_leaves, 1) + lc, 0)
        adjacent = np.zeros(key.shape, dtype=np.bool_)
        if len(self.adjacency_keys):
            pos = np.searchsorted(self.adjacency_keys, key).clip(0, len(self.adjacency_keys) - 1)
            adjacent = self.adjacency_keys[pos] == key
        level = np.where(valid & (lq == lc), 2, np.where(valid & adjacent, 1, 0))
        return level

    def industry_level(self, qi: IntArray, ci: IntArray) -> IntArray:
        q, c = self.q, self.c
        if self.ind_table is not None:
            level: IntArray = self.ind_table[q.ind[qi] * self.n_ind + c.ind[ci]]
            return level
        return _industry_level(q.i4[qi], q.i3[qi], q.i2[qi], c.i4[ci], c.i3[ci], c.i2[ci])

    def region_level(self, qi: IntArray, ci: IntArray) -> IntArray:
        q, c = self.q, self.c
        if self.reg_table is not None:
            level: IntArray = self.reg_table[q.reg[qi] * self.n_reg + c.reg[ci]]
            return level
        return _region_level(q.county[qi], q.city[qi], c.county[ci], c.city[ci])

    def components(self, qi: IntArray, ci: IntArray, text: FloatArray) -> dict[str, FloatArray]:
        """Raw components of the pairs (qi, ci) (broadcast), ``text`` already known. Levels are small integers
        and the divisions by 2 and 4 are exact, so every path gives the same bits."""
        shape = np.broadcast_shapes(np.shape(qi), np.shape(ci))
        return {
            "text": np.broadcast_to(np.asarray(text, dtype=np.float64), shape),
            "leaf": self.leaf_level(qi, ci) / 2.0,
            "industry": self.industry_level(qi, ci) / 4.0,
            "distance": self.region_level(qi, ci) / 2.0,
            "tier": np.broadcast_to(self.c.tier[ci], shape),
        }

    def score(self, parts: Mapping[str, FloatArray]) -> FloatArray:
        w = self.weights
        total: FloatArray = w.text * parts["text"]
        total += w.leaf * parts["leaf"]
        total += w.industry * parts["industry"]
        total += w.distance * parts["distance"]
        total += w.tier * parts["tier"]
        return total


def _prepare(
    queries: Side, candidates: Side, weights: Weights, adjacency: Mapping[int, Iterable[int]] | None
) -> _Problem:
    n_q, n_c = len(queries), len(candidates)
    ids: dict[int, int] = {}
    for v in (*_column(queries.leaf, n_q, "leaf"), *_column(candidates.leaf, n_c, "leaf")):
        if v is not None:
            ids.setdefault(int(v), len(ids))  # type: ignore[call-overload]
    n_leaves = len(ids)
    pairs: set[int] = set()
    for a, near in (adjacency or {}).items():
        ia = ids.get(int(a))
        if ia is None:
            continue
        for b in near:
            ib = ids.get(int(b))
            if ib is not None and ib != ia:
                pairs.update((ia * n_leaves + ib, ib * n_leaves + ia))
    adjacency_keys = np.array(sorted(pairs), dtype=np.int64)
    q, c = _code_side(queries, ids), _code_side(candidates, ids)
    # One vocabulary for both sides; each distinct raw text is normalised and vectorised once.
    raw: dict[str, int] = {}
    q_raw = [raw.setdefault(str(t or ""), len(raw)) for t in queries.text]
    c_raw = [raw.setdefault(str(t or ""), len(raw)) for t in candidates.text]
    normal: dict[str, int] = {}
    raw_to_row = np.array(
        [normal.setdefault(t, len(normal)) for t in normalise_texts(list(raw))], dtype=np.int64
    )
    x = tfidf(list(normal), normalised=True)
    if x.shape[1] == 0:
        x = sp.csr_matrix((x.shape[0], 1), dtype=np.float64)
    q_text = (
        sp.csr_matrix(x[raw_to_row[np.asarray(q_raw, dtype=np.int64)]])
        if n_q
        else sp.csr_matrix((0, x.shape[1]))
    )
    c_text = (
        sp.csr_matrix(x[raw_to_row[np.asarray(c_raw, dtype=np.int64)]])
        if n_c
        else sp.csr_matrix((0, x.shape[1]))
    )
    problem = _Problem(
        q, c, weights, n_leaves, adjacency_keys, q_text, c_text, sp.csr_matrix(c_text.T)
    )
    problem.build_tables()
    return problem


# ---------------------------------------------------------------------------------------------
# Top-k helpers with the one tie rule: score descending, then candidate row ascending
# ---------------------------------------------------------------------------------------------


def _topk_dense(values: FloatArray, k: int) -> tuple[IntArray, IntArray]:
    """(row, column) of each row's top ``k`` of a dense block, ties broken by the lower column."""
    n_cols = values.shape[1]
    if n_cols <= k:
        rows, cols = np.nonzero(np.ones(values.shape, dtype=np.bool_))
        return rows.astype(np.int64), cols.astype(np.int64)
    kth = -np.partition(-values, k - 1, axis=1)[:, k - 1]
    above = values > kth[:, None]
    need = k - above.sum(axis=1)
    tied = values == kth[:, None]
    take = above | (tied & (np.cumsum(tied, axis=1) <= need[:, None]))
    rows, cols = np.nonzero(take)
    return rows.astype(np.int64), cols.astype(np.int64)


def _text_of(problem: _Problem, rows: IntArray, cols: IntArray) -> FloatArray:
    """Text cosine of given pairs: row-wise dot products of the two sides' sparse vectors."""
    if len(rows) == 0:
        return np.zeros(0)
    pairs = problem.q_text[rows].multiply(problem.c_text[cols])
    return np.asarray(pairs.sum(axis=1), dtype=np.float64).ravel()


def _select(rows: IntArray, cols: IntArray, score: FloatArray, k: int) -> IntArray:
    """Positions of the pairs kept: each (row, col) once (its highest score: a pair's text may come by two routines
    that round differently), then per row the first ``k`` by score desc, col asc; sorted that way."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    key = rows * (int(cols.max()) + 1) + cols
    order = np.lexsort((-score, key))
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = key[order[1:]] != key[order[:-1]]
    unique = order[first]
    order = unique[np.lexsort((cols[unique], -score[unique], rows[unique]))]
    r = rows[order]
    rank = np.arange(len(order)) - np.searchsorted(r, r, side="left")
    kept: IntArray = order[rank < k]
    return kept


def _assemble(
    problem: _Problem, n_queries: int, k: int, rows: IntArray, cols: IntArray, text: FloatArray
) -> Matches:
    """Score the candidate pairs in full, keep each query's top ``k`` and lay them out as n_queries × k."""
    parts = problem.components(rows, cols, text)
    score = problem.score(parts)
    kept = _select(rows, cols, score, k)
    r = rows[kept]
    rank = np.arange(len(r)) - np.searchsorted(r, r, side="left")
    index = np.full((n_queries, k), -1, dtype=np.int64)
    out = np.full((n_queries, k), np.nan)
    index[r, rank] = cols[kept]
    out[r, rank] = score[kept]
    comps = {}
    for name in COMPONENTS:
        grid = np.full((n_queries, k), np.nan)
        grid[r, rank] = parts[name][kept]
        comps[name] = grid
    return Matches(index, out, comps, problem.weights)


# ---------------------------------------------------------------------------------------------
# Step 2: the structured part's top k on cells
# ---------------------------------------------------------------------------------------------


_IND_LEVELS = ("i4", "i3", "i2", None)  # I ≥ 1, ≥ 0.5, ≥ 0.25, any
_REG_LEVELS = ("county", "city", None)  # D ≥ 1, ≥ 0.5, any


def _group_key(leaf: IntArray, industry: IntArray, region: IntArray) -> IntArray:
    """One int64 per (leaf, industry code, region code); each may be -1 (compact leaf < 2²⁰, codes ≤ 6 digits)."""
    key: IntArray = ((leaf + 1) * 10_001 + (industry + 1)) * 1_000_001 + (region + 1)
    return key


@dataclass
class _Groups:
    """Candidates grouped by one group key; per group its first ``k`` members by (tier desc, row asc)."""

    keys: IntArray  # sorted
    members: IntArray  # groups × k, -1 padded

    def lookup(self, keys: IntArray, valid: BoolArray) -> IntArray:
        """Members (… × k) of the groups with these keys; -1 where no group or not ``valid``."""
        k = self.members.shape[1]
        out = np.full((*keys.shape, k), -1, dtype=np.int64)
        if not len(self.keys):
            return out
        pos = np.searchsorted(self.keys, keys).clip(0, len(self.keys) - 1)
        found = valid & (self.keys[pos] == keys)
        out[found] = self.members[pos[found]]
        return out


def _groups(keys: IntArray, by_tier: IntArray, k: int) -> _Groups:
    """``by_tier``: the candidate rows to group, already in (tier desc, row asc) order; ``keys`` per candidate."""
    ordered = keys[by_tier]
    order = np.argsort(ordered, kind="stable")  # stable: each group keeps the tier order
    sorted_keys, rows = ordered[order], by_tier[order]
    uniq, start, counts = np.unique(sorted_keys, return_index=True, return_counts=True)
    members = np.full((len(uniq), k), -1, dtype=np.int64)
    for j in range(k):
        has = counts > j
        members[has, j] = rows[start[has] + j]
    return _Groups(uniq, members)


def _structured_top(
    problem: _Problem, k: int, cells_per_block: int = 1 << 22
) -> tuple[IntArray, IntArray, FloatArray]:
    """(query, candidate) of every query's top ``k`` by the structured part ``S`` alone (tie rule applied), and
    per query the largest ``S`` without its leaf part over all candidates (for the bound in ``match``).

    A candidate whose industry matches the query at level ≥ a and whose region matches at level ≥ b is in the
    group (query's industry prefix at a, query's region prefix at b), optionally also with a given leaf. Within a
    group ``S`` is at least the level's value plus ``w_tier × tier``, so each group's top ``k`` by tier, over the
    12 (industry, region) levels, without a leaf and with the query's own and each adjacent leaf, holds the top
    ``k`` by ``S``: a candidate outside them has ``k`` others in its group scoring at least as much.
    """
    q, c = problem.q, problem.c
    n_q, n_c = len(q.tier), len(c.tier)
    if n_q == 0 or n_c == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.full(n_q, -np.inf)
    rows_all = np.arange(n_c, dtype=np.int64)
    # Within a group S grows with tier, then the tie rule takes the lower row (with no tier weight, row alone).
    by_tier = np.lexsort((rows_all, -c.tier)) if problem.weights.tier > 0 else rows_all
    with_leaf = by_tier[c.leaf[by_tier] >= 0]
    none_c, none_q = np.full(n_c, -1, dtype=np.int64), np.full(n_q, -1, dtype=np.int64)
    use_leaf = problem.weights.leaf > 0 and len(with_leaf) > 0 and bool((q.leaf >= 0).any())
    combos = []
    for ind in _IND_LEVELS:
        for reg in _REG_LEVELS:
            ci = none_c if ind is None else getattr(c, ind)
            cr = none_c if reg is None else getattr(c, reg)
            qi = none_q if ind is None else getattr(q, ind)
            qr = none_q if reg is None else getattr(q, reg)
            valid = np.ones(n_q, dtype=np.bool_)
            if ind is not None:
                valid &= qi >= 0
            if reg is not None:
                valid &= qr >= 0
            plain = _groups(_group_key(none_c, ci, cr), by_tier, k)
            leafy = _groups(_group_key(c.leaf, ci, cr), with_leaf, k) if use_leaf else None
            combos.append((qi, qr, valid, plain, leafy))
    # The query's own leaf and its adjacent leaves, padded: n_q × (1 + max degree), -1 where none.
    nbrs = _neighbours(problem) if use_leaf else {}
    width = 1 + max((len(v) for v in nbrs.values()), default=0)
    leaves = np.full((n_q, width), -1, dtype=np.int64)
    if use_leaf:
        leaves[:, 0] = q.leaf
        for leaf, near in nbrs.items():
            rows = np.flatnonzero(q.leaf == leaf)
            leaves[rows[:, None], 1 + np.arange(len(near))] = np.asarray(near, dtype=np.int64)
    per_query = len(combos) * k * (1 + (width if use_leaf else 0))
    block = max(1, cells_per_block // per_query)
    out_rows: list[IntArray] = []
    out_cols: list[IntArray] = []
    s0_max = np.full(n_q, -np.inf)
    w = problem.weights
    for a in range(0, n_q, block):
        b = min(a + block, n_q)
        found = []
        for qi, qr, valid, plain, leafy in combos:
            key = _group_key(none_q[a:b], qi[a:b], qr[a:b])
            found.append(plain.lookup(key, valid[a:b]).reshape(b - a, -1))
            if leafy is not None:
                lv = leaves[a:b]
                key = _group_key(lv, qi[a:b, None], qr[a:b, None])
                found.append(leafy.lookup(key, valid[a:b, None] & (lv >= 0)).reshape(b - a, -1))
        cand = np.sort(np.concatenate(found, axis=1), axis=1)
        cand[:, 1:][
            cand[:, 1:] == cand[:, :-1]
        ] = -1  # a candidate found in several groups counts once
        ok = cand >= 0
        qrows = np.arange(a, b, dtype=np.int64)[:, None]
        parts = problem.components(qrows, np.where(ok, cand, 0), np.zeros(1))
        s = problem.score(parts)
        s[~ok] = -np.inf
        s0 = (
            w.industry * parts["industry"] + w.distance * parts["distance"] + w.tier * parts["tier"]
        )
        s0_max[a:b] = np.where(ok, s0, -np.inf).max(axis=1)
        # Rows are in candidate order (the -1s of duplicates score -inf), as the tie rule needs.
        r, col = _topk_dense(s, k)
        keep = np.isfinite(s[r, col])
        out_rows.append(r[keep] + a)
        out_cols.append(cand[r[keep], col[keep]])
    return np.concatenate(out_rows), np.concatenate(out_cols), s0_max


def _neighbours(problem: _Problem) -> dict[int, list[int]]:
    n = max(problem.n_leaves, 1)
    out: dict[int, list[int]] = {}
    for key in problem.adjacency_keys.tolist():
        out.setdefault(key // n, []).append(key % n)
    return out


# ---------------------------------------------------------------------------------------------
# The two searches
# ---------------------------------------------------------------------------------------------


def match(
    queries: Side,
    candidates: Side,
    *,
    k: int = 10,
    weights: Weights | None = None,
    adjacency: Mapping[int, Iterable[int]] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Matches:
    """Each query's top ``k`` candidates by the weighted score (module docstring), exact, with components.

    ``adjacency``: leaf id → adjacent leaf ids (parent, siblings); read as symmetric. Use ``match(offers, needs)``
    for the other direction.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    problem = _prepare(queries, candidates, weights or Weights(), adjacency)
    n_q, n_c = len(queries), len(candidates)
    empty = np.zeros(0, dtype=np.int64)
    if n_q == 0 or n_c == 0:
        return _assemble(problem, n_q, k, empty, empty, np.zeros(0))
    w_text = problem.weights.text
    s_rows, s_cols, s0_max = _structured_top(problem, k)
    s_text = _text_of(problem, s_rows, s_cols)
    order = np.argsort(s_rows, kind="stable")
    s_rows, s_cols, s_text = s_rows[order], s_cols[order], s_text[order]
    rows_out: list[IntArray] = [s_rows]
    cols_out: list[IntArray] = [s_cols]
    text_out: list[FloatArray] = [s_text]
    for a in range(0, n_q, chunk_rows):
        b = min(a + chunk_rows, n_q)
        prod = sp.csr_matrix(problem.q_text[a:b] @ problem.c_text_t)
        counts = np.diff(prod.indptr)
        rows = np.repeat(np.arange(a, b, dtype=np.int64), counts)
        cols, text = prod.indices.astype(np.int64), prod.data
        # A first guess: each row's top k by text, plus the structured top k, scored in full. Its k-th best
        # score is a lower bound θ of the true k-th best.
        top = np.ones(len(rows), dtype=np.bool_)
        for i in np.flatnonzero(counts > k).tolist():
            lo, hi = prod.indptr[i], prod.indptr[i + 1]
            top[lo:hi] = False
            top[lo + np.argpartition(-text[lo:hi], k - 1)[:k]] = True
        lo, hi = np.searchsorted(s_rows, [a, b], side="left")
        guess_rows = np.concatenate([rows[top], s_rows[lo:hi]])
        guess_cols = np.concatenate([cols[top], s_cols[lo:hi]])
        guess_text = np.concatenate([text[top], s_text[lo:hi]])
        guess_score = problem.score(problem.components(guess_rows, guess_cols, guess_text))
        kept = _select(guess_rows, guess_cols, guess_score, k)
        theta = np.full(n_q, -np.inf)
        kr = guess_rows[kept]
        rank = np.arange(len(kr)) - np.searchsorted(kr, kr, side="left")
        theta[kr[rank == k - 1]] = guess_score[kept][rank == k - 1]
        # A pair sharing a gram scores at most w_text × T + w_leaf × L + S0_max(query) (S0: industry, distance and
        # tier, at most their best over all candidates): only pairs that can reach θ are scored, and of them only
        # those that do reach it are kept (the true top k all do). The margin covers rounding in the bound.
        leaf_part = problem.weights.leaf * (problem.leaf_level(rows, cols) / 2.0)
        bound = w_text * text + leaf_part + s0_max[rows] >= theta[rows] - 1e-9
        rows, cols, text = rows[bound], cols[bound], text[bound]
        score = problem.score(problem.components(rows, cols, text))
        reach = score >= theta[rows] - 1e-9
        rows_out += [guess_rows, rows[reach]]
        cols_out += [guess_cols, cols[reach]]
        text_out += [guess_text, text[reach]]
    return _assemble(
        problem,
        n_q,
        k,
        np.concatenate(rows_out),
        np.concatenate(cols_out),
        np.concatenate(text_out),
    )


def match_exact(
    queries: Side,
    candidates: Side,
    *,
    k: int = 10,
    weights: Weights | None = None,
    adjacency: Mapping[int, Iterable[int]] | None = None,
    block_rows: int = 64,
) -> Matches:
    """Brute force: every query × candidate pair scored densely, then each row's top ``k``. The oracle of
    ``match`` in tests and the bench baseline; same score function, same tie rule."""
    if k < 1:
        raise ValueError("k must be at least 1")
    problem = _prepare(queries, candidates, weights or Weights(), adjacency)
    n_q, n_c = len(queries), len(candidates)
    rows_out: list[IntArray] = []
    cols_out: list[IntArray] = []
    text_out: list[FloatArray] = []
    if n_q and n_c:
        ci = np.arange(n_c, dtype=np.int64)[None, :]
        for a in range(0, n_q, block_rows):
            b = min(a + block_rows, n_q)
            text = (problem.q_text[a:b] @ problem.c_text_t).toarray()
            qi = np.arange(a, b, dtype=np.int64)[:, None]
            score = problem.score(problem.components(qi, ci, text))
            r, col = _topk_dense(score, k)
            rows_out.append(r + a)
            cols_out.append(col)
            text_out.append(text[r, col])
    if not rows_out:
        return _assemble(problem, n_q, k, *(np.zeros(0, dtype=np.int64),) * 2, np.zeros(0))
    return _assemble(
        problem,
        n_q,
        k,
        np.concatenate(rows_out),
        np.concatenate(cols_out),
        np.concatenate(text_out),
    )


def recall(found: Matches, exact: Matches) -> float:
    """Share of the exact top-k (query, candidate) pairs that ``found`` also returns (1.0 when both are empty)."""
    n = exact.index.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), exact.index.shape[1])
    want = set(zip(rows.tolist(), exact.index.reshape(-1).tolist(), strict=True))
    want = {p for p in want if p[1] >= 0}
    if not want:
        return 1.0
    rows = np.repeat(np.arange(found.index.shape[0], dtype=np.int64), found.index.shape[1])
    got = set(zip(rows.tolist(), found.index.reshape(-1).tolist(), strict=True))
    return len(want & got) / len(want)
