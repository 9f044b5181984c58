"""A small chainkg folder written to tmp_path, with the real data's quirks in miniature."""

from __future__ import annotations

import csv
from pathlib import Path

from chainleader.chainmap.importer import HEADERS

SMALL_GRAPH: dict[str, list[list[str]]] = {
    "industries.csv": [
        ["280000", "汽车", "1", ""],
        ["280200", "汽车零部件", "2", "280000"],
        ["280201", "轮胎轮毂", "3", "280200"],
        ["330000", "家用电器", "1", ""],
        ["330100", "白色家电", "2", "330000"],
        ["330102", "空调", "3", "330100"],
    ],
    "companies.csv": [
        [
            "600690.SH",
            "海尔智家",
            "海尔智家股份有限公司",
            "上海证券交易所",
            "1993-11-19",
            "2",
            "青岛海尔股份有限公司",
        ],
        ["601058.SH", "赛轮轮胎", "赛轮集团股份有限公司", "上海证券交易所", "2011-06-30", "1", ""],
        [
            "000921.SZ",
            "海信家电",
            "海信家电集团股份有限公司",
            "深圳证券交易所",
            "1999-07-13",
            "1",
            "",
        ],
        ["300001.SZ", "特锐德", "青岛特锐德电气股份有限公司", "深圳证券交易所", "-", "1", ""],
    ],
    "company_industry.csv": [
        ["600690.SH", "海尔智家", "330102", "空调"],
        ["601058.SH", "赛轮轮胎", "280201", "轮胎轮毂"],
        ["000921.SZ", "海信家电", "330102", "空调"],
        ["300001.SZ", "特锐德", "640301", "仪器仪表"],  # code not in industries.csv: added
        ["999999.SH", "不存在", "330102", "空调"],  # ticker not in companies.csv: skipped
    ],
    "products.csv": [
        ["空调"],
        ["冰箱"],
        ["轮胎"],
        ["天然橡胶"],
        ["合成橡胶"],
        ["压缩机"],
        ["铜管"],
        [" 冰箱"],  # the same name after normalisation: skipped
    ],
    "company_product.csv": [
        ["600690.SH", "海尔智家", "空调", "0.4"],
        ["600690.SH", "海尔智家", "冰箱", "0.35"],
        ["600690.SH", "海尔智家", "冰箱", "0.5"],  # duplicate pair: the larger weight stays
        ["600690.SH", "海尔智家", "平衡项目", "-0.02"],
        ["601058.SH", "赛轮轮胎", "轮胎", "0.9"],
        ["601058.SH", "赛轮轮胎", "合成\n橡胶制品", "0.001"],  # line break inside the name
        ["000921.SZ", "海信家电", "空调", "0.6"],
    ],
    "product_product.csv": [
        ["空调", "上游材料", "压缩机"],
        ["空调", "上游材料", "铜管"],
        ["轮胎", "上游材料", "天然橡胶"],
        ["轮胎", "上游材料", "合成橡胶"],
        ["橡胶", "产品小类", "合成橡胶"],
        ["空调", "下游产品", "智能家居"],
        ["轮胎", "上游材料", "轮胎"],  # self-loop: dropped
        ["空调", "上游材料", '压缩机"'],  # stray quote: the same triple as line 2
    ],
    "industry_upstream.csv": [
        ["空调", "白色家电零部件", "12"],
        ["轮胎轮毂", "合成橡胶", "5"],
    ],
}

# What SMALL_GRAPH gives: 7 distinct names in products.csv + 平衡项目, 合成橡胶制品, 橡胶, 智能家居.
SMALL_PRODUCTS = 11


def write_graph(
    folder: Path,
    changes: dict[str, list[list[str]]] | None = None,
    headers: dict[str, list[str]] | None = None,
) -> Path:
    """Write the seven CSV files (SMALL_GRAPH, with whole files replaced by `changes`) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {**SMALL_GRAPH, **(changes or {})}
    for name, header in {**HEADERS, **(headers or {})}.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(data[name])
    return folder
