"""Serializers of challenges, scenes, labs and diagnoses: fields listed explicitly (AC4); statuses move only
through the actions."""

from __future__ import annotations

from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain, Segment
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

from ..models import (
    CRITERIA,
    Acceptance,
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)

STAMPS = ["created_at", "updated_at"]


def _unit_field() -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(
        model=OrgUnit,
        scoped=False,
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
        required=False,
        allow_null=True,
    )


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "version", "title", "due_on", "done_on", "note"]
        read_only_fields = fields


class AcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acceptance
        fields = ["on", "verdict", "note"]
        read_only_fields = fields


class ChallengeSerializer(VersionedModelSerializer):
    publisher_firm = ScopedPrimaryKeyRelatedField(model=Enterprise, required=False, allow_null=True)
    publisher_unit = _unit_field()
    chain = ScopedPrimaryKeyRelatedField(model=Chain)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    acceptance = AcceptanceSerializer(read_only=True, allow_null=True)

    class Meta(VersionedModelSerializer.Meta):
        model = Challenge
        fields = [
            "id",
            "version",
            "title",
            "publisher_firm",
            "publisher_unit",
            "chain",
            "segment",
            "need",
            "requirements",
            "budget_wan",
            "deadline",
            "status",
            "published_on",
            "selected",
            "contract_wan",
            "closed_reason",
            "milestones",
            "acceptance",
            "is_synthetic",
            *STAMPS,
        ]
        read_only_fields = [
            "status",
            "published_on",
            "selected",
            "contract_wan",
            "closed_reason",
            "is_synthetic",
            *STAMPS,
        ]


class ChallengeStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["publish", "close", "withdraw"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = serializers.IntegerField(required=False, min_value=1)


class SelectSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)
    contract_wan = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    version = serializers.IntegerField(required=False, min_value=1)


class AcceptSerializer(serializers.Serializer):
    on = serializers.DateField()
    verdict = serializers.ChoiceField(choices=Acceptance.Verdict.choices)
    evidence = serializers.FileField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class MilestoneAddSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class MilestoneDoneSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(min_value=1)
    done_on = serializers.DateField()
    evidence = serializers.FileField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = serializers.IntegerField(required=False, min_value=1)


class ScoreSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text="Per criterion: " + ", ".join(f"{n} (0–{t})" for n, _l, t in CRITERIA),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ApplicationSerializer(VersionedModelSerializer):
    challenge = ScopedPrimaryKeyRelatedField(model=Challenge)
    solver_firm = ScopedPrimaryKeyRelatedField(model=Enterprise, required=False, allow_null=True)
    create_only_fields = ("challenge",)

    class Meta(VersionedModelSerializer.Meta):
        model = ChallengeApplication
        fields = [
            "id",
            "version",
            "challenge",
            "solver_firm",
            "solver_name",
            "contact",
            "proposal",
            "asked_wan",
            "status",
            "score",
            *STAMPS,
        ]
        read_only_fields = ["status", "score", *STAMPS]


class SceneSerializer(VersionedModelSerializer):
    publisher_firm = ScopedPrimaryKeyRelatedField(model=Enterprise, required=False, allow_null=True)
    publisher_unit = _unit_field()
    chain = ScopedPrimaryKeyRelatedField(model=Chain)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)

    class Meta(VersionedModelSerializer.Meta):
        model = Scene
        fields = [
            "id",
            "version",
            "title",
            "publisher_firm",
            "publisher_unit",
            "chain",
            "segment",
            "sought",
            "budget_wan",
            "note",
            "status",
            "is_synthetic",
            *STAMPS,
        ]
        read_only_fields = ["status", "is_synthetic", *STAMPS]


class SceneStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["publish", "close"])
    version = serializers.IntegerField(required=False, min_value=1)


class SuggestionSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    name = serializers.CharField()
    products = serializers.CharField()
    score = serializers.FloatField()


class SceneApplicationSerializer(VersionedModelSerializer):
    scene = ScopedPrimaryKeyRelatedField(model=Scene)
    supplier = ScopedPrimaryKeyRelatedField(model=Enterprise, required=False, allow_null=True)
    create_only_fields = ("scene", "supplier")

    class Meta(VersionedModelSerializer.Meta):
        model = SceneApplication
        fields = ["id", "version", "scene", "supplier", "offer", "score", "status", *STAMPS]
        read_only_fields = ["score", "status", *STAMPS]


class SceneAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    version = serializers.IntegerField(required=False, min_value=1)


class LabSerializer(VersionedModelSerializer):
    host = ScopedPrimaryKeyRelatedField(model=Enterprise)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)

    class Meta(VersionedModelSerializer.Meta):
        model = Lab
        fields = [
            "id",
            "version",
            "name",
            "kind",
            "host",
            "segment",
            "funding_wan",
            "results",
            "recognised_on",
            "ends_on",
            "is_synthetic",
            *STAMPS,
        ]
        read_only_fields = ["is_synthetic", *STAMPS]


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["id", "version", "text", "dimension", "estimated_wan", "project", "converted_at"]
        read_only_fields = fields


class DiagnosisSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise)
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta(VersionedModelSerializer.Meta):
        model = Diagnosis
        fields = [
            "id",
            "version",
            "enterprise",
            "provider",
            "diagnosed_on",
            "strategy",
            "equipment",
            "production",
            "management",
            "products",
            "data",
            "level",
            "note",
            "recommendations",
            "is_synthetic",
            *STAMPS,
        ]
        read_only_fields = ["level", "is_synthetic", *STAMPS]


class RecommendSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    dimension = serializers.ChoiceField(
        choices=["", "strategy", "equipment", "production", "management", "products", "data"],
        required=False,
    )
    estimated_wan = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class ConvertSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField(min_value=1)
    chain = ScopedPrimaryKeyRelatedField(model=Chain)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)
    district = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=False, required=False, allow_null=True
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    total_investment_yi = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, min_value=0
    )
    version = serializers.IntegerField(required=False, min_value=1)


class ConvertedSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    code = serializers.CharField()
    recommendation = RecommendationSerializer()


class DigitalTitleSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise)

    class Meta(VersionedModelSerializer.Meta):
        model = DigitalTitle
        fields = ["id", "version", "enterprise", "kind", "level", "year", *STAMPS]
        read_only_fields = STAMPS
