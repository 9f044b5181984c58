"""The criteria of each tier of the 优质企业梯度培育 pipeline, as data: the one place their thresholds live.

``engines.tier_criteria`` evaluates a firm's facts against these rows; nothing else holds a threshold. Sources
(docs/decisions/0024-tier-pipeline.md has the detail and what is a working assumption):

- 专精特新中小企业 and 专精特新"小巨人": 《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）, 附件2 and 3.
- 中小企业 (the SME test of 专精特新): 《中小企业划型标准规定》（工信部联企业〔2011〕300号）, industry: 从业人员
  < 1000 人 or 营业收入 < 40000 万元.
- 制造业单项冠军: 《制造业单项冠军企业培育提升专项行动实施方案》（工信部产业〔2016〕105号）and its 2023
  认定管理办法: 10 years or more in the field, the product ≥ 70 % of revenue, top 3 of its world market. The
  provincial list's market rank (national top 3) is this city's working rule, to confirm against the year's notice.
- 瞪羚: 科技部火炬中心 / local 瞪羚 rules: founded ≤ 10 years, last year's revenue ≥ 1000 万元, revenue growing
  ≥ 20 % a year over the last three years' figures.
- 独角兽: 科技部火炬中心 and the 长城战略咨询 list (e.g. 宿迁市 2022 notice): founded ≤ 10 years, private investment
  and not listed, valued ≥ 10 亿美元.
- 规上 (升规纳统): 国家统计局 规模以上 thresholds by industry: 工业 (门类 B/C/D) and 批发业 主营业务收入 2000 万元,
  零售业 500 万元, 住宿和餐饮业 200 万元, 规模以上服务业 2000 / 1000 / 500 万元 by 门类.

A criterion row: ``key`` (stable id), ``kind`` (what the engine computes), ``label`` (Chinese, shown as is) and the
kind's parameters. Money in 万元, shares as fractions (0.03 = 3 %), years as whole years.
"""

from __future__ import annotations

from typing import Any

