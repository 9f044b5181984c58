"""Excel column maps of the growth plan and measure imports (the office's templates)."""

from __future__ import annotations

from chainleader.core.excel import ExcelColumn
from chainleader.core.validators import uscc_problem
from chainleader.enterprises.importers import USCC_ALIASES

from .models import GrowthPlan

KIND_CHOICES: dict[str, str] = {
    "倍增计划": GrowthPlan.Kind.DOUBLING,
    "倍增": GrowthPlan.Kind.DOUBLING,
    "其他培育计划": GrowthPlan.Kind.OTHER,
    "其他": GrowthPlan.Kind.OTHER,
    # The English labels, for a file exported from the English pages.
    "doubling plan": GrowthPlan.Kind.DOUBLING,
    "other growth plan": GrowthPlan.Kind.OTHER,
}
STATUS_CHOICES: dict[str, str] = {
    "推进中": GrowthPlan.Status.ACTIVE,
    "执行中": GrowthPlan.Status.ACTIVE,
    "已达成": GrowthPlan.Status.ACHIEVED,
    "已完成": GrowthPlan.Status.ACHIEVED,
    "已终止": GrowthPlan.Status.STOPPED,
    "in progress": GrowthPlan.Status.ACTIVE,
    "achieved": GrowthPlan.Status.ACHIEVED,
    "stopped": GrowthPlan.Status.STOPPED,
}


def _uscc() -> ExcelColumn:
    return ExcelColumn(
        "统一社会信用代码",
        "uscc",
        required=True,
        max_length=18,
        validator=uscc_problem,
        aliases=USCC_ALIASES,
        normalize="code",
    )


def _wan(header: str, field: str, *aliases: str) -> ExcelColumn:
    return ExcelColumn(header, field, kind="decimal", aliases=(field, *aliases))


PLAN_COLUMNS = [
    _uscc(),
    ExcelColumn("计划类型", "kind", kind="choice", choices=KIND_CHOICES, aliases=("kind", "类型")),
    ExcelColumn("基准年", "base_year", kind="int", required=True, aliases=("base_year", "基期年")),
    ExcelColumn("目标年", "target_year", kind="int", required=True, aliases=("target_year",)),
    _wan("基准年营业收入(万元)", "base_revenue_wan", "基期营业收入(万元)"),
    _wan("目标营业收入(万元)", "target_revenue_wan"),
    _wan("基准年纳税额(万元)", "base_tax_wan", "基期税收(万元)"),
    _wan("目标纳税额(万元)", "target_tax_wan", "目标税收(万元)"),
    _wan("基准年固定资产投资(万元)", "base_investment_wan"),
    _wan("目标固定资产投资(万元)", "target_investment_wan"),
    ExcelColumn(
        "状态", "status", kind="choice", choices=STATUS_CHOICES, aliases=("status", "计划状态")
    ),
    ExcelColumn("备注", "notes", max_length=2000, aliases=("notes", "说明")),
]
PLAN_EXAMPLES = [
    [
        "91370211MA3C5U9P2C",
        "倍增计划",
        2022,
        2026,
        180000,
        "",
        9000,
        "",
        20000,
        30000,
        "推进中",
        "",
    ],
]

MEASURE_COLUMNS = [
    _uscc(),
    ExcelColumn("基准年", "base_year", kind="int", required=True, aliases=("base_year",)),
    ExcelColumn("措施", "text", required=True, max_length=2000, aliases=("text", "帮扶措施")),
    ExcelColumn(
        "责任单位", "responsible_unit", max_length=100, aliases=("responsible_unit", "责任部门")
    ),
    ExcelColumn("完成时限", "deadline", kind="date", aliases=("deadline", "时限")),
    ExcelColumn("已完成", "done", kind="bool", aliases=("done", "是否完成")),
    ExcelColumn("完成日期", "done_on", kind="date", aliases=("done_on",)),
]
MEASURE_EXAMPLES = [
    ["91370211MA3C5U9P2C", 2022, "协调新厂区用地 120 亩", "区发展改革局", "2025-06-30", "否", ""],
]
