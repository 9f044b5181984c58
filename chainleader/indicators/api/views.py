"""Indicator endpoints: the library (written by the office), targets and values (written by editors for the
subjects in their writable scope), and the warnings with their confirm and dismiss steps."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import services
from ..filters import IndicatorFilter, WarningFilter
from ..models import Indicator, IndicatorTarget, IndicatorValue, Warning
from .serializers import (
    DismissSerializer,
    IndicatorSerializer,
    IndicatorTargetSerializer,
    IndicatorValueSerializer,
    WarningConfirmSerializer,
    WarningSerializer,
)


class IndicatorViewSet(ScopedModelViewSet):
    """The indicator library (指标库): code, unit, direction, frequency, kind (预期性 / 约束性), owner, source."""

    model = Indicator
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    select_related = ("owner",)
    ordering_fields = ("code", "group", "kind")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Indicator:
        return services.indicator_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Indicator:
        return services.indicator_update(
            indicator=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
        )

    def delete_object(self, *, instance: Any) -> None:
        services.indicator_delete(indicator=instance, actor=self.request.user)


class IndicatorTargetViewSet(ScopedModelViewSet):
    """Targets of an indicator per subject (the city, a district, a chain): base and target year and value."""

    model = IndicatorTarget
    serializer_class = IndicatorTargetSerializer
    select_related = ("indicator", "region", "chain__region")
    ordering_fields = ("target_year",)
    filterset_fields = ("indicator", "region", "chain", "target_year")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> IndicatorTarget:
        return services.target_save(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> IndicatorTarget:
        return services.target_save(
            actor=self.request.user, data=data, instance=instance, expected_version=expected_version
        )


class IndicatorValueViewSet(ScopedModelViewSet):
    """Values per subject and period (month 1–12, quarter 1–4, 0 for the year); computed ones are read-only."""

    model = IndicatorValue
    serializer_class = IndicatorValueSerializer
    select_related = ("indicator", "region", "chain__region")
    ordering_fields = ("year", "period")
    filterset_fields = ("indicator", "region", "chain", "year", "period", "source")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> IndicatorValue:
        return services.value_save(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> IndicatorValue:
        return services.value_save(
            actor=self.request.user, data=data, instance=instance, expected_version=expected_version
        )

    def delete_object(self, *, instance: Any) -> None:
        services.value_delete(value=instance, actor=self.request.user)


class WarningViewSet(ScopedReadOnlyModelViewSet):
    """Early warnings (预警) raised by the daily run; confirm (a key task on the chain's list) or dismiss."""

    model = Warning
    serializer_class = WarningSerializer
    filterset_class = WarningFilter
    select_related = ("chain", "region", "owner_unit")
    ordering_fields = ("raised_on", "level", "status")

    @extend_schema(
        request=WarningConfirmSerializer, responses={200: WarningSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm: the warning becomes a key task on its chain's list (or the chain given)."""
        return self.step(
            request,
            WarningConfirmSerializer,
            lambda obj, d: services.warning_confirm(
                warning=obj,
                actor=request.user,
                deadline=d["deadline"],
                chain=d.get("chain"),
                owner_unit=d.get("owner_unit"),
                note=d.get("note") or "",
            ),
        )

    @extend_schema(request=DismissSerializer, responses={200: WarningSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Dismiss, saying why."""
        return self.step(
            request,
            DismissSerializer,
            lambda obj, d: services.warning_dismiss(
                warning=obj, actor=request.user, reason=d["reason"]
            ),
        )
