"""The relatedness engine (no Django): a 3 firms × 4 products case computed by hand, edge cases, and agreement to
1e-9 with the Growth Lab's ``ecomplexity`` 0.5.3 (test-only dependency) on a real matrix from the chainkg graph
(listed firms × products, revenue shares; skipped without ../shared/data)."""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
import scipy.sparse as sp

from bench.relatedness import (
    chainkg_folder,
    connected_core,
    differences,
    firm_products,
    run_ecomplexity,
)
from chainleader.engines.relatedness import relatedness

TOLERANCE = 1e-9

# ------------------------------------------------------------------------------------------ by hand
#
#        p0 p1 p2 p3 | total      RCA_cp = (X_cp / row total) / (column total / 18)
#   A     4  4  1  0 |  9         A: 8/5  4/3  1/3  0
#   B     0  2  4  0 |  6         B: 0    1    2    0      (two RCAs of exactly 1: present, ≥ 1)
#   C     1  0  1  1 |  3         C: 6/5  0    1    6
#   total 5  6  6  1 | 18
#
# M: A = {p0, p1}, B = {p1, p2}, C = {p0, p2, p3}; diversity (2, 2, 3), ubiquity (2, 2, 2, 1).
# Co-occurrences: p0p1 1, p0p2 1, p0p3 1, p1p2 1, p1p3 0, p2p3 1 → φ = co / max(k_p, k_q) = ½ each (p1p3: 0),
# diagonal 1; row sums s = (5/2, 2, 5/2, 2). Density ω_cp = Σ_q M_cq φ_pq / s_p.
# M̃_cc' = Σ_p M_cp M_c'p / (k_c k_p) = [[½, ¼, ¼], [¼, ½, ¼], [⅙, ⅙, ⅔]]: eigenvalues 1, 5/12, ¼. For 5/12,
# (a, a, b) with ¾a + ¼b = 5/12 a → b = −4a/3: K_c ∝ (−3, −3, 4) (signed: corr with diversity > 0).
# K_p = Σ_c M_cp K_c / k_p ∝ (½, −3, ½, 4); take K_p = (1, −6, 1, 8), then K_c = Σ_p M_cp K_p / k_c =
# (−5/2, −5/2, 10/3): mean −5/9, sd 35√2/18. ECI = (−1, −1, 2)/√2; PCI = (K_p + 5/9) / sd = √2/5 (2, −7, 2, 11).
# COI raw = Σ_p ω_cp (1 − M_cp) K_p: A 2/5·1 + ¼·8 = 12/5, B 12/5, C ½·(−6) = −3 → standardised (1, 1, −2)/√2.
# COG_cp = (1 − M_cp) Σ_q (1 − M_cq) φ_qp K_q / s_q / sd, with K_q / s_q = (2/5, −3, 2/5, 4):
# A: p2 2/5 + ½·4 = 12/5, p3 ½·2/5 + 4 = 21/5; B: p0 12/5, p3 21/5; C: p1 −3.

X_HAND = [[4, 4, 1, 0], [0, 2, 4, 0], [1, 0, 1, 1]]
RCA_HAND = [[F(8, 5), F(4, 3), F(1, 3), 0], [0, 1, 2, 0], [F(6, 5), 0, 1, 6]]
M_HAND = [[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 1]]
H = F(1, 2)
PHI_HAND = [[1, H, H, H], [H, 1, H, 0], [H, H, 1, H], [H, 0, H, 1]]
DENSITY_HAND = [
    [F(3, 5), F(3, 4), F(2, 5), F(1, 4)],
    [F(2, 5), F(3, 4), F(3, 5), F(1, 4)],
    [F(4, 5), F(1, 2), F(4, 5), 1],
]
SD_HAND = 35 * math.sqrt(2) / 18
R2 = math.sqrt(2)
ECI_HAND = [-1 / R2, -1 / R2, 2 / R2]
PCI_HAND = [R2 / 5 * v for v in (2, -7, 2, 11)]
COI_HAND = [1 / R2, 1 / R2, -2 / R2]
COG_RAW_HAND = [[0, 0, F(12, 5), F(21, 5)], [F(12, 5), 0, 0, F(21, 5)], [0, -3, 0, 0]]


def as_float(rows):
    return np.array([[float(v) for v in row] for row in rows])


@pytest.mark.parametrize("dense_limit", [1000, 0], ids=["dense-eigh", "lanczos"])
@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_three_firms_four_products_by_hand(kind, dense_limit):
    x = np.array(X_HAND, dtype=float)
    r = relatedness(x if kind == "dense" else sp.csr_matrix(x), dense_limit=dense_limit)
    # RCA to the last bit or so; the two RCAs of exactly 1 are exactly 1.0 and present (the threshold is ≥).
    np.testing.assert_allclose(r.rca.toarray(), as_float(RCA_HAND), rtol=1e-15, atol=0)
    assert r.rca[1, 1] == 1.0 and r.rca[2, 2] == 1.0
    assert (r.presence.toarray() == as_float(M_HAND)).all()
    assert r.diversity.tolist() == [2, 2, 3] and r.ubiquity.tolist() == [2, 2, 2, 1]
    assert (r.proximity.toarray() == as_float(PHI_HAND)).all()
    np.testing.assert_allclose(r.density.toarray(), as_float(DENSITY_HAND), rtol=0, atol=1e-15)
    np.testing.assert_allclose(r.eci, ECI_HAND, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.pci, PCI_HAND, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.coi, COI_HAND, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        r.opportunity_gain(), as_float(COG_RAW_HAND) / SD_HAND, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        r.opportunity_gain([2, 0]), as_float(COG_RAW_HAND)[[2, 0]] / SD_HAND, atol=1e-12
    )
    assert r.components == 1 and r.complexity_rows.all() and r.complexity_columns.all()
    assert r.eigenvalue == pytest.approx(5 / 12, abs=1e-12)
    assert r.eigen_gap == pytest.approx(5 / 12 - 1 / 4, abs=1e-12)
    # ECI is the mean PCI of the firm's present products.
    np.testing.assert_allclose(r.presence @ r.pci / r.diversity, r.eci, atol=1e-12)


