"""The tier criteria engine on hand-worked cases: every criterion kind passes, fails and is unknown, and every
tier's verdict is worked out by hand from its thresholds (engines/tier_rules.py)."""

from __future__ import annotations

from datetime import date

import pytest

from chainleader.engines import tier_criteria as tc
from chainleader.engines.tier_rules import RULES

Y = 2026  # application year: 上年度 = 2025, 近 2 年 = 2024–2025


def facts(**kw: object) -> tc.Facts:
    return tc.Facts(year=Y, **kw)  # type: ignore[arg-type]


def one(criterion: dict, f: tc.Facts) -> tc.Check:
    return tc.check(criterion, f)


def by_key(verdict: tc.Verdict) -> dict[str, tc.Check]:
    return {c.key: c for c in verdict.checks}


# ------------------------------------------------------------------------------------------ criterion kinds


def test_min_years_counts_whole_years_to_the_first_of_january():
    c = {"key": "y", "kind": "min_years", "min": 2}
    # 2024-01-01 → 2026-01-01: exactly 2 years.
    assert one(c, facts(founded_on=date(2024, 1, 1))).outcome == tc.PASS
    # 2024-01-02 → 2026-01-01: one day short of 2 years, so 1 whole year.
    got = one(c, facts(founded_on=date(2024, 1, 2)))
    assert (got.outcome, got.value) == (tc.FAIL, "1 年")
    assert "不足 2 年" in got.reason
    unknown = one(c, facts())
    assert unknown.outcome == tc.UNKNOWN
    assert "缺少数据：成立日期" in unknown.reason


def test_max_years():
    c = {"key": "y", "kind": "max_years", "max": 10}
    assert one(c, facts(founded_on=date(2016, 1, 1))).outcome == tc.PASS  # exactly 10
    # Whole years: 2015-01-02 → 2026-01-01 is 10 whole years (not yet 11); 2015-01-01 is 11.
    assert one(c, facts(founded_on=date(2015, 1, 2))).outcome == tc.PASS
    assert one(c, facts(founded_on=date(2015, 1, 1))).outcome == tc.FAIL
    assert one(c, facts()).outcome == tc.UNKNOWN


def test_min_figure_reads_last_year():
    c = {"key": "r", "kind": "min_figure", "figure": "revenue_wan", "min": 1000}
    got = one(c, facts(revenue_wan={2025: 1000.0, 2026: 1.0}))
    assert (got.outcome, got.value, got.threshold) == (
        tc.PASS,
        "1,000 万元（2025 年）",
        "≥ 1,000 万元",
    )
    assert one(c, facts(revenue_wan={2025: 999.5})).outcome == tc.FAIL
    # This year's figure is no use: 上年度 is 2025.
    assert one(c, facts(revenue_wan={2026: 5000.0})).outcome == tc.UNKNOWN


def test_missing_figure_says_why_when_the_user_may_not_see_figures():
    c = {"key": "r", "kind": "min_figure", "figure": "rd_wan", "min": 100}
    got = one(c, facts(figures_hidden=True))
    assert got.outcome == tc.UNKNOWN
    assert got.reason == "未知（缺少数据：2025 年研发费用；您的权限不含保密经营数据）"


def test_min_figure_avg():
    c = {"key": "a", "kind": "min_figure_avg", "figure": "rd_wan", "min": 1000, "years": 2}
    # (800 + 1200) / 2 = 1000: passes.
    assert one(c, facts(rd_wan={2024: 800.0, 2025: 1200.0})).outcome == tc.PASS
    assert one(c, facts(rd_wan={2024: 800.0, 2025: 1100.0})).outcome == tc.FAIL  # 950
    got = one(c, facts(rd_wan={2025: 5000.0}))
    assert got.outcome == tc.UNKNOWN
    assert "2024 年研发费用" in got.reason


def test_min_rd_share():
    c = {"key": "s", "kind": "min_rd_share", "min": 0.03, "years": 1}
    # 30 / 1000 = 3.0 %: passes; 29 / 1000 = 2.9 %: fails.
    got = one(c, facts(rd_wan={2025: 30.0}, revenue_wan={2025: 1000.0}))
    assert (got.outcome, got.value) == (tc.PASS, "2025 年 3%")
    got = one(c, facts(rd_wan={2025: 29.0}, revenue_wan={2025: 1000.0}))
    assert (got.outcome, got.value) == (tc.FAIL, "2025 年 2.9%")
    got = one(c, facts(rd_wan={2025: 29.0}))
    assert got.outcome == tc.UNKNOWN
    assert "2025 年营业收入" in got.reason


