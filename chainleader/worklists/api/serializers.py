"""List-item serializers: fields listed explicitly (AC4); status moves only through the close-out actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.investment.models import Lead
from chainleader.projects.models import Project

from ..models import ChainMeeting, MeetingDecision, WorkItem

STAMPS = ("created_at", "updated_at")


class WorkItemSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain, help_text="Set on create; read-only afterwards."
    )
    project = ScopedPrimaryKeyRelatedField(
        model=Project,
        required=False,
        allow_null=True,
        help_text="Key construction projects: the project.",
    )
    lead = ScopedPrimaryKeyRelatedField(
        model=Lead,
        required=False,
        allow_null=True,
        help_text="Key investment projects: the lead (招商线索) being followed.",
    )
    owner_unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, scoped=False)
    owner_user = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scoped=False,
        required=False,
        allow_null=True,
        limit_choices_to={"is_active": True},
    )
    create_only_fields = ("kind", "chain")

    class Meta(VersionedModelSerializer.Meta):
        model = WorkItem
        fields = [
            "id",
            "kind",
            "chain",
            "year",
            "title",
            "description",
            "project",
            "lead",
            "target_firm",
            "target_investment_yi",
            "owner_unit",
            "owner_user",
            "deadline",
            "status",
            "requested_at",
            "reviewed_at",
            "closed_at",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["status", "requested_at", "reviewed_at", "closed_at", *STAMPS]


class TextStepSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class ReviewSerializer(serializers.Serializer):
    approved = serializers.BooleanField(help_text="false sends the item back (text required).")
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class ChainMeetingSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain, help_text="Set on create; read-only afterwards."
    )
    host_unit = ScopedPrimaryKeyRelatedField(
        model=OrgUnit, scoped=False, required=False, allow_null=True
    )
    chair = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scoped=False,
        required=False,
        allow_null=True,
        limit_choices_to={"is_active": True},
    )
    agenda = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Left empty on create, it is built from the chain's figures.",
    )
    create_only_fields = ("chain",)

    class Meta(VersionedModelSerializer.Meta):
        model = ChainMeeting
        fields = [
            "id",
            "chain",
            "title",
            "held_on",
            "place",
            "host_unit",
            "chair",
            "chair_name",
            "attendees",
            "agenda",
            "minutes",
            "status",
            "version",
            *STAMPS,
        ]
        read_only_fields = [*STAMPS]


class MeetingDecisionSerializer(serializers.ModelSerializer):
    item_status = serializers.CharField(source="item.status", read_only=True)
    item_closed_at = serializers.DateTimeField(
        source="item.closed_at", read_only=True, allow_null=True
    )

    class Meta:
        model = MeetingDecision
        fields = [
            "id",
            "meeting",
            "text",
            "owner_unit",
            "owner_user",
            "deadline",
            "item",
            "item_status",
            "item_closed_at",
            "created_at",
        ]
        read_only_fields = fields


class DecisionRecordSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    owner_unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, scoped=False)
    owner_user = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scoped=False,
        required=False,
        allow_null=True,
        limit_choices_to={"is_active": True},
    )
    deadline = serializers.DateField()
