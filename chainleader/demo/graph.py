"""Demo: the real product graph from ../shared/data, and graph products for the synthetic local firms.

The graph itself is never copied into the project: it is imported from the path at demo time. Registry firms
that link to a listed company (by ticker or exact name) take that company's real products; every other demo
firm is synthetic, and gets products drawn from its chain's derived map, so the map shows presence that is as
invented as the firm (both stay flagged is_synthetic).
"""

from __future__ import annotations

import random
from pathlib import Path

from chainleader.chainmap.linking import link_companies, link_products
from chainleader.chainmap.models import ChainMap, CompanyLink
from chainleader.chains.models import Placement
from chainleader.enterprises.models import Enterprise, EnterpriseProduct, Product

SEED = 20211026


def assign_synthetic_products(*, seed: int = SEED) -> int:
    """1–2 products per synthetic firm that has none, from a segment of the derived map of its chain.

    About a third of the synthetic firms make a graph product; midstream segments are much likelier than
    upstream ones (so outer segments stay empty or thin and show as gaps), and each chain's first two
    upstream segments are left empty on purpose: a visible 缺失 for the demo.
    """
    rng = random.Random(seed)  # noqa: S311 (deterministic demo data, not security)
    linked = set(
        CompanyLink.objects.filter(status=CompanyLink.Status.CONFIRMED).values_list(
            "enterprise_id", flat=True
        )
    )
    has_products = set(EnterpriseProduct.objects.values_list("enterprise_id", flat=True))
    maps = {m.chain_id: m.segments for m in ChainMap.objects.all()}
    names = set()
    for segments in maps.values():
        for seg in segments:
            names.update(seg["products"])
    product_ids = dict(Product.objects.filter(name__in=names).values_list("name", "pk"))
    firm_chain: dict[int, int] = {}
    for ent, chain in (
        Placement.objects.filter(enterprise__is_synthetic=True)
        .order_by("pk")
        .values_list("enterprise_id", "segment__chain_id")
    ):
        firm_chain.setdefault(ent, chain)
    rows = []
    for ent in sorted(firm_chain):
        if ent in linked or ent in has_products:
            continue
        segments = maps.get(firm_chain[ent])
        if not segments:
            continue
        if rng.random() > 0.35:
            continue
        kept_empty = {s["id"] for s in segments if s["position"] == "up"}
        kept_empty = set(sorted(kept_empty)[:2])
        pool = [s for s in segments if s["products"] and s["id"] not in kept_empty]
        if not pool:
            continue
        weights = [8.0 if s["position"] == "mid" else 0.6 / (s["depth"] or 1) ** 3 for s in pool]
        for seg in rng.choices(pool, weights=weights, k=1):
            pid = product_ids.get(rng.choice(seg["products"]))
            if pid is not None:
                rows.append(EnterpriseProduct(enterprise_id=ent, product_id=pid))
    EnterpriseProduct.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def load_graph(path: Path, *, stdout=None) -> bool:
    """Import the graph, link the registry, give synthetic firms products and derive every map."""
    from django.core.management import call_command

    if not (path / "companies.csv").exists():
        if stdout:
            stdout.write(
                f"未找到产业链图谱数据 {path}，跳过图谱导入（产业链图谱页面将提示尚未推导）。\n"
            )
        return False
    call_command("import_chain_graph", str(path), "--no-progress")
    link_companies()
    link_products()
    call_command("derive_chain_maps")
    added = assign_synthetic_products()
    call_command("derive_chain_maps")
    if stdout:
        synthetic = Enterprise.objects.filter(is_synthetic=True).count()
        stdout.write(
            f"已为合成企业分配图谱产品 {added} 条（{synthetic} 家合成企业，产品同为合成数据）。\n"
        )
    return True
