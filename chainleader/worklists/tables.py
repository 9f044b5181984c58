"""List columns of the four lists (and their Excel export)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_header

from .importers import ITEM_COLUMNS as IMPORT_COLUMNS

ITEM_COLUMNS = [
    Column("title", _("Subject"), order_by="title", link=True),
    Column("kind", _("list"), order_by="kind"),
    Column("chain", _("chain"), order_by="chain__name"),
    Column("owner_unit", _("owner unit"), order_by="owner_unit__name"),
    Column("owner_user", _("owner")),
    Column("deadline", _("deadline"), order_by="deadline"),
    Column("status", _("status"), order_by="status"),
]

ITEM_EXPORT_COLUMNS = [
    Column("kind", _("list")),
    Column("chain", _("chain")),
    Column("year", _("year")),
    Column("title", _("Subject")),
    Column("description", _("description")),
    Column("project.code", _("project code")),
    Column("target_firm", _("target firm")),
    # The amount under the import template's header, in either language (计划投资（亿元）).
    Column("investment_yi", import_header(IMPORT_COLUMNS, "target_investment_yi"), numeric=True),
    Column("owner_unit", _("owner unit")),
    Column("owner_user", _("owner")),
    Column("deadline", _("deadline")),
    Column("status", _("status")),
    Column("closed_at", _("closed out at")),
]
