"""Excel column maps for chain and segment imports."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.excel import ExcelColumn

from .models import Chain

CHAIN_COLUMNS = [
    ExcelColumn("产业链名称", "name", required=True, max_length=50, aliases=("name",)),
    ExcelColumn(
        "层级",
        "level",
        kind="choice",
        required=True,
        choices={"市级": "city", "区级": "district"},
        help=_("市级 (city) or 区级 (district)"),
    ),
    ExcelColumn(
        "所在区域",
        "region",
        required=True,
        max_length=64,
        help=_("Region code (3702 for Qingdao, 370211 for 黄岛区) or name."),
        aliases=("区域", "所属区域", "行政区划"),
        normalize="nfkc",
    ),
    ExcelColumn(
        "类别",
        "category",
        kind="choice",
        choices={str(lbl): v for v, lbl in Chain.Category.choices},
    ),
    ExcelColumn(
        "链长(职务)",
        "leader_post",
        max_length=100,
        help=_("A post, e.g. 市领导; never a person's name."),
    ),
    ExcelColumn("副链长(职务)", "deputy_posts", max_length=200),
    ExcelColumn(
        "牵头部门", "lead_department", max_length=100, help=_("Exact name of a department unit.")
    ),
    ExcelColumn("说明", "description", max_length=2000),
    ExcelColumn("排序", "order", kind="int"),
]
CHAIN_EXAMPLES = [["示例产业链", "区级", "370211", "新兴产业", "区领导", "", "", "", 99]]

SEGMENT_COLUMNS = [
    ExcelColumn(
        "产业链",
        "chain",
        required=True,
        max_length=64,
        help=_("Chain name, or region code:name when names repeat."),
    ),
    ExcelColumn("环节名称", "name", required=True, max_length=100),
    ExcelColumn(
        "上级环节",
        "parent",
        max_length=100,
        help=_("Name of the parent segment in the same chain (an earlier row)."),
    ),
    ExcelColumn(
        "位置",
        "position",
        kind="choice",
        required=True,
        choices={"上游": "up", "中游": "mid", "下游": "down"},
    ),
    ExcelColumn("排序", "order", kind="int"),
    ExcelColumn("重点产品", "key_products", max_length=2000),
    ExcelColumn("关键技术", "key_technologies", max_length=2000),
]
SEGMENT_EXAMPLES = [["370211:智能家电", "核心零部件", "", "上游", 1, "压缩机、电机", "变频控制"]]
