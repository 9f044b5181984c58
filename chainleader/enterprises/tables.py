from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column

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
