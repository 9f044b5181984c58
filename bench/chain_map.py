"""Chain maps (产业链图谱): fill all 33 curated trees from the full chainkg product graph, place a synthetic
local presence, judge every leaf. No Django.

Ours: ``bench.graph_csv.graph_from_csv_folder`` (timed apart), one ``LeafIndex`` over the leaves of all 33 tree
files (``chainleader/chains/trees/<level>/<name>.yaml``), then
- **fill**: ``derive.fill`` (graph products → leaves, national producers per leaf, leaf → leaf links),
- **placement**: ``placement.place_firms`` on 2,000 synthetic local firms drawn with a fixed seed (0–2 product
  names from the leaves' terms, a 4-digit GB/T class from the leaves' codes, a name 青岛某某<keyword>有限公司),
- **assess**: ``assess.judge_leaf`` per leaf (local firms = accepted placements, no masters, national producers).
Goal: fill + placement + assess in at most 10 s (the graph load is printed but not counted).

Baseline, in the same process: the straightforward way. For each leaf, loop over every graph product name in
pure Python and test each leaf term (name == term, or name ends with term and is longer; the longest matching
term of any leaf wins, as a head noun does; excludes respected on suffix matches), then the producers from a
dict product → [(company, weight)] built once, then the links by looping over the graph's upstream pairs. It
must give the same product sets, producer and refusal counts and links per leaf as ``fill`` (exit 1 if not).
If the first chain projects the baseline beyond 3 minutes, it stops after a fixed subset of 6 chains and both
sides are compared (and timed) on those (budget: ``BENCH_BASELINE_BUDGET_S``). Run: ``make bench``.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.graph_csv import graph_from_csv_folder  # noqa: E402
from chainleader.engines.chain_map import assess  # noqa: E402
from chainleader.engines.chain_map.derive import Filled, fill  # noqa: E402
from chainleader.engines.chain_map.graph import SW_NON_MAKERS, Graph  # noqa: E402
from chainleader.engines.chain_map.placement import (  # noqa: E402
    Firm,
    Leaf,
    LeafIndex,
    leaf_from_node,
    manufacturing_code,
    place_firms,
)
from chainleader.engines.chain_map.text import is_noise, normalise_product_name  # noqa: E402
from chainleader.engines.chain_map.tree import load_tree_file, tree_files  # noqa: E402

TARGET_S = 10.0
N_FIRMS = 2000
SEED = 20211026
BASELINE_BUDGET_S = float(os.environ.get("BENCH_BASELINE_BUDGET_S", "180"))
SUBSET_CHAINS = 6
TREES = ROOT / "chainleader" / "chains" / "trees"
SOURCES = "chainkg 产品图谱（CSV）；合成的本地企业（基准测试）"


def chainkg_folder() -> Path:
    root = os.environ.get("CHAINLEADER_SHARED_DATA")
    base = Path(root) if root else ROOT.parent / "shared" / "data"
    return base / "chainkg"


def load_leaves() -> tuple[list[str], list[Leaf], dict[int, str]]:
    """Chains in file order, the leaves of all of them (chain = "<level>:<name>"), strategic sources."""
    chains: list[str] = []
    leaves: list[Leaf] = []
    strategic_source: dict[int, str] = {}
    for path in tree_files(TREES):
        tree = load_tree_file(path)
        chain = f"{tree.level}:{path.stem}"
        chains.append(chain)
        for n in tree.leaves:
            strategic_source[len(leaves)] = n.strategic_source
            leaves.append(leaf_from_node(n, chain))
    return chains, leaves, strategic_source


def synthetic_firms(leaves: list[Leaf]) -> list[Firm]:
    rng = random.Random(SEED)
    terms = sorted({t for leaf in leaves for t in leaf.terms})
    codes = sorted({c for leaf in leaves for c in leaf.codes if len(c) == 4})
    keywords = sorted({k for leaf in leaves for k in leaf.keywords})
    firms = []
    for _ in range(N_FIRMS):
        products = [(t, 0.0) for t in rng.sample(terms, rng.randint(0, 2))]
        code = rng.choice(codes)
        makes = manufacturing_code(code)
        firms.append(
            Firm(
                name=f"青岛某某{rng.choice(keywords)}有限公司",
                products=products,
                code=code,
                manufacturing=makes,
                why_not_manufacturing=f"行业代码 {code} 不属制造业（C 门类）"
                if makes is False
                else "",
            )
        )
    return firms


# ---------------------------------------------------------------------------------------------
# Baseline: pure-Python loops over every product name, a dict of makers, a loop over upstream pairs
# ---------------------------------------------------------------------------------------------


def baseline_match(
    names: list[str], leaves: list[Leaf], chain_order: list[str]
) -> tuple[dict[int, set[int]], float, int]:
    """Products per leaf. Scans leaf by leaf; after the first chain projects the full scan and, beyond the
    budget, keeps to the first SUBSET_CHAINS chains. Returns (products per leaf, seconds, chains scanned)."""
    t0 = time.perf_counter()
    clean = [(p, n) for p, n in enumerate(names) if n and not is_noise(n)]
    # (leaf, term length, excluded) per product: the longest term over all leaves decides, as a head noun.
    found: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    by_chain: dict[str, list[int]] = defaultdict(list)
    for i, leaf in enumerate(leaves):
        by_chain[leaf.chain].append(i)
    total_terms = sum(len(leaf.terms) + 1 for leaf in leaves)
    scanned = 0
    done_terms = 0
    for chain in chain_order:
        for i in by_chain[chain]:
            leaf = leaves[i]
            terms = []
            for t in leaf.terms:
                t = normalise_product_name(t)
                if len(t) >= 2 and t not in terms:
                    terms.append(t)
            for p, name in clean:
                for t in terms:
                    if name == t:
                        found[p].append((i, len(t), False))
                    elif len(name) > len(t) and name.endswith(t):
                        excluded = any(x in name for x in leaf.excludes)
                        found[p].append((i, len(t), excluded))
            done_terms += len(leaf.terms) + 1
        scanned += 1
        if scanned == 1:
            projected = (time.perf_counter() - t0) * total_terms / done_terms
            if projected > BASELINE_BUDGET_S:
                print(
                    f"base  projected full scan {projected:.0f} s > {BASELINE_BUDGET_S:.0f} s: "
                    f"first {SUBSET_CHAINS} chains only"
                )
                chain_order = chain_order[:SUBSET_CHAINS]
        if scanned >= len(chain_order):
            break
    kept = {i for c in chain_order for i in by_chain[c]}
    products: dict[int, set[int]] = {i: set() for i in kept}
    for p, hits in found.items():
        hits = [h for h in hits if h[0] in kept]
        if not hits:
            continue
        best = max(length for _i, length, _x in hits)
        exact = best == len(names[p])
        for i, length, excluded in hits:
            if length == best and (exact or not excluded):
                products[i].add(p)
    return products, time.perf_counter() - t0, scanned


def baseline_makers(graph: Graph) -> dict[int, list[tuple[int, float]]]:
    """product → [(company, weight)], built once from the graph's rows."""
    makers: dict[int, list[tuple[int, float]]] = defaultdict(list)
    m = graph.maker.tocoo()
    for c, p, w in zip(m.row.tolist(), m.col.tolist(), m.data.tolist(), strict=True):
        makers[p].append((c, w))
    return makers


