"""Per-mu yield evaluation (亩产效益): the NumPy engine against the row-by-row Python scorer.

Speed goal: 1,000,000 firm-years through ``mu_yield.evaluate`` in at most 0.5 s, at least 50× faster
than ``evaluate_rows_python`` (timed on a 50,000-row subsample and scaled linearly: a full run of
the pure-Python scorer holds a million dicts and takes several seconds per repeat). Both are timed
as timeit does (best of 3, garbage collector off). The engine gets the columns a selector would
build: float arrays and NumPy str arrays. No Django here. Run: ``make bench``.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from chainleader.engines import mu_yield

N_FIRM_YEARS = 1_000_000
N_BASELINE = 50_000
ENGINE_TARGET_S = 0.5
RATIO_TARGET = 50
REPEATS = 3
SEED = 20250601


def synthetic_columns(n: int, seed: int = SEED) -> dict[str, Any]:
    """Firm-years shaped like a prefecture's 亩均 returns: lognormal figures, a few gaps and oddities."""
    rng = np.random.default_rng(seed)

    def with_gaps(values: np.ndarray, missing: float, zero: float = 0.0) -> np.ndarray:
        draw = rng.random(n)
        values = values.astype(np.float64)
        values[draw < zero] = 0.0
        values[(draw >= zero) & (draw < zero + missing)] = np.nan
        return values

    above = (rng.random(n) < 0.35).astype(np.float64)
    land = with_gaps(rng.lognormal(np.log(25.0), 1.0, n).round(2), missing=0.03, zero=0.01)
    size = np.where(above == 1, 8.0, 1.0)  # 规上 firms are bigger per mu
    tax = rng.lognormal(np.log(3.0), 1.1, n) * np.nan_to_num(land, nan=10.0) * size / 8
    tax[rng.random(n) < 0.04] *= -0.2  # refunds larger than taxes paid
    revenue = tax * rng.lognormal(np.log(18.0), 0.5, n)
    value_added = revenue * rng.uniform(0.15, 0.35, n)
    serial = rng.permutation(n)
    divisions = np.where(rng.random(n) < 0.02, rng.integers(44, 47, n), rng.integers(13, 44, n))
    return {
        "uscc": np.array([f"9137020{s:010d}X" for s in serial]),
        "year": rng.integers(2022, 2025, n).astype(np.float64),
        "above_size": above,
        "industry_code": np.array(
            [f"C{d:02d}{c:02d}" for d, c in zip(divisions, rng.integers(0, 100, n), strict=True)]
        ),
        "production_start_year": with_gaps(rng.integers(1985, 2025, n), missing=0.10),
        "land_mu": land,
        "tax_wan": with_gaps(tax.round(2), missing=0.03),
        "revenue_wan": with_gaps(revenue.round(2), missing=0.02, zero=0.01),
        "value_added_wan": with_gaps(value_added.round(2), missing=0.05),
        "energy_tce": with_gaps(value_added * rng.lognormal(-1.0, 0.8, n), missing=0.08, zero=0.02),
        "emissions_t": with_gaps(
            value_added * rng.lognormal(-4.0, 1.0, n), missing=0.15, zero=0.05
        ),
        "rd_wan": with_gaps(revenue * rng.uniform(0.0, 0.05, n), missing=0.20),
        "employees": with_gaps(
            rng.lognormal(np.log(60.0), 1.0, n).round(), missing=0.02, zero=0.02
        ),
    }


def rows_of(columns: dict[str, Any], take: np.ndarray) -> list[dict[str, Any]]:
    """Plain dicts of Python scalars (the baseline's input), NaN as None."""
    picked = {name: values[take].tolist() for name, values in columns.items()}
    return [
        {
            name: None if isinstance(v, float) and math.isnan(v) else v
            for name, v in zip(picked, values, strict=True)
        }
        for values in zip(*picked.values(), strict=True)
    ]


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """Seconds of the fastest run, with the garbage collector off while timing (as timeit does)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return bool(a == b)


def main() -> None:
    scheme = mu_yield.default_scheme()
    columns = synthetic_columns(N_FIRM_YEARS)
    rng = np.random.default_rng(SEED + 1)
    take = np.sort(rng.choice(N_FIRM_YEARS, N_BASELINE, replace=False))
    sample_rows = rows_of(columns, take)
    sample_columns = {name: values[take] for name, values in columns.items()}

    # The two scorers must agree on the subsample before either is timed.
    engine_rows = mu_yield.evaluate(sample_columns, scheme).to_rows()
    python_rows = mu_yield.evaluate_rows_python(sample_rows, scheme)
    mismatches = sum(
        not same(e[k], p[k]) for e, p in zip(engine_rows, python_rows, strict=True) for k in e
    )
    if mismatches:
        raise SystemExit(f"engine and baseline disagree on {mismatches} values; not timing")
    print(f"check: engine and baseline agree on all {N_BASELINE:,} sampled firm-years")

    mu_yield.evaluate(sample_columns, scheme)  # warm-up (imports, first-touch allocations)
    engine_s = best_of(REPEATS, lambda: mu_yield.evaluate(columns, scheme))
    baseline_sample_s = best_of(REPEATS, lambda: mu_yield.evaluate_rows_python(sample_rows, scheme))
    baseline_s = baseline_sample_s * N_FIRM_YEARS / N_BASELINE

    ratio = baseline_s / engine_s
    print(
        f"engine: {N_FIRM_YEARS:,} firm-years in {engine_s:.2f} s "
        f"(best of {REPEATS}; target <= {ENGINE_TARGET_S} s)"
    )
    print(
        f"baseline (pure Python, extrapolated from {N_BASELINE:,}): {baseline_s:.1f} s "
        f"({baseline_sample_s:.2f} s for the subsample, best of {REPEATS}, scaled linearly)"
    )
    print(f"ratio: {ratio:.0f}x (target >= {RATIO_TARGET}x)")
    # TODO(mu_yield DB round trip): time selectors.firm_year_columns() -> evaluate() ->
    # bulk_create of EvaluationResult rows for 1M firm-years once chainleader.evaluation has models.
    if engine_s > ENGINE_TARGET_S or ratio < RATIO_TARGET:
        print("target missed")


if __name__ == "__main__":
    main()
