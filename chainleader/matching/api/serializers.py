"""Matching serializers: fields listed explicitly (AC4); a match's status moves only through the advance action."""

from __future__ import annotations

from rest_framework import serializers

from chainleader.chains.models import Chain, Segment
from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.enterprises.models import Enterprise

from ..models import Match, Need, Offer

LISTING_FIELDS = [
    "id",
    "version",
    "enterprise",
    "product",
    "spec",
    "chain",
    "segment",
    "note",
    "is_open",
]
STAMPS = ["created_at", "updated_at"]


class NeedSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise)
    chain = ScopedPrimaryKeyRelatedField(model=Chain, required=False, allow_null=True)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)
    create_only_fields = ("enterprise",)

    class Meta(VersionedModelSerializer.Meta):
        model = Need
        fields = [*LISTING_FIELDS, "volume", "needed_by", *STAMPS]
        read_only_fields = STAMPS


class OfferSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise)
    chain = ScopedPrimaryKeyRelatedField(model=Chain, required=False, allow_null=True)
    segment = ScopedPrimaryKeyRelatedField(model=Segment, required=False, allow_null=True)
    create_only_fields = ("enterprise",)

    class Meta(VersionedModelSerializer.Meta):
        model = Offer
        fields = [*LISTING_FIELDS, "capacity", *STAMPS]
        read_only_fields = STAMPS


class MatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Match
        fields = [
            "id",
            "version",
            "need",
            "offer",
            "score",
            "components",
            "rank",
            "status",
            "close_reason",
            "deal_amount_wan",
            "status_changed_at",
            "created_at",
        ]
        read_only_fields = fields


class AdvanceSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["contacted", "quoted", "dealt", "closed"])
    version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    deal_amount_wan = serializers.DecimalField(
        required=False, allow_null=True, max_digits=14, decimal_places=2, min_value=0
    )
