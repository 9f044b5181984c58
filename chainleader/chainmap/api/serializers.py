"""The chain map's serializer: the declared shape of a snapshot (chainmap/payload.py), as /api/chains/{id}/map/
returns it."""

from __future__ import annotations

from rest_framework import serializers

from chainleader.chains.models import MapStatus, Placement


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
