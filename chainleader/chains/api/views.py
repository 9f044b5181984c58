"""Chain endpoints: chains, segments (环节), targets and firm placements; writes go through services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count

from chainleader.chains import services
from chainleader.chains.filters import ChainFilter, SegmentFilter, scoped_chains
from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.core.api import ScopedModelViewSet
from chainleader.core.services import object_update
from chainleader.enterprises.models import Enterprise

from .serializers import (
    ChainSerializer,
    ChainTargetSerializer,
    PlacementSerializer,
    SegmentSerializer,
)


def scoped_segments(request: Any) -> Any:
    return Segment.objects.for_user(getattr(request, "user", None))


def scoped_enterprises(request: Any) -> Any:
    return Enterprise.objects.for_user(getattr(request, "user", None))


class ChainViewSet(ScopedModelViewSet):
    """Key industrial chains (重点产业链) in the caller's scope, with their segment count."""

    model = Chain
    serializer_class = ChainSerializer
    filterset_class = ChainFilter
    select_related = ("region",)
    scoped_prefetch = ("masters",)
    ordering_fields = ("name", "level", "order", "category")

    def get_queryset(self) -> Any:
        # An aggregate drops Meta.ordering (GROUP BY): restate it so pages stay stable.
        qs = super().get_queryset().annotate(segment_count=Count("segments"))
        return qs.order_by(*(Chain._meta.ordering or ()))


class SegmentViewSet(ScopedModelViewSet):
    """Segments (环节) of the chains in scope: a tree per chain (parent), up-, mid- or downstream."""

    model = Segment
    serializer_class = SegmentSerializer
    filterset_class = SegmentFilter
    select_related = ("chain__region", "parent")
    ordering_fields = ("name", "position", "order", "chain")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Segment:
        chain = data.pop("chain")
        return services.segment_save(
            segment=Segment(chain=chain), actor=self.request.user, data=data, expected_version=None
        )

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Segment:
        return services.segment_save(
            segment=instance, actor=self.request.user, data=data, expected_version=expected_version
        )


class ChainTargetFilter(django_filters.FilterSet):
    chain = django_filters.ModelChoiceFilter(queryset=scoped_chains)
    year = django_filters.NumberFilter()

    class Meta:
        model = ChainTarget
        fields = ["chain", "year"]


class ChainTargetViewSet(ScopedModelViewSet):
    """A chain's yearly targets (e.g. output 千亿级 by 2025)."""

    model = ChainTarget
    serializer_class = ChainTargetSerializer
    filterset_class = ChainTargetFilter
    select_related = ("chain__region",)
    search_fields = ("indicator", "note")
    ordering_fields = ("year", "indicator", "chain")


class PlacementFilter(django_filters.FilterSet):
    chain = django_filters.ModelChoiceFilter(queryset=scoped_chains, field_name="segment__chain")
    segment = django_filters.ModelChoiceFilter(queryset=scoped_segments)
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises)
    role = django_filters.ChoiceFilter(choices=Placement.Role.choices)

    class Meta:
        model = Placement
        fields = ["chain", "segment", "enterprise", "role"]


class PlacementViewSet(ScopedModelViewSet):
    """Firms placed in segments with a role (链主 / 核心 / 配套).

    Only placements of firms the caller can also see are listed (as on the segment page): a district
    sees a city chain, but not the other districts' firms placed in it.
    """

    model = Placement
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter
    select_related = ("segment", "enterprise")
    search_fields = ("enterprise__name", "segment__name")
    ordering_fields = ("role", "enterprise__name", "segment__name")

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(enterprise__in=scoped_enterprises(self.request))

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Placement:
        segment = data.pop("segment")
        return services.segment_place_firm(segment=segment, actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Placement:
        return object_update(
            instance=instance, actor=self.request.user, data=data, expected_version=expected_version
        )
