"""List columns of the growth plan list and its Excel export. The export reads back into the plan import (its
columns under the template's headers); its figures are confidential: blank for a scope without them."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import PLAN_COLUMNS as IMPORT

PLAN_COLUMNS = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True, wrap=False),
    Column("enterprise.region.name", _("District"), order_by="enterprise__region__code"),
    Column("kind", _("kind"), order_by="kind"),
    Column("base_year", _("base year"), order_by="base_year", numeric=True),
    Column("target_year", _("target year"), order_by="target_year", numeric=True),
    Column("status", _("status"), order_by="status"),
    Column("lagging_label", _("pace")),
    Column("is_synthetic", _("synthetic (demo)")),
]

PLAN_EXPORT_COLUMNS = [
    import_column(IMPORT, "uscc", "enterprise.uscc"),
    Column("enterprise.name", _("enterprise")),
    Column("enterprise.region.name", _("District")),
    import_column(IMPORT, "kind"),
    import_column(IMPORT, "base_year"),
    import_column(IMPORT, "target_year"),
    import_column(IMPORT, "base_revenue_wan"),
    import_column(IMPORT, "target_revenue_wan"),
    import_column(IMPORT, "base_tax_wan"),
    import_column(IMPORT, "target_tax_wan"),
    import_column(IMPORT, "base_investment_wan"),
    import_column(IMPORT, "target_investment_wan"),
    import_column(IMPORT, "status"),
    import_column(IMPORT, "notes"),
    Column("lagging_label", _("pace")),
    Column("lagging_reason", _("why lagging")),
    Column("is_synthetic", _("synthetic (demo)")),
]