def test_empty_rows_and_columns_are_absent_and_change_nothing_else():
    x = np.zeros((5, 6))
    x[np.ix_([0, 2, 4], [0, 1, 3, 5])] = X_HAND
    base, r = relatedness(np.array(X_HAND, dtype=float)), relatedness(x)
    assert (
        np.isnan(r.eci[[1, 3]]).all()
        and np.isnan(r.coi[[1, 3]]).all()
        and np.isnan(r.pci[[2, 4]]).all()
    )
    assert r.diversity[[1, 3]].tolist() == [0, 0] and r.ubiquity[[2, 4]].tolist() == [0, 0]
    rows, cols = [0, 2, 4], [0, 1, 3, 5]
    np.testing.assert_array_equal(r.rca.toarray()[np.ix_(rows, cols)], base.rca.toarray())
    np.testing.assert_array_equal(
        r.proximity.toarray()[np.ix_(cols, cols)], base.proximity.toarray()
    )
    np.testing.assert_allclose(
        r.density.toarray()[np.ix_(rows, cols)], base.density.toarray(), atol=1e-15
    )
    np.testing.assert_allclose(r.eci[rows], base.eci, atol=1e-12)
    np.testing.assert_allclose(r.pci[cols], base.pci, atol=1e-12)
    np.testing.assert_allclose(r.coi[rows], base.coi, atol=1e-12)
    np.testing.assert_allclose(
        r.opportunity_gain(rows)[:, cols], base.opportunity_gain(), atol=1e-12
    )


def test_complexity_lives_on_the_largest_connected_part():
    # The hand case, plus a firm alone on two products nobody else makes: a second part, where the eigenvalue 1
    # repeats and no ECI can be told apart; it gets NaN, the hand case keeps its values.
    x = np.zeros((4, 6))
    x[:3, :4] = X_HAND
    x[3, 4:] = [5, 1]
    r = relatedness(x)
    assert r.components == 2
    assert r.complexity_rows.tolist() == [True, True, True, False]
    assert r.complexity_columns.tolist() == [True] * 4 + [False] * 2
    assert np.isnan(r.eci[3]) and np.isnan(r.pci[4:]).all()
    np.testing.assert_allclose(r.eci[:3], ECI_HAND, atol=1e-12)
    np.testing.assert_allclose(r.pci[:4], PCI_HAND, atol=1e-12)
    assert np.isfinite(
        r.coi
    ).all()  # the lone firm's raw outlook is 0: nothing near it has a complexity
    # Its gain on the main part's products is that of a firm holding none of them: Σ_q φ_qp K_q / s_q / sd.
    empty = [F(11, 10), F(-13, 5), F(11, 10), F(22, 5)]
    np.testing.assert_allclose(
        r.opportunity_gain()[3], [float(v) / SD_HAND for v in empty] + [0, 0], atol=1e-12
    )


def test_values_are_checked():
    with pytest.raises(ValueError, match="≥ 0"):
        relatedness(np.array([[1.0, -0.5], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="finite"):
        relatedness(np.array([[1.0, np.nan], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="threshold"):
        relatedness(np.ones((2, 2)), threshold=0)


def test_duplicate_sparse_entries_are_summed():
    x = sp.coo_matrix(
        (
            [2.0, 2.0, 4, 1, 2, 4, 1, 1, 1],
            ([0, 0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 1, 2, 1, 2, 0, 2, 3]),
        )
    )
    np.testing.assert_allclose(relatedness(x).rca.toarray(), as_float(RCA_HAND), rtol=1e-15, atol=0)


# ------------------------------------------------------------------------------------------ the oracle

CHAINKG = chainkg_folder()
MIN_MAKERS = 10  # products made by ≥ 10 listed firms: ~2,000 firms × ~200 products, ecomplexity in a few seconds


@pytest.fixture(scope="module")
def real_matrix():
    if not (CHAINKG / "company_product.csv").is_file():
        pytest.skip(f"shared data not present: {CHAINKG}")
    core = connected_core(firm_products(CHAINKG), MIN_MAKERS)
    return core, run_ecomplexity(core.values)


@pytest.mark.shared_data
@pytest.mark.parametrize("dense_limit", [1000, 0], ids=["dense-eigh", "lanczos"])
def test_agrees_with_ecomplexity_053_on_the_listed_firms(real_matrix, dense_limit):
    core, oracle = real_matrix
    x = core.values
    assert x.shape[0] > 1500 and x.shape[1] > 150, x.shape  # a real matrix, not a toy
    ours = relatedness(x, dense_limit=dense_limit)
    assert ours.components == 1 and ours.eigen_gap > 1e-3
    assert np.isfinite(oracle.eci).all() and np.isfinite(oracle.pci).all()
    diff = differences(ours, oracle)
    assert set(diff) == {
        "rca",
        "M",
        "diversity",
        "ubiquity",
        "proximity",
        "density",
        "eci",
        "pci",
        "coi",
        "cog",
    }
    assert all(v <= TOLERANCE for v in diff.values()), diff
    # Exact where exact: presence and the diagonal of 1 (ecomplexity 0.5.3 keeps it; later versions change it).
    assert (ours.presence.toarray() == oracle.mcp).all()
    assert (np.diag(oracle.proximity) == 1).all() and (ours.proximity.diagonal() == 1).all()
