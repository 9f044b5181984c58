"""Growth plan serializers: fields listed explicitly (AC4). A plan's figures and its pace are confidential: null
for a scope without confidential figures, as the enterprise API serves no figures to it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.core.querysets import scope_for
from chainleader.enterprises.models import Enterprise

from ..models import GrowthPlan, Measure, PlanYear

STAMPS = ("created_at", "updated_at")


class YearPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    expected = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    lagging = serializers.BooleanField(allow_null=True)


class MetricProgressSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=["revenue", "tax", "investment"])
    base = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    points = YearPointSerializer(many=True)


class GrowthPlanSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        model=Enterprise, help_text="Set on create; read-only afterwards."
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    lagging = serializers.SerializerMethodField(
        help_text="Behind the plan's pace in the latest year with an actual (null: not judged or not visible)."
    )
    lagging_reason = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(
        help_text="Per metric (10k yuan): the plan's value and the actual of each year; null when not visible."
    )
    create_only_fields = ("enterprise", "base_year")

    class Meta(VersionedModelSerializer.Meta):
        model = GrowthPlan
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "base_year",
            "target_year",
            *GrowthPlan.CONFIDENTIAL_FIELDS,
            "status",
            "notes",
            "is_synthetic",
            "lagging",
            "lagging_reason",
            "progress",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["is_synthetic", *STAMPS]

    def _visible(self) -> bool:
        request = self.context.get("request")
        return bool(request and scope_for(request.user).confidential)

    def get_lagging(self, obj: GrowthPlan) -> bool | None:
        return obj.progress().lagging if self._visible() else None

    def get_lagging_reason(self, obj: GrowthPlan) -> str:
        return obj.progress().reason if self._visible() else ""

    @extend_schema_field(MetricProgressSerializer(many=True, allow_null=True))
    def get_progress(self, obj: GrowthPlan) -> Any:
        if not self._visible():
            return None
        return MetricProgressSerializer(obj.progress().metrics, many=True).data

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not self._visible():
            for name in GrowthPlan.CONFIDENTIAL_FIELDS:
                data[name] = None
        return data


class PlanYearSerializer(VersionedModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(
        model=GrowthPlan, help_text="Set on create; read-only afterwards."
    )
    create_only_fields = ("plan", "year")

    class Meta(VersionedModelSerializer.Meta):
        model = PlanYear
        fields = [
            "id",
            "plan",
            "year",
            "revenue_wan",
            "tax_wan",
            "investment_wan",
            "investment_actual_wan",
            "version",
            *STAMPS,
        ]
        read_only_fields = list(STAMPS)


class MeasureSerializer(VersionedModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(
        model=GrowthPlan, help_text="Set on create; read-only afterwards."
    )
    responsible_unit = ScopedPrimaryKeyRelatedField(
        model=OrgUnit, scoped=False, required=False, allow_null=True
    )
    create_only_fields = ("plan",)

    class Meta(VersionedModelSerializer.Meta):
        model = Measure
        fields = [
            "id",
            "plan",
            "text",
            "responsible_unit",
            "deadline",
            "done",
            "done_on",
            "version",
            *STAMPS,
        ]
        read_only_fields = list(STAMPS)


class EchelonRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    revenue_wan = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    echelon = serializers.IntegerField(
        allow_null=True,
        help_text="100, 50 or 30 (100 million yuan); 0 below 30; null without a figure.",
    )
    before_wan = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    before = serializers.IntegerField(allow_null=True, help_text="The echelon the year before.")
    move = serializers.CharField(source="move.kind", help_text="up, down, new, out or same.")
    is_synthetic = serializers.BooleanField(source="enterprise.is_synthetic")
