"""Reads that span models for chain pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import Park

from .models import Chain, Placement, Segment


def _count(qs: Any, field: str) -> Any:
    sub = (
        qs.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def chains_with_counts(user: Any) -> Any:
    """The user's chains with segment, placed-firm and chain-master counts (one query)."""
    firms = Placement.objects.values("segment__chain").annotate(
        n=Count("enterprise", distinct=True)
    )
    return (
        Chain.objects.for_user(user)
        .select_related("region")
        .annotate(
            n_segments=_count(Segment.objects.all(), "chain"),
            n_firms=Coalesce(
                Subquery(
                    firms.filter(segment__chain=OuterRef("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            n_masters=_count(Chain.masters.through.objects.all(), "chain"),
        )
    )


def home_summary(user: Any) -> dict[str, Any]:
    chains = list(chains_with_counts(user))
    groups = []
    for level, label in Chain.Level.choices:
        rows = [c for c in chains if c.level == level]
        if rows:
            groups.append((label, rows))
    return {
        "chain_groups": groups,
        "totals": {
            "chains": len(chains),
            "segments": Segment.objects.for_user(user).count(),
            "enterprises": Enterprise.objects.for_user(user).count(),
            "parks": Park.objects.for_user(user).count(),
        },
    }
