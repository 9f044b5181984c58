"""The chain map endpoint, /api/chains/{id}/map/: a chain's derived map as the map page shows it to the caller.

It sits under the chain's URL but belongs to the chain map, which is built on chains (decision 0018): api_urls
registers this viewset on the "chains" prefix beside chains' own ChainViewSet; it adds the one detail action.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from chainleader.chains.models import Chain
from chainleader.core.api import ScopedAutoSchema, ScopedViewSetMixin

from ..models import ChainMap
from ..selectors import scoped_map_segments
from .serializers import ChainMapSerializer


class ChainMapViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):  # type: ignore[misc]
    """The derived map (产业链图谱) of a chain in the caller's scope; no list, no other route."""

    model = Chain
    schema = ScopedAutoSchema()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={
            200: ChainMapSerializer,
            404: OpenApiResponse(description="Not found, out of scope or not derived yet."),
        },
        summary="The chain's derived map (产业链图谱)",
    )
    @action(detail=True, methods=["get"], url_path="map", filter_backends=[], pagination_class=None)
    def map(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
        """Segments with status, reason and presence, as the map page shows them to this user."""
        chain = self.get_object()
        snapshot = ChainMap.objects.for_user(request.user).filter(chain=chain).first()
        if snapshot is None:
            raise NotFound
        data = {
            "chain": chain.pk,
            "derived_at": snapshot.derived_at,
            "tree_version": snapshot.tree_version,
            "completeness": snapshot.completeness,
            "segments": scoped_map_segments(snapshot, request.user),
            "edges": snapshot.edges,
        }
        # The snapshot is plain JSON already, shaped as ChainMapSerializer declares (chainmap/payload.py; a test
        # checks it): returned as it is, not walked field by field through DRF (most of the time of this call).
        return Response(data)
