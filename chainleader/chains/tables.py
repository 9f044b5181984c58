from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import CHAIN_COLUMNS as CHAIN_IMPORT_COLUMNS
from .importers import SEGMENT_COLUMNS as SEGMENT_IMPORT_COLUMNS

CHAIN_COLUMNS = [
    Column("name", _("name"), order_by="name_sort", link=True),
    Column("level", _("level"), order_by="level"),
    Column("region", _("region"), order_by="region__code"),
    Column("category", _("category"), order_by="category"),
    Column("leader_post", _("chain leader (post)")),
    Column("lead_department", _("lead department"), order_by="lead_department__name_sort"),
]

# The exports carry every column of the import under its template header (层级 市级, 类别 新兴产业, the region as
# the pages show it), so an exported list imports back unchanged.
CHAIN_EXPORT_COLUMNS = [
    import_column(CHAIN_IMPORT_COLUMNS, "name"),
    import_column(CHAIN_IMPORT_COLUMNS, "level"),
    import_column(CHAIN_IMPORT_COLUMNS, "region"),
    import_column(CHAIN_IMPORT_COLUMNS, "category"),
    import_column(CHAIN_IMPORT_COLUMNS, "leader_post"),
    import_column(CHAIN_IMPORT_COLUMNS, "deputy_posts"),
    import_column(CHAIN_IMPORT_COLUMNS, "lead_department", "lead_department.name"),
    import_column(CHAIN_IMPORT_COLUMNS, "description"),
    import_column(CHAIN_IMPORT_COLUMNS, "order"),
]

SEGMENT_COLUMNS = [
    Column("name", _("name"), order_by="name_sort", link=True),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("position", _("position"), order_by="position"),
    Column("parent.name", _("parent segment")),
    Column("order", _("order"), order_by="order", numeric=True),
    Column("key_products", _("key products")),
]

# The chain as the pages show it (智能家电（西海岸新区）), the position by its label (上游).
SEGMENT_EXPORT_COLUMNS = [
    import_column(SEGMENT_IMPORT_COLUMNS, "name"),
    import_column(SEGMENT_IMPORT_COLUMNS, "chain"),
    import_column(SEGMENT_IMPORT_COLUMNS, "position"),
    import_column(SEGMENT_IMPORT_COLUMNS, "parent", "parent.name"),
    import_column(SEGMENT_IMPORT_COLUMNS, "order"),
    import_column(SEGMENT_IMPORT_COLUMNS, "key_products"),
    import_column(SEGMENT_IMPORT_COLUMNS, "key_technologies"),
]
