"""The two searches: ``match`` (exact and pruned, as the package docstring explains) and ``match_exact``
(brute force), and ``recall`` to compare them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from .candidates import structured_top
from .columns import FloatArray, IntArray, Matches, Side, Weights
from .ranking import assemble, select, text_of, topk_dense
from .score import prepare

CHUNK_ROWS = 1024  # queries per sparse product block


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
    problem = prepare(queries, candidates, weights or Weights(), adjacency)
    n_q, n_c = len(queries), len(candidates)
    empty = np.zeros(0, dtype=np.int64)
    if n_q == 0 or n_c == 0:
        return assemble(problem, n_q, k, empty, empty, np.zeros(0))
    w_text = problem.weights.text
    s_rows, s_cols, s0_max = structured_top(problem, k)
    s_text = text_of(problem, s_rows, s_cols)
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
        kept = select(guess_rows, guess_cols, guess_score, k)
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
    return assemble(
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
    problem = prepare(queries, candidates, weights or Weights(), adjacency)
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
            r, col = topk_dense(score, k)
            rows_out.append(r + a)
            cols_out.append(col)
            text_out.append(text[r, col])
    if not rows_out:
        return assemble(problem, n_q, k, *(np.zeros(0, dtype=np.int64),) * 2, np.zeros(0))
    return assemble(
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
