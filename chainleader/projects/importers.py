"""Excel column maps for the project and monthly-report imports (the office's templates)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from chainleader.core.excel import ExcelColumn

from .models import Project, Stage

KIND_CHOICES: dict[str, str] = {
    "新建": Project.Kind.NEW,
    "扩建": Project.Kind.EXPANSION,
    "技改": Project.Kind.UPGRADE,
    "招商引进": Project.Kind.ATTRACTED,
    # The labels the pages and exports show are accepted too.
    "技术改造": Project.Kind.UPGRADE,
    "招商引资": Project.Kind.ATTRACTED,
}
STAGE_CHOICES: dict[str, str] = {
    "签约": Stage.SIGNED,
    "备案": Stage.REGISTERED,
    "开工": Stage.STARTED,
    "在建": Stage.BUILDING,
    "竣工": Stage.COMPLETED,
    "投产": Stage.PRODUCING,
    "纳统": Stage.COUNTED,
}
STAGE_WORDS = {v: k for k, v in STAGE_CHOICES.items()}
PLANNED_HEADERS = {
    "planned_signed_on": "计划签约日期",
    "planned_registered_on": "计划备案日期",
    "planned_started_on": "计划开工日期",
    "planned_building_on": "计划在建日期",
    "planned_completed_on": "计划竣工日期",
    "planned_producing_on": "计划投产日期",
    "planned_counted_on": "计划纳统日期",
}

PROJECT_COLUMNS = [
    ExcelColumn(
        "项目编号",
        "code",
        max_length=32,
        help=cast(str, _("Leave empty for a new project: a code is given.")),
    ),
    ExcelColumn("项目名称", "name", required=True, max_length=200),
    ExcelColumn(
        "产业链",
        "chain",
        required=True,
        max_length=64,
        help=cast(
            str, _("Chain name, or region code:name when names repeat (e.g. 370211:智能家电).")
        ),
    ),
    ExcelColumn(
        "所在区（市）",
        "district",
        required=True,
        max_length=64,
        help=cast(str, _("District code (e.g. 370211), name or unique short name (黄岛).")),
        aliases=("所在区市", "所在区", "区（市）", "所属区（市）", "所在区县"),
        normalize="nfkc",
    ),
    ExcelColumn("所属园区", "park", max_length=100),
    ExcelColumn(
        "投资方",
        "investor",
        max_length=200,
        help=cast(str, _("Unified social credit code or exact name.")),
    ),
    ExcelColumn("项目类型", "kind", kind="choice", required=True, choices=KIND_CHOICES),
    ExcelColumn(
        "总投资（亿元）",
        "total_investment_yi",
        kind="decimal",
        required=True,
        aliases=("总投资(亿元)", "总投资"),
    ),
    ExcelColumn(
        "阶段",
        "stage",
        kind="choice",
        choices=STAGE_CHOICES,
        help=cast(
            str, _("New projects only; afterwards the stage moves through the stage workflow.")
        ),
    ),
    ExcelColumn(
        "行业引领性",
        "is_leading",
        kind="bool",
        help=cast(
            str, _("是 for an industry-leading project (counts toward the two a year); empty = 否.")
        ),
    ),
    ExcelColumn("签约日期", "signed_on", kind="date", aliases=("签约时间",)),
    *(ExcelColumn(header, field, kind="date") for field, header in PLANNED_HEADERS.items()),
    ExcelColumn("项目说明", "description", max_length=2000),
]
PROJECT_EXAMPLES = [
    [
        "",
        "示例智能工厂项目",
        "3702:智能家电",
        "370211",
        "",
        "",
        "新建",
        25.5,
        "签约",
        "否",
        "2026-03-01",
        "2026-03-01",
        "2026-05-01",
        "2026-07-01",
        "2026-08-01",
        "2027-12-31",
        "2028-03-31",
        "2028-06-30",
        "",
    ]
]

REPORT_COLUMNS = [
    ExcelColumn("项目编号", "code", required=True, max_length=32),
    ExcelColumn(
        "月份",
        "month",
        required=True,
        max_length=20,
        help=cast(str, _("Year and month, e.g. 2026-03.")),
        validator=lambda v: None if parse_month(v) else month_error(),
    ),
    ExcelColumn(
        "计划投资（亿元）", "planned_yi", kind="decimal", aliases=("计划投资(亿元)", "计划投资")
    ),
    ExcelColumn(
        "完成投资（亿元）", "completed_yi", kind="decimal", aliases=("完成投资(亿元)", "完成投资")
    ),
    ExcelColumn("备注", "note", max_length=500),
]
REPORT_EXAMPLES = [["XM2026-00001", "2026-03", 1.2, 1.05, ""]]


def month_error() -> str:
    return str(_("月份 must be a year and month, e.g. 2026-03."))


_MONTH = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月)?(?:\s*[-/.]\s*\d{1,2}\s*日?)?(?:\s+[\d:]+)?\s*$"
)


def parse_month(value: Any) -> date | None:
    """2026-03, 2026/3, 2026年3月, 2026-03-01 (a date cell) -> date(2026, 3, 1); anything else -> None."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(str(value or ""))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


# Firm requests (企业诉求): the categories by the words the pages show; the import refuses 基础设施 (a ledger-only
# category) with a row error, as the raise form does not offer it.
REQUEST_CATEGORY_CHOICES: dict[str, str] = {
    "土地": "land",
    "资金": "finance",
    "融资": "finance",
    "人才": "talent",
    "能源及水电气": "energy",
    "能源": "energy",
    "审批": "approval",
    "基础设施": "infrastructure",
    "市场": "market",
    "政策": "policy",
    "其他": "other",
}

REQUEST_COLUMNS = [
    ExcelColumn(
        "企业",
        "enterprise",
        max_length=200,
        aliases=("enterprise", "企业名称", "统一社会信用代码"),
        help=cast(
            str,
            _(
                "Credit code or exact name of the firm; a firm account leaves it empty (its own firm)."
            ),
        ),
    ),
    ExcelColumn(
        "诉求类别",
        "category",
        kind="choice",
        required=True,
        choices=REQUEST_CATEGORY_CHOICES,
        aliases=("类别", "category"),
    ),
    ExcelColumn("诉求", "title", required=True, max_length=200, aliases=("标题", "Subject")),
    ExcelColumn(
        "详细说明", "description", required=True, max_length=2000, aliases=("说明", "description")
    ),
    ExcelColumn("产业链", "chain", max_length=100, aliases=("chain",)),
    ExcelColumn(
        "关联项目",
        "project",
        max_length=200,
        aliases=("项目", "project"),
        help=cast(str, _("Project code (or exact name) of a project the request concerns.")),
    ),
]
REQUEST_EXAMPLES = [
    ["", "土地", "示例：扩建用地指标", "二期厂房需新增用地约30亩，申请协调用地指标。", "", ""],
]
