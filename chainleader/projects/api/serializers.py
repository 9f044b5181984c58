"""Project, monthly-report and problem serializers: fields listed explicitly (SECURITY.md AC4); stage, status and
actual dates are read-only (they move only through the workflow actions); relations are scoped (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain, Segment
from chainleader.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    VersionedModelSerializer,
)
from chainleader.core.files import attachment_problem
from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import Park
from chainleader.reference.models import Region

from ..models import STAGE_ORDER, MonthlyReport, Problem, Project, Stage

STAMPS = ("created_at", "updated_at")
ACTUAL_DATES = tuple(f"{s}_on" for s in STAGE_ORDER if s != Stage.SIGNED)
PLANNED_DATES = tuple(f"planned_{s}_on" for s in STAGE_ORDER)


class ProjectSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(model=Chain)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)
    district = ScopedSlugRelatedField(
        model=Region,
        slug_field="code",
        limit_choices_to={"level": Region.Level.COUNTY},
        help_text="County-level region code, e.g. 370211.",
    )
    park = ScopedPrimaryKeyRelatedField(model=Park, required=False, allow_null=True)
    investor = ScopedPrimaryKeyRelatedField(model=Enterprise, required=False, allow_null=True)
    above_100m = serializers.BooleanField(
        read_only=True, help_text="亿元以上: total investment ≥ 1 (100 million yuan)."
    )
    big = serializers.BooleanField(
        read_only=True, help_text="Total investment ≥ 20 (100 million yuan)."
    )

    class Meta(VersionedModelSerializer.Meta):
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "chain",
            "segment",
            "district",
            "park",
            "investor",
            "kind",
            "total_investment_yi",
            "is_leading",
            "stage",
            "description",
            "signed_on",
            *PLANNED_DATES,
            *ACTUAL_DATES,
            "is_lagging",
            "lagging_reason",
            "lagging_since",
            "above_100m",
            "big",
            "version",
            *STAMPS,
        ]
        read_only_fields = [
            "stage",
            *ACTUAL_DATES,
            "is_lagging",
            "lagging_reason",
            "lagging_since",
            *STAMPS,
        ]
        extra_kwargs = {"code": {"required": False, "allow_blank": True}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        segment = attrs.get("segment")
        chain = attrs.get("chain") or getattr(self.instance, "chain", None)
        if segment is not None and chain is not None and segment.chain_id != chain.pk:
            raise serializers.ValidationError(
                {"segment": ["The segment must belong to the chosen chain."]}
            )
        return attrs


# Forward never lands on 签约 and back never on 纳统: the choices say so (and so differ from Stage in the schema).
FORWARD_TARGETS = [(v, label) for v, label in Stage.choices if v != Stage.SIGNED]
BACK_TARGETS = [(v, label) for v, label in Stage.choices if v != Stage.COUNTED]


class StageAdvanceSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(
        choices=FORWARD_TARGETS, help_text="The next stage; any other is refused (409)."
    )
    happened_on = serializers.DateField(required=False, allow_null=True, help_text="Empty: today.")
    evidence = serializers.CharField(
        max_length=2000, help_text="Document number, permit, inspection record ..."
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class StageBackSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(
        choices=BACK_TARGETS, help_text="The previous stage; any other is refused (409)."
    )
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class MonthlyReportSerializer(VersionedModelSerializer):
    project = ScopedPrimaryKeyRelatedField(
        model=Project, help_text="Set on create; read-only afterwards."
    )
    create_only_fields = ("project", "month")

    class Meta(VersionedModelSerializer.Meta):
        model = MonthlyReport
        fields = [
            "id",
            "project",
            "month",
            "planned_yi",
            "completed_yi",
            "note",
            "reported_by",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["reported_by", *STAMPS]
        extra_kwargs = {"month": {"help_text": "Any day of the month; stored as its first day."}}


class ProblemSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain,
        required=False,
        help_text="For a chain-level problem; a project's problem takes its chain.",
    )
    project = ScopedPrimaryKeyRelatedField(model=Project, required=False, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta(VersionedModelSerializer.Meta):
        model = Problem
        fields = [
            "id",
            "chain",
            "project",
            "region",
            "title",
            "description",
            "category",
            "status",
            "raised_by_unit",
            "raised_on",
            "department",
            "deadline",
            "answer",
            "answered_at",
            "verified_at",
            "closed_at",
            "escalated_at",
            "source",
            "enterprise",
            "rating",
            "firm_confirmed_at",
            "version",
            *STAMPS,
        ]
        read_only_fields = [
            "source",
            "enterprise",
            "rating",
            "firm_confirmed_at",
            "status",
            "raised_by_unit",
            "raised_on",
            "department",
            "deadline",
            "answer",
            "answered_at",
            "verified_at",
            "closed_at",
            "escalated_at",
            *STAMPS,
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("chain") and not attrs.get("project"):
            raise serializers.ValidationError({"chain": ["Give a chain or a project."]})
        return attrs


class FirmRequestSerializer(ProblemSerializer):
    """A firm request (企业诉求): the firm, source and status are set by the service, never by the caller."""

    description = serializers.CharField(max_length=5000)
    category = serializers.ChoiceField(
        choices=Problem.Category.choices,
        help_text="A firm request takes land, finance, talent, energy, approval (permits), market, "
        "policy or other.",
    )
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain,
        required=False,
        allow_null=True,
        help_text="Optional: the chain the request concerns (it then counts in its problems).",
    )
    attachment = serializers.FileField(
        write_only=True,
        required=False,
        help_text="On create: the request's evidence, PDF, PNG, JPEG, Word, Excel or PowerPoint, at most "
        "10 MB (multipart/form-data).",
    )
    files = serializers.SerializerMethodField(
        help_text="The steps that carry a file: event id, action, and the download URL."
    )

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "attachment", "files"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs

    def validate_attachment(self, value: Any) -> Any:
        return checked_attachment(value)

    def get_files(self, obj: Problem) -> list[dict[str, Any]]:
        events = getattr(obj, "file_events", None)
        if events is None:
            events = list(obj.events.exclude(attachment="").order_by("pk"))
        url = reverse("api:problem-file", args=[obj.pk])
        return [{"event": e.pk, "action": e.action, "url": f"{url}?event={e.pk}"} for e in events]


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class ReopenSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class AssignSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(
        model=OrgUnit, scoped=False, limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT}
    )
    deadline = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


def checked_attachment(value: Any) -> Any:
    """The pages' AttachmentField rule (core.files): the allowed types and size, the content sniffed."""
    problem = attachment_problem(value) if value else None
    if problem:
        raise serializers.ValidationError(problem)
    return value


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
    attachment = serializers.FileField(
        required=False,
        help_text="Evidence of the answer (multipart/form-data), as on the pages.",
    )

    def validate_attachment(self, value: Any) -> Any:
        return checked_attachment(value)

    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class VerifySerializer(serializers.Serializer):
    accepted = serializers.BooleanField(
        help_text="false sends the problem back to the department (note required)."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
