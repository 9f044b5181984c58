"""The cockpit's API: the summary, a chain's record, assessment schemes, runs and their scores.

The summary and the record are for the cockpit's readers (the office, the chief chain leader, chain leaders and
teams, districts): firms, departments and the administrators get 403. The lists answer everyone with their scoped
rows, as every list of the API does: the chains a user sees; schemes and runs are empty for a non-reader, drafts
are the office's (querysets.py)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.chains.models import Chain
from chainleader.core.api import ScopedReadOnlyModelViewSet

from .. import selectors
from ..models import AssessmentRun, AssessmentScheme
from ..querysets import is_reader
from .serializers import (
    AssessmentRunSerializer,
    AssessmentSchemeSerializer,
    AssessmentScoreSerializer,
    CockpitChainSerializer,
)

YEAR = OpenApiParameter("year", int, description="The year (default: this year).")


class IsCockpitReader(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return is_reader(request.user)


def _year(request: Request) -> int:
    raw = request.query_params.get("year", "")
    return min(max(int(raw), 2000), 2100) if raw.isdigit() else timezone.localdate().year


CHAIN = OpenApiParameter("chain", int, required=True, description="The chain's id.")


class CockpitChainViewSet(ScopedReadOnlyModelViewSet):
    """The chains the caller sees (the cockpit's drill-down ids): /summary/ is the whole cockpit, /record/?chain=
    a chain's record (链长履职, B8)."""

    model = Chain
    serializer_class = CockpitChainSerializer
    ordering_fields = ("name",)

    @extend_schema(parameters=[YEAR], responses={200: dict})
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated, IsCockpitReader],
    )
    def summary(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The cockpit: ranked chains and districts, stages, problems on time, attainment, 亩均 classes, the map
        and trend options, the published rankings."""
        return Response(selectors.summary(request.user, _year(request)))

    @extend_schema(parameters=[CHAIN, YEAR], responses={200: dict})
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated, IsCockpitReader],
    )
    def record(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The chain leader's record for the year: counts of visits, meetings, deals, problems closed, leads
        landed and projects started, and the chain's indicator attainment (404 for a chain out of scope)."""
        raw = request.query_params.get("chain", "")
        if not raw.isdigit():
            raise ValidationError({"chain": [_("Give the chain's id.")]})
        chain = get_object_or_404(self.get_queryset(), pk=int(raw))
        year = _year(request)
        rec = selectors.record(request.user, chain, year)
        return Response(
            {
                "chain": chain.pk,
                "year": year,
                "leader_post": rec["leader_post"],
                "people": rec["people"],
                "counts": rec["counts"],
                "attainment": rec["attainment"],
            }
        )


class AssessmentSchemeViewSet(ScopedReadOnlyModelViewSet):
    """摘星夺旗 schemes: the office's all; others those with a published run."""

    model = AssessmentScheme
    serializer_class = AssessmentSchemeSerializer
    ordering_fields = ("year", "name")


class AssessmentRunViewSet(ScopedReadOnlyModelViewSet):
    """Assessment runs: the office's all; others the published ones. /{id}/scores/ is the ranking with each
    subject's breakdown per item."""

    model = AssessmentRun
    serializer_class = AssessmentRunSerializer
    ordering_fields = ("computed_at", "published_at")

    @extend_schema(responses={200: AssessmentScoreSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def scores(self, request: Request, pk: Any = None) -> Response:
        run = self.get_object()
        rows = run.scores.order_by("rank", "label", "pk")
        return Response(AssessmentScoreSerializer(rows, many=True).data)
