"""Enterprise endpoints: enterprises, their tiers, and the confidential yearly figures (audited reads)."""

from __future__ import annotations

from typing import Any

import django_filters
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.core import audit
from chainleader.core.api import ScopedModelViewSet
from chainleader.core.throttles import ConfidentialFiguresThrottle
from chainleader.enterprises import services
from chainleader.enterprises.filters import EnterpriseFilter
from chainleader.enterprises.models import Enterprise, EnterpriseTier, YearFigure

from .serializers import EnterpriseSerializer, EnterpriseTierSerializer, YearFigureSerializer


def scoped_enterprises(request: Any) -> Any:
    return Enterprise.objects.for_user(getattr(request, "user", None))


class EnterpriseViewSet(ScopedModelViewSet):
    """Enterprises (企业) in the caller's data scope."""

    model = Enterprise
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    select_related = ("region", "park", "industry")
    ordering_fields = ("name", "uscc", "founded_on", "registered_capital_wan", "updated_at")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Enterprise:
        return services.enterprise_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Enterprise:
        return services.enterprise_update(
            enterprise=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
        )


class EnterpriseTierFilter(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises)
    tier = django_filters.ChoiceFilter(choices=EnterpriseTier.Tier.choices)
    level = django_filters.ChoiceFilter(choices=EnterpriseTier.Level.choices)
    year = django_filters.NumberFilter()

    class Meta:
        model = EnterpriseTier
        fields = ["enterprise", "tier", "level", "year"]


class EnterpriseTierViewSet(ScopedModelViewSet):
    """Tier titles firms hold (专精特新, 小巨人, 单项冠军 ...)."""

    model = EnterpriseTier
    serializer_class = EnterpriseTierSerializer
    filterset_class = EnterpriseTierFilter
    select_related = ("enterprise",)
    search_fields = ("enterprise__name",)
    ordering_fields = ("year", "tier", "level", "enterprise__name")


class YearFigureFilter(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises)
    year = django_filters.NumberFilter()

    class Meta:
        model = YearFigure
        fields = ["enterprise", "year"]


class YearFigureViewSet(ScopedModelViewSet):
    """Yearly figures (tax, revenue, energy ...): confidential (SECURITY.md AC3).

    YearFigure.objects.for_user() is empty for scopes without the confidential grant. Every read that
    returns figures writes one `view_confidential` audit row (AU1) before the response leaves.
    """

    model = YearFigure
    serializer_class = YearFigureSerializer
    filterset_class = YearFigureFilter
    throttle_classes = [ConfidentialFiguresThrottle]  # 20 reads an hour per user (SECURITY.md IN5)
    search_fields = ("enterprise__name", "enterprise__uscc")
    # The figures are sealed at rest (SECURITY.md DP2): the database cannot sort them, so no ordering by them.
    ordering_fields = ("year", "enterprise__name", "employees")

    def audit_view(self, *, count: int, object_id: Any = "") -> None:
        if count:
            audit.record(
                actor=self.request.user,
                event_type="view_confidential",
                object_type="enterprises.yearfigure",
                object_id=object_id,
                detail={"count": count},
            )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        data = response.data
        rows = data.get("results", []) if isinstance(data, dict) else data
        self.audit_view(count=len(rows))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        self.audit_view(count=1, object_id=response.data.get("id", ""))
        return response
