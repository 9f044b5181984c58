"""Excel column map for importing list items."""

from typing import cast

from django.utils.translation import gettext_lazy as _

from chainleader.core.excel import ExcelColumn

from .models import WorkItem

KIND_CHOICES: dict[str, str] = {
    "重点任务": WorkItem.Kind.TASK,
    "重点建设项目": WorkItem.Kind.CONSTRUCTION,
    "重点招商项目": WorkItem.Kind.INVESTMENT,
}

ITEM_COLUMNS = [
    ExcelColumn("清单", "kind", kind="choice", required=True, choices=KIND_CHOICES),
    ExcelColumn(
        "产业链",
        "chain",
        required=True,
        max_length=64,
        help=cast(
            str, _("Chain name, or region code:name when names repeat (e.g. 370211:智能家电).")
        ),
    ),
    ExcelColumn("年度", "year", kind="int"),
    ExcelColumn("事项名称", "title", required=True, max_length=200),
    ExcelColumn("说明", "description", max_length=2000),
    ExcelColumn(
        "项目编号",
        "project",
        max_length=32,
        help=cast(str, _("Key construction projects: the project's code.")),
    ),
    ExcelColumn(
        "目标企业",
        "target_firm",
        max_length=200,
        help=cast(str, _("Key investment projects: the firm to attract.")),
    ),
    ExcelColumn(
        "计划投资（亿元）",
        "target_investment_yi",
        kind="decimal",
        aliases=("计划投资(亿元)", "计划投资"),
    ),
    ExcelColumn(
        "责任单位",
        "owner_unit",
        required=True,
        max_length=100,
        help=cast(str, _("Exact name of the unit.")),
    ),
    ExcelColumn(
        "责任人",
        "owner_user",
        max_length=150,
        help=cast(str, _("User name of the person in charge (optional).")),
    ),
    ExcelColumn("完成时限", "deadline", kind="date", required=True),
]
ITEM_EXAMPLES = [
    [
        "重点任务",
        "3702:智能家电",
        2026,
        "编制产业链图谱",
        "",
        "",
        "",
        "",
        "市工业和信息化局",
        "",
        "2026-06-30",
    ]
]
