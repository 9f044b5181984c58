"""Excel column map of the payments import (兑现台账): one row per payment, keyed by its voucher number."""

from __future__ import annotations

from chainleader.core.excel import ExcelColumn
from chainleader.core.validators import uscc_problem
from chainleader.enterprises.importers import USCC_ALIASES

PAYMENT_COLUMNS = [
    ExcelColumn(
        "凭证号", "voucher_no", required=True, max_length=60, aliases=("voucher_no", "兑现凭证号")
    ),
    ExcelColumn("结果编号", "result", kind="int", required=True, aliases=("result", "result id")),
    ExcelColumn(
        "统一社会信用代码",
        "uscc",
        required=True,
        max_length=18,
        validator=uscc_problem,
        aliases=USCC_ALIASES,
        normalize="code",
    ),
    ExcelColumn(
        "兑现金额(万元)", "amount_wan", kind="decimal", required=True, aliases=("amount_wan",)
    ),
    ExcelColumn("兑现日期", "paid_on", kind="date", required=True, aliases=("paid_on",)),
    ExcelColumn("备注", "note", max_length=300, aliases=("note",)),
]
PAYMENT_EXAMPLES = [["PZ-2025-0001", 1, "91370211MA3C5U9P2C", 50, "2025-03-01", ""]]
