"""Reference data (regions, industry codes): read-only; parents shown by their code."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chainleader.reference.models import Industry, Region


class RegionSerializer(serializers.ModelSerializer):
    parent: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "alias"]
        read_only_fields = fields


class IndustrySerializer(serializers.ModelSerializer):
    parent: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Industry
        fields = ["id", "code", "full_code", "name", "level", "section", "parent"]
        read_only_fields = fields
