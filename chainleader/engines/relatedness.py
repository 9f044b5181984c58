"""Relatedness and complexity (Growth Lab economic complexity) on a firm × product or region × industry matrix.

``relatedness(values)`` takes a non-negative matrix X (rows c = firms or regions, columns p = products or
industries; X_cp = revenue, output, employment …) and returns a ``Relatedness`` of plain columns and sparse
matrices. Everything is matrix work on ``scipy.sparse`` (no loop over rows or columns); no Django here.

Formulas (Hidalgo et al. 2007, Hausmann et al. 2014, *The Atlas of Economic Complexity*), with the conventions of
the Growth Lab's ``ecomplexity`` package 0.5.3, which the tests use as the oracle (agreement to 1e-9):

- **RCA** (Balassa): ``RCA_cp = (X_cp / Σ_p X_cp) / (Σ_c X_cp / Σ_cp X_cp)``.
- **Presence**: ``M_cp = 1 if RCA_cp ≥ threshold (default 1) else 0``.
- **Diversity** ``k_c = Σ_p M_cp``; **ubiquity** ``k_p = Σ_c M_cp``.
- **Proximity** (minimum conditional probability): ``φ_pq = Σ_c M_cp M_cq / max(k_p, k_q)``. Symmetric; its
  diagonal is 1 for every product present somewhere (0.5.3 keeps the diagonal; later versions change it).
- **Density** (the diagonal included, as in 0.5.3): ``ω_cp = Σ_q M_cq φ_pq / Σ_q φ_pq``.
- **ECI / PCI** (eigenvector method): ``M̃_pq = Σ_c M_cp M_cq / (k_p k_c)``; ``K_p`` = the eigenvector of the
  second-largest eigenvalue of ``M̃`` and ``K_c = Σ_p M_cp K_p / k_c``, signed so that ``corr(k_c, K_c) > 0``
  (when every row is equally diverse, so that ``corr(k_p, K_p) < 0``; ``ecomplexity`` returns NaN there).
  Standardised with the mean and standard deviation (ddof 0) of ``K_c``, as the Growth Lab's Stata package does:
  ``ECI_c = (K_c − mean K_c) / sd K_c`` and ``PCI_p = (K_p − mean K_c) / sd K_c`` (so ECI is the mean PCI of the
  row's present columns). Computed as the symmetric problem ``A Aᵀ`` or ``Aᵀ A`` with
  ``A = D_c^{-1/2} M D_p^{-1/2}`` on the smaller side (dense ``eigh`` up to ``dense_limit``, else Lanczos).
- **Complexity outlook** (COI) and **opportunity gain** (COG), with ``K_p`` (the eigenvector, not the standardised
  PCI: this is what 0.5.3 does; the results do not depend on the eigenvector's scale):
  ``COI_c = Σ_p ω_cp (1 − M_cp) K_p``, then standardised over rows (ddof 0);
  ``COG_cp = (1 − M_cp) Σ_q (1 − M_cq) (φ_qp / Σ_r φ_qr) K_q / sd K_c``.

Where the data fall apart. Rows or columns with no positive value are absent: RCA and M are 0 there, their
ECI/PCI/COI are NaN, density and COG are 0 / the formula's value. ECI and PCI exist only where the eigenvector is
unique, that is within one connected part of the bipartite graph of M (a firm whose products nobody else makes forms
a part of its own, and ``ecomplexity`` then returns an arbitrary vector of the repeated eigenvalue 1). They are
computed on the largest connected part (``complexity_rows`` / ``complexity_columns``) and NaN elsewhere; columns
outside it add nothing to COI and COG. When the graph is connected, this is exactly ``ecomplexity`` 0.5.3.
``eigen_gap`` (second minus third eigenvalue) tells how stable the ranking is: near 0, it is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import LinearOperator, eigsh

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DENSE_LIMIT = (
    1000  # up to this many rows on the smaller side, a dense symmetric eigensolver; above, Lanczos
)
_SEED = 20071027  # fixed start vector for Lanczos: the same input gives the same output


@dataclass(frozen=True)
class Relatedness:
    """Results of ``relatedness``, index-aligned with the input's rows (c) and columns (p).

    ``rca``, ``presence`` (0/1) and ``density`` are C × P sparse matrices; ``proximity`` is P × P sparse. Vectors are
    float64, NaN where undefined. ``opportunity_gain(rows)`` gives the COG block for some rows (dense: COG is
    positive almost everywhere, so the full C × P matrix is only built when asked for).
    """

    rca: sp.csr_matrix
    presence: sp.csr_matrix
    diversity: FloatArray
    ubiquity: FloatArray
    proximity: sp.csr_matrix
    density: sp.csr_matrix
    eci: FloatArray
    pci: FloatArray
    coi: FloatArray
    complexity_rows: BoolArray  # rows in the connected part where ECI is defined
    complexity_columns: BoolArray
    components: (
        int  # connected parts of the bipartite graph of M (rows and columns with a presence)
    )
    eigenvalue: float  # second-largest eigenvalue of M̃ (NaN when ECI is undefined)
    eigen_gap: float  # second minus third eigenvalue (NaN when undefined)
    eigenvector: FloatArray  # K_p, signed, 0 outside complexity_columns (scale as computed; results do not depend on it)
    eci_scale: float  # sd of K_c (ddof 0): COG is divided by it

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.rca.shape[0]), int(self.rca.shape[1]))

    def opportunity_gain(self, rows: npt.ArrayLike | None = None) -> FloatArray:
        """COG for ``rows`` (all rows when None), dense ``len(rows) × P``; 0 where the row is present.

        ``COG_cp = (1 − M_cp) (g_p − Σ_q M_cq (K_q / s_q) φ_qp) / sd K_c`` with ``s_q = Σ_r φ_qr`` and
        ``g_p = Σ_q φ_qp K_q / s_q``: the ``(1 − M) @ B`` of the formula written as ``1 @ B − M @ B``, so only the
        sparse ``M @ B`` is multiplied.
        """
        m = self.presence if rows is None else self.presence[np.asarray(rows, dtype=np.int64)]
        weight = _safe_divide(self.eigenvector, _row_sums(self.proximity))
        g = np.asarray(self.proximity @ weight, dtype=np.float64)
        taken = (m @ sp.diags(weight) @ self.proximity).toarray()
        out: FloatArray = np.asarray(g[np.newaxis, :] - taken, dtype=np.float64)
        out[m.toarray() != 0] = 0.0
        if not np.isfinite(self.eci_scale) or self.eci_scale == 0:
            return np.full(out.shape, np.nan)
        return out / self.eci_scale


def relatedness(
    values: npt.ArrayLike | sp.spmatrix | sp.sparray,
    *,
    threshold: float = 1.0,
    dense_limit: int = DENSE_LIMIT,
) -> Relatedness:
    """RCA, presence, diversity, ubiquity, proximity, density, ECI, PCI, COI (and COG on demand) of ``values``.

    ``values``: C × P, dense or sparse, finite and ≥ 0 (drop eliminations and other negative lines first);
    duplicate sparse entries are summed. ``threshold``: RCA at or above which a column is present in a row (> 0).
    ``dense_limit``: the eigenvector is found densely when the smaller side of the connected part has at most this
    many entries, else by Lanczos (both agree with ``ecomplexity`` to 1e-9).
    """
    if threshold <= 0:
        raise ValueError(
            "threshold must be > 0 (an RCA of 0 would make every absent column present)"
        )
    x = sp.csr_matrix(values, dtype=np.float64)
    x.sum_duplicates()
    if x.ndim != 2:
        raise ValueError("values must be a 2-D matrix")
    if not np.all(np.isfinite(x.data)):
        raise ValueError("values must be finite")
    if np.any(x.data < 0):
        raise ValueError("values must be ≥ 0 (drop eliminations and other negative lines first)")
    x.eliminate_zeros()
    n_rows, n_cols = x.shape

    # RCA on the stored entries only, in the operation order of ecomplexity (num / den), so M agrees at RCA = 1.
    row_total = _row_sums(x)
    col_total = _row_sums(x.T.tocsr())
    total = float(col_total.sum())
    row_of = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(x.indptr))
    share = x.data / row_total[row_of]
    expected = col_total[x.indices] / total if total > 0 else np.zeros(len(x.indices))
    rca = sp.csr_matrix((share / expected, x.indices.copy(), x.indptr.copy()), shape=x.shape)

    present = rca.data >= threshold
    presence = sp.csr_matrix(
        (np.ones(int(present.sum())), (row_of[present], x.indices[present])), shape=x.shape
    )
    diversity = _row_sums(presence)
    ubiquity = _row_sums(presence.T.tocsr())

    proximity = _proximity(presence, ubiquity)
    prox_total = _row_sums(proximity)
    # ω = M φ / s (φ symmetric), the product's own proximity of 1 included.
    density = sp.csr_matrix(
        presence @ proximity @ sp.diags(_safe_divide(np.ones(n_cols), prox_total))
    )

    comp_rows, comp_cols, components = _largest_part(presence, diversity, ubiquity)
    eci = np.full(n_rows, np.nan)
    pci = np.full(n_cols, np.nan)
    kp_full = np.zeros(n_cols)
    eigenvalue = gap = scale = float("nan")
    if comp_rows.sum() >= 2 and comp_cols.sum() >= 2:
        m = presence[comp_rows][:, comp_cols]
        kc, kp, eigenvalue, gap = _complexity_vectors(
            m, diversity[comp_rows], ubiquity[comp_cols], dense_limit
        )
        mean, scale = float(kc.mean()), float(kc.std())
        if scale > 0:
            eci[comp_rows] = (kc - mean) / scale
            pci[comp_cols] = (kp - mean) / scale
            kp_full[comp_cols] = kp
        else:
            scale = float("nan")

    # COI_c = Σ_p ω_cp K_p − Σ_p M_cp ω_cp K_p, with Σ_p ω_cp K_p = (M (φ (K / s)))_c (φ symmetric).
    reach = presence @ np.asarray(proximity @ _safe_divide(kp_full, prox_total), dtype=np.float64)
    held = np.asarray(density.multiply(presence).tocsr() @ kp_full, dtype=np.float64)
    coi = np.full(n_rows, np.nan)
    valid = row_total > 0
    if np.isfinite(scale) and valid.any():
        raw = (reach - held)[valid]
        sd = float(raw.std())
        coi[valid] = (raw - raw.mean()) / sd if sd > 0 else np.nan

    return Relatedness(
        rca=rca,
        presence=presence,
        diversity=diversity,
        ubiquity=ubiquity,
        proximity=proximity,
        density=density,
        eci=eci,
        pci=pci,
        coi=coi,
        complexity_rows=comp_rows,
        complexity_columns=comp_cols,
        components=components,
        eigenvalue=eigenvalue,
        eigen_gap=gap,
        eigenvector=kp_full,
        eci_scale=scale,
    )


# ---------------------------------------------------------------------------------------------


def _row_sums(m: sp.csr_matrix) -> FloatArray:
    return np.asarray(m.sum(axis=1), dtype=np.float64).ravel()


def _safe_divide(a: FloatArray, b: FloatArray) -> FloatArray:
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(a, b, out=out, where=b != 0)
    return out


def _proximity(presence: sp.csr_matrix, ubiquity: FloatArray) -> sp.csr_matrix:
    """φ_pq = Σ_c M_cp M_cq / max(k_p, k_q): co-occurrences (exact integers) over the larger ubiquity."""
    co = sp.csr_matrix(presence.T @ presence)
    co.sum_duplicates()
    row_of = np.repeat(np.arange(co.shape[0], dtype=np.int64), np.diff(co.indptr))
    co.data = co.data / np.maximum(ubiquity[row_of], ubiquity[co.indices])
    return co


def _largest_part(
    presence: sp.csr_matrix, diversity: FloatArray, ubiquity: FloatArray
) -> tuple[BoolArray, BoolArray, int]:
    """Rows and columns of the largest connected part of the bipartite graph of M, and the number of parts."""
    n_rows, n_cols = presence.shape
    graph = sp.bmat([[None, presence], [presence.T, None]], format="csr")
    _n, labels = connected_components(graph, directed=False)
    active = np.concatenate([diversity > 0, ubiquity > 0])
    if not active.any():
        return np.zeros(n_rows, dtype=np.bool_), np.zeros(n_cols, dtype=np.bool_), 0
    sizes = np.bincount(labels[active])
    big = int(np.argmax(sizes))
    keep = (labels == big) & active
    return keep[:n_rows], keep[n_rows:], int(np.count_nonzero(sizes))


def _complexity_vectors(
    m: sp.csr_matrix, k_c: FloatArray, k_p: FloatArray, dense_limit: int
) -> tuple[FloatArray, FloatArray, float, float]:
    """(K_c, K_p, λ₂, λ₂ − λ₃) on a connected M. K_c = D_c⁻¹ M K_p exactly, signed by corr(k_c, K_c) > 0.

    M̃ = D_p⁻¹ Mᵀ D_c⁻¹ M is similar to the symmetric Aᵀ A (A = D_c^{-1/2} M D_p^{-1/2}), and A Aᵀ has the same
    non-zero eigenvalues; the top eigenvalue 1 (vector √k) is deflated, the next one is the one wanted.
    """
    a = sp.csr_matrix(sp.diags(1 / np.sqrt(k_c)) @ m @ sp.diags(1 / np.sqrt(k_p)))
    on_rows = a.shape[0] <= a.shape[1]
    if not on_rows:
        a = sp.csr_matrix(a.T)
    top = np.sqrt(k_c if on_rows else k_p)
    top = top / np.linalg.norm(top)
    n = a.shape[0]
    at = sp.csr_matrix(a.T)
    if n <= dense_limit or n < 4:
        gram = (a @ at).toarray()
        gram -= np.outer(top, top)
        vals, vecs = sla.eigh(gram)
        order = np.argsort(vals)[::-1]
        lam, vec = float(vals[order[0]]), vecs[:, order[0]]
        lam3 = float(vals[order[1]]) if n > 1 else float("nan")
    else:

        def matvec(v: FloatArray) -> FloatArray:
            v = np.asarray(v, dtype=np.float64).ravel()
            return np.asarray(a @ (at @ v) - top * (top @ v), dtype=np.float64)

        op = LinearOperator((n, n), matvec=matvec, rmatvec=matvec, dtype=np.float64)
        v0 = np.random.default_rng(_SEED).standard_normal(n)
        vals, vecs = eigsh(op, k=2, which="LA", tol=0, v0=v0)
        order = np.argsort(vals)[::-1]
        lam, vec = float(vals[order[0]]), vecs[:, order[0]]
        lam3 = float(vals[order[1]])
    if on_rows:
        kp = np.asarray(m.T @ (vec / np.sqrt(k_c)), dtype=np.float64) / k_p
    else:
        kp = np.asarray(vec / np.sqrt(k_p), dtype=np.float64)
    kc = np.asarray(m @ kp, dtype=np.float64) / k_c
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = float(np.corrcoef(k_c, kc)[0, 1])
        if not np.isfinite(corr):  # every row equally diverse: rare columns are the complex ones
            corr = -float(np.corrcoef(k_p, kp)[0, 1])
    if corr < 0:
        kc, kp = -kc, -kp
    return kc, kp, lam, lam - lam3
