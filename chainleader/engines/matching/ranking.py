"""Top-k helpers with the one tie rule: score descending, then candidate row ascending."""

from __future__ import annotations

import numpy as np

from .columns import COMPONENTS, FloatArray, IntArray, Matches
from .score import Problem


def topk_dense(values: FloatArray, k: int) -> tuple[IntArray, IntArray]:
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


def text_of(problem: Problem, rows: IntArray, cols: IntArray) -> FloatArray:
    """Text cosine of given pairs: row-wise dot products of the two sides' sparse vectors."""
    if len(rows) == 0:
        return np.zeros(0)
    pairs = problem.q_text[rows].multiply(problem.c_text[cols])
    return np.asarray(pairs.sum(axis=1), dtype=np.float64).ravel()


def select(rows: IntArray, cols: IntArray, score: FloatArray, k: int) -> IntArray:
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


def assemble(
    problem: Problem, n_queries: int, k: int, rows: IntArray, cols: IntArray, text: FloatArray
) -> Matches:
    """Score the candidate pairs in full, keep each query's top ``k`` and lay them out as n_queries × k."""
    parts = problem.components(rows, cols, text)
    score = problem.score(parts)
    kept = select(rows, cols, score, k)
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