def test_rd_share_bands_take_the_band_of_last_years_revenue():
    c = RULES["little_giant:national"]["criteria"][6]
    assert c["kind"] == "rd_share_bands"
    # Revenue 2025 = 15,000 万元 (1–4 亿): 2 % needed in 2024 and 2025.
    f = facts(revenue_wan={2024: 12000.0, 2025: 15000.0}, rd_wan={2024: 240.0, 2025: 300.0})
    got = one(c, f)
    assert got.outcome == tc.PASS  # 2.0 % and 2.0 %
    assert got.threshold.startswith("≥ 2%")
    f = facts(revenue_wan={2024: 12000.0, 2025: 15000.0}, rd_wan={2024: 230.0, 2025: 300.0})
    got = one(c, f)
    assert got.outcome == tc.FAIL  # 2024: 1.92 %
    assert "2024 年低于 2%" in got.reason
    # Under 1 亿: 3 %; over 4 亿: 1 %.
    assert (
        one(
            c, facts(revenue_wan={2024: 9000.0, 2025: 9000.0}, rd_wan={2024: 250.0, 2025: 270.0})
        ).outcome
        == tc.FAIL
    )
    assert (
        one(
            c, facts(revenue_wan={2024: 50000.0, 2025: 50000.0}, rd_wan={2024: 500.0, 2025: 500.0})
        ).outcome
        == tc.PASS
    )
    assert one(c, facts(revenue_wan={2025: 15000.0}, rd_wan={2025: 300.0})).outcome == tc.UNKNOWN
    assert one(c, facts()).outcome == tc.UNKNOWN


def test_min_growth_avg_is_the_mean_of_yearly_rates():
    c = {"key": "g", "kind": "min_growth_avg", "min": 0.05, "years": 2}
    # 2023 → 2024: +10 %, 2024 → 2025: 0 %: mean 5 %.
    got = one(c, facts(revenue_wan={2023: 1000.0, 2024: 1100.0, 2025: 1100.0}))
    assert got.outcome == tc.PASS
    assert got.value == "5%（10%、0%）"
    # +10 %, −5 %: mean 2.5 %.
    assert one(c, facts(revenue_wan={2023: 1000.0, 2024: 1100.0, 2025: 1045.0})).outcome == tc.FAIL
    got = one(c, facts(revenue_wan={2024: 1100.0, 2025: 1100.0}))
    assert got.outcome == tc.UNKNOWN
    assert "2023 年营业收入" in got.reason


def test_min_cagr_over_two_periods():
    c = {"key": "c", "kind": "min_cagr", "min": 0.2, "years": 2}
    # 1000 → 1440 in two years: (1.44) ** 0.5 − 1 = 20 %.
    got = one(c, facts(revenue_wan={2023: 1000.0, 2024: 1500.0, 2025: 1440.0}))
    assert (got.outcome, got.value) == (tc.PASS, "20%")
    assert one(c, facts(revenue_wan={2023: 1000.0, 2024: 1000.0, 2025: 1400.0})).outcome == tc.FAIL
    assert one(c, facts(revenue_wan={2023: 0.0, 2024: 1000.0, 2025: 1400.0})).outcome == tc.UNKNOWN


def test_sme_either_limit():
    c = RULES["specialised:provincial"]["criteria"][0]
    assert one(c, facts(employees={2025: 1200.0}, revenue_wan={2025: 30000.0})).outcome == tc.PASS
    assert (
        one(c, facts(employees={2025: 500.0})).outcome == tc.PASS
    )  # revenue unknown, staff enough
    assert one(c, facts(employees={2025: 1000.0}, revenue_wan={2025: 40000.0})).outcome == tc.FAIL
    assert one(c, facts(employees={2025: 1000.0})).outcome == tc.UNKNOWN


def test_min_and_max_fact_read_the_declared_facts():
    c = {"key": "ip", "kind": "min_fact", "fact": "ip_count", "min": 2}
    assert one(c, facts(declared={"ip_count": 2})).outcome == tc.PASS
    assert one(c, facts(declared={"ip_count": 1})).outcome == tc.FAIL
    got = one(c, facts(declared={"ip_count": None}))
    assert got.outcome == tc.UNKNOWN
    assert "登记库未收录" in got.reason
    d = {"key": "d", "kind": "max_fact", "fact": "debt_ratio", "max": 0.7}
    got = one(d, facts(declared={"debt_ratio": 0.7}))
    assert (got.outcome, got.value, got.threshold) == (tc.PASS, "70%", "≤ 70%")
    assert one(d, facts(declared={"debt_ratio": 0.71})).outcome == tc.FAIL
    assert one(d, facts()).outcome == tc.UNKNOWN


