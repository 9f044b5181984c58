"""Reference data pages: read-only lists of regions and industry codes."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column
from chainleader.core.views import ObjectListView

from .filters import IndustryFilter, RegionFilter
from .models import Industry, Region


class RegionListView(ObjectListView):
    model = Region
    filterset_class = RegionFilter
    select_related = ("parent",)
    default_sort = "code"
    columns = [
        Column("code", _("code"), order_by="code"),
        Column("name", _("name"), order_by="name_sort"),
        Column("alias", _("also known as")),
        Column("level", _("level"), order_by="level"),
        Column("parent", _("parent")),
    ]

    def can_edit(self) -> bool:
        return False


class IndustryListView(ObjectListView):
    model = Industry
    filterset_class = IndustryFilter
    default_sort = "full_code"
    columns = [
        Column("full_code", _("code"), order_by="full_code"),
        Column("name", _("name"), order_by="name_sort"),
        Column("level", _("level"), order_by="level"),
        Column("section", _("section letter"), order_by="section"),
    ]

    def can_edit(self) -> bool:
        return False