def baseline_producers(
    graph: Graph,
    leaves: list[Leaf],
    products: dict[int, set[int]],
    makers: dict[int, list[tuple[int, float]]],
) -> dict[int, tuple[int, int]]:
    """(producers, refused) per leaf: a positive weight on any of its products; non-makers refused on made leaves."""
    non_maker = [ind.rstrip("ⅡⅢ") in SW_NON_MAKERS for ind in graph.company_industry]
    out = {}
    for i, prods in products.items():
        comps = set()
        for p in prods:
            for c, w in makers.get(p, ()):
                if w > 0:
                    comps.add(c)
        refused = {c for c in comps if non_maker[c]} if leaves[i].makes else set()
        out[i] = (len(comps) - len(refused), len(refused))
    return out


def baseline_links(
    graph: Graph, leaves: list[Leaf], products: dict[int, set[int]]
) -> dict[tuple[int, int], int]:
    """(supplier leaf, user leaf) → product pairs, over every 上游材料 pair (p made from q), within one chain."""
    leaves_of: dict[int, list[int]] = defaultdict(list)
    for i, prods in products.items():
        for p in prods:
            leaves_of[p].append(i)
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    u = graph.upstream.tocoo()
    for p, q in zip(u.row.tolist(), u.col.tolist(), strict=True):
        for a in leaves_of.get(q, ()):
            for b in leaves_of.get(p, ()):
                if a != b and leaves[a].chain == leaves[b].chain:
                    pairs[(a, b)] += 1
    return dict(pairs)


