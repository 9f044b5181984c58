"""Tier pipeline serializers: fields listed explicitly (AC4); a candidate's status moves only through its steps."""

from __future__ import annotations

from rest_framework import serializers

from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

from ..models import TierCandidate, TierTarget
from ..services import STEPS

DECLARED = list(TierCandidate.DECLARED_FIELDS)


class TierCandidateSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        model=Enterprise, help_text="Set on create; read-only afterwards."
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    create_only_fields = ("enterprise", "tier", "level", "year")

    class Meta(VersionedModelSerializer.Meta):
        model = TierCandidate
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "tier",
            "level",
            "year",
            "status",
            "applied_on",
            "decided_on",
            "verdict",
            "verdict_summary",
            "checked_at",
            *DECLARED,
            "note",
            "is_synthetic",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "verdict",
            "verdict_summary",
            "checked_at",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]


class StepSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=[str(s) for s in STEPS])
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    version = serializers.IntegerField(required=False)


class CheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["pass", "fail", "unknown"])
    value = serializers.CharField()
    threshold = serializers.CharField()
    reason = serializers.CharField()


class VerdictSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="tier:level, e.g. specialised:provincial")
    label = serializers.CharField()
    source = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["eligible", "possible", "ineligible"])
    checks = CheckSerializer(many=True)


class FoundSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    verdict = VerdictSerializer()


class TierTargetSerializer(VersionedModelSerializer):
    region = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=False, required=False, allow_null=True
    )

    class Meta(VersionedModelSerializer.Meta):
        model = TierTarget
        fields = [
            "id",
            "tier",
            "level",
            "year",
            "value",
            "cumulative",
            "region",
            "source",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ProgressSerializer(serializers.Serializer):
    tier = serializers.CharField()
    label = serializers.CharField()
    target = serializers.IntegerField(source="target.value", allow_null=True, default=None)
    target_level = serializers.CharField(source="target.level", allow_null=True, default=None)
    cumulative = serializers.BooleanField(source="target.cumulative", allow_null=True, default=None)
    achieved = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField(allow_null=True)
    recognised = serializers.IntegerField()
    applied = serializers.IntegerField()
    candidates = serializers.IntegerField()
    eligible = serializers.IntegerField(help_text="Candidates meeting every criterion.")
    known_ok = serializers.IntegerField(help_text="Candidates failing no known criterion.")
    rejected = serializers.IntegerField()
