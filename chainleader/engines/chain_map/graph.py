"""The product graph as sparse matrices: who makes what (with revenue weights), and product → material links.

Built once per batch from plain columns (the database loader in chainmap/selectors.py, or a CSV loader in
bench/); everything after that is matrix work, no loop over products or firms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .text import noise_mask

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Shenwan 2021 level-1 industries whose companies make things, and those whose companies do not (a retailer of
# 冰箱 is not a maker of 冰箱). 计算机, 通信, 传媒 and 环保 mix makers and service firms: unknown (None).
SW_MAKERS = frozenset(
    (
        "基础化工",
        "钢铁",
        "有色金属",
        "电子",
        "家用电器",
        "食品饮料",
        "纺织服饰",
        "轻工制造",
        "医药生物",
        "建筑材料",
        "电力设备",
        "国防军工",
        "汽车",
        "机械设备",
        "石油石化",
        "美容护理",
        "煤炭",
        "农林牧渔",
        "化工",
        "电气设备",
        "纺织服装",
        "采掘",
        "医药生物",
        "休闲服务",
    )
)
SW_NON_MAKERS = frozenset(
    (
        "商贸零售",
        "社会服务",
        "房地产",
        "银行",
        "非银金融",
        "综合",
        "交通运输",
        "建筑装饰",
        "公用事业",
    )
)


@dataclass
class Graph:
    """Products, listed companies and their industries, as index-aligned columns and sparse matrices.

    ``maker[c, p]``: company c's revenue weight on product p (0.001 placeholders included, eliminations < 0).
    ``upstream[p, q]``: q is an upstream material of p (上游材料, and 下游产品 reversed). Noise products (accounting
    lines, generic words) are masked out of both.
    """

    product_names: list[str]
    company_names: list[str]
    company_tickers: list[str]
    company_industry: list[str]  # level-1 industry name, "" unknown
    maker: sp.csr_matrix
    upstream: sp.csr_matrix
    noise: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))

    @property
    def n_products(self) -> int:
        return len(self.product_names)

    @property
    def n_companies(self) -> int:
        return len(self.company_names)

    @classmethod
    def from_edges(
        cls,
        product_names: Sequence[str],
        company_names: Sequence[str],
        company_tickers: Sequence[str],
        company_industry: Sequence[str],
        made: tuple[Sequence[int], Sequence[int], Sequence[float]],
        upstream: tuple[Sequence[int], Sequence[int]],
        downstream: tuple[Sequence[int], Sequence[int]] = ((), ()),
    ) -> Graph:
        """``made`` = (company, product, weight); ``upstream`` = (product, its material);
        ``downstream`` = (product, its downstream product), stored reversed as (downstream product, material)."""
        n_p, n_c = len(product_names), len(company_names)
        noise = noise_mask(list(product_names))
        rows, cols, weights = (np.asarray(x) for x in made)
        keep = ~noise[cols.astype(np.int64)] if len(cols) else np.zeros(0, dtype=np.bool_)
        maker = sp.csr_matrix(
            (
                weights[keep].astype(np.float64),
                (rows[keep].astype(np.int64), cols[keep].astype(np.int64)),
            ),
            shape=(n_c, n_p),
        )
        src = np.concatenate(
            [np.asarray(upstream[0], dtype=np.int64), np.asarray(downstream[1], dtype=np.int64)]
        )
        dst = np.concatenate(
            [np.asarray(upstream[1], dtype=np.int64), np.asarray(downstream[0], dtype=np.int64)]
        )
        ok = (src != dst) & ~noise[src] & ~noise[dst] if len(src) else np.zeros(0, dtype=np.bool_)
        up = sp.csr_matrix(
            (np.ones(int(ok.sum()), dtype=np.float64), (src[ok], dst[ok])), shape=(n_p, n_p)
        )
        up.data[:] = 1.0  # duplicates summed: back to 0/1
        return cls(
            list(product_names),
            list(company_names),
            list(company_tickers),
            list(company_industry),
            maker,
            up,
            noise,
        )

    def company_makes(self) -> list[bool | None]:
        """Manufacturing evidence per company from its level-1 industry (see SW_MAKERS / SW_NON_MAKERS)."""
        out: list[bool | None] = []
        for ind in self.company_industry:
            name = ind.rstrip("ⅡⅢ")
            out.append(True if name in SW_MAKERS else False if name in SW_NON_MAKERS else None)
        return out
