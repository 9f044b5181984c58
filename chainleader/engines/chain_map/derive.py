"""The graph fills the trees in: graph products mapped to leaves, national producers per leaf, leaf → leaf links.

For all leaves of all chains at once (one sparse product × leaf matrix ``P`` from the placement classifier):

* **Products of a leaf**: the graph products whose name matches a leaf term (exact or head-noun suffix), most
  made first.
* **National producers**: listed companies with a positive revenue weight on any product of the leaf
  (``maker @ P``). On a made leaf (material, part, equipment, product) a company whose industry does not make
  things (retail, trade, finance, holding) is not a producer: it is counted in ``refused`` with examples.
* **Links**: the graph's 上游材料 pairs (p made from q), aggregated leaf to leaf: ``E = Pᵀ · Uᵀ · P``, so
  ``E[a, b]`` counts the product pairs saying that leaf a supplies leaf b; only pairs within one chain, a ≠ b.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .graph import Graph
from .placement import LeafIndex

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DeriveParams:
    min_weight: float = (
        0.0  # a producer has weight > this (0.001 placeholders count; eliminations do not)
    )
    max_products: int = 40
    max_producers: int = 30
    max_examples: int = 3
    min_link_pairs: int = 1


@dataclass
class LeafFill:
    products: list[int]  # graph product indices, most made first
    product_count: int
    producers: list[int]  # company indices, by weight on the leaf's products
    producer_count: int
    producer_weight: dict[int, float]
    producer_products: dict[int, list[int]]
    refused: int
    refused_examples: list[int]


@dataclass
class Link:
    source: int  # leaf index (supplier)
    target: int  # leaf index (user)
    pairs: int
    examples: list[tuple[int, int]]  # (material product, product) indices


@dataclass
class Filled:
    leaves: list[LeafFill]
    links: list[Link]
    national_base: int  # companies that make anything
    product_leaf: sp.csr_matrix = field(repr=False)


def fill(graph: Graph, index: LeafIndex, params: DeriveParams | None = None) -> Filled:
    params = params or DeriveParams()
    n_leaves = len(index.leaves)
    P = index.product_matrix(graph.product_names)
    Pb = (P > 0).astype(np.float64).tocsc()
    made = graph.maker.copy()
    made.data = np.where(made.data > params.min_weight, made.data, 0.0)
    made.eliminate_zeros()
    M = made.copy()
    M.data[:] = 1.0
    W = made.copy()
    W.data = np.clip(W.data, 0.0, 1.0)
    count_cl = sp.csr_matrix(M @ Pb)  # companies × leaves: products of the leaf the company makes
    weight_cl = (
        sp.csr_matrix(W @ Pb).toarray() if n_leaves and graph.n_companies else np.zeros((0, 0))
    )
    makes = graph.company_makes()
    non_maker = np.array([m is False for m in makes], dtype=np.bool_)
    leaf_makes = np.array([leaf.makes for leaf in index.leaves], dtype=np.bool_)
    made_per_product = np.asarray(M.sum(axis=0)).ravel()
    national_base = int((np.diff(made.indptr) > 0).sum())
    count_csc = count_cl.tocsc()
    leaves: list[LeafFill] = []
    for li in range(n_leaves):
        col = Pb.getcol(li)
        prods = col.indices.astype(np.int64)
        order = np.argsort(-made_per_product[prods], kind="stable")
        prods = prods[order]
        start, end = count_csc.indptr[li], count_csc.indptr[li + 1]
        comps = count_csc.indices[start:end].astype(np.int64)
        refused = comps[non_maker[comps]] if leaf_makes[li] else np.zeros(0, dtype=np.int64)
        if leaf_makes[li]:
            comps = comps[~non_maker[comps]]
        weights = weight_cl[comps, li] if len(comps) else np.zeros(0)
        order = np.lexsort((comps, -weights))
        comps = comps[order]
        top = comps[: params.max_producers]
        sub = M[top][:, prods] if len(top) and len(prods) else None
        producer_products = {}
        if sub is not None:
            sub = sp.csr_matrix(sub)
            for k, c in enumerate(top):
                producer_products[int(c)] = [
                    int(prods[j]) for j in sub.indices[sub.indptr[k] : sub.indptr[k + 1]]
                ][:5]
        leaves.append(
            LeafFill(
                products=[int(p) for p in prods[: params.max_products]],
                product_count=len(prods),
                producers=[int(c) for c in top],
                producer_count=len(comps),
                producer_weight={
                    int(c): round(float(w), 4)
                    for c, w in zip(
                        comps[: params.max_producers],
                        weights[order][: params.max_producers],
                        strict=True,
                    )
                },
                producer_products=producer_products,
                refused=len(refused),
                refused_examples=[int(c) for c in refused[:5]],
            )
        )
    links = _links(graph, index, Pb, params)
    return Filled(leaves, links, national_base, P)


def _links(graph: Graph, index: LeafIndex, Pb: sp.csc_matrix, params: DeriveParams) -> list[Link]:
    if not len(index.leaves) or graph.upstream.nnz == 0:
        return []
    Pr = Pb.tocsr()
    # E[a, b] = Σ_{p in b, q in a} U[p, q]: leaf a supplies leaf b.
    E = sp.csr_matrix(Pb.T @ graph.upstream.T @ Pr).tocoo()
    chain = [leaf.chain for leaf in index.leaves]
    out: list[Link] = []
    up_csr = graph.upstream.tocsr()
    for a, b, pairs in zip(E.row.tolist(), E.col.tolist(), E.data.tolist(), strict=True):
        if a == b or chain[a] != chain[b] or pairs < params.min_link_pairs:
            continue
        targets = Pb.getcol(b).indices
        sources = set(Pb.getcol(a).indices.tolist())
        examples: list[tuple[int, int]] = []
        for p in targets:
            for q in up_csr.indices[up_csr.indptr[p] : up_csr.indptr[p + 1]]:
                if int(q) in sources:
                    examples.append((int(q), int(p)))
                    if len(examples) >= params.max_examples:
                        break
            if len(examples) >= params.max_examples:
                break
        out.append(Link(int(a), int(b), round(pairs), examples))
    out.sort(key=lambda link: (-link.pairs, link.source, link.target))
    return out
