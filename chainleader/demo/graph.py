"""Demo: the real product graph from ../shared/data, and graph products for the synthetic local firms.

The graph itself is never copied into the project: it is imported from the path at demo time. Registry firms
that link to a listed company (by ticker or exact name) take that company's real products; every other demo
firm is synthetic and names products of its chain's tree (demo/firms.py), as invented as the firm.
"""

from __future__ import annotations

from pathlib import Path

from chainleader.chainmap.linking import link_companies, link_products

SEED = 20211026


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
    # Firms still without products get suggestions to review (产品推荐); nothing is confirmed automatically.
    call_command("derive_product_suggestions", stdout=stdout)
    call_command("derive_chain_maps")
    from .investment_data import load_investment

    load_investment(stdout=stdout)
    return True
