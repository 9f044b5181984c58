"""Ranking of one group's graded firms within each year, and the classes A-D that follow from the ranks.

Firms are ordered by score (high first), then the scheme's tie-breaks, then input order; class shares
as in MU_SCHEME.md. Where it can, the sorting packs keys into integers (NumPy sorts those fastest).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .scheme import Scheme

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# share × N is computed in floating point; the tolerance keeps 0.05 × 60 at 3 (not 3.0000000000000004 → 4).
SHARE_EPS = 1e-9


def class_counts(n: IntArray, scheme: Scheme) -> tuple[IntArray, IntArray, IntArray]:
    """(nA, nB, nD) per year for N graded firms: D takes precedence, then A (MU_SCHEME.md)."""
    raw_a = np.floor(scheme.share_a * n + SHARE_EPS).astype(np.int64)
    raw_b = np.floor(scheme.share_b_cumulative * n + SHARE_EPS).astype(np.int64) - raw_a
    n_d = np.minimum(np.ceil(scheme.share_d * n - SHARE_EPS).astype(np.int64), n)
    n_a = np.minimum(raw_a, n - n_d)
    n_b = np.clip(raw_b, 0, n - n_d - n_a)
    return n_a, n_b, n_d


def rank_and_class(
    scheme: Scheme,
    uscc: npt.NDArray[Any],
    rows: IntArray,
    years: IntArray,
    graded_n: IntArray,
    score: FloatArray,
    tie_values: dict[str, FloatArray],
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8]]:
    """(order, rank, class code) of one group's graded firms, ranked within each year.

    ``order`` lists the firms best first within each year (years ascending); rank and class follow it.
    """
    m = len(score)
    order, still = _coarse_order(years, len(graded_n), score)
    # ``still[i]``: the firms at sorted positions i and i + 1 are not yet told apart. Each pass sorts
    # only those runs by the next key, so the costly keys (uscc strings) see a handful of firms.
    keys: list[tuple[str, bool]] = [("score", True), *scheme.tie_breaks, ("", False)]
    for key, descending in keys:
        if not still.any():
            break
        tied = np.zeros(m, dtype=bool)
        tied[1:] |= still
        tied[:-1] |= still
        at = np.flatnonzero(tied)
        sub = order[at]
        # One id per run of tied firms: a run starts where a position is not tied to the one before.
        new_run = np.ones(len(at), dtype=bool)
        new_run[1:] = ~((at[1:] == at[:-1] + 1) & still[at[:-1]])
        run = np.cumsum(new_run)
        if key == "uscc":
            by_key, ranks = _string_order(uscc[rows[sub]])
            if descending:
                by_key, ranks = by_key[::-1], -ranks
            sort_key: Any = ranks
        else:
            if key:
                value = score[sub] if key == "score" else tie_values[key][sub]
                value = -value if descending else value
                sort_key = np.where(np.isnan(value), np.inf, value)
            else:
                sort_key = sub  # last resort: input order
            by_key = np.argsort(sort_key)
        # Sort within runs: (run id, rank of the key) packed in one integer, sorted by value.
        key_rank = np.empty(len(sub), dtype=np.int64)
        key_rank[by_key] = np.arange(len(sub))
        perm = by_key[np.sort(run * len(sub) + key_rank) % len(sub)]
        order[at] = sub[perm]
        sorted_key = sort_key[perm]
        # positions at[j], at[j + 1] are neighbours in one run only if they were tied before
        neighbours = at[1:] == at[:-1] + 1
        still_at = still[at[:-1][neighbours]] & (sorted_key[1:] == sorted_key[:-1])[neighbours]
        still[:] = False
        still[at[:-1][neighbours]] = still_at

    starts = np.cumsum(graded_n) - graded_n
    n_a, n_b, n_d = class_counts(graded_n, scheme)
    rank_sorted = np.arange(1, m + 1, dtype=np.int64) - np.repeat(starts, graded_n)
    # Thresholds A ≤ B ≤ D per year: the class code counts the thresholds a rank lies beyond.
    class_sorted = np.ones(m, dtype=np.int8)
    for limit in (n_a, n_a + n_b, graded_n - n_d):
        class_sorted += rank_sorted > np.repeat(limit, graded_n)
    return order, rank_sorted, class_sorted


def _coarse_order(years: IntArray, n_years: int, score: FloatArray) -> tuple[IntArray, BoolArray]:
    """Firms by year, then score (high first), nearly: (order, "maybe tied with the next").

    One value sort of packed 64-bit keys (year | leading bits of the score | position) instead of
    an argsort: NumPy's SIMD sort of plain integers is several times faster. Firms whose year and
    leading score bits are equal come out flagged as maybe tied, and the caller sorts those by the
    exact score and then the tie-breaks, so the result is exact.
    """
    m = len(score)
    index_bits = max(1, (m - 1).bit_length())
    year_bits = (n_years - 1).bit_length()
    low = index_bits + year_bits  # score bits dropped to make room
    if m == 0 or low > 48:
        order = np.lexsort((-score, years))
        ordered_score, ordered_years = score[order], years[order]
        still = (ordered_score[1:] == ordered_score[:-1]) & (
            ordered_years[1:] == ordered_years[:-1]
        )
        return order, still
    bits = (score + 0.0).view(np.uint64)  # + 0.0 turns -0.0 into 0.0
    # IEEE doubles as unsigned integers in the same order: flip all bits of negatives, the sign
    # bit of the rest; then flip everything for high-first. With a floor ≥ 0 (the default) every
    # score is ≥ 0 and one flip does it.
    if bool((score >= 0).all()):
        descending = ~bits
    else:
        negative = (bits >> np.uint64(63)).astype(bool)
        descending = np.where(negative, bits, ~(bits | np.uint64(1 << 63)))
    key = (descending >> np.uint64(low)) << np.uint64(index_bits)
    if year_bits:
        key |= years.astype(np.uint64) << np.uint64(64 - year_bits)
    key |= np.arange(m, dtype=np.uint64)
    key.sort()
    order = (key & np.uint64((1 << index_bits) - 1)).view(np.int64)
    coarse = key >> np.uint64(index_bits)
    return order, coarse[1:] == coarse[:-1]


def _string_order(strings: npt.NDArray[Any]) -> tuple[IntArray, IntArray]:
    """(order, dense ranks) of strings in code-point order (equal strings, equal ranks).

    ASCII strings (every credit code) are packed into big-endian 64-bit words and sorted as integers,
    several times faster than NumPy's string sort; anything else falls back to np.unique.
    """
    text = strings if strings.dtype.kind == "U" else strings.astype(str)
    width = text.dtype.itemsize // 4
    if len(text) == 0 or width == 0:
        return np.arange(len(text), dtype=np.int64), np.zeros(len(text), dtype=np.int64)
    chars = text.view(np.uint32).reshape(len(text), width)
    if chars.max() >= 128:
        dense = np.unique(text, return_inverse=True)[1].astype(np.int64).reshape(-1)
        return np.argsort(dense, kind="stable"), dense
    n_words = -(-width // 8)
    packed = np.zeros((len(text), n_words * 8), dtype=np.uint8)
    packed[:, :width] = chars
    words = packed.view(">u8")
    varying = [w for w in range(n_words) if (words[:, w] != words[0, w]).any()] or [0]
    order = np.lexsort(tuple(words[:, w] for w in reversed(varying)))
    ordered = words[order]
    new = np.ones(len(text), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    ranks = np.empty(len(text), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return order.astype(np.int64), ranks
