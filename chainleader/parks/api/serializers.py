"""Park serializers. Fields are listed explicitly (SECURITY.md AC4); relations are scoped (STYLE.md 3.3)."""

from __future__ import annotations

from chainleader.chains.models import Chain
from chainleader.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    VersionedModelSerializer,
)
from chainleader.parks.models import LandZone, Park
from chainleader.reference.models import Region

STAMPS = ("created_at", "updated_at")


def region_field() -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(
        model=Region,
        slug_field="code",
        limit_choices_to={"level__gte": Region.Level.PREFECTURE},
        help_text="Region code, e.g. 370211.",
    )


class ParkSerializer(VersionedModelSerializer):
    region = region_field()
    chains = ScopedPrimaryKeyRelatedField(
        model=Chain,
        many=True,
        required=False,
        help_text="Chains served, in your scope; chains outside it stay linked on update.",
    )

    class Meta(VersionedModelSerializer.Meta):
        model = Park
        fields = [
            "id",
            "name",
            "region",
            "kind",
            "area_mu",
            "area_km2",
            "leading_industry",
            "chains",
            "is_synthetic",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["is_synthetic", *STAMPS]


class LandZoneSerializer(VersionedModelSerializer):
    region = region_field()

    class Meta(VersionedModelSerializer.Meta):
        model = LandZone
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "area_km2",
            "area_mu",
            "leading_industry",
            "leading_industry_share",
            "is_synthetic",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["is_synthetic", *STAMPS]
