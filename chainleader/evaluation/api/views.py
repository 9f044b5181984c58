"""Evaluation endpoints: runs and results (read-only, scoped, audited), appeals (create and the workflow).

Appeals go through the same services as the pages: a wrong role is 403, a wrong state 409.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.accounts.policy import is_editor_or_firm
from chainleader.core import audit
from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from chainleader.core.throttles import ConfidentialFiguresThrottle
from chainleader.evaluation import services
from chainleader.evaluation.filters import AppealFilter, ResultApiFilter
from chainleader.evaluation.models import Appeal, EvaluationResult, EvaluationRun

from .serializers import (
    AppealCheckSerializer,
    AppealDecideSerializer,
    AppealSerializer,
    EvaluationResultSerializer,
    EvaluationRunSerializer,
)


class AuditedReadsMixin:
    """Every read that returns confidential figures writes one `view_confidential` row (AU1)."""

    request: Any
    audit_label = ""

    def audit_view(self, *, count: int, object_id: Any = "") -> None:
        if count:
            audit.record(
                actor=self.request.user,
                event_type="view_confidential",
                object_type=self.audit_label,
                object_id=object_id,
                detail={"count": count},
            )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        data = response.data
        rows = data.get("results", []) if isinstance(data, dict) else data
        self.audit_view(count=len(rows))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        self.audit_view(count=1, object_id=response.data.get("id", ""))
        return response


class EvaluationRunFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=EvaluationRun.Status.choices)

    class Meta:
        model = EvaluationRun
        fields = ["year", "status"]


class EvaluationRunViewSet(ScopedReadOnlyModelViewSet):
    """Yearly evaluation runs (亩产效益评价) the caller may see: the office all, others once in review."""

    model = EvaluationRun
    serializer_class = EvaluationRunSerializer
    filterset_class = EvaluationRunFilter
    select_related = ("scheme",)
    ordering_fields = ("year", "published_at")


class EvaluationResultFilter(ResultApiFilter):
    group = django_filters.CharFilter(label="group")


class EvaluationResultViewSet(AuditedReadsMixin, ScopedReadOnlyModelViewSet):
    """Per-firm results (score, rank, class, indicators): confidential, for the firms in scope only."""

    model = EvaluationResult
    serializer_class = EvaluationResultSerializer
    filterset_class = EvaluationResultFilter
    throttle_classes = [ConfidentialFiguresThrottle]  # 20 reads an hour per user (SECURITY.md IN5)
    select_related = ("run", "enterprise")
    ordering_fields = ("score", "rank", "grade", "enterprise__name")
    audit_label = "evaluation.evaluationresult"


class MayWriteOrReadOnly(permissions.BasePermission):
    """Writes for the roles that write at all (editors, and firms for their appeals); others 403 (TP2)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_editor_or_firm(request.user)


class AppealViewSet(AuditedReadsMixin, ScopedModelViewSet):
    """Appeals (申诉): a firm or its district submits; the district checks; the office decides."""

    model = Appeal
    serializer_class = AppealSerializer
    filterset_class = AppealFilter
    select_related = ("result__run", "enterprise")
    ordering_fields = ("submitted_at", "status")
    # Firms appeal too (they are not editors); the services decide who may take each step.
    permission_classes = [permissions.IsAuthenticated, MayWriteOrReadOnly]
    http_method_names = ["get", "post", "head", "options"]
    audit_label = "evaluation.appeal"

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Appeal:
        return services.appeal_submit(
            result=data["result"],
            actor=self.request.user,
            field=data["field"],
            claimed_value=data["claimed_value"],
            evidence=data.get("evidence"),
            note=data.get("note") or "",
        )

    @extend_schema(
        request=AppealCheckSerializer, responses={200: AppealSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The district of the firm's territory checks the appeal and gives its opinion."""
        return self.step(
            request,
            AppealCheckSerializer,
            lambda obj, d: services.appeal_district_check(
                appeal=obj,
                actor=request.user,
                supports=d["supports"],
                note=d["note"],
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        request=AppealDecideSerializer, responses={200: AppealSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The office decides; accepted changes the figure and re-scores the run's year (409 once published)."""
        return self.step(
            request,
            AppealDecideSerializer,
            lambda obj, d: services.appeal_decide(
                appeal=obj,
                actor=request.user,
                accepted=d["accepted"],
                note=d["note"],
                expected_version=d.get("version"),
            ),
        )
