"""Regions (行政区划) and GB/T 4754-2017 industry codes: read-only for every signed-in user."""

from __future__ import annotations

from chainleader.core.api import ScopedReadOnlyModelViewSet
from chainleader.reference.filters import IndustryFilter, RegionFilter
from chainleader.reference.models import Industry, Region

from .serializers import IndustrySerializer, RegionSerializer


class RegionViewSet(ScopedReadOnlyModelViewSet):
    """Administrative regions with their statistical codes (province, prefecture, county)."""

    model = Region
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    select_related = ("parent",)
    ordering_fields = ("code", "name", "level")


class IndustryViewSet(ScopedReadOnlyModelViewSet):
    """GB/T 4754-2017 industry classes (门类/大类/中类/小类)."""

    model = Industry
    serializer_class = IndustrySerializer
    filterset_class = IndustryFilter
    select_related = ("parent",)
    ordering_fields = ("full_code", "code", "name", "level")
