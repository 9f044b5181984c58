"""Indicator serializers: fields listed explicitly (AC4)."""

from __future__ import annotations

from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.reference.models import Region

from ..models import Indicator, IndicatorTarget, IndicatorValue, Warning

STAMPS = ("created_at", "updated_at")


class IndicatorSerializer(VersionedModelSerializer):
    owner = ScopedPrimaryKeyRelatedField(
        model=OrgUnit, scoped=False, required=False, allow_null=True
    )

    class Meta(VersionedModelSerializer.Meta):
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "group",
            "unit",
            "direction",
            "frequency",
            "kind",
            "level",
            "owner",
            "source",
            "computed_key",
            "formula",
            "reference",
            "tolerance_pct",
            "threshold",
            "order",
            "version",
            *STAMPS,
        ]
        read_only_fields = STAMPS


class _SubjectSerializer(VersionedModelSerializer):
    indicator = ScopedPrimaryKeyRelatedField(model=Indicator)
    region = ScopedPrimaryKeyRelatedField(
        model=Region, required=False, allow_null=True, help_text="A district; blank: the city."
    )
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain, required=False, allow_null=True, help_text="A chain; blank: the city."
    )
    subject = serializers.CharField(source="subject_label", read_only=True)
    create_only_fields = ("indicator", "region", "chain")


class IndicatorTargetSerializer(_SubjectSerializer):
    class Meta(VersionedModelSerializer.Meta):
        model = IndicatorTarget
        fields = [
            "id",
            "indicator",
            "region",
            "chain",
            "subject",
            "base_year",
            "base_value",
            "target_year",
            "target_value",
            "note",
            "version",
            *STAMPS,
        ]
        read_only_fields = STAMPS


class IndicatorValueSerializer(_SubjectSerializer):
    class Meta(VersionedModelSerializer.Meta):
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "region",
            "chain",
            "subject",
            "year",
            "period",
            "value",
            "source",
            "note",
            "version",
            *STAMPS,
        ]
        read_only_fields = ("source", *STAMPS)


class WarningSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warning
        fields = [
            "id",
            "kind",
            "level",
            "message",
            "indicator",
            "chain",
            "region",
            "enterprise",
            "project",
            "owner_unit",
            "status",
            "reason",
            "decided_at",
            "work_item",
            "raised_on",
            "version",
        ]
        read_only_fields = fields


class WarningConfirmSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    chain = ScopedPrimaryKeyRelatedField(model=Chain, required=False, allow_null=True)
    owner_unit = ScopedPrimaryKeyRelatedField(
        model=OrgUnit, scoped=False, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
