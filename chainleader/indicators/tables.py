"""List columns of the indicator pages and their Excel exports."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import VALUE_COLUMNS as IMPORT

INDICATOR_COLUMNS = [
    Column("code", _("code"), order_by="code", link=True),
    Column("name", _("name"), order_by="name", link=True),
    Column("group", _("group"), order_by="group"),
    Column("unit", _("unit")),
    Column("direction", _("direction")),
    Column("frequency", _("frequency"), order_by="frequency"),
    Column("kind", _("kind"), order_by="kind"),
    Column("source", _("source of values"), order_by="source"),
    Column("owner", _("owner department")),
]

INDICATOR_EXPORT_COLUMNS = [
    *INDICATOR_COLUMNS,
    Column("level", _("level")),
    Column("formula", _("formula or source")),
    Column("reference", _("seed document")),
]

WARNING_COLUMNS = [
    Column("raised_on", _("raised on"), order_by="raised_on"),
    Column("level", _("level"), order_by="level"),
    Column("kind", _("kind"), order_by="kind"),
    Column("message", _("message"), link=True),
    Column("chain", _("chain")),
    Column("region", _("district")),
    Column("owner_unit", _("owner unit")),
    Column("status", _("status"), order_by="status"),
]

RELOCATION_COLUMNS = [
    Column("flagged_on", _("flagged on"), order_by="flagged_on"),
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort"),
    Column("enterprise.region.name", _("District")),
    Column("note", _("note")),
    Column("evidence_name", _("evidence file")),
    Column("status", _("status"), order_by="status"),
]

VALUE_COLUMNS = [
    Column("indicator.code", _("code"), order_by="indicator__code"),
    Column("indicator.name", _("indicator"), order_by="indicator__name", link=True),
    Column("subject_label", _("subject")),
    Column("year", _("year"), order_by="year", numeric=True),
    Column("period", _("period"), order_by="period", numeric=True),
    Column("value", _("value"), order_by="value", numeric=True),
    Column("indicator.unit", _("unit")),
    Column("source", _("source"), order_by="source"),
    Column("note", _("note")),
]

# The export reads back into the value import (its columns under the template's headers).
VALUE_EXPORT_COLUMNS = [
    import_column(IMPORT, "code", "indicator.code"),
    import_column(IMPORT, "name", "indicator.name"),
    import_column(IMPORT, "region", "region.name"),
    import_column(IMPORT, "chain", "chain_name"),
    import_column(IMPORT, "year"),
    import_column(IMPORT, "period"),
    import_column(IMPORT, "value"),
    import_column(IMPORT, "note"),
    Column("source", _("source")),
]
