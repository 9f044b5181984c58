from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_header

from .importers import ENTERPRISE_COLUMNS as IMPORT_COLUMNS

ENTERPRISE_COLUMNS = [
    Column("name", _("name"), order_by="name", link=True),
    Column("uscc", _("unified social credit code"), order_by="uscc"),
    Column("region.name", _("region"), order_by="region__code"),
    Column("park.name", _("park"), order_by="park__name"),
    Column("industry", _("industry code"), order_by="industry__full_code"),
    Column("above_size", _("above designated size"), order_by="above_size"),
    Column("founded_on", _("founding date"), order_by="founded_on"),
    Column(
        "registered_capital_wan",
        _("registered capital (10k yuan)"),
        order_by="registered_capital_wan",
        numeric=True,
    ),
]

# The Excel export: the list's columns, the amount under the import template's header (注册资本(万元)).
ENTERPRISE_EXPORT_COLUMNS = [
    Column(c.name, import_header(IMPORT_COLUMNS, c.name), numeric=True) if c.amount else c
    for c in ENTERPRISE_COLUMNS
]
