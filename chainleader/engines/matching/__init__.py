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

Modules: ``columns`` (Side, Weights, Matches: the plain columns in and out), ``text`` (the bigram TF-IDF),
``score`` (the sides as integer codes and the one score function), ``candidates`` (step 1, the structured
top k), ``ranking`` (the tie rule and the n_queries × k layout), ``search`` (``match``, ``match_exact``,
``recall``).
"""

from .columns import COMPONENTS, Matches, Side, Weights
from .search import CHUNK_ROWS, match, match_exact, recall
from .text import normalise_text, normalise_texts, text_grams, tfidf

__all__ = [
    "CHUNK_ROWS",
    "COMPONENTS",
    "Matches",
    "Side",
    "Weights",
    "match",
    "match_exact",
    "normalise_text",
    "normalise_texts",
    "recall",
    "text_grams",
    "tfidf",
]
