from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column

CHAIN_COLUMNS = [
    Column("name", _("name"), order_by="name", link=True),
    Column("level", _("level"), order_by="level"),
    Column("region", _("region"), order_by="region__code"),
    Column("category", _("category"), order_by="category"),
    Column("leader_post", _("chain leader (post)")),
    Column("lead_department", _("lead department"), order_by="lead_department__name"),
]

SEGMENT_COLUMNS = [
    Column("name", _("name"), order_by="name", link=True),
    Column("chain", _("chain"), order_by="chain__name"),
    Column("position", _("position"), order_by="position"),
    Column("parent.name", _("parent segment")),
    Column("order", _("order"), order_by="order", numeric=True),
    Column("key_products", _("key products")),
]
