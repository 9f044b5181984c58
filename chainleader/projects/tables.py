"""List columns of the project pages (and of their Excel exports)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_header

from .importers import PLANNED_HEADERS
from .importers import REPORT_COLUMNS as REPORT_IMPORT_COLUMNS

PROJECT_COLUMNS = [
    Column("code", _("project code"), order_by="code"),
    Column("name", _("name"), order_by="name", link=True),
    Column("chain", _("chain"), order_by="chain__name"),
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

# The export's columns carry the import template's headers (importers.PROJECT_COLUMNS), so an exported list
# imports back unchanged; the columns the import does not take (segment, actual dates, lagging) are ignored by it.
PROJECT_EXPORT_COLUMNS = [
    Column("code", "项目编号"),
    Column("name", "项目名称"),
    Column("chain", "产业链"),
    Column("segment.name", _("segment")),
    Column("district", "所在区（市）"),
    Column("park", "所属园区"),
    Column("investor", "投资方"),
    Column("kind", "项目类型"),
    Column("total_investment_yi", "总投资（亿元）"),
    Column("stage", "阶段"),
    *(Column(field, header) for field, header in PLANNED_HEADERS.items()),
    Column("signed_on", "签约日期"),
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
]

REPORT_COLUMNS = [
    Column("project.code", _("project code"), order_by="project__code"),
    Column("project", _("project"), order_by="project__name", link=True),
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

# The export: the amounts under the import template's headers (计划投资（亿元）, 完成投资（亿元）) in either language.
REPORT_EXPORT_COLUMNS = [
    Column(c.name, import_header(REPORT_IMPORT_COLUMNS, c.name), numeric=True) if c.amount else c
    for c in REPORT_COLUMNS
]

PROBLEM_COLUMNS = [
    Column("title", _("Subject"), order_by="title", link=True),
    Column("chain", _("chain"), order_by="chain__name"),
    Column("project", _("project"), order_by="project__name"),
    Column("category", _("category"), order_by="category"),
    Column("status", _("status"), order_by="status"),
    Column("department", _("assigned department"), order_by="department__name"),
    Column("deadline", _("deadline"), order_by="deadline"),
    Column("raised_on", _("raised on"), order_by="raised_on"),
]

PROBLEM_EXPORT_COLUMNS = [
    *PROBLEM_COLUMNS,
    Column("raised_by_unit", _("raised by unit")),
    Column("description", _("description")),
    Column("answer", _("answer")),
    Column("closed_at", _("closed out at")),
]
