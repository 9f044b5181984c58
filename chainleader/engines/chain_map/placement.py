"""Placement: which leaves of the chain trees a product or a firm belongs to, with the evidence for it.

Order of evidence (the strongest wins; each found piece is kept):

1. **Product** — a product name equal to a leaf's product or synonym (``exact``, score 1.0), or ending in one
   (``suffix``, 0.85: 冰箱压缩机 → 压缩机; Chinese puts the head noun last, so 空调茶 never reaches 空调 and
   压缩机配件 never reaches 压缩机). Registry products and the graph's company → product edges (with their
   revenue weights) both count; noise names (accounting lines, generic words) never match.
2. **Industry code** — the firm's GB/T 4754-2017 class equals a leaf's 4-digit code (0.7) or lies under its
   3-digit class (0.6).
3. **Text** — a leaf keyword (or product term) found in the firm's name or business scope (0.6), supported by the
   character n-gram TF-IDF similarity of the firm's text to the leaf's profile (scikit-learn); similarity alone
   above ``text_min_similarity`` gives 0.5, which goes to review.

Two kinds of evidence agreeing add ``agree_bonus``. A placement at or above ``accept_score`` is taken
automatically, from ``review_score`` it waits for review, below it is not made.

**Producers.** A leaf whose kind is made (material, part, equipment, product) takes a firm only with evidence of
manufacturing: a GB/T class in section C (13–43), or for a listed company an industry that makes things; a firm
whose industry is known not to make things (retail, trade, finance, holding, real estate) is refused there and
the refusal is kept with its reason (苏宁易购 sells 冰箱, it does not make them). A product name that says it is
sold (家电销售) is never evidence for a made leaf.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .text import is_noise, is_sold_name, normalise_product_name

EXACT_SCORE = 1.0
SUFFIX_SCORE = 0.85
CODE4_SCORE = 0.7
CODE3_SCORE = 0.6
KEYWORD_SCORE = 0.6
SIMILARITY_SCORE = 0.5

# Parts of firm names that say nothing about what the firm does.
NAME_NOISE = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "股份",
    "青岛",
    "山东",
    "中国",
    "科技",
    "实业",
    "发展",
    "国际",
    "控股",
    "（",
    "）",
    "(",
    ")",
)


@dataclass(frozen=True)
class Leaf:
    """The engine's view of a leaf segment: what places products and firms on it."""

    id: Any
    chain: Any
    name: str
    position: str
    makes: bool
    terms: tuple[str, ...]  # products and synonyms
    codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    strategic: bool = False
    excludes: tuple[str, ...] = ()  # product words that end like a term but are something else


@dataclass(frozen=True)
class PlacementParams:
    accept_score: float = 0.7
    review_score: float = 0.45
    agree_bonus: float = 0.1
    text_min_similarity: float = 0.35
    min_term_length: int = 2
    # A class code alone is weak evidence when it points at many leaves of one chain (3464 制冷、空调设备 fits
    # 空调, 商用冷链 and 阀件): beyond this many, such placements go to review instead of being taken.
    max_code_only_leaves: int = 1
    code_pick_similarity: float = 0.1
    # A single two-character word (平台, 智能) in a name says little: alone it places nothing.
    min_text_only_word: int = 3


@dataclass
class Firm:
    """A firm to place: a registry enterprise or a listed company of the graph."""

    name: str
    products: Sequence[tuple[str, float]] = ()  # (name, revenue weight; 0 when unknown)
    code: str = ""  # GB/T 4754-2017 class
    manufacturing: bool | None = None  # evidence that it makes things; None = unknown
    text: str = ""  # business scope or other description
    why_not_manufacturing: str = ""


@dataclass
class Placed:
    firm: int
    leaf: int
    score: float
    method: str  # product | code | text
    evidence: list[dict[str, Any]]
    review: bool  # True: below accept_score, to review


@dataclass
class Refused:
    firm: int
    leaf: int
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


def manufacturing_code(code: str) -> bool | None:
    """GB/T 4754-2017 section C is divisions 13–43; any other known code is not manufacturing."""
    digits = code.strip()[:2]
    if not digits.isdigit():
        return None
    return 13 <= int(digits) <= 43


