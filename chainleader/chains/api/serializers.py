"""Chain serializers. Fields are listed explicitly (SECURITY.md AC4); relations are scoped (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    VersionedModelSerializer,
)
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

STAMPS = ("created_at", "updated_at")


class ChainSerializer(VersionedModelSerializer):
    region = ScopedSlugRelatedField(
        model=Region,
        slug_field="code",
        limit_choices_to={"level__in": [Region.Level.PREFECTURE, Region.Level.COUNTY]},
        help_text="Region code: the city (3702) for a city chain, a district (370211) for a district chain.",
    )
    # Organisation units carry no data scope: any department or special team may be named.
    lead_department = ScopedPrimaryKeyRelatedField(
        model=OrgUnit,
        scoped=False,
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
        required=False,
        allow_null=True,
    )
    team = ScopedPrimaryKeyRelatedField(
        model=OrgUnit,
        scoped=False,
        limit_choices_to={"kind": OrgUnit.Kind.TEAM},
        required=False,
        allow_null=True,
    )
    masters = ScopedPrimaryKeyRelatedField(
        model=Enterprise,
        many=True,
        required=False,
        help_text="Chain-master firms (链主) in your scope; firms outside it stay linked on update.",
    )
    segment_count = serializers.IntegerField(read_only=True)

    class Meta(VersionedModelSerializer.Meta):
        model = Chain
        fields = [
            "id",
            "name",
            "level",
            "region",
            "category",
            "leader_post",
            "deputy_posts",
            "lead_department",
            "team",
            "description",
            "order",
            "masters",
            "segment_count",
            "version",
            *STAMPS,
        ]
        read_only_fields = list(STAMPS)


class SegmentSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain, help_text="Set on create; read-only afterwards."
    )
    parent: Any = ScopedPrimaryKeyRelatedField(
        model=Segment,
        required=False,
        allow_null=True,
        help_text="A segment of the same chain, or null.",
    )
    create_only_fields = ("chain",)

    class Meta(VersionedModelSerializer.Meta):
        model = Segment
        fields = [
            "id",
            "chain",
            "parent",
            "name",
            "position",
            "order",
            "code",
            "kind",
            "key_products",
            "synonyms",
            "industry_codes",
            "keywords",
            "excludes",
            "key_technologies",
            "strategic",
            "strategic_source",
            "status_override",
            "override_reason",
            "version",
            *STAMPS,
        ]
        read_only_fields = list(STAMPS)


class ChainTargetSerializer(VersionedModelSerializer):
    chain = ScopedPrimaryKeyRelatedField(
        model=Chain, help_text="Set on create; read-only afterwards."
    )
    create_only_fields = ("chain",)

    class Meta(VersionedModelSerializer.Meta):
        model = ChainTarget
        fields = ["id", "chain", "year", "indicator", "value", "unit", "note", "version", *STAMPS]
        read_only_fields = list(STAMPS)


class PlacementSerializer(VersionedModelSerializer):
    segment = ScopedPrimaryKeyRelatedField(
        model=Segment, help_text="Set on create; read-only afterwards."
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        model=Enterprise, help_text="Set on create; read-only afterwards."
    )
    create_only_fields = ("segment", "enterprise")

    class Meta(VersionedModelSerializer.Meta):
        model = Placement
        fields = [
            "id",
            "segment",
            "enterprise",
            "role",
            "method",
            "score",
            "evidence",
            "review",
            "version",
            *STAMPS,
        ]
        read_only_fields = [*STAMPS, "method", "score", "evidence", "review"]
