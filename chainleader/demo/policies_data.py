"""Demo: the policy library with 免申即享 runs, and the differentiated measures by 亩均 class as rules.

Facts from the seeds only: seed 003 counts "20个方面、41个小项的涉企优惠政策" in the West Coast's 2020 work plan, and
seed 000 reports the 免申即享 pilot ("率先探索开展惠企政策'免申即享'试点，2021年全区兑现各级各类政策资金5.3亿元").
No real document title, number or amount is in the seeds: the policy is named after what the seeds say and
flagged ``is_synthetic``; its items, conditions, amounts and payments are invented. The measure rules take the
class measures' texts (evaluation's defaults, MU_SCHEME.md) and make the consecutive-year rule for D data.
Runs use the latest published evaluation year. Idempotent: nothing is written when the demo policy exists.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chainleader.accounts.models import Role, User
from chainleader.evaluation.models import ClassMeasure, EvaluationRun
from chainleader.policies import services
from chainleader.policies.models import EligibilityResult, MeasureRule, Policy

TITLE = "西海岸新区涉企优惠政策（20个方面、41个小项）"
SUMMARY = (
    "据区工信局2020年工作思路（种子文件003）：落实好20个方面、41个小项的涉企优惠政策；"
    "2021年率先探索惠企政策“免申即享”试点（种子文件000）。"
    "以下条款、条件、金额与兑现记录均为演示用虚构数据。"
)
ITEMS: list[dict[str, Any]] = [
    {
        "number": "1",
        "title": "专精特新“小巨人”企业奖励（演示）",
        "area": "growth",
        "support_kind": "reward",
        "amount_kind": "fixed",
        "fixed_wan": Decimal(50),
        "conditions": {
            "all": [
                {"fact": "tiers", "op": "has_any", "value": ["little_giant", "single_champion"]},
                {"not": {"fact": "mu_class", "op": "==", "value": "D"}},
            ]
        },
    },
    {
        "number": "2",
        "title": "研发投入奖励（演示）",
        "area": "innovation",
        "support_kind": "reward",
        "amount_kind": "rate",
        "rate_pct": Decimal(5),
        "base_fact": "rd_wan",
        "cap_wan": Decimal(200),
        "conditions": {
            "all": [
                {"fact": "mu_class", "op": "in", "value": ["A", "B"]},
                {"fact": "rd_wan", "op": ">=", "value": 100},
                {"fact": "region_code", "op": "startswith", "value": "370211"},
            ]
        },
    },
    {
        "number": "3",
        "title": "产业链链主企业配套奖励（演示）",
        "area": "investment",
        "support_kind": "subsidy",
        "amount_kind": "fixed",
        "fixed_wan": Decimal(100),
        "conditions": {
            "any": [
                {"fact": "chain_master", "op": "is", "value": True},
                {"fact": "tiers", "op": "has_any", "value": ["chain_master"]},
            ]
        },
    },
]


def _rules() -> list[dict[str, Any]]:
    texts = {m.grade: m for m in ClassMeasure.objects.all()}

    def text(grade: str, field: str, fallback: str) -> str:
        m = texts.get(grade)
        return getattr(m, field) if m is not None else fallback

    return [
        {
            "grade": "A",
            "min_years": 1,
            "kind": "land",
            "measure": text("A", "land", "优先保障新增用地指标"),
            "applied_by": "西海岸新区自然资源局",
        },
        {
            "grade": "A",
            "min_years": 1,
            "kind": "support",
            "measure": text("A", "support", "优先享受各类财政补助和奖励"),
            "applied_by": "西海岸新区财政局",
        },
        {
            "grade": "C",
            "min_years": 1,
            "kind": "land",
            "measure": text("C", "land", "原则上不再新增建设用地"),
            "applied_by": "西海岸新区自然资源局",
        },
        {
            "grade": "D",
            "min_years": 1,
            "kind": "land",
            "measure": text("D", "land", "不得参与工业用地竞买"),
            "applied_by": "西海岸新区自然资源局",
        },
        {
            "grade": "D",
            "min_years": 1,
            "kind": "power",
            "measure": text("D", "power_water_gas", "实行差别化加价"),
            "applied_by": "国网青岛市黄岛区供电公司",
        },
        {
            "grade": "D",
            "min_years": 2,
            "kind": "power",
            "measure": "连续两年评为D类：在D类加价标准上再提高加价（演示规则）",
            "applied_by": "国网青岛市黄岛区供电公司",
        },
        {
            "grade": "D",
            "min_years": 2,
            "kind": "water",
            "measure": "连续两年评为D类：差别化水价加价（演示规则）",
            "applied_by": "西海岸新区水务局",
        },
        {
            "grade": "D",
            "min_years": 1,
            "kind": "support",
            "measure": text("D", "support", "不得享受各类奖励"),
            "applied_by": "西海岸新区财政局",
        },
    ]


def load_policies(loader: Any) -> None:
    if Policy.objects.filter(title=TITLE, is_synthetic=True).exists():
        return
    office = User.objects.filter(role=Role.OFFICE, is_active=True).order_by("pk").first()
    if office is None:
        return
    for rule in _rules():
        MeasureRule.objects.get_or_create(
            grade=rule["grade"], min_years=rule["min_years"], kind=rule["kind"], defaults=rule
        )
    policy = services.policy_create(
        actor=office,
        data={
            "title": TITLE,
            "issuer": "青岛西海岸新区管委",
            "issued_on": date(2020, 3, 1),
            "areas": "创新, 梯度培育, 招商",
            "summary": SUMMARY,
            "is_synthetic": True,
        },
    )
    items = [services.item_create(actor=office, policy=policy, data=dict(d)) for d in ITEMS]
    services.policy_publish(policy=policy, actor=office)
    year = (
        EvaluationRun.objects.filter(status="published")
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if year is None:
        return
    for n, item in enumerate(items):
        run = services.run_item(item=item, actor=office, year=year, on=date(year + 1, 3, 1))
        eligible = list(
            EligibilityResult.objects.filter(run=run, eligible=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not eligible:
            continue
        services.results_decide(run=run, actor=office, ids=eligible)
        # Pay the first few confirmed results: synthetic vouchers and amounts (the amount worked out).
        for k, result in enumerate(
            EligibilityResult.objects.filter(pk__in=eligible[:3]).order_by("pk")
        ):
            if result.amount_wan:
                services.payment_record(
                    result=result,
                    actor=office,
                    amount_wan=result.amount_wan,
                    paid_on=date(year + 1, 4, 10 + k),
                    voucher_no=f"演示-{year + 1}-{n + 1:02d}{k + 1:02d}",
                    note="演示数据",
                    is_synthetic=True,
                )
    loader.out.created["policy"] += 1
