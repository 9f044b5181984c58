"""Matching endpoints: needs and offers (a firm publishes its own), matches answered through ``advance``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.accounts.policy import is_editor_or_firm
from chainleader.core.api import (
    WORKFLOW_ERRORS,
    IsEditorOrReadOnly,
    ScopedModelViewSet,
    ScopedReadOnlyModelViewSet,
)

from .. import services
from ..models import Match, Need, Offer
from .serializers import AdvanceSerializer, MatchSerializer, NeedSerializer, OfferSerializer


class IsEditorFirmOrReadOnly(IsEditorOrReadOnly):
    """As IsEditorOrReadOnly, and a firm account may write too (its own needs, offers, answers: the service
    decides which records, accounts.policy.can_write_for_firm); the administrators and readers get 403."""

    def may_write(self, user: Any) -> bool:
        return is_editor_or_firm(user)


class _ListingViewSet(ScopedModelViewSet):
    # Firm accounts publish their own needs and offers: the service checks who may write, not the role list.
    permission_classes = [IsEditorFirmOrReadOnly]
    select_related = ("enterprise", "chain", "segment")
    ordering_fields = ("created_at", "product")

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Any:
        return services.listing_update(
            listing=instance, actor=self.request.user, data=data, expected_version=expected_version
        )


class NeedViewSet(_ListingViewSet):
    """Needs (需求) of chain-master firms: what they buy."""

    model = Need
    serializer_class = NeedSerializer

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Need:
        return services.need_publish(actor=self.request.user, data=data)


class OfferViewSet(_ListingViewSet):
    """Offers (供给) of local firms: what they make."""

    model = Offer
    serializer_class = OfferSerializer

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Offer:
        return services.offer_publish(actor=self.request.user, data=data)


class MatchViewSet(ScopedReadOnlyModelViewSet):
    """Matches (对接) in scope, with score components; a firm sees and answers only its own."""

    model = Match
    serializer_class = MatchSerializer
    select_related = ("need", "offer")
    ordering_fields = ("score", "status", "created_at")

    @extend_schema(request=AdvanceSerializer, responses={200: MatchSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsEditorFirmOrReadOnly])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        """Move the match one step: contacted, quoted, dealt (with the amount) or closed (with a reason)."""
        obj = self.get_object()
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        match = services.match_advance(
            match=obj,
            actor=request.user,
            step=d["step"],
            expected_version=d.get("version"),
            reason=d.get("reason") or "",
            deal_amount_wan=d.get("deal_amount_wan"),
        )
        return Response(MatchSerializer(match).data)
