"""Growth plan endpoints: plans (with their pace), their years and measures (一企一策), and the echelons of a
year. Figures are confidential (SECURITY.md AC3): null or empty for scopes without them; every read that
returns figures is audited (AU1) and limited (IN5)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.core import audit
from chainleader.core.api import ScopedModelViewSet
from chainleader.core.querysets import scope_for
from chainleader.core.throttles import ConfidentialFiguresThrottle

from .. import selectors, services
from ..filters import GrowthPlanFilter
from ..models import GrowthPlan, Measure, PlanYear
from .serializers import (
    EchelonRowSerializer,
    GrowthPlanSerializer,
    MeasureSerializer,
    PlanYearSerializer,
)


class ConfidentialReadMixin:
    """One `view_confidential` audit row per read that returned figures (as /api/year-figures/)."""

    request: Any
    audit_type = ""

    def audit_view(self, *, count: int, object_id: Any = "") -> None:
        if count and scope_for(self.request.user).confidential:
            audit.record(
                actor=self.request.user,
                event_type="view_confidential",
                object_type=self.audit_type,
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


class GrowthPlanViewSet(ConfidentialReadMixin, ScopedModelViewSet):
    """倍增 and other growth plans of the firms in scope: targets (10k yuan), the pace year by year and the
    lagging flag with its reason. Figures are null for scopes without confidential figures. GET
    …/echelons/?year= lists the 30 / 50 / 100亿 echelons."""

    model = GrowthPlan
    serializer_class = GrowthPlanSerializer
    filterset_class = GrowthPlanFilter
    throttle_classes = [ConfidentialFiguresThrottle]
    ordering_fields = ("base_year", "target_year", "status")
    audit_type = "growth.growthplan"

    def get_queryset(self) -> Any:
        return selectors.with_progress(super().get_queryset(), self.request.user)

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> GrowthPlan:
        return services.plan_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> GrowthPlan:
        return services.plan_update(
            plan=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    def delete_object(self, *, instance: Any) -> None:
        services.plan_delete(plan=instance, actor=self.request.user)

    @extend_schema(
        responses={200: EchelonRowSerializer(many=True)},
        parameters=[
            OpenApiParameter(
                "year", int, description="The year (default: the latest with figures)."
            )
        ],
        filters=False,
    )
    # One list, not paginated: the schema says so (found by the API fuzzing).
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
    )
    def echelons(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Firms in the 30 / 50 / 100亿 echelons of a year by revenue, with their move since the year before
        (empty for scopes without confidential figures)."""
        user = request.user
        if not selectors.figures_visible(user):
            return Response([])
        years = selectors.figure_years(user)
        text = request.query_params.get("year", "")
        year = int(text) if text.isdigit() else (years[0] if years else None)
        if year is None:
            return Response([])
        table = selectors.echelon_table(user, year)
        self.audit_view(count=len(table.rows))
        return Response(EchelonRowSerializer(table.rows, many=True).data)


class PlanYearViewSet(ConfidentialReadMixin, ScopedModelViewSet):
    """A plan's explicit year targets and the fixed-asset investment made (10k yuan): confidential, only for
    scopes granted figures."""

    model = PlanYear
    serializer_class = PlanYearSerializer
    throttle_classes = [ConfidentialFiguresThrottle]
    select_related = ("plan",)
    ordering_fields = ("year",)
    audit_type = "growth.planyear"

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> PlanYear:
        plan = data.pop("plan")
        return services.plan_year_save(plan=plan, actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> PlanYear:
        return services.plan_year_save(
            plan=instance.plan,
            actor=self.request.user,
            data=data,
            instance=instance,
            expected_version=expected_version,
        )


class MeasureViewSet(ScopedModelViewSet):
    """Measures of 一企一策 on the plans in scope: what, the responsible unit, the deadline, done or not."""

    model = Measure
    serializer_class = MeasureSerializer
    select_related = ("plan", "responsible_unit")
    ordering_fields = ("deadline", "done")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Measure:
        plan = data.pop("plan")
        return services.measure_save(plan=plan, actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Measure:
        return services.measure_save(
            plan=instance.plan,
            actor=self.request.user,
            data=data,
            instance=instance,
            expected_version=expected_version,
        )
