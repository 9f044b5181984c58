"""Relatedness and complexity on the listed firms' products: our engine against ``ecomplexity`` 0.5.3. No Django.

Matrix: chainkg's company → main product rows (``bench.graph_csv``: names normalised, noise products such as
平衡项目 masked), X_cp = the firm's revenue share on the product (the graph has no firm revenue, so every firm
weighs the same); negative weights (eliminations) dropped; firms and products with no positive weight dropped.

Ours: ``chainleader.engines.relatedness.relatedness`` on the **full** matrix (all listed firms × all products),
timed as one call plus the COG block for every firm; then on the baseline's matrix.

Baseline, in the same process: the Growth Lab's ``ecomplexity`` 0.5.3 (test-only dependency) from the long
table it expects. It works on the dense rectangle (its product-space matrix, proximity and eigenproblem are
products × products), so on the full matrix (~35,000 products: each dense P × P float64 matrix ~10 GB, a
non-symmetric eigendecomposition of that size for hours) it cannot run on this machine. It runs on the largest
part of the matrix it can in about a minute: products made by at least ``BENCH_MIN_MAKERS`` firms (default 3:
~2,800 firms × ~1,500 products; 2 gives ~3,000 × ~3,200 and takes ecomplexity about 6 minutes), the firms that
make them, narrowed to the largest connected part of the presence graph (so ECI is well defined). Both sides are
timed there (ecomplexity's time is its ``ecomplexity()`` call, the long table built beforehand) and compared
(RCA, M, proximity from its ``proximity()``, density, ECI, PCI, COI, COG to 1e-9; exit 1 if not).
Run: ``make bench`` or ``.venv/bin/python bench/relatedness.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.graph_csv import graph_from_csv_folder  # noqa: E402
from chainleader.engines.relatedness import Relatedness, relatedness  # noqa: E402

MIN_MAKERS = int(os.environ.get("BENCH_MIN_MAKERS", "3"))
TOLERANCE = 1e-9


def chainkg_folder() -> Path:
    root = os.environ.get("CHAINLEADER_SHARED_DATA")
    base = Path(root) if root else ROOT.parent / "shared" / "data"
    return base / "chainkg"


@dataclass
class FirmProducts:
    """X (firms × products, positive revenue shares) with the firms' tickers and the product names."""

    values: sp.csr_matrix
    tickers: list[str]
    products: list[str]

    def take(self, rows: npt.ArrayLike, cols: npt.ArrayLike) -> FirmProducts:
        r, c = np.asarray(rows), np.asarray(cols)
        if r.dtype == np.bool_:
            r = np.flatnonzero(r)
        if c.dtype == np.bool_:
            c = np.flatnonzero(c)
        return FirmProducts(
            sp.csr_matrix(self.values[r][:, c]),
            [self.tickers[i] for i in r.tolist()],
            [self.products[i] for i in c.tolist()],
        )


def firm_products(folder: Path) -> FirmProducts:
    """All listed firms × all products with a positive weight (the full graph matrix)."""
    graph = graph_from_csv_folder(folder)
    x = sp.csr_matrix(graph.maker, dtype=np.float64)
    x.sum_duplicates()
    x.data[x.data < 0] = 0
    x.eliminate_zeros()
    full = FirmProducts(x, list(graph.company_tickers), list(graph.product_names))
    return full.take(x.getnnz(axis=1) > 0, x.getnnz(axis=0) > 0)


def _rca_presence(x: sp.csr_matrix) -> sp.csr_matrix:
    rows = np.asarray(x.sum(axis=1)).ravel()
    cols = np.asarray(x.sum(axis=0)).ravel()
    rca = sp.csr_matrix(x.multiply(1 / rows[:, None]).multiply(cols.sum() / cols[None, :]))
    return sp.csr_matrix((rca >= 1).astype(np.float64))


def connected_core(data: FirmProducts, min_makers: int) -> FirmProducts:
    """Products made by ≥ ``min_makers`` firms and the firms making them, narrowed to the largest connected part
    of the presence graph; repeated until nothing changes (narrowing changes RCA, hence M)."""
    for _ in range(100):
        x = data.values
        cols = x.getnnz(axis=0) >= min_makers
        data = data.take(np.ones(x.shape[0], dtype=bool), cols)
        data = data.take(data.values.getnnz(axis=1) > 0, np.ones(data.values.shape[1], dtype=bool))
        m = _rca_presence(data.values)
        graph = sp.bmat([[None, m], [m.T, None]], format="csr")
        n, labels = connected_components(graph, directed=False)
        if n == 1 and (data.values.getnnz(axis=0) >= min_makers).all():
            return data
        big = int(np.argmax(np.bincount(labels)))
        n_rows = data.values.shape[0]
        data = data.take(labels[:n_rows] == big, labels[n_rows:] == big)
    raise RuntimeError("no stable connected core")


# ---------------------------------------------------------------------------------------------
# The oracle: ecomplexity 0.5.3 on the same matrix, its output as dense arrays in our row/column order
# ---------------------------------------------------------------------------------------------


@dataclass
class Oracle:
    rca: npt.NDArray[np.float64]
    mcp: npt.NDArray[np.float64]
    density: npt.NDArray[np.float64]
    cog: npt.NDArray[np.float64]
    diversity: npt.NDArray[np.float64]
    ubiquity: npt.NDArray[np.float64]
    eci: npt.NDArray[np.float64]
    pci: npt.NDArray[np.float64]
    coi: npt.NDArray[np.float64]
    proximity: npt.NDArray[np.float64]
    seconds: float  # ecomplexity() alone (it computes the proximity inside; proximity() only feeds the comparison)


