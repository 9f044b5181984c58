"""List columns of the four lists (and their Excel export)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import ITEM_COLUMNS as IMPORT_COLUMNS

ITEM_COLUMNS = [
    Column("title", _("Subject"), order_by="title_sort", link=True),
    Column("kind", _("list"), order_by="kind"),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("owner_unit", _("owner unit"), order_by="owner_unit__name_sort"),
    Column("owner_user", _("owner")),
    Column("deadline", _("deadline"), order_by="deadline"),
    Column("status", _("status"), order_by="status"),
]

# The export: every column of the import under its template header and in its words (清单 重点任务, the chain as
# the pages show it, 责任人 by user name, 完成时限 as a date), so an exported list imports back as the same items;
# the status and close-out time are for the reader (the import creates open items).
ITEM_EXPORT_COLUMNS = [
    import_column(IMPORT_COLUMNS, "kind"),
    import_column(IMPORT_COLUMNS, "chain"),
    import_column(IMPORT_COLUMNS, "year"),
    import_column(IMPORT_COLUMNS, "title"),
    import_column(IMPORT_COLUMNS, "description"),
    import_column(IMPORT_COLUMNS, "project", "project.code"),
    import_column(IMPORT_COLUMNS, "target_firm"),
    # The item's own figure (a key construction project's investment is its project's, in the project export).
    import_column(IMPORT_COLUMNS, "target_investment_yi"),
    import_column(IMPORT_COLUMNS, "owner_unit", "owner_unit.name"),
    import_column(IMPORT_COLUMNS, "owner_user", "owner_user.username"),
    import_column(IMPORT_COLUMNS, "deadline"),
    Column("status", _("status")),
    Column("closed_at", _("closed out at")),
]

MEETING_COLUMNS = [
    Column("title", _("meeting"), order_by="title_sort", link=True),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("held_on", _("date"), order_by="held_on"),
    Column("place", _("place")),
    Column("chair_label", _("chair")),
    Column("decision_count", _("decisions"), order_by="decision_count", numeric=True),
    Column("status", _("status"), order_by="status"),
]

MEETING_EXPORT_COLUMNS = [
    Column("chain", _("chain")),
    Column("title", _("meeting")),
    Column("held_on", _("date")),
    Column("place", _("place")),
    Column("host_unit", _("convening unit")),
    Column("chair_label", _("chair")),
    Column("attendees", _("attendees")),
    Column("status", _("status")),
    Column("decision_count", _("decisions"), numeric=True),
    Column("closed_count", _("decisions closed out"), numeric=True),
    Column("agenda", _("agenda")),
    Column("minutes", _("minutes")),
]
