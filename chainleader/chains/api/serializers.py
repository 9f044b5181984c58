"""Chain serializers. Fields are listed explicitly (SECURITY.md AC4); relations are scoped (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain, ChainTarget, MapStatus, Placement, Segment
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


class MapEvidenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["product", "code", "text"])
    product = serializers.CharField(required=False, help_text="The firm's product that matched.")
    term = serializers.CharField(
        required=False, help_text="The segment's product or synonym it matched."
    )
    match = serializers.ChoiceField(choices=["exact", "suffix"], required=False)
    weight = serializers.FloatField(required=False, help_text="Revenue weight of the product.")
    code = serializers.CharField(required=False, help_text="The firm's GB/T 4754-2017 class.")
    words = serializers.ListField(child=serializers.CharField(), required=False)
    similarity = serializers.FloatField(required=False)


class MapFirmSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Placement.Role.choices)
    review = serializers.ChoiceField(choices=Placement.Review.choices)
    method = serializers.ChoiceField(choices=Placement.Method.choices)
    score = serializers.FloatField(allow_null=True)
    evidence = MapEvidenceSerializer(many=True)


class MapProducerSerializer(serializers.Serializer):
    ticker = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField()
    products = serializers.ListField(child=serializers.CharField())
    why = serializers.CharField()


class MapSegmentSerializer(serializers.Serializer):
    """One segment of the chain's tree with its derived figures (chainmap/payload.py MapSegment)."""

    id = serializers.IntegerField(help_text="The segment's id: the same tree as /api/segments/.")
    code = serializers.CharField(help_text="Path in the curated tree file; empty if added by hand.")
    parent = serializers.IntegerField(allow_null=True)
    is_leaf = serializers.BooleanField()
    status = serializers.ChoiceField(choices=MapStatus.choices)
    status_rule = serializers.CharField()
    overridden = serializers.BooleanField(required=False)
    reason = serializers.CharField()
    action = serializers.CharField(allow_blank=True)
    action_reason = serializers.CharField(allow_blank=True)
    strategic = serializers.BooleanField()
    strategic_source = serializers.CharField(allow_blank=True)
    local_firm_count = serializers.IntegerField(required=False)
    pending_count = serializers.IntegerField(required=False)
    chain_master_present = serializers.BooleanField(required=False)
    national_firm_count = serializers.IntegerField(required=False)
    refused_count = serializers.IntegerField(required=False)
    lq = serializers.FloatField(allow_null=True)
    output_share = serializers.FloatField(
        allow_null=True, required=False, help_text="Only for scopes granted confidential figures."
    )
    local_revenue_wan = serializers.FloatField(
        allow_null=True, required=False, help_text="Only for scopes granted confidential figures."
    )
    refused_examples = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Listed firms not counted as producers here (trade, retail, finance, holding).",
    )
    products = serializers.ListField(child=serializers.CharField(), required=False)
    product_count = serializers.IntegerField(required=False)
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="A parent segment: its leaves per status.",
    )
    local_firms = MapFirmSerializer(
        many=True, required=False, help_text="Local firms in the caller's scope."
    )
    candidates = MapProducerSerializer(
        many=True, required=False, help_text="Outside listed producers: investment targets."
    )


class MapLinkSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="Segment id of the supplying leaf.")
    target = serializers.IntegerField(help_text="Segment id of the using leaf.")
    pairs = serializers.IntegerField(help_text="Product pairs of the graph behind the link.")
    examples = serializers.ListField(child=serializers.CharField())


class ChainMapSerializer(serializers.Serializer):
    chain = serializers.IntegerField()
    derived_at = serializers.DateTimeField()
    tree_version = serializers.IntegerField()
    completeness = serializers.FloatField()
    segments = MapSegmentSerializer(many=True)
    edges = MapLinkSerializer(many=True)
