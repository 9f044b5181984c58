"""Park and land-zone pages."""

from __future__ import annotations

from typing import Any

from chainleader.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from chainleader.enterprises.models import Enterprise

from .filters import LandZoneFilter, ParkFilter
from .forms import LandZoneForm, ParkForm
from .models import LandZone, Park
from .tables import LANDZONE_COLUMNS, PARK_COLUMNS


class ParkListView(ObjectListView):
    model = Park
    filterset_class = ParkFilter
    columns = PARK_COLUMNS
    select_related = ("region",)
    default_sort = "name_sort"
    add_url_name = "parks:park_add"


class ParkDetailView(ObjectDetailView):
    model = Park
    template_name = "parks/park_detail.html"

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        firms = Enterprise.objects.for_user(user).filter(park=self.object)
        return {
            "chains": self.object.chains.for_user(user),
            "firm_count": firms.count(),
            "firms": firms.order_by("name_sort")[:50],
        }


class ParkEditView(ObjectEditView):
    model = Park
    form_class = ParkForm


class ParkDeleteView(ObjectDeleteView):
    model = Park
    success_url_name = "parks:park_list"


class ParkHistoryView(ObjectHistoryView):
    model = Park


class LandZoneListView(ObjectListView):
    model = LandZone
    filterset_class = LandZoneFilter
    columns = LANDZONE_COLUMNS
    select_related = ("region",)
    default_sort = "name_sort"
    add_url_name = "parks:landzone_add"


class LandZoneDetailView(ObjectDetailView):
    model = LandZone
    template_name = "parks/landzone_detail.html"


class LandZoneEditView(ObjectEditView):
    model = LandZone
    form_class = LandZoneForm


class LandZoneDeleteView(ObjectDeleteView):
    model = LandZone
    success_url_name = "parks:landzone_list"


class LandZoneHistoryView(ObjectHistoryView):
    model = LandZone
