"""Reads for matching: the engine's columns (one values_list query per side) and the per-chain summary."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from chainleader.chains.models import Segment
from chainleader.engines.matching import Side
from chainleader.enterprises.hooks import PANEL_ROWS, Panel, PanelRow
from chainleader.enterprises.models import EnterpriseTier

from .models import Match, Need, Offer

# A firm's best title as the engine's tier number (a buyer prefers a stronger supplier, and the reverse).
TIER_SCORES: dict[str, float] = {
    EnterpriseTier.Tier.CHAIN_MASTER: 1.0,
    EnterpriseTier.Tier.SINGLE_CHAMPION: 0.8,
    EnterpriseTier.Tier.HIDDEN_CHAMPION: 0.7,
    EnterpriseTier.Tier.UNICORN: 0.7,
    EnterpriseTier.Tier.LITTLE_GIANT: 0.6,
    EnterpriseTier.Tier.GAZELLE: 0.5,
    EnterpriseTier.Tier.SPECIALISED: 0.4,
}
ABOVE_SIZE_SCORE = 0.2

LISTING_FIELDS = (
    "pk",
    "product",
    "spec",
    "segment_id",
    "enterprise_id",
    "enterprise__industry__code",
    "enterprise__region__code",
    "enterprise__above_size",
)


def _tiers(enterprise_ids: set[int]) -> dict[int, float]:
    best: dict[int, float] = {}
    rows = EnterpriseTier.objects.filter(enterprise_id__in=enterprise_ids).values_list(
        "enterprise_id", "tier"
    )
    for firm, tier in rows:
        best[firm] = max(best.get(firm, 0.0), TIER_SCORES.get(tier, 0.0))
    return best


def listing_columns(qs: QuerySet[Any]) -> tuple[list[int], list[int], Side]:
    """(listing ids, enterprise ids, the engine's Side) from one values_list query (plus one for tiers)."""
    rows = list(qs.values_list(*LISTING_FIELDS))
    tiers = _tiers({r[4] for r in rows})
    side = Side(
        text=[f"{r[1]} {r[2]}".strip() for r in rows],
        leaf=[r[3] for r in rows],
        industry=[r[5] or "" for r in rows],
        region=[r[6] or "" for r in rows],
        tier=[max(tiers.get(r[4], 0.0), ABOVE_SIZE_SCORE if r[7] else 0.0) for r in rows],
    )
    return [r[0] for r in rows], [r[4] for r in rows], side


def segment_adjacency(segment_ids: set[int]) -> dict[int, list[int]]:
    """Leaf → its parent and its siblings (the chain tree's neighbourhood), for the segments in use."""
    parents = dict(Segment.objects.filter(pk__in=segment_ids).values_list("pk", "parent_id"))
    children: dict[int, list[int]] = defaultdict(list)
    parent_ids = {p for p in parents.values() if p}
    for pk, parent in Segment.objects.filter(parent_id__in=parent_ids).values_list(
        "pk", "parent_id"
    ):
        children[parent].append(pk)
    out: dict[int, list[int]] = {}
    for pk, parent in parents.items():
        if parent:
            out[pk] = [parent, *(s for s in children[parent] if s != pk)]
    return out


def chain_summary(user: Any) -> list[dict[str, Any]]:
    """Per chain: needs published, needs matched (已对接需求 N 项), deals and their amount (万元), in scope."""
    needs = (
        Need.objects.for_user(user)
        .values("chain_id", "chain__name")
        .annotate(
            needs=Count("pk", distinct=True),
            matched=Count("pk", filter=Q(matches__isnull=False), distinct=True),
        )
    )
    deals = {
        row["need__chain_id"]: row
        for row in Match.objects.for_user(user)
        .filter(status=Match.Status.DEALT)
        .values("need__chain_id")
        .annotate(deals=Count("pk"), amount=Sum("deal_amount_wan"))
    }
    out = []
    for row in needs.order_by("chain__name"):
        deal = deals.get(row["chain_id"], {})
        out.append(
            {
                "chain_id": row["chain_id"],
                "chain": row["chain__name"] or "",
                "needs": row["needs"],
                "matched": row["matched"],
                "deals": deal.get("deals", 0),
                "amount_wan": deal.get("amount") or Decimal("0"),
            }
        )
    return out


def offers_for_matching(user: Any) -> QuerySet[Offer]:
    offers: QuerySet[Offer] = Offer.objects.for_user(user).filter(is_open=True)
    return offers


# --- the firm's page (enterprises.hooks.enterprise_panels; issue 15 item 5) ---------------------------------------


def enterprise_matches_panel(enterprise: Any, user: Any) -> Panel:
    """The matches in which the firm needs or offers, as the user sees them (a firm account: its own only)."""
    qs = Match.objects.for_user(user).filter(
        Q(need__enterprise=enterprise) | Q(offer__enterprise=enterprise)
    )
    rows = [
        PanelRow(
            f"{m.need.product} ← {m.offer.enterprise}",
            m.get_absolute_url(),
            m.get_status_display(),
        )
        for m in qs.select_related("need", "offer__enterprise").order_by("-pk")[:PANEL_ROWS]
    ]
    url = reverse("matching:match_list") + f"?enterprise={enterprise.pk}"
    return Panel("matches", _("Supply and demand matches"), qs.count(), rows, url)