class LeafIndex:
    """Lookup tables over many leaves (all chains at once): terms, codes, and the text model."""

    def __init__(self, leaves: Sequence[Leaf], params: PlacementParams | None = None) -> None:
        self.leaves = list(leaves)
        self.params = params or PlacementParams()
        self.terms: dict[str, list[int]] = {}
        self.codes: dict[str, list[int]] = {}
        self.words: dict[
            str, list[int]
        ] = {}  # keyword or term → leaves (found as a substring of a firm's text)
        self.core_codes: dict[str, set[Any]] = {}  # code → chains whose midstream names it
        for i, leaf in enumerate(self.leaves):
            for term in leaf.terms:
                t = normalise_product_name(term)
                if len(t) >= self.params.min_term_length and i not in self.terms.get(t, []):
                    self.terms.setdefault(t, []).append(i)
            for code in leaf.codes:
                self.codes.setdefault(code.strip(), []).append(i)
                if leaf.position == "mid":
                    self.core_codes.setdefault(code.strip(), set()).add(leaf.chain)
            for w in {normalise_product_name(w) for w in (*leaf.keywords, *leaf.terms)}:
                if 2 <= len(w) <= 12 and i not in self.words.get(w, []):
                    self.words.setdefault(w, []).append(i)
        self.max_term = max((len(t) for t in self.terms), default=0)
        self._product_cache: dict[str, list[tuple[int, float, str, str]]] = {}
        self._vectorizer: Any = None
        self._leaf_vectors: Any = None

    # -- products ---------------------------------------------------------------------------------------
    def match_product(self, raw: str) -> list[tuple[int, float, str, str]]:
        """Leaves a product name belongs to: (leaf, score, exact|suffix, the leaf term it matched)."""
        cached = self._product_cache.get(raw)
        if cached is not None:
            return cached
        name = normalise_product_name(raw)
        out: list[tuple[int, float, str, str]] = []
        if name and not is_noise(name):
            hits = self.terms.get(name)
            if hits:
                out = [
                    (i, EXACT_SCORE, "exact", name) for i in hits
                ]  # exact: excludes do not apply
            else:
                # The longest proper suffix that is a term: the head noun of the name.
                for start in range(max(1, len(name) - self.max_term), len(name) - 1):
                    suffix = name[start:]
                    hits = self.terms.get(suffix)
                    if hits:
                        out = [
                            (i, SUFFIX_SCORE, "suffix", suffix)
                            for i in hits
                            if not any(x in name for x in self.leaves[i].excludes)
                        ]
                        break
        self._product_cache[raw] = out
        return out

    def product_matrix(self, names: Sequence[str]) -> sp.csr_matrix:
        """A products × leaves matrix of match scores (0 = no match)."""
        rows, cols, vals = [], [], []
        for p, name in enumerate(names):
            for leaf, score, _how, _term in self.match_product(name):
                rows.append(p)
                cols.append(leaf)
                vals.append(score)
        return sp.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(names), len(self.leaves))
        )

    # -- codes and text ---------------------------------------------------------------------------------
    def match_words(self, text: str) -> dict[int, list[str]]:
        """Leaves whose keywords or product terms occur in the text (every substring of 2–12 characters)."""
        out: dict[int, list[str]] = {}
        n = len(text)
        for start in range(n):
            for end in range(start + 2, min(n, start + 12) + 1):
                for leaf in self.words.get(text[start:end], ()):
                    out.setdefault(leaf, []).append(text[start:end])
        return out

    def match_code(self, code: str) -> list[tuple[int, float, str]]:
        code = code.strip()
        if not code:
            return []
        out = [(i, CODE4_SCORE, code) for i in self.codes.get(code, [])]
        seen = {i for i, _s, _c in out}
        if len(code) >= 3:
            out += [
                (i, CODE3_SCORE, code[:3]) for i in self.codes.get(code[:3], []) if i not in seen
            ]
        # A code is evidence for a chain where it is a midstream code; elsewhere (a software firm's 6513 on an
        # appliance chain's platform leaf) it places a firm only together with its products or name.
        return [
            (i, score, c)
            for i, score, c in out
            if not self.core_codes.get(c) or self.leaves[i].chain in self.core_codes[c]
        ]

    def _text_model(self) -> tuple[Any, Any]:
        if self._vectorizer is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            profiles = [" ".join((leaf.name, *leaf.terms, *leaf.keywords)) for leaf in self.leaves]
            self._vectorizer = TfidfVectorizer(
                analyzer="char", ngram_range=(2, 3), sublinear_tf=True
            )
            self._leaf_vectors = self._vectorizer.fit_transform(profiles)
        return self._vectorizer, self._leaf_vectors

    def similarity(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Cosine similarity (firms × leaves) of char 2–3-gram TF-IDF vectors."""
        vectorizer, leaf_vectors = self._text_model()
        return sp.csr_matrix(vectorizer.transform(list(texts)) @ leaf_vectors.T)


def clean_firm_name(name: str) -> str:
    for part in NAME_NOISE:
        name = name.replace(part, " ")
    return " ".join(name.split())


def place_firms(
    firms: Sequence[Firm],
    index: LeafIndex,
    *,
    leaf_subset: Iterable[int] | None = None,
    use_text: bool = True,
) -> tuple[list[Placed], list[Refused]]:
    """Place every firm on the leaves its evidence points to (see the module docstring)."""
    params = index.params
    allowed = set(leaf_subset) if leaf_subset is not None else None
    names = [clean_firm_name(f.name) for f in firms]
    # Similarity compares the short name with the leaves' profiles; keywords are looked for in the name and the
    # business scope (a long scope would make every leaf look a little similar).
    texts = [f"{n} {f.text}".strip() for n, f in zip(names, firms, strict=True)]
    sim = index.similarity(names) if use_text and firms and index.leaves else None
    placed: list[Placed] = []
    refused: list[Refused] = []
    for fi, firm in enumerate(firms):
        found: dict[int, dict[str, Any]] = {}

        def add(
            leaf: int, kind: str, score: float, ev: dict[str, Any], found: dict[int, Any] = found
        ) -> None:
            if allowed is not None and leaf not in allowed:
                return
            entry = found.setdefault(leaf, {"scores": {}, "evidence": []})
            entry["scores"][kind] = max(entry["scores"].get(kind, 0.0), score)
            if len(entry["evidence"]) < 8:
                entry["evidence"].append(ev)

        for product, weight in firm.products:
            for leaf, score, how, term in index.match_product(product):
                sold = is_sold_name(normalise_product_name(product))
                if sold and index.leaves[leaf].makes:
                    continue
                ev: dict[str, Any] = {
                    "kind": "product",
                    "product": product,
                    "term": term,
                    "match": how,
                }
                if weight:
                    ev["weight"] = round(float(weight), 4)
                add(leaf, "product", score, ev)
        for leaf, score, code in index.match_code(firm.code):
            add(leaf, "code", score, {"kind": "code", "code": firm.code, "class": code})
        text = texts[fi]
        row = sim.getrow(fi) if sim is not None else None
        sims = (
            dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
            if row is not None
            else {}
        )
        for leaf, words in index.match_words(text).items():
            distinct = sorted(set(words), key=lambda w: (-len(w), w))
            if (
                len(distinct) == 1
                and len(distinct[0]) < params.min_text_only_word
                and sims.get(leaf, 0.0) < params.text_min_similarity
            ) and leaf not in found:
                continue
            add(
                leaf,
                "text",
                KEYWORD_SCORE,
                {
                    "kind": "text",
                    "words": distinct[:4],
                    "similarity": round(sims.get(leaf, 0.0), 2),
                },
            )
        for leaf, s in sims.items():
            if s >= params.text_min_similarity and leaf not in found:
                add(
                    leaf,
                    "text",
                    SIMILARITY_SCORE,
                    {"kind": "text", "words": [], "similarity": round(s, 2)},
                )
        # A code alone that fits many leaves of one chain: keep the leaf nearest the firm's name (TF-IDF), to
        # review unless the name points there at all; the others are not made.
        code_only: dict[Any, list[int]] = {}
        for leaf, entry in found.items():
            if set(entry["scores"]) == {"code"}:
                code_only.setdefault(index.leaves[leaf].chain, []).append(leaf)
        unsure: set[int] = set()
        for leaves_of_chain in code_only.values():
            if len(leaves_of_chain) > params.max_code_only_leaves:
                best = max(leaves_of_chain, key=lambda lf: (sims.get(lf, 0.0), -lf))
                for lf in leaves_of_chain:
                    if lf != best:
                        del found[lf]
                if sims.get(best, 0.0) < params.code_pick_similarity:
                    unsure.add(best)
                found[best]["evidence"].append(
                    {"kind": "text", "words": [], "similarity": round(sims.get(best, 0.0), 2)}
                )
        for leaf, entry in found.items():
            scores: dict[str, float] = entry["scores"]
            method = max(scores, key=lambda k: scores[k])
            score = min(1.0, scores[method] + (params.agree_bonus if len(scores) > 1 else 0.0))
            if score < params.review_score:
                continue
            if index.leaves[leaf].makes and firm.manufacturing is False:
                reason = firm.why_not_manufacturing or "无制造业证据"
                refused.append(Refused(fi, leaf, reason, entry["evidence"]))
                continue
            unknown_maker = firm.manufacturing is None and not {"product", "code"} & set(scores)
            if index.leaves[leaf].makes and unknown_maker:
                # A name alone is not evidence that a firm of unknown industry makes the thing: review it.
                score = min(score, params.accept_score - 0.01)
            if leaf in unsure:
                score = min(score, params.accept_score - 0.01)
            placed.append(
                Placed(
                    fi,
                    leaf,
                    round(score, 3),
                    method,
                    entry["evidence"],
                    score < params.accept_score,
                )
            )
    return placed, refused


def leaf_from_node(node: Any, chain: Any) -> Leaf:
    """A tree file's leaf node (tree.Node) as the classifier's Leaf, its id the node's path."""
    return Leaf(
        node.path,
        chain,
        node.name,
        node.position,
        node.makes,
        node.products + node.synonyms,
        node.codes,
        node.keywords,
        node.strategic,
        node.excludes,
    )
