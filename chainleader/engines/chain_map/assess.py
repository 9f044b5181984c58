"""Statuses a domain expert accepts: 优势 / 薄弱 / 缺失 per leaf, 卡脖子 only for strategic leaves, parents summarise.

Per leaf (thresholds in ``AssessParams``), first match wins:

1. The team's status (an override) — shown as an override with the team's reason.
2. **卡脖子**: the leaf is flagged strategic (a public list or study names it a dependency), local producers
   ≤ ``choke_max_local`` and national producers ≤ ``choke_max_national``. Counts alone never make a choke
   point: a commodity, a raw material traded everywhere, a service or a channel is never flagged strategic.
3. **缺失**: no local firm.
4. **优势**: a chain master present, or ≥ ``strong_min_local`` local firms with a location quotient ≥
   ``strong_min_lq`` (or no national producer to compare with).
5. **薄弱**: otherwise.

LQ = (local firms on the leaf / local firms in the registry) / (national producers of the leaf / listed companies
that make anything). The share of the chain's output is the local revenue on the leaf over the local revenue of
every firm placed on the chain (confidential: the service hides it from scopes without the grant).

A parent segment summarises its leaves: 卡脖子 if any leaf is, 优势 if at least half are, 缺失 if all are, else 薄弱.
Actions: 优势 → 强链; 卡脖子 → 补链 (攻关 and 引进); 缺失 → 补链 in the midstream or on a strategic leaf, else 延链;
薄弱 → 固链. Every status and action keeps its reason, naming the figures and the data's source and date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CHOKE, MISSING, WEAK, STRONG = "choke", "missing", "weak", "strong"
STATUS_LABELS = {CHOKE: "卡脖子", MISSING: "缺失", WEAK: "薄弱", STRONG: "优势"}
STATUSES = (CHOKE, MISSING, WEAK, STRONG)  # also the gap-list priority
STRENGTHEN, FILL, EXTEND, SECURE = "强链", "补链", "延链", "固链"


@dataclass(frozen=True)
class AssessParams:
    choke_max_local: int = 1
    choke_max_national: int = 10
    strong_min_local: int = 3
    strong_min_lq: float = 1.0


@dataclass
class LeafFacts:
    local: int
    masters: int
    national: int
    revenue: float | None  # local revenue on the leaf, 万元
    chain_revenue: float | None


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def lq(facts: LeafFacts, local_base: int, national_base: int) -> float | None:
    if not facts.national or not local_base or not national_base:
        return None
    return (facts.local / local_base) / (facts.national / national_base)


def judge_leaf(
    facts: LeafFacts,
    *,
    strategic: bool,
    strategic_source: str,
    position: str,
    local_base: int,
    national_base: int,
    sources: str,
    params: AssessParams | None = None,
    override: str = "",
    override_reason: str = "",
    makes: bool = True,
) -> dict[str, Any]:
    p = params or AssessParams()
    q = lq(facts, local_base, national_base)
    noun = "上市生产企业" if makes else "上市企业"
    lq_text = f"区位熵 {_fmt(q)}" if q is not None else f"区位熵无法计算（全国无{noun}）"
    figures = f"本地企业 {facts.local} 家（链主 {facts.masters} 家），全国{noun} {facts.national} 家，{lq_text}"
    share = None
    if facts.revenue is not None and facts.chain_revenue:
        share = facts.revenue / facts.chain_revenue
    if override:
        status, rule = override, "override"
        reason = f"专班设定：{override_reason or '（未写理由）'}。数据判断依据：{figures}。"
    elif strategic and facts.local <= p.choke_max_local and facts.national <= p.choke_max_national:
        status, rule = CHOKE, "strategic_thin"
        reason = (
            f"战略环节（{strategic_source}）；本地企业 {facts.local} 家（≤ {p.choke_max_local}），"
            f"全国上市生产企业仅 {facts.national} 家（≤ {p.choke_max_national}），供给薄弱。"
        )
    elif facts.local == 0:
        status, rule = MISSING, "no_local"
        extra = (
            f"；战略环节（{strategic_source}），全国有 {facts.national} 家{noun}可对接"
            if strategic
            else ""
        )
        reason = f"本地无企业；全国{noun} {facts.national} 家{extra}。"
    elif facts.masters or (
        facts.local >= p.strong_min_local and (q is None or q >= p.strong_min_lq)
    ):
        status, rule = STRONG, "strong"
        why = "有链主企业" if facts.masters else f"本地企业 ≥ {p.strong_min_local} 家"
        reason = f"{why}，{figures}。"
    else:
        status, rule = WEAK, "weak"
        reason = f"{figures}：本地企业偏少或集聚度低于全国（区位熵 < {_fmt(p.strong_min_lq)}）。"
    if strategic and rule in ("strong", "weak"):
        reason += (
            f"战略环节（{strategic_source}），国内供给尚可（{facts.national} 家），未判为卡脖子。"
        )
    reason += f"数据：{sources}。"
    action, action_reason = _action(status, strategic=strategic, position=position)
    return {
        "status": status,
        "status_rule": rule,
        "reason": reason,
        "action": action,
        "action_reason": action_reason,
        "lq": None if q is None or not math.isfinite(q) else round(q, 3),
        "output_share": None if share is None else round(share, 4),
    }


def _action(status: str, *, strategic: bool, position: str) -> tuple[str, str]:
    if status == STRONG:
        return STRENGTHEN, "优势环节：支持链主和骨干企业做大做强，带动配套。"
    if status == CHOKE:
        return FILL, "卡脖子环节：组织攻关（揭榜挂帅）并引进国内供应商，降低对外依赖。"
    if status == MISSING:
        if position == "mid" or strategic:
            return FILL, "空白环节：按招商名录定向引进，补齐链条。"
        side = "上游" if position == "up" else "下游"
        return EXTEND, f"{side}空白：向{side}延伸链条，引进或培育配套企业。"
    return SECURE, "薄弱环节：稳住现有企业，扶持其扩能升级，同时补充招引。"


def summarise(children: Sequence[Mapping[str, Any]], *, sources: str) -> dict[str, Any]:
    """A parent segment's status from its leaves."""
    counts = {s: sum(1 for c in children if c["status"] == s) for s in STATUSES}
    n = max(len(children), 1)
    if counts[CHOKE]:
        status = CHOKE
    elif counts[STRONG] * 2 >= n:
        status = STRONG
    elif counts[MISSING] == len(children):
        status = MISSING
    else:
        status = WEAK
    text = "，".join(f"{STATUS_LABELS[s]} {counts[s]}" for s in STATUSES if counts[s])
    return {
        "status": status,
        "status_rule": "summary",
        "reason": f"下设 {len(children)} 个细分环节：{text}。数据：{sources}。",
        "action": "",
        "action_reason": "",
        "lq": None,
        "output_share": None,
        "counts": counts,
    }
