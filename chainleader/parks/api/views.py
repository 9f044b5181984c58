"""Park and land-zone endpoints."""

from __future__ import annotations

from chainleader.core.api import ScopedModelViewSet
from chainleader.parks.filters import LandZoneFilter, ParkFilter
from chainleader.parks.models import LandZone, Park

from .serializers import LandZoneSerializer, ParkSerializer


class ParkViewSet(ScopedModelViewSet):
    """Industrial parks (产业园区) in the caller's scope."""

    model = Park
    serializer_class = ParkSerializer
    filterset_class = ParkFilter
    select_related = ("region",)
    scoped_prefetch = ("chains",)
    ordering_fields = ("name", "kind", "area_mu", "area_km2")


class LandZoneViewSet(ScopedModelViewSet):
    """Industrial land protection zones and municipal agglomeration zones (集聚区)."""

    model = LandZone
    serializer_class = LandZoneSerializer
    filterset_class = LandZoneFilter
    select_related = ("region",)
    ordering_fields = ("name", "kind", "area_km2", "area_mu")