def run_ecomplexity(x: sp.csr_matrix) -> Oracle:
    """ecomplexity 0.5.3 on X (rows = locations 0…C-1, columns = products 0…P-1), defaults (RCA ≥ 1, discrete
    symmetric proximity); proximity from its ``proximity`` function. Its prints and warnings are swallowed."""
    import pandas as pd
    from ecomplexity import ecomplexity, proximity

    coo = x.tocoo()
    long = pd.DataFrame(
        {
            "year": 2021,
            "loc": coo.row.astype(np.int64),
            "prod": coo.col.astype(np.int64),
            "val": coo.data,
        }
    )
    cols = {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}
    n_rows, n_cols = x.shape
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        out = ecomplexity(long, cols, check_logsupermodularity=False, verbose=False)
        seconds = time.perf_counter() - t
        prox = proximity(long, cols)
    out = out.sort_values(["loc", "prod"])
    if len(out) != n_rows * n_cols:
        raise RuntimeError(f"ecomplexity returned {len(out)} rows for a {n_rows} × {n_cols} matrix")

    def grid(name: str) -> npt.NDArray[np.float64]:
        return out[name].to_numpy(dtype=np.float64).reshape(n_rows, n_cols)

    prox = prox.sort_values(["prod_1", "prod_2"])
    return Oracle(
        rca=grid("rca"),
        mcp=grid("mcp"),
        density=grid("density"),
        cog=grid("cog"),
        diversity=grid("diversity")[:, 0],
        ubiquity=grid("ubiquity")[0],
        eci=grid("eci")[:, 0],
        pci=grid("pci")[0],
        coi=grid("coi")[:, 0],
        proximity=prox["proximity"].to_numpy(dtype=np.float64).reshape(n_cols, n_cols),
        seconds=seconds,
    )


def differences(ours: Relatedness, oracle: Oracle) -> dict[str, float]:
    """Largest |ours − oracle| / max(1, |oracle|) per result (NaN compares equal to NaN)."""

    def worst(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            return float("inf")
        both_nan = np.isnan(a) & np.isnan(b)
        diff = np.abs(a - b) / np.maximum(1.0, np.abs(b))
        diff[both_nan] = 0.0
        return float(np.nan_to_num(diff, nan=np.inf).max(initial=0.0))

    return {
        "rca": worst(ours.rca.toarray(), oracle.rca),
        "M": worst(ours.presence.toarray(), oracle.mcp),
        "diversity": worst(ours.diversity, oracle.diversity),
        "ubiquity": worst(ours.ubiquity, oracle.ubiquity),
        "proximity": worst(ours.proximity.toarray(), oracle.proximity),
        "density": worst(ours.density.toarray(), oracle.density),
        "eci": worst(ours.eci, oracle.eci),
        "pci": worst(ours.pci, oracle.pci),
        "coi": worst(ours.coi, oracle.coi),
        "cog": worst(ours.opportunity_gain(), oracle.cog),
    }


# ---------------------------------------------------------------------------------------------


def main() -> int:
    folder = chainkg_folder()
    if not (folder / "company_product.csv").exists():
        print(f"skipped: chainkg data not found at {folder} (set CHAINLEADER_SHARED_DATA)")
        return 0
    t = time.perf_counter()
    full = firm_products(folder)
    t_load = time.perf_counter() - t
    x = full.values
    print(
        f"full graph matrix: {x.shape[0]:,} listed firms × {x.shape[1]:,} products, {x.nnz:,} positive weights "
        f"(load {t_load:.2f} s, not counted)"
    )

    t = time.perf_counter()
    res = relatedness(x)
    t_core = time.perf_counter() - t
    t = time.perf_counter()
    cog = res.opportunity_gain()
    t_cog = time.perf_counter() - t
    print(
        f"ours  full: RCA, M, proximity, density, ECI/PCI, COI {t_core:7.3f} s; COG for every firm "
        f"({cog.shape[0]:,} × {cog.shape[1]:,} dense, {cog.nbytes / 2**20:,.0f} MiB) {t_cog:7.3f} s; "
        f"total {t_core + t_cog:7.3f} s"
    )
    print(
        f"      M {res.presence.nnz:,} present, proximity {res.proximity.nnz:,} non-zero, density "
        f"{res.density.nnz:,} non-zero; {res.components} connected parts, ECI on the largest "
        f"({int(res.complexity_rows.sum()):,} firms × {int(res.complexity_columns.sum()):,} products), "
        f"λ₂ {res.eigenvalue:.6f}, gap {res.eigen_gap:.6f}"
    )
    del cog

    core = connected_core(full, MIN_MAKERS)
    y = core.values
    print(
        f"baseline matrix: products made by ≥ {MIN_MAKERS} firms, largest connected part: "
        f"{y.shape[0]:,} firms × {y.shape[1]:,} products, {y.nnz:,} weights"
    )
    t = time.perf_counter()
    ours = relatedness(y)
    ours_cog = ours.opportunity_gain()
    t_ours = time.perf_counter() - t
    oracle = run_ecomplexity(y)
    t_base = oracle.seconds
    print(f"ours  same matrix (all of it, COG for every firm included): {t_ours:8.3f} s")
    print(f"base  ecomplexity 0.5.3, ecomplexity() from its long table:  {t_base:8.3f} s")
    del ours_cog
    diff = differences(ours, oracle)
    bad = {k: v for k, v in diff.items() if not v <= TOLERANCE}
    print(
        "agreement (max |ours − ecomplexity| / max(1, |ecomplexity|)): "
        + ", ".join(f"{k} {v:.1e}" for k, v in diff.items())
    )
    if bad:
        print(f"DISAGREE beyond {TOLERANCE:g}: {bad}")
        return 1
    print(f"ratio (base / ours) on the baseline matrix: {t_base / t_ours:7.1f}×  (>1: ours faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
