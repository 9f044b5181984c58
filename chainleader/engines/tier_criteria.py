"""Criteria checks of the tier pipeline (梯度培育): a firm's facts against each tier's criteria (``tier_rules``).

Pure Python, no Django. ``evaluate(rule_key, facts)`` gives one ``Check`` per criterion: pass, fail or unknown,
with the value found, the threshold and a reason in Chinese. A criterion whose figure the registry does not hold
(or the user may not see) is *unknown*, never a fail: "未知（缺少数据：…）". The verdict of a tier is
``eligible`` (every criterion passes), ``possible`` (none fails, some unknown) or ``ineligible`` (one fails).

Years: ``facts.year`` is the application year; "上年度" is ``year - 1`` and "近 2 年" the two years before the
application year. Years since founding are whole years from the founding date to 1 January of the application
year (the end of the last fiscal year). The registry's founding date stands for "years in the niche" (从事特定细分
市场时间): a firm cannot have been in a market longer than it exists, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .tier_rules import RULES

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
ELIGIBLE, POSSIBLE, INELIGIBLE = "eligible", "possible", "ineligible"

OUTCOME_LABELS = {PASS: "符合", FAIL: "不符合", UNKNOWN: "未知"}
VERDICT_LABELS = {
    ELIGIBLE: "符合全部条件",
    POSSIBLE: "已知条件均符合（部分未知）",
    INELIGIBLE: "不符合",
}

FIGURE_LABELS = {
    "revenue_wan": "营业收入",
    "rd_wan": "研发费用",
    "employees": "从业人员",
}
FACT_LABELS = {
    "main_business_share": "主营业务收入占比",
    "main_product_share": "单项产品收入占比",
    "rd_staff_share": "研发人员占比",
    "ip_count": "I 类知识产权数",
    "debt_ratio": "资产负债率",
    "market_rank": "细分市场排名",
    "valuation_usd_yi": "估值（亿美元）",
    "equity_financing_wan": "近 2 年新增股权融资（万元）",
    "assessment_score": "评价得分",
}
SHARE_FACTS = {"main_business_share", "main_product_share", "rd_staff_share", "debt_ratio"}
MONEY_FACTS = {"equity_financing_wan"}

Number = float


@dataclass(frozen=True)
class Facts:
    """What is known of a firm for one application year. Figures by fiscal year; None or absent is unknown."""

    year: int
    founded_on: date | None = None
    revenue_wan: Mapping[int, Number | None] = field(default_factory=dict)
    rd_wan: Mapping[int, Number | None] = field(default_factory=dict)
    employees: Mapping[int, Number | None] = field(default_factory=dict)
    industry_code: str = ""  # GB/T 4754 class with its section letter (C3951), "" unknown
    above_size: bool | None = None
    listed: bool | None = None
    titles: frozenset[tuple[str, str]] = (
        frozenset()
    )  # (tier, level) held before the application year
    declared: Mapping[str, Number | None] = field(
        default_factory=dict
    )  # from the application (申报材料)
    figures_hidden: bool = (
        False  # the user may not see the confidential figures: say so in the reasons
    )

    def figure(self, name: str, year: int) -> Number | None:
        series: Mapping[int, Number | None] = getattr(self, name)
        value = series.get(year)
        return None if value is None else float(value)

    def fact(self, name: str) -> Number | None:
        value = self.declared.get(name)
        return None if value is None else float(value)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    outcome: str
    value: str
    threshold: str
    reason: str

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class Verdict:
    rule: str
    label: str
    source: str
    checks: tuple[Check, ...]

    @property
    def outcome(self) -> str:
        outcomes = {c.outcome for c in self.checks}
        if FAIL in outcomes:
            return INELIGIBLE
        return POSSIBLE if UNKNOWN in outcomes else ELIGIBLE

    @property
    def outcome_label(self) -> str:
        return VERDICT_LABELS[self.outcome]

    def summary(self) -> str:
        """One line: the verdict and the criteria that failed or are unknown."""
        failed = [c.label for c in self.checks if c.outcome == FAIL]
        unknown = [c.label for c in self.checks if c.outcome == UNKNOWN]
        parts = [self.outcome_label]
        if failed:
            parts.append("不符合：" + "；".join(failed))
        if unknown:
            parts.append("未知：" + "；".join(unknown))
        return "。".join(parts)


# ------------------------------------------------------------------------------------------------ formatting


def _num(x: Number) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def money(x: Number | None) -> str:
    return "—" if x is None else f"{_num(x)} 万元"


def pct(x: Number | None) -> str:
    if x is None:
        return "—"
    return f"{x * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _fact_text(name: str, x: Number | None) -> str:
    if x is None:
        return "—"
    if name in SHARE_FACTS:
        return pct(x)
    if name in MONEY_FACTS:
        return money(x)
    return _num(x)


def _missing(what: str, facts: Facts, *, confidential: bool = True) -> str:
    if confidential and facts.figures_hidden:
        return f"未知（缺少数据：{what}；您的权限不含保密经营数据）"
    return f"未知（缺少数据：{what}）"


def _declared_missing(what: str) -> str:
    return f"未知（缺少数据：{what}，登记库未收录，可在申报信息中填写）"


def years_since(founded_on: date, on: date) -> int:
    """Whole years from ``founded_on`` to ``on``."""
    years = on.year - founded_on.year
    if (on.month, on.day) < (founded_on.month, founded_on.day):
        years -= 1
    return max(years, 0)


# ---------------------------------------------------------------------------------------------------- kinds


def _years(c: dict[str, Any], facts: Facts) -> tuple[int | None, date]:
    on = date(facts.year, 1, 1)
    if facts.founded_on is None:
        return None, on
    return years_since(facts.founded_on, on), on


def _min_years(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    n, on = _years(c, facts)
    threshold = f"≥ {c['min']} 年"
    if n is None:
        return UNKNOWN, "—", threshold, _missing("成立日期", facts, confidential=False)
    value = f"{n} 年"
    if n >= c["min"]:
        return PASS, value, threshold, f"成立于 {facts.founded_on}，至 {on} 已满 {n} 年"
    return (
        FAIL,
        value,
        threshold,
        f"成立于 {facts.founded_on}，至 {on} 仅 {n} 年，不足 {c['min']} 年",
    )


def _max_years(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    n, on = _years(c, facts)
    threshold = f"≤ {c['max']} 年"
    if n is None:
        return UNKNOWN, "—", threshold, _missing("成立日期", facts, confidential=False)
    value = f"{n} 年"
    if n <= c["max"]:
        return PASS, value, threshold, f"成立于 {facts.founded_on}，至 {on} 为 {n} 年"
    return (
        FAIL,
        value,
        threshold,
        f"成立于 {facts.founded_on}，至 {on} 已 {n} 年，超过 {c['max']} 年",
    )


def _min_figure(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    y = facts.year - 1
    name = FIGURE_LABELS[c["figure"]]
    x = facts.figure(c["figure"], y)
    threshold = f"≥ {money(c['min'])}"
    if x is None:
        return UNKNOWN, "—", threshold, _missing(f"{y} 年{name}", facts)
    value = f"{money(x)}（{y} 年）"
    if x >= c["min"]:
        return PASS, value, threshold, f"{y} 年{name} {money(x)}，达到 {money(c['min'])}"
    return FAIL, value, threshold, f"{y} 年{name} {money(x)}，低于 {money(c['min'])}"


def _min_figure_avg(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    years = list(range(facts.year - c["years"], facts.year))
    name = FIGURE_LABELS[c["figure"]]
    values = [facts.figure(c["figure"], y) for y in years]
    threshold = f"均值 ≥ {money(c['min'])}"
    missing = [y for y, v in zip(years, values, strict=True) if v is None]
    if missing:
        return UNKNOWN, "—", threshold, _missing("、".join(f"{y} 年{name}" for y in missing), facts)
    avg = sum(v for v in values if v is not None) / len(values)
    value = f"{money(avg)}（{years[0]}–{years[-1]} 年均值）"
    if avg >= c["min"]:
        return (
            PASS,
            value,
            threshold,
            f"{years[0]}–{years[-1]} 年{name}均值 {money(avg)}，达到 {money(c['min'])}",
        )
    return (
        FAIL,
        value,
        threshold,
        f"{years[0]}–{years[-1]} 年{name}均值 {money(avg)}，低于 {money(c['min'])}",
    )


def _rd_shares(facts: Facts, n: int) -> tuple[list[int], list[float | None], list[str]]:
    """R&D ÷ revenue for each of the ``n`` years before the application year, and what is missing."""
    years = list(range(facts.year - n, facts.year))
    shares: list[float | None] = []
    missing: list[str] = []
    for y in years:
        rd, rev = facts.figure("rd_wan", y), facts.figure("revenue_wan", y)
        if rd is None:
            missing.append(f"{y} 年研发费用")
        if rev is None:
            missing.append(f"{y} 年营业收入")
        shares.append(rd / rev if rd is not None and rev else None)
        if rev == 0 and rd is not None:
            missing.append(f"{y} 年营业收入为 0")
    return years, shares, missing


def _shares_text(years: list[int], shares: list[float | None]) -> str:
    return "，".join(f"{y} 年 {pct(s)}" for y, s in zip(years, shares, strict=True))


def _min_rd_share(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    years, shares, missing = _rd_shares(facts, c["years"])
    threshold = f"≥ {pct(c['min'])}"
    if missing:
        return UNKNOWN, "—", threshold, _missing("、".join(missing), facts)
    value = _shares_text(years, shares)
    low = [y for y, s in zip(years, shares, strict=True) if s is not None and s < c["min"]]
    if not low:
        return PASS, value, threshold, f"研发费用占营业收入比重 {value}，均达到 {pct(c['min'])}"
    return (
        FAIL,
        value,
        threshold,
        f"研发费用占营业收入比重 {value}，{'、'.join(map(str, low))} 年低于 {pct(c['min'])}",
    )


def _rd_share_bands(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    last = facts.year - 1
    rev = facts.figure("revenue_wan", last)
    years, shares, missing = _rd_shares(facts, c["years"])
    if rev is None:
        return UNKNOWN, "—", "按营收规模 1%–3%", _missing(f"{last} 年营业收入", facts)
    need = next(share for limit, share in c["bands"] if limit is None or rev < limit)
    threshold = f"≥ {pct(need)}（{last} 年营收 {money(rev)}）"
    if missing:
        return UNKNOWN, "—", threshold, _missing("、".join(missing), facts)
    value = _shares_text(years, shares)
    low = [y for y, s in zip(years, shares, strict=True) if s is not None and s < need]
    if not low:
        return PASS, value, threshold, f"研发费用占营业收入比重 {value}，均达到 {pct(need)}"
    return (
        FAIL,
        value,
        threshold,
        f"研发费用占营业收入比重 {value}，{'、'.join(map(str, low))} 年低于 {pct(need)}",
    )


def _revenues(
    facts: Facts, first: int, last: int
) -> tuple[list[int], list[float | None], list[str]]:
    years = list(range(first, last + 1))
    values = [facts.figure("revenue_wan", y) for y in years]
    missing = [f"{y} 年营业收入" for y, v in zip(years, values, strict=True) if v is None]
    missing += [
        f"{y} 年营业收入为 0" for y, v in zip(years[:-1], values[:-1], strict=True) if v == 0
    ]
    return years, values, missing


def _min_growth_avg(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    """The mean of the yearly growth rates over the last ``years`` years (three figures for two rates)."""
    last = facts.year - 1
    years, values, missing = _revenues(facts, last - c["years"], last)
    threshold = f"≥ {pct(c['min'])}"
    if missing:
        return UNKNOWN, "—", threshold, _missing("、".join(missing), facts)
    v = [x for x in values if x is not None]
    rates = [v[i + 1] / v[i] - 1 for i in range(len(v) - 1)]
    avg = sum(rates) / len(rates)
    value = f"{pct(avg)}（{'、'.join(pct(r) for r in rates)}）"
    text = f"{years[0]}–{years[-1]} 年营业收入 {' → '.join(money(x) for x in v)}，平均增长率 {pct(avg)}"
    if avg >= c["min"]:
        return PASS, value, threshold, text + f"，达到 {pct(c['min'])}"
    return FAIL, value, threshold, text + f"，低于 {pct(c['min'])}"


def _min_cagr(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    """Compound growth over ``years`` periods, from ``years + 1`` yearly figures ending last year."""
    last = facts.year - 1
    years, values, missing = _revenues(facts, last - c["years"], last)
    threshold = f"≥ {pct(c['min'])}"
    if missing:
        return UNKNOWN, "—", threshold, _missing("、".join(missing), facts)
    first, end = (
        values[0] or 0.0,
        values[-1] or 0.0,
    )  # both known and first non-zero (checked above)
    cagr = -1.0 if end <= 0 else (end / first) ** (1 / c["years"]) - 1
    value = pct(cagr)
    text = f"{years[0]} 年 {money(first)} → {years[-1]} 年 {money(end)}，年均复合增长率 {pct(cagr)}"
    if cagr >= c["min"] - 1e-12:
        return PASS, value, threshold, text + f"，达到 {pct(c['min'])}"
    return FAIL, value, threshold, text + f"，低于 {pct(c['min'])}"


def _sme(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    """中小企业 (industry): fewer than ``max_employees`` people *or* revenue under ``max_revenue_wan``."""
    last = facts.year - 1
    staff, rev = facts.figure("employees", last), facts.figure("revenue_wan", last)
    threshold = (
        f"从业人员 < {_num(c['max_employees'])} 人或营业收入 < {money(c['max_revenue_wan'])}"
    )
    value = f"{'—' if staff is None else _num(staff) + ' 人'}，{money(rev)}（{last} 年）"
    if (staff is not None and staff < c["max_employees"]) or (
        rev is not None and rev < c["max_revenue_wan"]
    ):
        return (
            PASS,
            value,
            threshold,
            f"{last} 年从业人员、营业收入为 {value.split('（')[0]}，属于中小企业",
        )
    if staff is not None and rev is not None:
        return (
            FAIL,
            value,
            threshold,
            f"{last} 年从业人员与营业收入均超过中型企业上限，属于大型企业",
        )
    return UNKNOWN, value, threshold, _missing(f"{last} 年从业人员、营业收入", facts)


def _min_fact(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    name = c["fact"]
    x = facts.fact(name)
    threshold = f"≥ {_fact_text(name, c['min'])}"
    if x is None:
        return UNKNOWN, "—", threshold, _declared_missing(FACT_LABELS[name])
    value = _fact_text(name, x)
    if x >= c["min"]:
        return (
            PASS,
            value,
            threshold,
            f"{FACT_LABELS[name]} {value}，达到 {_fact_text(name, c['min'])}",
        )
    return FAIL, value, threshold, f"{FACT_LABELS[name]} {value}，低于 {_fact_text(name, c['min'])}"


def _max_fact(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    name = c["fact"]
    x = facts.fact(name)
    threshold = f"≤ {_fact_text(name, c['max'])}"
    if x is None:
        return UNKNOWN, "—", threshold, _declared_missing(FACT_LABELS[name])
    value = _fact_text(name, x)
    if x <= c["max"]:
        return (
            PASS,
            value,
            threshold,
            f"{FACT_LABELS[name]} {value}，不超过 {_fact_text(name, c['max'])}",
        )
    return FAIL, value, threshold, f"{FACT_LABELS[name]} {value}，超过 {_fact_text(name, c['max'])}"


def _holds_title(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    held = sorted(f"{t}:{lv}" for t, lv in facts.titles if t in c["tiers"] and lv in c["levels"])
    threshold = "已持有"
    if held:
        names = "、".join(RULES.get(h, {}).get("label", h) for h in held)
        return PASS, names, threshold, f"已持有：{names}"
    return FAIL, "无", threshold, "登记库中无省级以上专精特新称号"


def _industry_sections(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    code = facts.industry_code.strip().upper()
    threshold = "门类 " + "/".join(c["sections"])
    if not code:
        return UNKNOWN, "—", threshold, _missing("行业代码", facts, confidential=False)
    if code[0] in c["sections"]:
        return PASS, code, threshold, f"行业代码 {code}，属于门类 {code[0]}"
    return (
        FAIL,
        code,
        threshold,
        f"行业代码 {code}，门类 {code[0]} 不在 {'/'.join(c['sections'])} 之列",
    )


def _not_listed(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    if facts.listed is None:
        return UNKNOWN, "—", "未上市", _missing("是否上市", facts, confidential=False)
    if facts.listed:
        return FAIL, "已上市", "未上市", "登记库记有股票代码，已上市"
    return PASS, "未上市", "未上市", "登记库无股票代码，未上市"


def _not_above_size(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    if facts.above_size is None:
        return UNKNOWN, "—", "规下", _missing("是否规上", facts, confidential=False)
    if facts.above_size:
        return FAIL, "规上", "规下", "已是规模以上企业，无需升规"
    return PASS, "规下", "规下", "尚未纳入规模以上企业统计"


def above_size_threshold(thresholds: Mapping[str, Number], code: str) -> Number | None:
    """The 规上 revenue line of a GB/T 4754 class: the longest listed prefix of the code (F5212 → F52)."""
    code = code.strip().upper()
    for n in range(len(code), 0, -1):
        if code[:n] in thresholds:
            return thresholds[code[:n]]
    return None


def _above_size_revenue(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    last = facts.year - 1
    if not facts.industry_code:
        return UNKNOWN, "—", "按行业", _missing("行业代码", facts, confidential=False)
    line = above_size_threshold(c["thresholds"], facts.industry_code)
    if line is None:
        return (
            UNKNOWN,
            "—",
            "按行业",
            f"未知（行业 {facts.industry_code} 的规上标准不以营业收入划分或未收录）",
        )
    threshold = f"≥ {money(line)}（行业 {facts.industry_code}）"
    rev = facts.figure("revenue_wan", last)
    if rev is None:
        return UNKNOWN, "—", threshold, _missing(f"{last} 年营业收入", facts)
    value = f"{money(rev)}（{last} 年）"
    if rev >= line:
        return PASS, value, threshold, f"{last} 年营业收入 {money(rev)}，达到规上标准 {money(line)}"
    return (
        FAIL,
        value,
        threshold,
        f"{last} 年营业收入 {money(rev)}，距规上标准 {money(line)} 差 {money(line - rev)}",
    )


def _any_of(c: dict[str, Any], facts: Facts) -> tuple[str, str, str, str]:
    subs = [check(sub, facts) for sub in c["any"]]
    outcomes = {s.outcome for s in subs}
    value = "；".join(s.value for s in subs if s.value != "—") or "—"
    threshold = " 或 ".join(s.threshold for s in subs)
    if PASS in outcomes:
        hit = next(s for s in subs if s.outcome == PASS)
        return PASS, value, threshold, hit.reason
    reasons = "；".join(s.reason for s in subs)
    if outcomes == {FAIL}:
        return FAIL, value, threshold, "均不满足：" + reasons
    return UNKNOWN, value, threshold, "尚无一项可确认满足：" + reasons


KINDS = {
    "min_years": _min_years,
    "max_years": _max_years,
    "min_figure": _min_figure,
    "min_figure_avg": _min_figure_avg,
    "min_rd_share": _min_rd_share,
    "rd_share_bands": _rd_share_bands,
    "min_growth_avg": _min_growth_avg,
    "min_cagr": _min_cagr,
    "sme": _sme,
    "min_fact": _min_fact,
    "max_fact": _max_fact,
    "holds_title": _holds_title,
    "industry_sections": _industry_sections,
    "not_listed": _not_listed,
    "not_above_size": _not_above_size,
    "above_size_revenue": _above_size_revenue,
    "any_of": _any_of,
}


def check(criterion: dict[str, Any], facts: Facts) -> Check:
    outcome, value, threshold, reason = KINDS[criterion["kind"]](criterion, facts)
    return Check(
        key=criterion["key"],
        label=criterion.get("label", criterion["key"]),
        outcome=outcome,
        value=value,
        threshold=threshold,
        reason=reason,
    )


def evaluate(rule_key: str, facts: Facts, rules: Mapping[str, dict[str, Any]] = RULES) -> Verdict:
    """Every criterion of ``rule_key`` ("specialised:provincial" ...) against ``facts``."""
    rule = rules[rule_key]
    return Verdict(
        rule=rule_key,
        label=rule["label"],
        source=rule["source"],
        checks=tuple(check(c, facts) for c in rule["criteria"]),
    )


def rule_keys() -> list[str]:
    return list(RULES)


def as_number(x: Decimal | int | float | None) -> Number | None:
    return None if x is None else float(x)
