"""One normalisation of product names and one noise filter, shared by the graph importer and the engine.

* ``normalise_product_name``: the name as the source meant it. A line break inside a name is a PDF-extraction
  artefact and joins the two halves (``合成维生素\\nE系列`` → ``合成维生素E系列``); stray double quotes (bare or
  the dump's escaped ``\\"``) go; any other whitespace run becomes one space; the ends are stripped.
* ``is_noise``: accounting lines of revenue breakdowns (平衡项目, 分部间抵销, 合计 …), whole words that name no
  product (产品, 服务, 材料 …), and names too short or too long to be a product.
* ``is_sold_name``: a name that says the firm sells, trades or leases the thing (家电销售, 钢材贸易), not makes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

_LINE_BREAKS = re.compile(r"[\r\n]+")
_WS = re.compile(r"\s+")

# Accounting lines of the revenue breakdowns (README, chainkg): eliminations, balancing and adjustment items,
# totals, "other", and business-segment lines (房地产分部) that name a reporting unit, not a product.
NOISE_PATTERNS = (
    "平衡项目",
    "抵[销銷消减減]",
    "调整项目",
    "合计",
    "小计",
    "^其[他它]",
    "分部$",
    "^公司内",
    "^主营业务",
    "^其他业务",
    "收入$",
)
# Whole names that are words of the extraction, not products (产品, 成本 as a "material" of 物流).
GENERIC_NAMES = frozenset(
    (
        "产品",
        "成本",
        "货物",
        "经济",
        "安全",
        "服务",
        "业务",
        "材料",
        "设备",
        "原料",
        "其他",
        "商品",
        "工程",
    )
)
SOLD_SUFFIXES = ("销售", "贸易", "批发", "零售", "代理", "经销", "租赁", "进出口", "分销", "代销")

_NOISE = re.compile("|".join(f"(?:{p})" for p in NOISE_PATTERNS))


def normalise_product_name(raw: str) -> str:
    """The product name as the source meant it (see the module docstring)."""
    text = raw.replace('\\"', "").replace('"', "")
    text = _LINE_BREAKS.sub("", text)
    return _WS.sub(" ", text).strip()


def is_noise(name: str) -> bool:
    name = name.strip()
    if len(name) < 2 or len(name) > 40 or name in GENERIC_NAMES:
        return True
    return bool(_NOISE.search(name))


def noise_mask(names: Sequence[str]) -> npt.NDArray[np.bool_]:
    return np.fromiter((is_noise(n) for n in names), dtype=np.bool_, count=len(names))


def is_sold_name(name: str) -> bool:
    return name.endswith(SOLD_SUFFIXES)


def split_terms(text: str | Iterable[str]) -> list[str]:
    """Terms of a 、/，/newline-separated field (or a list), stripped, unique, in order."""
    items = re.split(r"[、，,;；\n]+", text) if isinstance(text, str) else list(text)
    out: list[str] = []
    for item in items:
        term = normalise_product_name(str(item))
        if term and term not in out:
            out.append(term)
    return out
