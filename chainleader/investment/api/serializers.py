"""Investment serializers: fields listed explicitly (AC4); a lead's stage moves only through its actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from chainleader.chains.models import Chain, Segment
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.reference.models import Region

from ..models import Lead, LeadStep, Target
from ..services import STAGE_ORDER


class TargetSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    company_ticker = serializers.CharField(source="company.ticker", read_only=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "chain",
            "segment",
            "segment_name",
            "company",
            "company_name",
            "company_ticker",
            "rank",
            "score",
            "share",
            "buyer",
            "fit",
            "tier",
            "board",
            "products",
            "reason",
            "derived_at",
        ]
        read_only_fields = fields


class LeadStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadStep
        fields = ["stage", "on", "note", "created_at"]
        read_only_fields = fields


class LeadSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain, help_text="Set on create; read-only afterwards."
    )
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)
    district = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=False, required=False, allow_null=True
    )
    owner = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scoped=False,
        required=False,
        allow_null=True,
        limit_choices_to={"is_active": True},
    )
    steps = LeadStepSerializer(many=True, read_only=True)
    create_only_fields = ("chain",)

    class Meta(VersionedModelSerializer.Meta):
        model = Lead
        fields = [
            "id",
            "chain",
            "segment",
            "company",
            "firm_name",
            "enterprise",
            "source",
            "target",
            "district",
            "owner",
            "stage",
            "stage_on",
            "expected_investment_yi",
            "land_need_mu",
            "promised_intensity_wan_per_mu",
            "promised_tax_wan_per_mu",
            "promised_jobs",
            "project",
            "close_reason",
            "notes",
            "steps",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "company",
            "enterprise",
            "target",
            "stage",
            "stage_on",
            "project",
            "close_reason",
            "created_at",
            "updated_at",
        ]


class LeadAdvanceSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=[str(s) for s in STAGE_ORDER[1:]])
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    version = serializers.IntegerField(required=False)


class LeadCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False)


class PromiseCheckSerializer(serializers.Serializer):
    """One signed lead with a producing project: each promise (promised, actual, achieved ratio)."""

    lead = serializers.IntegerField(source="lead.pk")
    firm_name = serializers.CharField(source="lead.firm_name")
    chain = serializers.IntegerField(source="lead.chain_id")
    project = serializers.IntegerField(source="project.pk")
    checks = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True)),
        help_text="check → [actual, promised]; tax_per_mu is null for scopes without confidential figures.",
    )
    ratios = serializers.DictField(child=serializers.FloatField(allow_null=True))
    shortfalls = serializers.ListField(child=serializers.CharField())
    investor_missing = serializers.BooleanField()
