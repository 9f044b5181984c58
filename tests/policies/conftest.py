from __future__ import annotations

from decimal import Decimal

import pytest

from chainleader.enterprises.models import EnterpriseTier
from chainleader.evaluation.models import EvaluationResult, EvaluationRun
from chainleader.evaluation.services.schemes import scheme_current
from chainleader.policies.models import Policy, PolicyItem
from chainleader.reference.models import Industry
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    PlacementFactory,
    SegmentFactory,
    TierFactory,
    YearFigureFactory,
    region,
)


# Every condition kind, worked by hand for the two firms below (test_eligibility.py).
def conditions_for(chain_id: int) -> dict:
    return {
        "all": [
            {
                "fact": "tiers",
                "op": "has_any",
                "value": ["little_giant:national", "single_champion"],
            },
            {"fact": "mu_class", "op": "in", "value": ["A", "B"]},
            {"fact": "mu_streak_A", "op": ">=", "value": 2},
            {"fact": "industry_code", "op": "startswith", "value": "38"},
            {"fact": "region_code", "op": "startswith", "value": "370211"},
            {"fact": "revenue_wan", "op": ">=", "value": 10000},
            {"fact": "tax_wan", "op": ">", "value": 500},
            {"fact": "rd_wan", "op": "between", "value": [500, 2000]},
            {"fact": "rd_ratio_pct", "op": ">=", "value": 3},
            {"fact": "revenue_growth_pct", "op": ">=", "value": 20},
            {"fact": "land_mu", "op": "<=", "value": 100},
            {"fact": "chains", "op": "has_any", "value": [chain_id]},
            {"fact": "chain_master", "op": "is", "value": True},
            {"fact": "above_size", "op": "is", "value": True},
            {"not": {"fact": "mu_class", "op": "==", "value": "D"}},
            {
                "any": [
                    {"fact": "tiers", "op": "has_all", "value": ["little_giant"]},
                    {"fact": "tax_wan", "op": ">=", "value": 100000},
                ]
            },
        ]
    }


def publish_classes(year: int, grades: dict) -> EvaluationRun:
    run = EvaluationRun.objects.create(year=year, scheme=scheme_current(), status="published")
    for firm, grade in grades.items():
        EvaluationResult.objects.create(run=run, enterprise=firm, graded=True, grade=grade)
    return run


@pytest.fixture
def hand_case(db):
    """Firm `star` meets every condition of 2024; firm `plain` meets few and lacks its tax figure."""
    chain = ChainFactory(name="智能家电")
    industry = Industry.objects.filter(code__startswith="38", level=4).order_by("code").first()
    star = EnterpriseFactory(
        name="星级家电有限公司", region=region("370211"), industry=industry, above_size=True
    )
    plain = EnterpriseFactory(name="普通配套有限公司", region=region("370212"))
    TierFactory(
        enterprise=star,
        tier=EnterpriseTier.Tier.LITTLE_GIANT,
        level=EnterpriseTier.Level.NATIONAL,
        year=2023,
    )
    YearFigureFactory(enterprise=star, year=2023, revenue_wan=16000, tax_wan=600, rd_wan=700)
    YearFigureFactory(
        enterprise=star, year=2024, revenue_wan=20000, tax_wan=800, rd_wan=1000, land_mu=50
    )
    YearFigureFactory(enterprise=plain, year=2024, revenue_wan=5000, tax_wan=None, rd_wan=None)
    PlacementFactory(enterprise=star, segment=SegmentFactory(chain=chain), role="master")
    publish_classes(2023, {star: "A", plain: "D"})
    publish_classes(2024, {star: "A", plain: "D"})
    policy = Policy.objects.create(
        title="关于支持制造业高质量发展的若干政策",
        issuer="青岛西海岸新区管委",
        doc_number="青西新管发〔2021〕1号",
        status=Policy.Status.PUBLISHED,
    )
    return {"chain": chain, "star": star, "plain": plain, "policy": policy, "industry": industry}


@pytest.fixture
def item_data(hand_case):
    return {
        "number": "1.1",
        "title": "研发投入奖励",
        "area": "innovation",
        "support_kind": "reward",
        "amount_kind": "rate",
        "fixed_wan": None,
        "rate_pct": Decimal(10),
        "base_fact": "rd_wan",
        "cap_wan": Decimal(80),
        "conditions": conditions_for(hand_case["chain"].pk),
    }


@pytest.fixture
def item(hand_case, item_data, office_user) -> PolicyItem:
    from chainleader.policies import services

    return services.item_create(actor=office_user, policy=hand_case["policy"], data=item_data)
