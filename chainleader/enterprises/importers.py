"""Excel column maps for enterprise imports (the headers offices use)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.excel import ExcelColumn
from chainleader.core.validators import uscc_problem

ENTERPRISE_COLUMNS = [
    ExcelColumn(
        "统一社会信用代码",
        "uscc",
        required=True,
        max_length=18,
        validator=uscc_problem,
        help=_("18 characters, GB 32100-2015; the check character is verified."),
        aliases=("uscc",),
    ),
    ExcelColumn("企业名称", "name", required=True, max_length=200, aliases=("name",)),
    ExcelColumn(
        "曾用名", "former_names", max_length=1000, help=_("Separate several names with 、")
    ),
    ExcelColumn(
        "所在区域",
        "region",
        required=True,
        max_length=64,
        help=_("Region code (e.g. 370211) or name (e.g. 黄岛区)."),
        aliases=("region",),
    ),
    ExcelColumn(
        "所属园区", "park", max_length=100, help=_("Exact park name, as in the park list.")
    ),
    ExcelColumn(
        "行业代码", "industry", max_length=6, help=_("GB/T 4754-2017 class, e.g. C3951 or 3951.")
    ),
    ExcelColumn("注册资本(万元)", "registered_capital_wan", kind="decimal"),
    ExcelColumn("成立日期", "founded_on", kind="date", help=_("YYYY-MM-DD")),
    ExcelColumn("是否规上", "above_size", kind="bool", help=_("是 or 否")),
    ExcelColumn("股票代码", "ticker", max_length=12),
    ExcelColumn("地址", "address", max_length=200),
    ExcelColumn("经营范围", "business_scope", max_length=4000, aliases=("business_scope",)),
]

ENTERPRISE_EXAMPLES = [
    [
        "91370200MA3C1234XQ",
        "示例智能装备有限公司",
        "",
        "370211",
        "",
        "C3491",
        5000,
        "2015-06-01",
        "是",
        "",
        "青岛市黄岛区",
        "智能装备、工业机器人的研发、制造、销售",
    ],
]

FIGURE_COLUMNS = [
    ExcelColumn(
        "统一社会信用代码",
        "uscc",
        required=True,
        max_length=18,
        validator=uscc_problem,
        aliases=("uscc",),
    ),
    ExcelColumn("年度", "year", kind="int", required=True, aliases=("year",)),
    ExcelColumn("营业收入(万元)", "revenue_wan", kind="decimal", aliases=("revenue_wan",)),
    ExcelColumn("纳税额(万元)", "tax_wan", kind="decimal", aliases=("tax_wan", "税收(万元)")),
    ExcelColumn("工业总产值(万元)", "output_wan", kind="decimal", aliases=("output_wan",)),
    ExcelColumn(
        "工业增加值(万元)", "value_added_wan", kind="decimal", aliases=("value_added_wan",)
    ),
    ExcelColumn("从业人员(人)", "employees", kind="int", aliases=("employees",)),
    ExcelColumn("用地面积(亩)", "land_mu", kind="decimal", aliases=("land_mu",)),
    ExcelColumn("综合能耗(吨标煤)", "energy_tce", kind="decimal", aliases=("energy_tce",)),
    ExcelColumn("主要污染物排放量(吨)", "emissions_t", kind="decimal", aliases=("emissions_t",)),
    ExcelColumn("研发经费(万元)", "rd_wan", kind="decimal", aliases=("rd_wan",)),
]
