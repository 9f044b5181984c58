"""Excel columns of the value import (指标数据导入): one row per indicator, subject and period."""

from __future__ import annotations

from chainleader.core.excel import ExcelColumn

VALUE_COLUMNS = [
    ExcelColumn(
        "指标代码", "code", required=True, max_length=32, normalize="code", aliases=("code", "代码")
    ),
    ExcelColumn("指标名称", "name", max_length=100, aliases=("name", "指标")),
    ExcelColumn(
        "区(市)",
        "region",
        max_length=64,
        normalize="nfkc",
        aliases=("region", "区市", "区（市）", "地区"),
        help="空：全市或产业链",
    ),
    ExcelColumn("产业链", "chain", max_length=80, aliases=("chain", "链"), help="空：全市或区(市)"),
    ExcelColumn("年份", "year", kind="int", required=True, aliases=("year", "年度")),
    ExcelColumn(
        "期次",
        "period",
        kind="int",
        aliases=("period", "月份/季度"),
        help="月 1–12，季 1–4，全年 0",
    ),
    ExcelColumn("数值", "value", kind="decimal", required=True, aliases=("value", "值", "实际值")),
    ExcelColumn("备注", "note", max_length=200, aliases=("note",)),
]

VALUE_EXAMPLES = [
    ["P10", "制造业企业关键工序数控化率", "", "", 2023, 0, 62.5, "示例（虚构）"],
    ["D04", "关键工序数控化率（区）", "黄岛区", "", 2021, 0, 75, "示例（虚构）"],
]