def test_holds_title():
    c = RULES["little_giant:national"]["criteria"][0]
    assert one(c, facts(titles=frozenset({("specialised", "provincial")}))).outcome == tc.PASS
    assert one(c, facts(titles=frozenset({("specialised", "city")}))).outcome == tc.FAIL
    assert (
        one(c, facts()).outcome == tc.FAIL
    )  # the registry's titles are complete: none held is a fail


def test_industry_sections_listed_and_above_size():
    c = {"key": "m", "kind": "industry_sections", "sections": ["C"]}
    assert one(c, facts(industry_code="C3951")).outcome == tc.PASS
    assert one(c, facts(industry_code="I6510")).outcome == tc.FAIL
    assert one(c, facts()).outcome == tc.UNKNOWN
    n = {"key": "n", "kind": "not_listed"}
    assert one(n, facts(listed=False)).outcome == tc.PASS
    assert one(n, facts(listed=True)).outcome == tc.FAIL
    assert one(n, facts()).outcome == tc.UNKNOWN
    a = {"key": "a", "kind": "not_above_size"}
    assert one(a, facts(above_size=False)).outcome == tc.PASS
    assert one(a, facts(above_size=True)).outcome == tc.FAIL
    assert one(a, facts()).outcome == tc.UNKNOWN


def test_above_size_revenue_by_industry():
    c = RULES["above_size:city"]["criteria"][1]
    assert tc.above_size_threshold(c["thresholds"], "F5212") == 500  # 零售业: F52 before F
    assert tc.above_size_threshold(c["thresholds"], "F5123") == 2000
    assert tc.above_size_threshold(c["thresholds"], "E4710") is None  # 建筑业: by 资质, not revenue
    got = one(c, facts(industry_code="C3491", revenue_wan={2025: 1850.0}))
    assert got.outcome == tc.FAIL
    assert "差 150 万元" in got.reason
    assert one(c, facts(industry_code="F5212", revenue_wan={2025: 600.0})).outcome == tc.PASS
    assert one(c, facts(industry_code="E4710", revenue_wan={2025: 600.0})).outcome == tc.UNKNOWN
    assert one(c, facts(industry_code="C3491")).outcome == tc.UNKNOWN
    assert one(c, facts(revenue_wan={2025: 6000.0})).outcome == tc.UNKNOWN


def test_any_of():
    c = RULES["specialised:provincial"]["criteria"][4]  # revenue ≥ 1000 or financing ≥ 2000
    assert c["kind"] == "any_of"
    assert (
        one(c, facts(revenue_wan={2025: 800.0}, declared={"equity_financing_wan": 2500})).outcome
        == tc.PASS
    )
    got = one(c, facts(revenue_wan={2025: 800.0}, declared={"equity_financing_wan": 100}))
    assert got.outcome == tc.FAIL
    assert got.reason.startswith("均不满足")
    # Revenue fails, financing unknown: not a fail.
    assert one(c, facts(revenue_wan={2025: 800.0})).outcome == tc.UNKNOWN


def test_every_kind_in_the_rules_is_known_to_the_engine():
    def kinds(criteria: list[dict]) -> set[str]:
        out = set()
        for c in criteria:
            out.add(c["kind"])
            out |= kinds(c.get("any", []))
        return out

    used = set().union(*(kinds(r["criteria"]) for r in RULES.values()))
    assert used <= set(tc.KINDS)
    assert set(tc.KINDS) <= used | set()  # no kind the rules never use


# ------------------------------------------------------------------------------------------- each tier


def test_specialised_provincial_eligible_firm():
    f = facts(
        founded_on=date(2019, 5, 1),
        employees={2025: 180.0},
        revenue_wan={2024: 4200.0, 2025: 5000.0},
        rd_wan={2024: 900.0, 2025: 1300.0},  # 2025: 26 % of revenue; 2-year mean 1100 ≥ 1000
    )
    v = tc.evaluate("specialised:provincial", f)
    assert v.outcome == tc.ELIGIBLE, v.summary()
    assert by_key(v)["merit"].reason.startswith("2024–2025 年研发费用均值 1,100 万元")


def test_specialised_provincial_fails_on_rd_share():
    f = facts(
        founded_on=date(2019, 5, 1),
        employees={2025: 180.0},
        revenue_wan={2025: 5000.0},
        rd_wan={2025: 140.0},  # 2.8 %
        declared={"assessment_score": 72},
    )
    v = tc.evaluate("specialised:provincial", f)
    assert v.outcome == tc.INELIGIBLE
    assert by_key(v)["rd_share"].outcome == tc.FAIL
    assert by_key(v)["rd_spend"].outcome == tc.PASS
    assert "不符合：上年度研发费用占营业收入比重不低于 3%" in v.summary()


