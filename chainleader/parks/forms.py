from __future__ import annotations

from typing import Any

from chainleader.chains.models import Chain
from chainleader.core.forms import VersionedModelForm
from chainleader.reference.models import Region

from .models import LandZone, Park


class ParkForm(VersionedModelForm):
    class Meta:
        model = Park
        fields = ["name", "region", "kind", "area_mu", "area_km2", "leading_industry", "chains"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level__gte=Region.Level.PREFECTURE)
        self.fields["chains"].queryset = Chain.objects.for_user(self.user).select_related("region")


class LandZoneForm(VersionedModelForm):
    class Meta:
        model = LandZone
        fields = [
            "name",
            "kind",
            "region",
            "area_km2",
            "area_mu",
            "leading_industry",
            "leading_industry_share",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level__gte=Region.Level.PREFECTURE)
