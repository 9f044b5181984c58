"""List columns of the project pages (and of their Excel exports)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column

from .importers import PLANNED_HEADERS
from .importers import PROJECT_COLUMNS as PROJECT_IMPORT_COLUMNS
from .importers import REPORT_COLUMNS as REPORT_IMPORT_COLUMNS

PROJECT_COLUMNS = [
    Column("code", _("project code"), order_by="code"),
    Column("name", _("name"), order_by="name_sort", link=True),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("district", _("District"), order_by="district__code"),
    Column("kind", _("kind"), order_by="kind"),
    Column(
        "total_investment_yi",
        _("total investment (100 million yuan)"),
        order_by="total_investment_yi",
        numeric=True,
    ),
    Column("stage", _("stage"), order_by="stage"),
    Column("planned_started_on", _("planned start date"), order_by="planned_started_on"),
    Column("is_lagging", _("lagging"), order_by="is_lagging"),
]

# The export's columns carry the import template's headers (importers.PROJECT_COLUMNS) and its words (项目类型
# 技术改造, 阶段 在建, whatever the page's language), so an exported list imports back unchanged; the columns the
# import does not take (segment, actual dates, lagging) are ignored by it.
PROJECT_EXPORT_COLUMNS = [
    import_column(PROJECT_IMPORT_COLUMNS, "code"),
    import_column(PROJECT_IMPORT_COLUMNS, "name"),
    import_column(PROJECT_IMPORT_COLUMNS, "chain"),
    Column("segment.name", _("segment")),
    import_column(PROJECT_IMPORT_COLUMNS, "district"),
    import_column(PROJECT_IMPORT_COLUMNS, "park"),
    import_column(PROJECT_IMPORT_COLUMNS, "investor"),
    import_column(PROJECT_IMPORT_COLUMNS, "kind"),
    import_column(PROJECT_IMPORT_COLUMNS, "total_investment_yi"),
    import_column(PROJECT_IMPORT_COLUMNS, "is_leading"),
    import_column(PROJECT_IMPORT_COLUMNS, "stage"),
    *(import_column(PROJECT_IMPORT_COLUMNS, field) for field in PLANNED_HEADERS),
    import_column(PROJECT_IMPORT_COLUMNS, "signed_on"),
    *(
        Column(f"{s}_on", label)
        for s, label in [
            ("registered", _("registered on")),
            ("started", _("started on")),
            ("building", _("under construction since")),
            ("completed", _("completed on")),
            ("producing", _("in production since")),
            ("counted", _("counted in statistics on")),
        ]
    ),
    Column("is_lagging", _("lagging")),
    Column("lagging_reason", _("why lagging")),
    import_column(PROJECT_IMPORT_COLUMNS, "description"),
]

REPORT_COLUMNS = [
    Column("project.code", _("project code"), order_by="project__code"),
    Column("project", _("project"), order_by="project__name_sort", link=True),
    Column("project.chain", _("chain")),
    Column("month_label", _("month"), order_by="month"),
    Column(
        "planned_yi",
        _("planned investment (100 million yuan)"),
        order_by="planned_yi",
        numeric=True,
    ),
    Column(
        "completed_yi",
        _("completed investment (100 million yuan)"),
        order_by="completed_yi",
        numeric=True,
    ),
    Column("note", _("note")),
]

# The export: the import template's columns under its headers (项目编号, 月份, 计划投资（亿元） …) in either language;
# the project's name and chain are for the reader (the import does not take them).
REPORT_EXPORT_COLUMNS = [
    import_column(REPORT_IMPORT_COLUMNS, "code", "project.code"),
    Column("project", _("project")),
    Column("project.chain", _("chain")),
    import_column(REPORT_IMPORT_COLUMNS, "month", "month_label"),  # 2026-03, as the pages show it
    import_column(REPORT_IMPORT_COLUMNS, "planned_yi"),
    import_column(REPORT_IMPORT_COLUMNS, "completed_yi"),
    import_column(REPORT_IMPORT_COLUMNS, "note"),
]

PROBLEM_COLUMNS = [
    Column("title", _("Subject"), order_by="title_sort", link=True),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("project", _("project"), order_by="project__name_sort"),
    Column("category", _("category"), order_by="category"),
    Column("status", _("status"), order_by="status"),
    Column("department", _("assigned department"), order_by="department__name_sort"),
    Column("deadline", _("deadline"), order_by="deadline"),
    Column("raised_on", _("raised on"), order_by="raised_on"),
]

REQUEST_COLUMNS = [
    Column("title", _("Subject"), order_by="title_sort", link=True),
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort"),
    Column("category", _("category"), order_by="category"),
    Column("status", _("status"), order_by="status"),
    Column("department", _("assigned department"), order_by="department__name_sort"),
    Column("deadline", _("deadline"), order_by="deadline"),
    Column("raised_on", _("raised on"), order_by="raised_on"),
    Column("rating", _("rating (1-5)"), order_by="rating"),
]

REQUEST_EXPORT_COLUMNS = [
    *REQUEST_COLUMNS,
    Column("chain", _("chain")),
    Column("project", _("project")),
    Column("region", _("District")),
    Column("description", _("description")),
    Column("answer", _("answer")),
    Column("firm_confirmed_at", _("confirmed by the firm at")),
    Column("closed_at", _("closed out at")),
]

PROBLEM_EXPORT_COLUMNS = [
    *PROBLEM_COLUMNS,
    # A firm request's firm: the ledger list shows requests too.
    Column("enterprise", _("enterprise")),
    Column("raised_by_unit", _("raised by unit")),
    Column("description", _("description")),
    Column("answer", _("answer")),
    Column("closed_at", _("closed out at")),
]
