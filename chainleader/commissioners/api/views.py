"""Service commissioner endpoints: assignments (name, change, end, log a visit) and the visit log (read);
writes go through services (decision 0023)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from chainleader.core.files import download

from .. import selectors, services
from ..filters import AssignmentFilter, VisitFilter
from ..models import Assignment, Visit
from .serializers import (
    AssignmentEndSerializer,
    AssignmentSerializer,
    CoverageSerializer,
    VisitLogSerializer,
    VisitSerializer,
)


class AssignmentViewSet(ScopedModelViewSet):
    """服务专员 in the caller's scope (a commissioner also sees their own). Create names the firm's commissioner
    (ending the current one); update changes the kind, interval and notes; …/end/ ends it; …/visit/ logs a
    visit (the commissioner or an editor). No delete: an assignment ends."""

    model = Assignment
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    select_related = ("enterprise", "commissioner__org_unit")
    ordering_fields = ("since", "due_on", "enterprise__name_sort")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Assignment:
        return services.assign(
            actor=self.request.user,
            enterprise=data["enterprise"],
            commissioner=data["commissioner"],
            kind=data["kind"],
            since=data.get("since"),
            visit_interval_days=data.get("visit_interval_days"),
            notes=data.get("notes") or "",
        )

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Assignment:
        given = {k: v for k, v in data.items() if k in services.UPDATABLE}
        return services.assignment_update(
            actor=self.request.user,
            assignment=instance,
            data=given,
            expected_version=expected_version,
        )

    @extend_schema(
        responses={200: CoverageSerializer},
        parameters=[OpenApiParameter("year", int, description="Visits counted in this year.")],
    )
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def coverage(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """包抓覆盖: per district (key firms, assigned, coverage, visits in the year, overdue) and per the
        commissioners' unit. Firm accounts and administrators: 403."""
        if getattr(request.user, "role", "") in selectors.NO_COVERAGE_ROLES:
            raise PermissionDenied
        today = timezone.localdate()
        raw = request.query_params.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year
        data = {
            "year": year,
            "districts": selectors.coverage_by_district(request.user, year, today),
            "units": selectors.coverage_by_unit(request.user, year, today),
        }
        return Response(CoverageSerializer(data).data)

    @extend_schema(
        request=AssignmentEndSerializer, responses={200: AssignmentSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End the assignment (default today)."""
        return self.step(
            request,
            AssignmentEndSerializer,
            lambda obj, d: services.unassign(
                actor=request.user,
                assignment=obj,
                until=d.get("until"),
                reason=d.get("reason") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        request=VisitLogSerializer, responses={200: AssignmentSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def visit(self, request: Request, pk: str | None = None) -> Response:
        """Log a visit to the firm (the firm's commissioner, whatever their role, or an editor)."""

        def run(obj: Assignment, d: dict[str, Any]) -> Assignment:
            services.visit_log(
                actor=request.user,
                assignment=obj,
                on=d["on"],
                form=d.get("form") or Visit.Form.ON_SITE,
                notes=d.get("notes") or "",
                requests=d.get("requests") or [],
                attachment=d.get("attachment"),
            )
            return obj

        return self.step(request, VisitLogSerializer, run)


class VisitViewSet(ScopedReadOnlyModelViewSet):
    """走访记录 in the caller's scope (a firm account reads the visits to its firm, without the notes)."""

    model = Visit
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    select_related = ("assignment", "visitor")
    ordering_fields = ("on",)

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("requests")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def file(self, request: Request, pk: str | None = None) -> Any:
        """Download the visit's record file (in the caller's scope, the visited firm too; audited)."""
        visit = self.get_object()
        return download(visit.attachment, f"visit-{visit.assignment_id}-{visit.on:%Y%m%d}")