def compare(
    filled: Filled,
    leaves: list[Leaf],
    products: dict[int, set[int]],
    producers: dict[int, tuple[int, int]],
    links: dict[tuple[int, int], int],
) -> list[str]:
    P = filled.product_leaf.tocsc()
    problems = []
    for i in sorted(products):
        ours = set(P.indices[P.indptr[i] : P.indptr[i + 1]].tolist())
        f = filled.leaves[i]
        name = f"{leaves[i].chain} {leaves[i].name}"
        if ours != products[i] or f.product_count != len(products[i]):
            only_ours, only_base = sorted(ours - products[i])[:3], sorted(products[i] - ours)[:3]
            problems.append(
                f"{name}: products {len(ours)} vs {len(products[i])} (only ours {only_ours}, "
                f"only base {only_base})"
            )
        elif (f.producer_count, f.refused) != producers[i]:
            problems.append(
                f"{name}: producers/refused {(f.producer_count, f.refused)} vs {producers[i]}"
            )
    ours_links = {(x.source, x.target): x.pairs for x in filled.links}
    if ours_links != links:
        diff = set(ours_links.items()) ^ set(links.items())
        problems.append(f"links: {len(ours_links)} vs {len(links)}, {len(diff)} differ")
    return problems


# ---------------------------------------------------------------------------------------------


