"""Benchmark: 卡位入链 matching, 10,000 needs × 100,000 offers, each need's top 10 offers (issue 14, item 8).

Data. Product texts are real product names from ``../shared/data/chainkg/products.csv`` (read in place, never
copied into the project), normalised and with the graph's noise names dropped (``chain_map.text``: accounting
lines, generic words, too short or long), then drawn with replacement with a fixed seed: 10,000 need texts and
100,000 offer texts. The other columns are synthetic, drawn with the same seed and independent of the text:

- leaf: 600 chain-tree leaves in 200 segments of 3 (a leaf is adjacent to its two siblings); 70 % of rows have a
  leaf, uniform over the leaves, the rest none;
- industry: a GB/T 4754-2017 manufacturing class (section C, 4 digits) uniform over the classes from
  ``../shared/data/gbt4754_2017`` when present (else 525 made-up codes 1311…4399), 10 % of rows unknown;
- region: one of Qingdao's 10 counties (80 %) or 5 other Shandong counties (20 %);
- tier: 0 (70 %), 0.25 (15 %), 0.5 (10 %), 0.75 (4 %), 1 (1 %).

Ours: ``chainleader.engines.matching.match`` (default weights), timed from the columns to the result (TF-IDF fit,
grouping, search), needs → offers; then offers → needs (100,000 queries) timed too, for information.

Baseline, in the same process: ``match_exact``, the brute force that scores all 10⁹ pairs densely in blocks with the
same score function and tie rule. Recall = the share of the brute force's top-10 (need, offer) pairs that ours
returns; goal ≥ 0.99 (exit 1 if missed). Speed goal: ≤ 5 s for the 10,000 × 100,000 search (printed).
Run: ``make bench`` or ``.venv/bin/python bench/matching.py`` (``BENCH_NEEDS`` / ``BENCH_OFFERS`` shrink it).
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainleader.engines.chain_map.text import is_noise, normalise_product_name  # noqa: E402
from chainleader.engines.matching import Side, match, match_exact, recall  # noqa: E402

N_NEEDS = int(os.environ.get("BENCH_NEEDS", "10000"))
N_OFFERS = int(os.environ.get("BENCH_OFFERS", "100000"))
K = 10
GOAL_S = 5.0
GOAL_RECALL = 0.99
SEED = 20260214
QINGDAO = (
    "370202",
    "370203",
    "370211",
    "370212",
    "370213",
    "370214",
    "370215",
    "370281",
    "370283",
    "370285",
)
ELSEWHERE = ("370102", "370302", "370602", "370702", "371302")
TIERS = (0.0, 0.25, 0.5, 0.75, 1.0)
TIER_P = (0.70, 0.15, 0.10, 0.04, 0.01)
N_SEGMENTS, LEAVES_PER_SEGMENT = 200, 3


def shared_data() -> Path:
    root = os.environ.get("CHAINLEADER_SHARED_DATA")
    return Path(root) if root else ROOT.parent / "shared" / "data"


def product_names(folder: Path) -> list[str]:
    with (folder / "products.csv").open(encoding="utf-8", newline="") as fh:
        names = {normalise_product_name(row["name"]) for row in csv.DictReader(fh)}
    return sorted(n for n in names if n and not is_noise(n))


def industry_classes(data: Path) -> list[str]:
    path = data / "gbt4754_2017" / "gbt4754_2017.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            return [
                r["code"] for r in csv.DictReader(fh) if r["level"] == "4" and r["section"] == "C"
            ]
    return [f"{d}{g}{c}" for d in range(13, 44) for g in range(1, 6) for c in range(1, 5)][:525]


def draw_side(rng: np.random.Generator, n: int, names: list[str], classes: list[str]) -> Side:
    n_leaves = N_SEGMENTS * LEAVES_PER_SEGMENT
    leaf = rng.integers(0, n_leaves, n)
    has_leaf = rng.random(n) < 0.7
    industry = np.array(classes, dtype=object)[rng.integers(0, len(classes), n)]
    industry[rng.random(n) < 0.1] = ""
    local = rng.random(n) < 0.8
    region = np.where(
        local,
        np.array(QINGDAO, dtype=object)[rng.integers(0, len(QINGDAO), n)],
        np.array(ELSEWHERE, dtype=object)[rng.integers(0, len(ELSEWHERE), n)],
    )
    return Side(
        text=[names[i] for i in rng.integers(0, len(names), n)],
        leaf=[int(v) if h else None for v, h in zip(leaf.tolist(), has_leaf.tolist(), strict=True)],
        industry=industry.tolist(),
        region=region.tolist(),
        tier=rng.choice(TIERS, size=n, p=TIER_P).tolist(),
    )


def adjacency() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for seg in range(N_SEGMENTS):
        leaves = [seg * LEAVES_PER_SEGMENT + i for i in range(LEAVES_PER_SEGMENT)]
        for leaf in leaves:
            out[leaf] = [x for x in leaves if x != leaf]
    return out


def main() -> int:
    data = shared_data()
    folder = data / "chainkg"
    if not (folder / "products.csv").exists():
        print(f"skipped: chainkg data not found at {folder} (set CHAINLEADER_SHARED_DATA)")
        return 0
    t = time.perf_counter()
    names = product_names(folder)
    classes = industry_classes(data)
    rng = np.random.default_rng(SEED)
    needs = draw_side(rng, N_NEEDS, names, classes)
    offers = draw_side(rng, N_OFFERS, names, classes)
    adj = adjacency()
    print(
        f"{len(needs):,} needs × {len(offers):,} offers from {len(names):,} product names, "
        f"{len(classes)} industry classes, {len(adj)} leaves (built in {time.perf_counter() - t:.1f} s, not counted)"
    )

    t = time.perf_counter()
    ours = match(needs, offers, k=K, adjacency=adj)
    t_ours = time.perf_counter() - t
    print(f"ours  needs → offers, top {K}:            {t_ours:7.2f} s")
    t = time.perf_counter()
    back = match(offers, needs, k=K, adjacency=adj)
    t_back = time.perf_counter() - t
    print(
        f"ours  offers → needs, top {K} (same function): {t_back:7.2f} s  ({back.index.shape[0]:,} queries)"
    )

    t = time.perf_counter()
    exact = match_exact(needs, offers, k=K, adjacency=adj)
    t_base = time.perf_counter() - t
    print(f"base  brute force, every pair scored:     {t_base:7.2f} s")
    r = recall(ours, exact)
    same = bool(np.array_equal(ours.index, exact.index))
    gap = float(np.nanmax(np.abs(ours.score - exact.score), initial=0.0))
    print(
        f"recall@{K} against the brute force: {r:.4f} (goal ≥ {GOAL_RECALL}); identical rankings: {same}; "
        f"largest score difference {gap:.1e}"
    )
    print(f"ratio (base / ours): {t_base / t_ours:.1f}×")
    print(
        f"goal met ({t_ours:.2f} s ≤ {GOAL_S:.0f} s)"
        if t_ours <= GOAL_S
        else f"GOAL MISSED by {t_ours - GOAL_S:.2f} s"
    )
    shown = ours.contributions()
    top = np.nanmean(np.stack([shown[name][:, 0] for name in shown]), axis=1)
    print(
        "mean contribution to the top score: "
        + ", ".join(f"{n} {v:.3f}" for n, v in zip(shown, top, strict=True))
    )
    if r < GOAL_RECALL:
        print("RECALL GOAL MISSED")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
