"""Excel column maps for enterprise imports (the headers offices use)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.excel import ExcelColumn
from chainleader.core.validators import uscc_problem

USCC_ALIASES = (
    "uscc",
    "信用代码",
    "统一代码",
    "社会信用代码",
    "纳税人识别号",
    "统一社会信用代码（纳税人识别号）",
)

ENTERPRISE_COLUMNS = [
    ExcelColumn(
        "统一社会信用代码",
        "uscc",
        required=True,
        max_length=18,
        validator=uscc_problem,
        help=_("18 characters, GB 32100-2015; the check character is verified."),
        aliases=USCC_ALIASES,
        normalize="code",
    ),
    ExcelColumn(
        "企业名称",
        "name",
        required=True,
        max_length=200,
        aliases=("name", "单位名称", "公司名称", "企业（单位）名称", "纳税人名称", "单位详细名称"),
    ),
    ExcelColumn(
        "曾用名", "former_names", max_length=1000, help=_("Separate several names with 、")
    ),
    ExcelColumn(
        "所在区域",
        "region",
        required=True,
        max_length=64,
        help=_("Region code (e.g. 370211), name (黄岛区) or unique short name (黄岛)."),
        aliases=(
            "region",
            "所在区",
            "所属区域",
            "区（市）",
            "所在区（市）",
            "区域",
            "属地",
            "行政区划",
        ),
        normalize="nfkc",
    ),
    ExcelColumn(
        "所属园区",
        "park",
        max_length=100,
        help=_("Exact park name, as in the park list."),
        aliases=("园区", "所在园区"),
    ),
    ExcelColumn(
        "行业代码",
        "industry",
        max_length=120,  # the code, or the code and name as the pages show it (C3951 电动机制造)
        help=_("GB/T 4754-2017 class, e.g. C3951 or 3951."),
        aliases=("国民经济行业代码", "行业分类代码", "国标行业代码"),
        normalize="code",
    ),
    ExcelColumn(
        "注册资本(万元)",
        "registered_capital_wan",
        kind="decimal",
        aliases=("注册资金(万元)",),
        help=_("In 万元; 1.2亿 or 5,000万元 are converted."),
    ),
    ExcelColumn(
        "成立日期",
        "founded_on",
        kind="date",
        help=_("YYYY-MM-DD, 2021/6/8, 2021年6月8日 or an Excel date"),
        aliases=("成立时间", "注册日期", "成立年月"),
    ),
    ExcelColumn(
        "是否规上",
        "above_size",
        kind="bool",
        help=_("是/否 (also √/×, Y/N, 1/0)"),
        aliases=("是否规模以上", "规上企业", "是否规上企业"),
    ),
    ExcelColumn("股票代码", "ticker", max_length=12, normalize="code", aliases=("证券代码",)),
    ExcelColumn("地址", "address", max_length=200, aliases=("注册地址", "经营地址", "企业地址")),
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
        aliases=USCC_ALIASES,
        normalize="code",
    ),
    ExcelColumn("年度", "year", kind="int", required=True, aliases=("year", "年份", "统计年度")),
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
