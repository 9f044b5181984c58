"""Investment targets (招商名录) and the opportunity view of a place, on the leaves of the curated chain trees.

Columns are the leaves of every chain's tree, rows the listed firms of the product graph plus one row for the
place (its local firms placed on the leaves). ``X[c, l]`` is firm c's revenue share on the products of leaf l
(clipped to [0, 1]; the graph has no firm revenue, so each firm weighs the same) and ``X[place, l]`` the number of
local firms placed on l. ``relatedness`` (this package) gives, per leaf:

- **density** ω of the place on the leaf (with the place present where the chain map judges the leaf strong) (how much of what the leaf needs the place already does) and
  **distance** = 1 − ω (the Atlas feasibility chart's x axis);
- **complexity** PCI of the leaf and the place's **opportunity gain** COG (y axes);
- the leaf's national **output**: the sum of the firms' revenue shares on it (size of a point), and its producers.

For each gap leaf (the chain map's 缺失 / 卡脖子 / 薄弱), the firms that make its products and are not local are
ranked by ``score = Σ weight_k × component_k``, each component in [0, 1] and shown with its reason:

- ``share``: the firm's revenue share on the leaf's products (0.001 placeholders, taken from business-scope text,
  count as 0: "mentions it");
- ``buyer``: the firm makes materials the chain's local chain masters use (upstream of the products of the leaves
  they sit on): 1 for two or more such products, 0.5 for one;
- ``fit``: the firm's own relatedness to the place: the mean density of the place over the leaves the firm is
  present in (a firm whose other businesses the place already hosts lands more easily);
- ``tier``: the listing board as a size tier (main board 1, ChiNext/STAR 0.7, B shares 0.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .relatedness import relatedness

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

WEIGHTS: dict[str, float] = {"share": 0.45, "buyer": 0.25, "fit": 0.20, "tier": 0.10}
PLACEHOLDER = 0.001  # the graph's weight for a product taken from business-scope text


def board_tier(ticker: str) -> tuple[str, float]:
    """The listing board of an A/B-share ticker and its size tier."""
    code = ticker.split(".")[0]
    if code.startswith(("900", "200")):
        return "B股", 0.3
    if code.startswith("688"):
        return "科创板", 0.7
    if code.startswith(("300", "301")):
        return "创业板", 0.7
    return "主板", 1.0


@dataclass(frozen=True)
class LeafOpportunity:
    density: float
    distance: float
    pci: float  # NaN outside the connected part
    cog: float
    output: float
    producers: int


@dataclass(frozen=True)
class Target:
    leaf: int
    company: int
    score: float
    components: dict[str, float]
    products: list[int]  # the firm's products on the leaf (graph indices), most weighted first
    supplies: list[tuple[int, int]] = field(
        default_factory=list
    )  # (its product, the master's product)


@dataclass(frozen=True)
class TargetResult:
    leaves: list[LeafOpportunity]
    targets: list[Target]  # per gap leaf, best first


def leaf_weights(maker: sp.csr_matrix, product_leaf: sp.spmatrix) -> sp.csr_matrix:
    """Firms × leaves: the firm's revenue share on the leaf's products (negative lines dropped, clipped to 1)."""
    made = sp.csr_matrix(maker, dtype=np.float64, copy=True)
    made.data = np.clip(made.data, 0.0, 1.0)
    made.eliminate_zeros()
    pb = sp.csr_matrix(product_leaf, dtype=np.float64, copy=True)
    pb.data[:] = 1.0
    out = sp.csr_matrix(made @ pb)
    out.data = np.clip(out.data, 0.0, 1.0)
    return out


def rank_targets(
    *,
    weight: sp.csr_matrix,
    local: Sequence[float] | FloatArray,
    gap: Sequence[bool] | BoolArray,
    leaf_chain: Sequence[int],
    excluded: Sequence[bool] | BoolArray,
    tiers: Sequence[float] | FloatArray,
    maker: sp.csr_matrix,
    product_leaf: sp.spmatrix,
    upstream: sp.spmatrix,
    master_leaves: dict[int, set[int]],
    non_maker: Sequence[bool] | BoolArray | None = None,
    leaf_makes: Sequence[bool] | BoolArray | None = None,
    present: Sequence[bool] | BoolArray | None = None,
    per_leaf: int = 30,
) -> TargetResult:
    """Leaf opportunities for every leaf and ranked targets for the gap leaves.

    ``weight``: firms × leaves (``leaf_weights``); ``local``: local firms per leaf; ``gap``: leaves to list targets
    for; ``leaf_chain``: the chain of each leaf; ``excluded``: firms already local; ``tiers``: per firm;
    ``maker``: firms × products; ``product_leaf``: products × leaves; ``upstream[p, q]``: q is a material of p;
    ``master_leaves``: chain → leaves its local chain masters sit on; ``non_maker`` (per firm) and ``leaf_makes``
    (per leaf): a firm whose industry makes nothing (a developer, a retailer) is no target for a making leaf,
    whatever its revenue lines say. ``present`` (per leaf): where the place counts as present (the map's strong
    leaves); by default RCA ≥ 1 of its firm count.
    """
    n_firms, n_leaves = weight.shape
    local_row = np.asarray(local, dtype=np.float64).reshape(1, -1)
    if local_row.shape[1] != n_leaves:
        raise ValueError("local must have one value per leaf")
    gap_mask = np.asarray(gap, dtype=np.bool_)
    excluded_mask = np.asarray(excluded, dtype=np.bool_)
    tier = np.asarray(tiers, dtype=np.float64)
    if n_leaves == 0:
        return TargetResult([], [])
    # The place's presence: the map's judgement where given (a leaf the map calls strong), else RCA ≥ 1 of its
    # firm count as one more row; density and COG follow from it with the firms' proximity (the formulas of
    # relatedness). With the map's judgement the place takes no part in the proximity.
    if present is not None:
        rel = relatedness(sp.csr_matrix(weight))
        m = np.asarray(present, dtype=np.float64)
    else:
        rel = relatedness(
            sp.vstack([sp.csr_matrix(weight), sp.csr_matrix(local_row)], format="csr")
        )
        m = rel.presence[n_firms].toarray().ravel()
    phi = rel.proximity
    sums = np.asarray(phi.sum(axis=1)).ravel()
    density = np.divide(np.asarray(phi @ m).ravel(), sums, out=np.zeros(n_leaves), where=sums > 0)
    weight_q = np.divide(rel.eigenvector, sums, out=np.zeros(n_leaves), where=sums > 0)
    scale = rel.eci_scale if np.isfinite(rel.eci_scale) and rel.eci_scale else np.nan
    cog = (1 - m) * np.asarray(phi @ ((1 - m) * weight_q)).ravel() / scale
    output = np.asarray(weight.sum(axis=0)).ravel()
    producers = np.diff(sp.csc_matrix(weight).indptr)
    leaves = [
        LeafOpportunity(
            density=float(density[leaf]),
            distance=float(1.0 - density[leaf]),
            pci=float(rel.pci[leaf]),
            cog=float(cog[leaf]) if np.isfinite(cog[leaf]) else 0.0,
            output=float(output[leaf]),
            producers=int(producers[leaf]),
        )
        for leaf in range(n_leaves)
    ]
    # fit: the place's mean density over the leaves each firm is present in
    presence = rel.presence[:n_firms]
    counts = np.asarray(presence.sum(axis=1)).ravel()
    fit = np.divide(
        np.asarray(presence @ density).ravel(),
        counts,
        out=np.zeros(n_firms),
        where=counts > 0,
    )
    made = sp.csr_matrix(maker, dtype=np.float64)
    pl = sp.csc_matrix(product_leaf)
    up = sp.csr_matrix(upstream, dtype=np.float64)
    wcsc = sp.csc_matrix(weight)
    chains = np.asarray(leaf_chain)
    upt = sp.csr_matrix(up.T)
    needs: dict[int, FloatArray] = {}
    masters: dict[int, set[int]] = {}
    targets: list[Target] = []
    for leaf in np.flatnonzero(gap_mask):
        chain = int(chains[leaf])
        if chain not in needs:
            master_products = np.zeros(pl.shape[0])
            for ml in master_leaves.get(chain, set()):
                master_products[pl.indices[pl.indptr[ml] : pl.indptr[ml + 1]]] = 1.0
            # materials of the masters' products: q with U[p, q] for some master product p
            needs[chain] = np.asarray(up.T @ master_products).ravel()
            masters[chain] = set(np.flatnonzero(master_products).tolist())
        need = needs[chain]
        start, end = wcsc.indptr[leaf], wcsc.indptr[leaf + 1]
        firms = wcsc.indices[start:end]
        shares = wcsc.data[start:end]
        keep = ~excluded_mask[firms]
        if non_maker is not None and leaf_makes is not None and bool(leaf_makes[int(leaf)]):
            keep &= ~np.asarray(non_maker, dtype=np.bool_)[firms]
        firms, shares = firms[keep], shares[keep]
        leaf_products = set(pl.indices[pl.indptr[leaf] : pl.indptr[leaf + 1]].tolist())
        rows = []
        for c, share in zip(firms.tolist(), shares.tolist(), strict=True):
            cols = made.indices[made.indptr[c] : made.indptr[c + 1]]
            vals = made.data[made.indptr[c] : made.indptr[c + 1]]
            order = np.argsort(-vals, kind="stable")
            own = [int(p) for p in cols[order] if int(p) in leaf_products]
            supplied = [p for p in own if need[p] > 0]  # the leaf's products the masters use
            real_share = 0.0 if share <= PLACEHOLDER * len(own or [0]) + 1e-12 else share
            components = {
                "share": round(float(real_share), 4),
                "buyer": 1.0 if len(supplied) >= 2 else 0.5 if supplied else 0.0,
                "fit": round(float(fit[c]), 4),
                "tier": float(tier[c]) if c < len(tier) else 0.0,
            }
            score = sum(WEIGHTS[k] * v for k, v in components.items())
            pairs = _pairs(supplied[:3], upt, masters[chain])
            rows.append(Target(int(leaf), c, round(score, 4), components, own[:5], pairs))
        rows.sort(key=lambda t: (-t.score, t.company))
        targets.extend(rows[:per_leaf])
    return TargetResult(leaves, targets)


def _pairs(supplied: list[int], upt: sp.csr_matrix, masters: set[int]) -> list[tuple[int, int]]:
    """(material the firm makes, master product that uses it) examples for the reason; ``upt[q, p]``: q is a
    material of p."""
    out = []
    for q in supplied:
        users = [
            int(p) for p in upt.indices[upt.indptr[q] : upt.indptr[q + 1]] if int(p) in masters
        ]
        if users:
            out.append((q, users[0]))
    return out