def test_specialised_provincial_without_figures_is_possible_not_failed():
    v = tc.evaluate(
        "specialised:provincial", facts(founded_on=date(2019, 5, 1), figures_hidden=True)
    )
    assert v.outcome == tc.POSSIBLE
    assert by_key(v)["years"].outcome == tc.PASS


def test_little_giant_national():
    base = {
        "founded_on": date(2015, 3, 1),
        "titles": frozenset({("specialised", "provincial")}),
        "employees": {2025: 420.0},
        "revenue_wan": {2023: 20000.0, 2024: 22000.0, 2025: 24200.0},  # +10 %, +10 %
        "rd_wan": {2024: 660.0, 2025: 726.0},  # 3.0 % each (band 1–4 亿: 2 %)
        "declared": {
            "main_business_share": 0.85,
            "debt_ratio": 0.45,
            "rd_staff_share": 0.2,
            "ip_count": 6,
        },
    }
    assert tc.evaluate("little_giant:national", facts(**base)).outcome == tc.ELIGIBLE
    worse = {**base, "declared": {**base["declared"], "debt_ratio": 0.75}}
    v = tc.evaluate("little_giant:national", facts(**worse))
    assert v.outcome == tc.INELIGIBLE
    assert [c.key for c in v.checks if c.outcome == tc.FAIL] == ["debt"]


def test_single_champion_national_and_provincial():
    f = facts(
        founded_on=date(2008, 1, 1),
        industry_code="C3857",
        declared={"main_product_share": 0.78, "market_rank": 2},
    )
    assert tc.evaluate("single_champion:national", f).outcome == tc.ELIGIBLE
    f4 = facts(
        founded_on=date(2008, 1, 1),
        industry_code="C3857",
        declared={"main_product_share": 0.78, "market_rank": 4},
    )
    v = tc.evaluate("single_champion:provincial", f4)
    assert v.outcome == tc.INELIGIBLE
    assert by_key(v)["market_rank"].reason == "细分市场排名 4，超过 3"
    young = facts(founded_on=date(2020, 1, 1), industry_code="C3857")
    assert by_key(tc.evaluate("single_champion:national", young))["years"].outcome == tc.FAIL


def test_gazelle():
    f = facts(founded_on=date(2018, 9, 1), revenue_wan={2023: 2000.0, 2024: 2600.0, 2025: 3200.0})
    v = tc.evaluate("gazelle:provincial", f)
    # (3200 / 2000) ** 0.5 − 1 = 26.5 %.
    assert v.outcome == tc.ELIGIBLE
    assert by_key(v)["cagr"].value == "26.5%"
    slow = facts(
        founded_on=date(2018, 9, 1), revenue_wan={2023: 2000.0, 2024: 2200.0, 2025: 2420.0}
    )
    assert tc.evaluate("gazelle:provincial", slow).outcome == tc.INELIGIBLE  # 10 %


def test_unicorn():
    f = facts(founded_on=date(2017, 6, 1), listed=False, declared={"valuation_usd_yi": 12})
    assert tc.evaluate("unicorn:provincial", f).outcome == tc.ELIGIBLE
    assert (
        tc.evaluate("unicorn:provincial", facts(founded_on=date(2017, 6, 1), listed=False)).outcome
        == tc.POSSIBLE
    )
    listed = facts(founded_on=date(2017, 6, 1), listed=True, declared={"valuation_usd_yi": 12})
    assert tc.evaluate("unicorn:provincial", listed).outcome == tc.INELIGIBLE


def test_above_size_upgrade():
    f = facts(above_size=False, industry_code="C3491", revenue_wan={2025: 2300.0})
    assert tc.evaluate("above_size:city", f).outcome == tc.ELIGIBLE
    done = facts(above_size=True, industry_code="C3491", revenue_wan={2025: 2300.0})
    assert tc.evaluate("above_size:city", done).outcome == tc.INELIGIBLE


@pytest.mark.parametrize("rule", list(RULES))
def test_every_tier_with_no_facts_is_possible_or_ineligible_never_an_error(rule):
    v = tc.evaluate(rule, facts())
    assert v.outcome in (tc.POSSIBLE, tc.INELIGIBLE)
    assert all(c.reason for c in v.checks)
    assert all(c.threshold for c in v.checks)