# The tiers the pipeline follows, "tier:level" -> its name, source and criteria. Tier and level values are the
# registry's (enterprises.EnterpriseTier), plus "above_size" (升规) which the registry keeps as a flag.
RULES: dict[str, dict[str, Any]] = {
    "specialised:provincial": {
        "label": "专精特新中小企业（省级）",
        "source": "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）附件2",
        "criteria": [
            {
                "key": "sme",
                "kind": "sme",
                "label": "属于中小企业（从业人员 1000 人以下或营业收入 4 亿元以下）",
                "max_employees": 1000,
                "max_revenue_wan": 40000,
            },
            {
                "key": "years",
                "kind": "min_years",
                "label": "从事特定细分市场 2 年以上（以成立年限计）",
                "min": 2,
            },
            {
                "key": "rd_spend",
                "kind": "min_figure",
                "figure": "rd_wan",
                "label": "上年度研发费用不低于 100 万元",
                "min": 100,
            },
            {
                "key": "rd_share",
                "kind": "min_rd_share",
                "label": "上年度研发费用占营业收入比重不低于 3%",
                "min": 0.03,
                "years": 1,
            },
            {
                "key": "scale",
                "kind": "any_of",
                "label": "上年度营业收入 1000 万元以上，或近 2 年新增股权融资 2000 万元以上",
                "any": [
                    {"key": "revenue", "kind": "min_figure", "figure": "revenue_wan", "min": 1000},
                    {
                        "key": "financing",
                        "kind": "min_fact",
                        "fact": "equity_financing_wan",
                        "min": 2000,
                    },
                ],
            },
            {
                "key": "merit",
                "kind": "any_of",
                "label": "评价得分 60 分以上，或近 2 年研发费用均值 1000 万元以上，或近 2 年新增股权融资 6000 万元以上",
                "any": [
                    {"key": "score", "kind": "min_fact", "fact": "assessment_score", "min": 60},
                    {
                        "key": "rd_avg",
                        "kind": "min_figure_avg",
                        "figure": "rd_wan",
                        "min": 1000,
                        "years": 2,
                    },
                    {
                        "key": "financing",
                        "kind": "min_fact",
                        "fact": "equity_financing_wan",
                        "min": 6000,
                    },
                ],
            },
        ],
    },
    "little_giant:national": {
        "label": "专精特新“小巨人”企业（国家级）",
        "source": "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）附件3",
        "criteria": [
            {
                "key": "title",
                "kind": "holds_title",
                "label": "已认定为省级以上专精特新中小企业",
                "tiers": ["specialised", "little_giant"],
                "levels": ["provincial", "national"],
            },
            {
                "key": "sme",
                "kind": "sme",
                "label": "属于中小企业（从业人员 1000 人以下或营业收入 4 亿元以下）",
                "max_employees": 1000,
                "max_revenue_wan": 40000,
            },
            {
                "key": "years",
                "kind": "min_years",
                "label": "从事特定细分市场 3 年以上（以成立年限计）",
                "min": 3,
            },
            {
                "key": "main_business",
                "kind": "min_fact",
                "fact": "main_business_share",
                "label": "主营业务收入占营业收入比重不低于 70%",
                "min": 0.7,
            },
            {
                "key": "growth",
                "kind": "min_growth_avg",
                "label": "近 2 年主营业务收入平均增长率不低于 5%",
                "min": 0.05,
                "years": 2,
            },
            {
                "key": "debt",
                "kind": "max_fact",
                "fact": "debt_ratio",
                "label": "资产负债率不高于 70%",
                "max": 0.7,
            },
            {
                "key": "rd_share",
                "kind": "rd_share_bands",
                "label": "近 2 年研发费用占营业收入比重（营收 1 亿元以下 3%、1–4 亿元 2%、4 亿元以上 1%）",
                "bands": [[10000, 0.03], [40000, 0.02], [None, 0.01]],
                "years": 2,
            },
            {
                "key": "rd_staff",
                "kind": "min_fact",
                "fact": "rd_staff_share",
                "label": "研发人员占全部职工比重不低于 15%",
                "min": 0.15,
            },
            {
                "key": "ip",
                "kind": "min_fact",
                "fact": "ip_count",
                "label": "拥有 2 项以上与主导产品相关的 I 类知识产权",
                "min": 2,
            },
        ],
    },
    "single_champion:national": {
        "label": "制造业单项冠军（国家级）",
        "source": "《制造业单项冠军企业培育提升专项行动实施方案》（工信部产业〔2016〕105号）；制造业单项冠军企业认定管理办法（2023）",
        "criteria": [
            {
                "key": "manufacturing",
                "kind": "industry_sections",
                "label": "属于制造业（国民经济行业门类 C）",
                "sections": ["C"],
            },
            {
                "key": "years",
                "kind": "min_years",
                "label": "从事相关业务领域 10 年以上（以成立年限计）",
                "min": 10,
            },
            {
                "key": "product_share",
                "kind": "min_fact",
                "fact": "main_product_share",
                "label": "单项产品销售收入占全部业务收入比重 70% 以上",
                "min": 0.7,
            },
            {
                "key": "market_rank",
                "kind": "max_fact",
                "fact": "market_rank",
                "label": "单项产品全球市场占有率前 3 位",
                "max": 3,
            },
        ],
    },
    "single_champion:provincial": {
        "label": "制造业单项冠军（省级）",
        "source": "本市工作口径（参照国家级办法；以当年省级申报通知为准）",
        "criteria": [
            {
                "key": "manufacturing",
                "kind": "industry_sections",
                "label": "属于制造业（国民经济行业门类 C）",
                "sections": ["C"],
            },
            {
                "key": "years",
                "kind": "min_years",
                "label": "从事相关业务领域 10 年以上（以成立年限计）",
                "min": 10,
            },
            {
                "key": "product_share",
                "kind": "min_fact",
                "fact": "main_product_share",
                "label": "单项产品销售收入占全部业务收入比重 70% 以上",
                "min": 0.7,
            },
            {
                "key": "market_rank",
                "kind": "max_fact",
                "fact": "market_rank",
                "label": "单项产品国内市场占有率前 3 位",
                "max": 3,
            },
        ],
    },
    "gazelle:provincial": {
        "label": "瞪羚企业（省级）",
        "source": "科技部火炬中心高成长企业口径；本省瞪羚企业认定通知",
        "criteria": [
            {
                "key": "young",
                "kind": "max_years",
                "label": "成立不超过 10 年",
                "max": 10,
            },
            {
                "key": "revenue",
                "kind": "min_figure",
                "figure": "revenue_wan",
                "label": "上年度营业收入 1000 万元以上",
                "min": 1000,
            },
            {
                "key": "cagr",
                "kind": "min_cagr",
                "label": "近 3 年营业收入年均复合增长率不低于 20%",
                "min": 0.2,
                "years": 2,
            },
        ],
    },
    "unicorn:provincial": {
        "label": "独角兽企业（省级）",
        "source": "科技部火炬中心、长城战略咨询《中国独角兽企业研究报告》口径；各地独角兽认定通知",
        "criteria": [
            {
                "key": "young",
                "kind": "max_years",
                "label": "成立不超过 10 年",
                "max": 10,
            },
            {
                "key": "unlisted",
                "kind": "not_listed",
                "label": "获得私募投资且尚未上市",
            },
            {
                "key": "valuation",
                "kind": "min_fact",
                "fact": "valuation_usd_yi",
                "label": "估值 10 亿美元以上",
                "min": 10,
            },
        ],
    },
    "above_size:city": {
        "label": "规模以上企业（升规纳统）",
        "source": "国家统计局规模以上企业标准（工业主营业务收入 2000 万元，2011 年起）",
        "criteria": [
            {
                "key": "not_yet",
                "kind": "not_above_size",
                "label": "尚未纳入规模以上企业统计",
            },
            {
                "key": "revenue",
                "kind": "above_size_revenue",
                "label": "上年度营业收入达到所属行业的规模以上标准",
                # The longest code prefix of the firm's GB/T 4754 class that is listed wins (F52 before F).
                "thresholds": {
                    "B": 2000,
                    "C": 2000,
                    "D": 2000,
                    "F51": 2000,
                    "F52": 500,
                    "G": 2000,
                    "H": 200,
                    "I": 2000,
                    "K": 1000,
                    "L": 1000,
                    "M": 1000,
                    "N": 2000,
                    "O": 500,
                    "P": 1000,
                    "Q": 500,
                    "R": 500,
                },
            },
        ],
    },
}

# A city target for a tier counts the firms holding any of these titles (省级以上专精特新 includes 小巨人).
TARGET_TITLES: dict[str, tuple[str, ...]] = {
    "specialised": ("specialised", "little_giant"),
    "little_giant": ("little_giant",),
    "single_champion": ("single_champion",),
    "gazelle": ("gazelle",),
    "unicorn": ("unicorn",),
}

LEVEL_ORDER = {"city": 0, "provincial": 1, "national": 2}