def main() -> int:
    folder = chainkg_folder()
    if not (folder / "product_product.csv").exists():
        print(f"skipped: chainkg data not found at {folder} (set CHAINLEADER_SHARED_DATA)")
        return 0

    t = time.perf_counter()
    graph = graph_from_csv_folder(folder)
    t_load = time.perf_counter() - t
    chains, leaves, strategic_source = load_leaves()
    firms = synthetic_firms(leaves)
    print(
        f"graph: {graph.n_products:,} products, {graph.n_companies:,} companies, {graph.maker.nnz:,} maker rows, "
        f"{graph.upstream.nnz:,} upstream pairs"
    )
    print(
        f"trees: {len(chains)} chains, {len(leaves)} leaves, {sum(len(x.terms) for x in leaves):,} terms; "
        f"synthetic local firms: {N_FIRMS:,} (seed {SEED})"
    )

    # --- Ours --------------------------------------------------------------------------------------
    t = time.perf_counter()
    index = LeafIndex(leaves)
    t_index = time.perf_counter() - t
    t = time.perf_counter()
    filled = fill(graph, index)
    t_fill = time.perf_counter() - t
    t = time.perf_counter()
    placed, refused = place_firms(firms, index)
    t_place = time.perf_counter() - t
    t = time.perf_counter()
    local: dict[int, set[int]] = defaultdict(set)
    for p in placed:
        if not p.review:
            local[p.leaf].add(p.firm)
    statuses: dict[str, int] = defaultdict(int)
    for i, leaf in enumerate(leaves):
        facts = assess.LeafFacts(len(local[i]), 0, filled.leaves[i].producer_count, None, None)
        verdict = assess.judge_leaf(
            facts,
            strategic=leaf.strategic,
            strategic_source=strategic_source[i],
            position=leaf.position,
            local_base=N_FIRMS,
            national_base=filled.national_base,
            sources=SOURCES,
            makes=leaf.makes,
        )
        statuses[assess.STATUS_LABELS[verdict["status"]]] += 1
    t_assess = time.perf_counter() - t
    total = t_fill + t_place + t_assess
    accepted = sum(1 for p in placed if not p.review)
    filled_leaves = sum(1 for f in filled.leaves if f.product_count)

    print(f"ours  graph load (CSV → sparse):        {t_load:7.3f} s  (not counted)")
    print(f"ours  leaf index (all leaves):          {t_index:7.3f} s  (not counted)")
    print(
        f"ours  fill (products, producers, links):{t_fill:7.3f} s  ({len(leaves)} leaves, "
        f"{filled_leaves} with graph products, {len(filled.links)} links, national base {filled.national_base:,})"
    )
    print(
        f"ours  placement ({N_FIRMS:,} firms):          {t_place:7.3f} s  ({len(placed):,} placements, "
        f"{accepted:,} accepted, {len(placed) - accepted:,} to review, {len(refused):,} refused)"
    )
    print(f"ours  assess ({len(leaves)} leaves):             {t_assess:7.3f} s  ({dict(statuses)})")
    print(
        f"ours  total fill + placement + assess:  {total:7.3f} s  "
        f"(goal ≤ {TARGET_S:.0f} s: {'met' if total <= TARGET_S else 'NOT met'})"
    )

    # --- Baseline ----------------------------------------------------------------------------------
    t = time.perf_counter()
    makers = baseline_makers(graph)
    t_setup = time.perf_counter() - t
    products, t_match, scanned = baseline_match(graph.product_names, leaves, chains)
    subset = scanned < len(chains)
    compare_to, leaves_used, t_ours = filled, leaves, t_fill
    if subset:
        # Compare and time on the same leaves: a LeafIndex over the subset's leaves only.
        keep = sorted(products)
        leaves_used = [leaves[i] for i in keep]
        products = {k: products[i] for k, i in enumerate(keep)}
        t = time.perf_counter()
        compare_to = fill(graph, LeafIndex(leaves_used))
        t_ours = time.perf_counter() - t
    t = time.perf_counter()
    producers = baseline_producers(graph, leaves_used, products, makers)
    t_prod = time.perf_counter() - t
    t = time.perf_counter()
    links = baseline_links(graph, leaves_used, products)
    t_links = time.perf_counter() - t
    t_base = t_setup + t_match + t_prod + t_links
    scope = f"first {scanned} of {len(chains)} chains" if subset else f"all {len(chains)} chains"
    print(f"base  makers dict (once):               {t_setup:7.3f} s")
    print(
        f"base  match every name × every term:    {t_match:7.3f} s  ({scope}, {len(leaves_used)} leaves)"
    )
    print(f"base  producers (dict loops):           {t_prod:7.3f} s")
    print(f"base  links (loop over upstream pairs): {t_links:7.3f} s  ({len(links)} links)")
    print(f"base  fill total:                       {t_base:7.3f} s")

    problems = compare(compare_to, leaves_used, products, producers, links)
    if problems:
        print(f"agreement: {len(problems)} mismatches")
        for line in problems[:10]:
            print(f"  {line}")
        return 1
    print(
        f"agreement: same product sets, producer and refusal counts, and links on {len(leaves_used)} leaves "
        f"({scope})"
    )
    print(f"ratio fill (base / ours): {t_base / t_ours:7.1f}×  (>1: ours faster; {scope})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
