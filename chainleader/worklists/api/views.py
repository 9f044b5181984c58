"""List-item endpoints (the four lists' first three; the fourth is /api/problems/); writes go through services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import services
from ..filters import ChainMeetingFilter, MeetingDecisionFilter, WorkItemFilter
from ..models import ChainMeeting, MeetingDecision, WorkItem
from .serializers import (
    ChainMeetingSerializer,
    DecisionRecordSerializer,
    MeetingDecisionSerializer,
    ReviewSerializer,
    TextStepSerializer,
    WorkItemSerializer,
)


class WorkItemViewSet(ScopedModelViewSet):
    """Items on a chain's lists (key tasks, key construction projects, key investment projects); close-out
    is request → review → close, each by its roles."""

    model = WorkItem
    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilter
    select_related = ("chain", "owner_unit", "project")
    ordering_fields = ("deadline", "status", "title")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> WorkItem:
        return services.item_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> WorkItem:
        return services.item_update(
            item=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    @extend_schema(
        request=TextStepSerializer, responses={200: WorkItemSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def note(self, request: Request, pk: str | None = None) -> Response:
        """Add a progress note (owners and editors)."""
        return self.step(
            request,
            TextStepSerializer,
            lambda obj, d: (
                services.item_add_note(item=obj, actor=request.user, text=d.get("text") or "").item
            ),
        )

    @extend_schema(
        request=TextStepSerializer, responses={200: WorkItemSerializer, **WORKFLOW_ERRORS}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="request-close",
        permission_classes=[permissions.IsAuthenticated],
    )
    def request_close(self, request: Request, pk: str | None = None) -> Response:
        """The owner asks to close the item out."""
        return self.step(
            request,
            TextStepSerializer,
            lambda obj, d: services.item_request_close(
                item=obj,
                actor=request.user,
                text=d.get("text") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(request=ReviewSerializer, responses={200: WorkItemSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The office or the chain's team reviews the request (passed, or sent back)."""
        return self.step(
            request,
            ReviewSerializer,
            lambda obj, d: services.item_review(
                item=obj,
                actor=request.user,
                approved=d["approved"],
                text=d.get("text") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        request=TextStepSerializer, responses={200: WorkItemSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """销号: the office closes out a reviewed item; any other state is 409."""
        return self.step(
            request,
            TextStepSerializer,
            lambda obj, d: services.item_close(
                item=obj,
                actor=request.user,
                text=d.get("text") or "",
                expected_version=d.get("version"),
            ),
        )


class ChainMeetingViewSet(ScopedModelViewSet):
    """Chain meetings (链长制工作会议); POST .../decide/ records a decision, which becomes a key task on the
    chain's list (its id comes back in the decision)."""

    model = ChainMeeting
    serializer_class = ChainMeetingSerializer
    filterset_class = ChainMeetingFilter
    select_related = ("chain__region", "host_unit", "chair")
    ordering_fields = ("held_on", "title", "status")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> ChainMeeting:
        return services.meeting_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> ChainMeeting:
        return services.meeting_update(
            meeting=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
        )

    @extend_schema(
        request=DecisionRecordSerializer,
        responses={201: MeetingDecisionSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Record a decision: owner unit, optional owner, deadline; it becomes a key task on the list."""
        meeting = self.get_object()
        body = DecisionRecordSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        d = body.validated_data
        decision = services.decision_record(
            meeting=meeting,
            actor=request.user,
            text=d["text"],
            owner_unit=d["owner_unit"],
            owner_user=d.get("owner_user"),
            deadline=d["deadline"],
        )
        return Response(MeetingDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class MeetingDecisionViewSet(ScopedReadOnlyModelViewSet):
    """Decisions of chain meetings with their list items' status (recorded through .../decide/)."""

    model = MeetingDecision
    serializer_class = MeetingDecisionSerializer
    filterset_class = MeetingDecisionFilter
    select_related = ("item",)
    ordering_fields = ("deadline", "created_at")
