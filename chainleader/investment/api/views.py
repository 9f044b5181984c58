"""Investment endpoints: target lists (read-only), leads with their workflow actions; writes go through services."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.chains.models import Chain
from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import selectors, services
from ..filters import LeadFilter, TargetFilter
from ..models import Lead, Target
from .serializers import (
    LeadAdvanceSerializer,
    LeadCloseSerializer,
    LeadSerializer,
    PromiseCheckSerializer,
    TargetSerializer,
)


class TargetViewSet(ScopedReadOnlyModelViewSet):
    """招商名录: outside listed firms ranked for each gap segment of the chains in scope, with the score's
    components and the reason in Chinese. POST …/lead/ turns a row into a lead."""

    model = Target
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    select_related = ("company", "segment")
    ordering_fields = ("score", "rank", "segment")

    @extend_schema(request=None, responses={200: LeadSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def lead(self, request: Request, pk: str | None = None) -> Response:
        """Open a lead from this row (or return the open lead made from it)."""
        lead = services.lead_from_target(actor=request.user, target=self.get_object())
        return Response(LeadSerializer(lead, context=self.get_serializer_context()).data)


class LeadViewSet(ScopedModelViewSet):
    """招商线索 in the caller's scope: 线索 → 接洽 → 考察 → 洽谈 → 签约 (creates the project) → 落地, or closed."""

    model = Lead
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    select_related = ("chain", "segment", "district", "project")
    ordering_fields = ("stage_on", "expected_investment_yi", "firm_name_sort")

    def get_queryset(self) -> Any:
        # The steps ride along: one query for the page, not one per lead (a step is seen with its lead).
        return super().get_queryset().prefetch_related("steps")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Lead:
        return services.lead_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Lead:
        return services.lead_update(
            lead=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    @extend_schema(
        responses={200: PromiseCheckSerializer(many=True)},
        parameters=[OpenApiParameter("chain", int, description="Only this chain's leads.")],
    )
    # One list, not paginated: the schema says so (pagination_class=None; found by the API fuzzing).
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
    )
    def promises(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """兑现核查: promises at signing against the producing projects' results (under 80 % flagged)."""
        chain = None
        chain_id = request.query_params.get("chain", "")
        if chain_id.isdigit():
            chain = get_object_or_404(Chain.objects.for_user(request.user), pk=int(chain_id))
        rows = selectors.promise_rows(request.user, chain)
        return Response(PromiseCheckSerializer(rows, many=True).data)

    @extend_schema(
        request=LeadAdvanceSerializer, responses={200: LeadSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        """Move the lead to a later stage; 签约 creates and links the project."""
        return self.step(
            request,
            LeadAdvanceSerializer,
            lambda obj, d: services.lead_advance(
                lead=obj,
                actor=request.user,
                to_stage=d["to_stage"],
                on=d.get("on"),
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(request=LeadCloseSerializer, responses={200: LeadSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close a dead lead with its reason."""
        return self.step(
            request,
            LeadCloseSerializer,
            lambda obj, d: services.lead_close(
                lead=obj,
                actor=request.user,
                reason=d["reason"],
                expected_version=d.get("version"),
            ),
        )
