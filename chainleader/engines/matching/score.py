"""The score: both sides as integer codes, and one function for pairs (1-D) and blocks (2-D, by
broadcasting), so that every search path gives the same bits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .columns import FloatArray, IntArray, Side, Weights
from .text import normalise_texts, tfidf

_TABLE_LIMIT = (
    4096  # up to this many distinct leaves (industry codes, regions) a level is one table lookup
)


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


def _industry_key(s: _Coded) -> IntArray:
    """(class, group, division) as one integer, for compacting."""
    key: IntArray = (s.i4 + 1) * 10**8 + (s.i3 + 1) * 10**4 + (s.i2 + 1)
    return key


def _region_key(s: _Coded) -> IntArray:
    """(county, city) as one integer, for compacting."""
    key: IntArray = (s.county + 1) * 10**5 + (s.city + 1)
    return key


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


@dataclass
class Problem:
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
        q.ind, c.ind, first = _compact(_industry_key(q), _industry_key(c))
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
        q.reg, c.reg, first = _compact(_region_key(q), _region_key(c))
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


def prepare(
    queries: Side, candidates: Side, weights: Weights, adjacency: Mapping[int, Iterable[int]] | None
) -> Problem:
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
    problem = Problem(
        q, c, weights, n_leaves, adjacency_keys, q_text, c_text, sp.csr_matrix(c_text.T)
    )
    problem.build_tables()
    return problem
