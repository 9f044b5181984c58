"""List-item serializers: fields listed explicitly (AC4); status moves only through the close-out actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.investment.models import Lead
from chainleader.projects.models import Project

from ..models import WorkItem

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
