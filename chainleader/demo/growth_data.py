"""Demo: the West Coast's first batch of 倍增 (doubling) plans and their measures (一企一策), synthetic.

Source 000 (West Coast, 2021): "首批筛选双星集团、澳柯玛股份、明月海藻等8家企业鼓励实施倍增计划". Those three are named
and taken; the other five of the eight are not named in the seeds, so the demo takes invented firms instead: the
five fastest-growing (2022 → 2024) of the 30 largest synthetic West Coast firms, as a district picks candidates
with momentum (no other real firm is said to be on a plan). Every plan, target, measure and year figure is invented: plans are
flagged ``is_synthetic``, as the yearly figures they are judged against are. Each plan doubles its 2022 figures
(revenue and tax) by a target year of 2025 to 2029: a shorter horizon is a steeper pace, so some plans lag and some
keep pace. Idempotent: nothing is written when the demo plans exist.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chainleader.accounts.models import OrgUnit
from chainleader.enterprises.models import Enterprise, YearFigure
from chainleader.growth.models import GrowthPlan, Measure, PlanYear

BASE_YEAR = 2022
NAMED = ("双星集团有限责任公司", "澳柯玛股份有限公司", "青岛明月海藻集团有限公司")  # seed 000
WEST_COAST = "370211"
HORIZONS = (4, 5, 3, 6, 4, 7, 5, 3)  # target year = 2022 + horizon, per plan in order
MEASURES = (
    ("协调新厂区用地指标，纳入年度用地计划", "西海岸新区发展和改革局"),
    ("支持技术改造项目申报省市技改专项资金", "西海岸新区工业和信息化局"),
    ("组织银企对接，争取中长期技改贷款", "市地方金融监管局"),
    ("支持申报专精特新“小巨人”和单项冠军", "市工业和信息化局"),
    ("协调人才公寓和高层次人才落户", "西海岸新区商务局"),
)


def _firms() -> list[Enterprise]:
    named = list(Enterprise.objects.filter(name__in=NAMED))
    candidates = (
        YearFigure.objects.filter(
            year__in=(BASE_YEAR, BASE_YEAR + 2),
            enterprise__is_synthetic=True,
            enterprise__region__code__startswith=WEST_COAST,
        )
        .exclude(enterprise__name__in=NAMED)
        .exclude(
            enterprise__tiers__tier="chain_master"
        )  # no other real firm is said to be on a plan
        .values_list("enterprise_id", "year", "revenue_wan")
    )
    revenue: dict[int, dict[int, Decimal]] = {}
    for ent, year, value in candidates:
        if value:
            revenue.setdefault(ent, {})[year] = value
    # Compared in Python: the figures are encrypted at rest (no ORDER BY on revenue).
    largest = sorted(
        (pk for pk, by in revenue.items() if len(by) == 2), key=lambda pk: -revenue[pk][BASE_YEAR]
    )[:30]
    fastest = sorted(
        largest, key=lambda pk: -(revenue[pk][BASE_YEAR + 2] / revenue[pk][BASE_YEAR])
    )[: 8 - len(named)]
    others = Enterprise.objects.in_bulk(fastest)
    return named + [others[pk] for pk in fastest]


def load_growth(loader: Any) -> None:
    out = loader.out
    if GrowthPlan.objects.filter(is_synthetic=True).exists():
        return
    units = {u.name: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)}
    firms = _firms()
    base = dict(
        YearFigure.objects.filter(year=BASE_YEAR, enterprise__in=firms).values_list(
            "enterprise_id", "revenue_wan"
        )
    )
    for n, firm in enumerate(firms):
        revenue = base.get(firm.pk)
        if revenue is None:
            continue
        investment = (revenue * Decimal("0.06")).quantize(Decimal("1"))
        plan = GrowthPlan.objects.create(
            enterprise=firm,
            kind=GrowthPlan.Kind.DOUBLING,
            base_year=BASE_YEAR,
            target_year=BASE_YEAR + HORIZONS[n % len(HORIZONS)],
            # revenue and tax: blank, so the base is the 2022 figure and the target twice it
            base_investment_wan=investment,
            target_investment_wan=investment * 2,
            notes="演示数据：目标与措施为虚构（合成）。",
            is_synthetic=True,
        )
        out.created["GrowthPlan"] += 1
        for year, share in ((2023, Decimal("1.1")), (2024, Decimal("1.25"))):
            PlanYear.objects.create(
                plan=plan,
                year=year,
                investment_actual_wan=(investment * share).quantize(Decimal("1")),
            )
            out.created["PlanYear"] += 1
        for k in range(2 + n % 2):
            text, unit = MEASURES[(n + k) % len(MEASURES)]
            Measure.objects.create(
                plan=plan,
                text=text,
                responsible_unit=units.get(unit),
                deadline=date(BASE_YEAR + 3, 6 + 3 * k, 30),
                done=k == 0 and n % 3 == 0,
                done_on=date(BASE_YEAR + 2, 11, 15) if k == 0 and n % 3 == 0 else None,
            )
            out.created["Measure"] += 1
