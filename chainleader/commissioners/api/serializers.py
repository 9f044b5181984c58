"""Service commissioner serializers: fields listed explicitly (AC4); writes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.enterprises.models import Enterprise
from chainleader.projects.models import Problem

from ..models import Assignment, Visit


def _firm_reader(context: dict[str, Any]) -> bool:
    request = context.get("request")
    return getattr(getattr(request, "user", None), "role", "") == "enterprise"


class VisitSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="assignment.enterprise_id", read_only=True)
    visitor_name = serializers.SerializerMethodField()
    requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    file_url = serializers.SerializerMethodField(
        help_text="The visit record file's download URL (empty without a file)."
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "assignment",
            "enterprise",
            "on",
            "form",
            "visitor",
            "visitor_name",
            "notes",
            "requests",
            "file_url",
            "is_synthetic",
            "created_at",
        ]
        read_only_fields = fields

    def get_file_url(self, obj: Visit) -> str:
        if not obj.attachment:
            return ""
        return reverse("api:visit-file", args=[obj.pk])

    def get_visitor_name(self, obj: Visit) -> str:
        user = obj.visitor
        return (user.full_name or user.username) if user else ""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if _firm_reader(self.context):
            data["notes"] = ""  # the cadre's own notes are not the firm's to read (decision 0023)
        return data


class AssignmentSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        model=Enterprise, help_text="Set on create; read-only afterwards."
    )
    commissioner = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scoped=False,
        limit_choices_to={"is_active": True},
        help_text="The cadre's account; set on create (a new commissioner is a new assignment).",
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    commissioner_name = serializers.SerializerMethodField()
    commissioner_unit = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    create_only_fields = ("enterprise", "commissioner", "since")

    class Meta(VersionedModelSerializer.Meta):
        model = Assignment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "commissioner",
            "commissioner_name",
            "commissioner_unit",
            "kind",
            "since",
            "until",
            "visit_interval_days",
            "due_on",
            "overdue",
            "notes",
            "is_synthetic",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["until", "due_on", "is_synthetic", "created_at", "updated_at"]
        extra_kwargs = {"since": {"required": False}, "visit_interval_days": {"required": False}}

    def get_commissioner_name(self, obj: Assignment) -> str:
        return obj.commissioner.full_name or obj.commissioner.username

    def get_commissioner_unit(self, obj: Assignment) -> str:
        return str(obj.commissioner.org_unit) if obj.commissioner.org_unit_id else ""

    def get_overdue(self, obj: Assignment) -> bool:
        return obj.is_overdue()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if _firm_reader(self.context):
            data["notes"] = ""
        return data


class VisitLogSerializer(serializers.Serializer):
    on = serializers.DateField()
    form = serializers.ChoiceField(choices=Visit.Form.choices, default=Visit.Form.ON_SITE)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    requests = ScopedPrimaryKeyRelatedField(
        model=Problem,
        many=True,
        required=False,
        limit_choices_to={"source": Problem.Source.FIRM},
        help_text="Firm requests (企业诉求) of this firm raised during the visit.",
    )
    attachment = serializers.FileField(
        required=False,
        help_text="Evidence of the visit, PDF, PNG, JPEG, Word, Excel or PowerPoint, at most 10 MB "
        "(multipart/form-data): the visit record, which the visited firm reads too (the notes it does not).",
    )


class AssignmentEndSerializer(serializers.Serializer):
    until = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = serializers.IntegerField(required=False)


class CoverageDistrictSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    region_name = serializers.CharField(source="region.name", allow_null=True, default=None)
    key_firms = serializers.IntegerField()
    assigned = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True, help_text="assigned / key firms, %")
    visits = serializers.IntegerField(help_text="Visits in the year.")
    overdue = serializers.IntegerField()


class CoverageUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk", allow_null=True, default=None)
    unit_name = serializers.CharField()
    commissioners = serializers.IntegerField()
    firms = serializers.IntegerField()
    visited = serializers.IntegerField(help_text="Firms visited in the year.")
    visited_share = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()
    overdue = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    districts = CoverageDistrictSerializer(many=True)
    units = CoverageUnitSerializer(many=True)
