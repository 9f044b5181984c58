"""Demo: the tier pipeline (梯度培育) of 2025, with the city's targets from the seeds.

Targets (real, source 002, 《青岛市“十四五”制造业高质量发展规划》, 2021): 省级以上“专精特新”企业 600 by 2025 and 省级以上
制造业单项冠军企业 70 by 2025, both cumulative. No other tier's target is stated in the seeds, so none is invented.

Candidates (synthetic): for each tier the criteria engine runs over the synthetic firms' synthetic figures of
2022–2024 (the 2025 application's "上年度" and the years before) and the firms that pass come first, then some that
fail no known criterion and a few that fail one, as an office's list holds both. Their steps (申报, 认定, 未通过),
dates and the facts an application declares (I 类知识产权, 资产负债率, 估值 …) are invented and drawn from one seeded
generator, so the demo is the same on every machine. Every candidate is flagged ``is_synthetic``; a recognised one
records its title in the registry for 2025, as the pipeline does. Idempotent: nothing is written when the demo
candidates exist (the targets are upserted).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chainleader.engines import tier_criteria as engine
from chainleader.enterprises.models import Enterprise, EnterpriseTier
from chainleader.tiers.models import TierCandidate, TierTarget
from chainleader.tiers.selectors import facts_for, rule_choices, split_rule

YEAR = 2025  # the application year: the demo's figures run 2022–2024
SEED = 20211025  # the date of source 002
PER_TIER = {
    "specialised:provincial": 40,
    "little_giant:national": 15,
    "single_champion:national": 6,
    "single_champion:provincial": 10,
    "gazelle:provincial": 20,
    "unicorn:provincial": 3,
    "above_size:city": 30,
}
SOURCE = "《青岛市“十四五”制造业高质量发展规划》（2021）"
TARGETS = [
    ("specialised", "provincial", 600, SOURCE + "：到 2025 年省级以上“专精特新”企业累计 600 家"),
    (
        "single_champion",
        "provincial",
        70,
        SOURCE + "：到 2025 年省级以上制造业单项冠军企业累计 70 家",
    ),
]
TITLE_TIERS = {c.value for c in EnterpriseTier.Tier}


def _declared(rng: random.Random, key: str, verdict_hint: str) -> dict[str, Any]:
    """Invented application facts, mostly meeting the tier's criteria."""
    good = verdict_hint != "fail" and rng.random() < 0.8
    out: dict[str, Any] = {}
    if key == "little_giant:national":
        out = {
            "main_business_pct": Decimal(
                str(round(rng.uniform(72, 98) if good else rng.uniform(50, 69), 1))
            ),
            "debt_pct": Decimal(str(round(rng.uniform(25, 65), 1))),
            "rd_staff_pct": Decimal(
                str(round(rng.uniform(15, 35) if good else rng.uniform(6, 14), 1))
            ),
            "ip_count": rng.randint(2, 12) if good else rng.randint(0, 1),
        }
    elif key.startswith("single_champion"):
        out = {
            "product_pct": Decimal(str(round(rng.uniform(70, 95), 1))),
            "market_rank": rng.randint(1, 3) if good else rng.randint(4, 8),
        }
    elif key == "unicorn:provincial":
        out = {
            "valuation_usd_yi": Decimal(
                str(round(rng.uniform(10, 25) if good else rng.uniform(3, 9), 1))
            )
        }
    elif key == "specialised:provincial" and rng.random() < 0.5:
        out = {"assessment_score": rng.randint(55, 85)}
    return out


def _pool(key: str, firms: list[Enterprise]) -> list[Enterprise]:
    tier, _level = split_rule(key)
    if tier == "above_size":
        return [f for f in firms if not f.above_size]
    if tier == "unicorn":
        return [
            f for f in firms if f.founded_on and f.founded_on.year >= YEAR - 10 and not f.ticker
        ]
    return firms


