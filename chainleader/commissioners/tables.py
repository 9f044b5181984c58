"""List columns of the assignment list (and its Excel export, under the import's headers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import ASSIGNMENT_COLUMNS


class CommissionerColumn(Column):
    """The commissioner as people read them: name (unit)."""

    def value(self, row: Any) -> Any:
        user = row.commissioner
        unit = f"（{user.org_unit}）" if user.org_unit_id else ""
        return f"{user.full_name or user.username}{unit}"


ASSIGNMENT_COLUMNS_LIST = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True),
    Column("enterprise.region", _("District"), order_by="enterprise__region__code"),
    Column("kind", _("kind of firm"), order_by="kind"),
    CommissionerColumn(
        "commissioner", _("service commissioner"), order_by="commissioner__username"
    ),
    Column("since", _("assigned since"), order_by="since"),
    Column("until", _("assigned until"), order_by="until"),
    Column("visit_interval_days", _("visit interval (days)"), numeric=True),
    Column("due_on", _("next visit due"), order_by="due_on"),
]

# Every column of the import under its template header: an exported list imports back as the same assignments.
ASSIGNMENT_EXPORT_COLUMNS = [
    import_column(ASSIGNMENT_COLUMNS, "enterprise_uscc", "enterprise.uscc"),
    import_column(ASSIGNMENT_COLUMNS, "enterprise_name", "enterprise.name"),
    import_column(ASSIGNMENT_COLUMNS, "commissioner", "commissioner.username"),
    Column("commissioner.full_name", _("commissioner's name")),
    Column("commissioner.org_unit", _("commissioner's unit")),
    import_column(ASSIGNMENT_COLUMNS, "kind"),
    import_column(ASSIGNMENT_COLUMNS, "since"),
    Column("until", _("assigned until")),
    import_column(ASSIGNMENT_COLUMNS, "visit_interval_days"),
    Column("due_on", _("next visit due")),
    import_column(ASSIGNMENT_COLUMNS, "notes"),
    Column("is_synthetic", _("synthetic (demo)")),
]
