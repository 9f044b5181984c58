"""Candidate generation, step 1 of the search: each query's top k by the structured part alone, from groups of
candidates sharing (industry prefix, region prefix[, leaf])."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columns import BoolArray, FloatArray, IntArray
from .ranking import topk_dense
from .score import Problem

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


def structured_top(
    problem: Problem, k: int, cells_per_block: int = 1 << 22
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
        r, col = topk_dense(s, k)
        keep = np.isfinite(s[r, col])
        out_rows.append(r[keep] + a)
        out_cols.append(cand[r[keep], col[keep]])
    return np.concatenate(out_rows), np.concatenate(out_cols), s0_max


def _neighbours(problem: Problem) -> dict[int, list[int]]:
    n = max(problem.n_leaves, 1)
    out: dict[int, list[int]] = {}
    for key in problem.adjacency_keys.tolist():
        out.setdefault(key // n, []).append(key % n)
    return out
