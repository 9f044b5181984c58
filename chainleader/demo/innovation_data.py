"""Demo: innovation and transformation (issue 17 items 4–6), a handful of synthetic rows.

The seeds give counts, not records: 49 technical needs solved through 揭榜 in the West Coast in 2021 and 211
application scenes published (000); for Qingdao, 445 firms diagnosed, 14 digital upgrade projects, 11 innovation
labs and 23 scene labs (004), 41 smart factories and 410 digital workshops and lines (002). No challenge, scene,
lab, diagnosis or title is named in them, so every row here is invented and flagged ``is_synthetic``: challenges
and scenes published by a department of the demo (a unit, not a firm: no real chain master is made to publish an
invented need), solved, supplied, hosted and diagnosed by synthetic firms only. The seeds' counts are shown beside
the platform's own on the funnel page (challenges.selectors.SEED_FACTS), never loaded as rows.
Idempotent: nothing is written when a synthetic challenge exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chainleader.accounts.models import OrgUnit, User
from chainleader.chains.models import Chain, Placement
from chainleader.challenges import selectors, services
from chainleader.challenges.models import (
    Acceptance,
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)
from chainleader.enterprises.models import Enterprise

WEST_COAST = "370211"
CHALLENGES = (
    # chain (the city's) with the need, title, need, budget (万元), status, and where solvers come from: the chain
    # and the segment (a word of its name) whose firms have the capability
    (
        "智能家电",
        "高效变频压缩机低噪声技术",
        "整机运行噪声降至 38 分贝以下，满足量产一致性",
        Decimal(300),
        "accepted",
        ("智能家电", "压缩机"),
    ),
    (
        "海洋装备",
        "海洋装备防腐涂层寿命提升",
        "盐雾环境下防腐寿命提升至 15 年",
        Decimal(180),
        "in_progress",
        ("海洋装备", "防腐"),
    ),
    (
        "先进高分子及金属材料",
        "轮胎胎面缺陷在线视觉检测",
        "检出率 99.5% 以上，节拍不低于 30 件/分钟",
        Decimal(120),
        "published",
        ("人工智能", "视觉"),
    ),
)
SCENES = (
    # chain (the city's), title, what is sought, where suppliers come from (chain, segment word)
    (
        "现代物流",
        "港口集装箱无人集卡场景",
        "自动驾驶集卡及车路协同方案，在港区示范运行",
        ("新能源汽车", "自动驾驶"),
    ),
    ("智能家电", "家电总装车间质检场景", "机器视觉外观检测设备与系统集成", ("人工智能", "视觉")),
)
DIMENSIONS = ("strategy", "equipment", "production", "management", "products", "data")
RECOMMENDATIONS = (
    ("建设数字化车间，关键工序数控化", "production", Decimal(1500)),
    ("上线 MES 与设备联网", "data", Decimal(600)),
    ("建立数字化转型规划与组织保障", "strategy", None),
)


def _firms() -> list[Enterprise]:
    """Synthetic West Coast firms placed on a chain, in a fixed order (the demo's own, not real firms)."""
    placed = Placement.objects.filter(
        enterprise__is_synthetic=True, enterprise__region__code__startswith=WEST_COAST
    ).values_list("enterprise_id", flat=True)
    return list(Enterprise.objects.filter(pk__in=placed).order_by("uscc")[:12])


def _chain_of(firm: Enterprise) -> Any:
    placement = (
        Placement.objects.filter(enterprise=firm)
        .select_related("segment__chain")
        .order_by("pk")
        .first()
    )
    return (placement.segment.chain, placement.segment) if placement else (None, None)


def _chain(name: str) -> Any:
    return Chain.objects.filter(name=name, level="city").first()


def _able(where: tuple[str, str], fallback: list[Enterprise]) -> list[Enterprise]:
    """Synthetic firms of the segment that has the capability (a word of its name) on that chain, then the rest
    of the chain: a compressor maker solves a compressor's noise, a vision firm inspects treads. Firms the
    sources name (chain masters) are left out: no real firm is shown taking an invented challenge."""
    chain = _chain(where[0])
    if chain is None:
        return fallback
    placed = (
        Placement.objects.filter(segment__chain=chain, enterprise__is_synthetic=True)
        .exclude(role=Placement.Role.MASTER)
        .exclude(enterprise__mastered_chains__isnull=False)
        .select_related("enterprise", "segment")
        .order_by("enterprise__uscc", "pk")
    )
    ranked = sorted(placed, key=lambda p: where[1] not in p.segment.name)
    firms = list(dict.fromkeys(p.enterprise for p in ranked))
    return firms if len(firms) >= 2 else fallback


def _on_chain(name: str, where: tuple[str, str], fallback: list[Enterprise]) -> tuple[Any, Any]:
    """The city's chain of that name, and its segment named by ``where`` when the need and the capability sit on
    the same chain (else no segment: the need is the chain's); a registry without it: the first fallback firm's."""
    chain = _chain(name)
    if chain is None:
        return _chain_of(fallback[0])
    if where[0] != name:
        return (chain, None)
    leaf = (
        Placement.objects.filter(segment__chain=chain, segment__name__contains=where[1])
        .select_related("segment")
        .order_by("pk")
        .first()
    )
    return (chain, leaf.segment if leaf else None)


def load_innovation(loader: Any) -> None:
    out = loader.out
    if Challenge.objects.filter(is_synthetic=True).exists():
        return
    firms = _firms()
    if len(firms) < 8:
        return
    department = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("pk").first()
    today = timezone.localdate()
    for n, (chain_name, title, need, budget, status, where) in enumerate(CHALLENGES):
        chain, segment = _on_chain(chain_name, where, firms[n:])
        solvers = _able(where, firms[n:])
        publisher = {"publisher_unit": department} if department else {"publisher_firm": firms[8]}
        ch = Challenge.objects.create(
            **publisher,
            chain=chain,
            segment=segment,
            title=title,
            need=need,
            budget_wan=budget,
            deadline=today + timedelta(days=30 if status == "published" else -60),
            status=status,
            published_on=today - timedelta(days=90),
            is_synthetic=True,
        )
        out.created["Challenge"] += 1
        apps = [
            ChallengeApplication.objects.create(
                challenge=ch,
                solver_firm=solvers[k],
                proposal="演示数据：技术方案为虚构（合成）。",
                asked_wan=budget * Decimal("0.9") - 10 * k,
                score=Decimal(85 - 7 * k) if status != "published" else None,
                status="submitted",
                is_synthetic=True,
            )
            for k in range(2)
        ]
        out.created["ChallengeApplication"] += len(apps)
        if status == "published":
            continue
        apps[0].status, apps[1].status = "selected", "not_selected"
        for a in apps:
            a.save()
        ch.selected, ch.contract_wan = apps[0], apps[0].asked_wan
        ch.save()
        done = status == "accepted"
        Milestone.objects.create(
            challenge=ch,
            title="样机研制",
            due_on=today - timedelta(days=30),
            done_on=today - timedelta(days=35),
        )
        Milestone.objects.create(
            challenge=ch,
            title="中试验证",
            due_on=today - timedelta(days=5) if done else today + timedelta(days=60),
            done_on=today - timedelta(days=7) if done else None,
        )
        out.created["Milestone"] += 2
        if done:
            Acceptance.objects.create(
                challenge=ch,
                on=today - timedelta(days=3),
                verdict=Acceptance.Verdict.PASSED,
                note="演示数据：验收结论为虚构（合成）。",
            )
            out.created["Acceptance"] += 1
    for n, (chain_name, title, sought, where) in enumerate(SCENES):
        chain, segment = _on_chain(chain_name, where, firms[5 + n :])
        suppliers = _able(where, firms[5 + n :])
        scene = Scene.objects.create(
            **({"publisher_unit": department} if department else {"publisher_firm": firms[9]}),
            chain=chain,
            segment=segment,
            title=title,
            sought=sought,
            budget_wan=Decimal(200 + 100 * n),
            status="published",
            is_synthetic=True,
        )
        out.created["Scene"] += 1
        SceneApplication.objects.create(
            scene=scene,
            supplier=suppliers[0],
            offer="演示数据：供给方案为虚构（合成）。",
            score=selectors.supplier_score(scene, suppliers[0]),
            is_synthetic=True,
        )
        out.created["SceneApplication"] += 1
    for n, kind in enumerate(("innovation", "scene")):
        _chain, segment = _chain_of(firms[6 + n])
        Lab.objects.create(
            name=f"{firms[6 + n].name}{'创新应用实验室' if kind == 'innovation' else '场景实验室'}",
            kind=kind,
            host=firms[6 + n],
            segment=segment if segment is not None and not segment.children.exists() else None,
            funding_wan=Decimal(500 * (n + 1)),
            results="演示数据：成果为虚构（合成）。",
            recognised_on=date(2022, 6, 1),
            is_synthetic=True,
        )
        out.created["Lab"] += 1
    office = User.objects.filter(role="office", is_active=True).order_by("pk").first()
    for n, firm in enumerate(firms[:8]):
        scores = {d: 1 + (n + i) % 4 for i, d in enumerate(DIMENSIONS)}
        diag = Diagnosis.objects.create(
            enterprise=firm,
            provider="数字化转型赋能中心（演示）",
            diagnosed_on=today - timedelta(days=120 - 10 * n),
            level=services.overall_level(scores),
            note="演示数据：诊断结论为虚构（合成）。",
            is_synthetic=True,
            **scores,
        )
        out.created["Diagnosis"] += 1
        for i, (text, dimension, wan) in enumerate(RECOMMENDATIONS[: 1 + n % 3]):
            rec = Recommendation.objects.create(
                diagnosis=diag, text=text, dimension=dimension, estimated_wan=wan
            )
            out.created["Recommendation"] += 1
            chain, segment = _chain_of(firm)
            if n < 2 and i == 0 and wan is not None and office is not None and chain is not None:
                project = services.recommendation_convert(
                    recommendation=rec, actor=office, data={"chain": chain, "segment": segment}
                )
                project.is_synthetic = True
                project.save(update_fields=["is_synthetic"])
                out.created["Project"] += 1
    for n, kind in enumerate(
        ("smart_factory", "digital_workshop", "digital_workshop", "automated_line")
    ):
        DigitalTitle.objects.get_or_create(
            enterprise=firms[n],
            kind=kind,
            level="provincial" if n < 2 else "city",
            year=2021 + n % 3,
            defaults={"is_synthetic": True},
        )
        out.created["DigitalTitle"] += 1