def load_tiers(loader: Any) -> None:
    out = loader.out
    for tier, level, value, source in TARGETS:
        target = TierTarget.objects.filter(tier=tier, level=level, year=YEAR, region=None).first()
        if target is None:
            TierTarget.objects.create(
                tier=tier, level=level, year=YEAR, value=value, cumulative=True, source=source
            )
            out.created["TierTarget"] += 1
    if TierCandidate.objects.filter(is_synthetic=True).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    firms = list(
        Enterprise.objects.filter(is_synthetic=True).select_related("industry").order_by("uscc")
    )
    facts = facts_for(None, firms, YEAR)
    held = set(
        EnterpriseTier.objects.filter(enterprise__in=firms).values_list("enterprise_id", "tier")
    )
    rows: list[TierCandidate] = []
    titles: list[EnterpriseTier] = []
    upgraded: list[int] = []
    for key, _label in rule_choices():
        tier, level = split_rule(key)
        pool = [f for f in _pool(key, firms) if (f.pk, tier) not in held]
        judged = [(f, engine.evaluate(key, facts[f.pk])) for f in pool]
        eligible = [f for f, v in judged if v.outcome == engine.ELIGIBLE]
        possible = [f for f, v in judged if v.outcome == engine.POSSIBLE]
        failing = [f for f, v in judged if v.outcome == engine.INELIGIBLE]
        n = PER_TIER[key]
        picked = [(f, "pass") for f in rng.sample(eligible, min(len(eligible), n * 6 // 10))]
        # 独角兽: the registry never holds a valuation, so every young unlisted firm is "possible" until its
        # application declares one.
        share = n if tier == "unicorn" else n * 3 // 10
        picked += [(f, "unknown") for f in rng.sample(possible, min(len(possible), share))]
        picked += [
            (f, "fail") for f in rng.sample(failing, min(len(failing), max(n - len(picked), 1)))
        ]
        for firm, hint in picked:
            cand = TierCandidate(
                enterprise=firm,
                tier=tier,
                level=level,
                year=YEAR,
                is_synthetic=True,
                **_declared(rng, key, hint),
            )
            verdict = engine.evaluate(
                key,
                facts_for(None, [firm], YEAR, {firm.pk: cand})[firm.pk],
            )
            cand.verdict = verdict.outcome
            cand.verdict_summary = verdict.summary()[:2000]
            r = rng.random()
            if r < 0.55 or (verdict.outcome == engine.INELIGIBLE and r < 0.8):
                cand.status = TierCandidate.Status.CANDIDATE
            else:
                cand.applied_on = date(YEAR, 3, 1) + timedelta(days=rng.randrange(60))
                cand.status = TierCandidate.Status.APPLIED
                if verdict.outcome == engine.ELIGIBLE and rng.random() < 0.6:
                    cand.status = TierCandidate.Status.RECOGNISED
                    cand.decided_on = date(YEAR, 8, 1) + timedelta(days=rng.randrange(60))
                elif rng.random() < 0.3:
                    cand.status = TierCandidate.Status.REJECTED
                    cand.decided_on = date(YEAR, 8, 1) + timedelta(days=rng.randrange(60))
                    cand.note = "未通过（演示）：专家评审得分不足"
            cand.checked_at = timezone.now()
            rows.append(cand)
            if cand.status == TierCandidate.Status.RECOGNISED:
                if tier in TITLE_TIERS:
                    titles.append(
                        EnterpriseTier(enterprise=firm, tier=tier, level=level, year=YEAR)
                    )
                elif tier == "above_size":
                    upgraded.append(firm.pk)
    TierCandidate.objects.bulk_create(rows, batch_size=500)
    EnterpriseTier.objects.bulk_create(titles, batch_size=500, ignore_conflicts=True)
    Enterprise.objects.filter(pk__in=upgraded).update(above_size=True)
    out.created["TierCandidate"] += len(rows)
    out.created["EnterpriseTier"] += len(titles)
