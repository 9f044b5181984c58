"""The chainkg CSV folder as the engine's Graph, for tests and benchmarks (the product reads the database).

Names pass through the same ``normalise_product_name`` as the importer, so the two agree on every name.
"""

from __future__ import annotations

import csv
from pathlib import Path

from chainleader.engines.chain_map.graph import Graph
from chainleader.engines.chain_map.text import normalise_product_name


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def graph_from_csv_folder(folder: str | Path) -> Graph:
    folder = Path(folder)
    names: dict[str, int] = {}

    def pid(raw: str) -> int:
        name = normalise_product_name(raw)
        if name not in names:
            names[name] = len(names)
        return names[name]

    for row in _rows(folder / "products.csv"):
        pid(row["name"])
    l1 = {r["code"]: r["name"] for r in _rows(folder / "industries.csv") if r["level"] == "1"}
    industry = {
        r["ticker"]: l1.get(r["industry_code"][:2] + "0000", "")
        for r in _rows(folder / "company_industry.csv")
    }
    companies = _rows(folder / "companies.csv")
    cindex = {c["ticker"]: i for i, c in enumerate(companies)}
    made_c, made_p, made_w = [], [], []
    for row in _rows(folder / "company_product.csv"):
        c = cindex.get(row["ticker"])
        if c is None:
            continue
        try:
            weight = float(row["weight"])
        except ValueError:
            continue
        made_c.append(c)
        made_p.append(pid(row["product_name"]))
        made_w.append(weight)
    up: tuple[list[int], list[int]] = ([], [])
    down: tuple[list[int], list[int]] = ([], [])
    for row in _rows(folder / "product_product.csv"):
        a, b = pid(row["from_product"]), pid(row["to_product"])
        if row["rel"] == "上游材料":
            up[0].append(a)
            up[1].append(b)
        elif row["rel"] == "下游产品":
            down[0].append(a)
            down[1].append(b)
    product_names = [""] * len(names)
    for name, i in names.items():
        product_names[i] = name
    return Graph.from_edges(
        product_names,
        [c["name"] for c in companies],
        [c["ticker"] for c in companies],
        [industry.get(c["ticker"], "") for c in companies],
        (made_c, made_p, made_w),
        up,
        down,
    )
