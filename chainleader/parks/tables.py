from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column

PARK_COLUMNS = [
    Column("name", _("name"), order_by="name_sort", link=True),
    Column("region.name", _("region"), order_by="region__code"),
    Column("kind", _("kind"), order_by="kind"),
    Column("area_mu", _("area (mu)"), order_by="area_mu", numeric=True),
    Column("area_km2", _("area (km²)"), order_by="area_km2", numeric=True),
    Column("leading_industry", _("leading industry")),
]

LANDZONE_COLUMNS = [
    Column("name", _("name"), order_by="name_sort", link=True),
    Column("kind", _("kind"), order_by="kind"),
    Column("region.name", _("region"), order_by="region__code"),
    Column("area_km2", _("area (km²)"), order_by="area_km2", numeric=True),
    Column("area_mu", _("area (mu)"), order_by="area_mu", numeric=True),
    Column("leading_industry", _("leading industry")),
    Column("leading_industry_share", _("leading industry share (%)"), numeric=True),
]
