"""Enterprise serializers. Fields are listed explicitly (SECURITY.md AC4); relations are scoped.

The enterprise serializer carries no yearly figures: those are confidential (AC3) and served only by
/api/year-figures/, whose queryset is empty for scopes without the confidential grant.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chainleader.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    VersionedModelSerializer,
)
from chainleader.core.validators import validate_uscc
from chainleader.enterprises.models import Enterprise, EnterpriseTier, YearFigure
from chainleader.parks.models import Park
from chainleader.reference.models import Industry, Region

STAMPS = ("created_at", "updated_at")


class USCCField(serializers.CharField):
    """The unified social credit code, upper-cased before the shared check-character validator runs."""

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data).upper()


class EnterpriseSerializer(VersionedModelSerializer):
    uscc = USCCField(
        min_length=18,
        max_length=18,
        validators=[validate_uscc],
        help_text="统一社会信用代码 (GB 32100-2015), 18 characters with a valid check character.",
    )
    region = ScopedSlugRelatedField(
        model=Region,
        slug_field="code",
        limit_choices_to={"level__gte": Region.Level.PREFECTURE},
        help_text="Region code, e.g. 370211.",
    )
    park = ScopedPrimaryKeyRelatedField(model=Park, required=False, allow_null=True)
    industry = ScopedSlugRelatedField(
        model=Industry,
        slug_field="code",
        limit_choices_to={"level": Industry.Level.CLASS},
        required=False,
        allow_null=True,
        help_text="GB/T 4754-2017 class code, e.g. 3951.",
    )

    class Meta(VersionedModelSerializer.Meta):
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "former_names",
            "region",
            "park",
            "industry",
            "registered_capital_wan",
            "founded_on",
            "above_size",
            "ticker",
            "address",
            "business_scope",
            "is_synthetic",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["is_synthetic", *STAMPS]


class EnterpriseTierSerializer(VersionedModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise)
    create_only_fields = ("enterprise",)

    class Meta(VersionedModelSerializer.Meta):
        model = EnterpriseTier
        fields = ["id", "enterprise", "tier", "level", "year", "version", *STAMPS]
        read_only_fields = list(STAMPS)


class YearFigureSerializer(VersionedModelSerializer):
    """Yearly figures (年度经营数据): confidential; only for scopes granted them."""

    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise)
    create_only_fields = ("enterprise",)

    class Meta(VersionedModelSerializer.Meta):
        model = YearFigure
        fields = [
            "id",
            "enterprise",
            "year",
            *YearFigure.CONFIDENTIAL_FIELDS,
            "employees",
            "is_synthetic",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["is_synthetic", *STAMPS]
