from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import ENTERPRISE_COLUMNS as IMPORT_COLUMNS

ENTERPRISE_COLUMNS = [
    Column("name", _("name"), order_by="name_sort", link=True),
    Column("uscc", _("unified social credit code"), order_by="uscc"),
    Column("region.name", _("region"), order_by="region__code"),
    Column("park.name", _("park"), order_by="park__name_sort"),
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

# The Excel export: every column of the import under its template header (企业名称, 注册资本(万元) …), the list's
# columns first, so an exported list imports back unchanged.
ENTERPRISE_EXPORT_COLUMNS = [
    import_column(IMPORT_COLUMNS, "name"),
    import_column(IMPORT_COLUMNS, "uscc"),
    import_column(IMPORT_COLUMNS, "region", "region.name"),
    import_column(IMPORT_COLUMNS, "park", "park.name"),
    import_column(IMPORT_COLUMNS, "industry"),  # as the pages show it: C3951 电动机制造
    import_column(IMPORT_COLUMNS, "above_size"),
    import_column(IMPORT_COLUMNS, "founded_on"),
    import_column(IMPORT_COLUMNS, "registered_capital_wan"),
    import_column(IMPORT_COLUMNS, "former_names"),
    import_column(IMPORT_COLUMNS, "ticker"),
    import_column(IMPORT_COLUMNS, "address"),
    import_column(IMPORT_COLUMNS, "business_scope"),
]
