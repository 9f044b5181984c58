"""Demo chain masters (链主企业): the firms the seeds / DOMAIN.md name, plus the listed Qingdao/Shandong firms,
and where each sits on its chain's curated tree.

The firm is real and named; its credit code, district placement, founding data and every yearly figure are
invented (``demo/firms.py``), so it is flagged ``is_synthetic``. Pure data: no database here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .chains_data import CITY, DISTRICT


@dataclass(frozen=True)
class Master:
    short: str  # the name the seeds use
    name: str  # full (legal or plausible) name
    region: str
    industry: str
    scale_yi: float  # order of magnitude of the invented revenue, in 亿元
    chains: tuple[
        tuple[str, str, tuple[str, ...]], ...
    ]  # (level, chain, segment names; () = first midstream)
    ticker: str = ""


def _c(name: str, *segments: str) -> tuple[str, str, tuple[str, ...]]:
    return (CITY, name, segments)


def _d(name: str, *segments: str) -> tuple[str, str, tuple[str, ...]]:
    return (DISTRICT, name, segments)


MASTERS: tuple[Master, ...] = (
    Master(
        "海尔",
        "海尔智家股份有限公司",
        "370212",
        "3851",
        1000,
        (_c("智能家电", "冰箱冷柜", "洗衣机", "空调"), _d("智能家电", "冰箱冷柜")),
        "600690.SH",
    ),
    Master(
        "海信",
        "海信家电集团股份有限公司",
        "370211",
        "3852",
        500,
        (_c("智能家电", "空调", "冰箱冷柜"), _d("智能家电", "空调")),
        "000921.SZ",
    ),
    Master(
        "海信视像",
        "海信视像科技股份有限公司",
        "370211",
        "3951",
        300,
        (_c("智能家电", "电视机"), _d("智能家电", "电视机")),
        "600060.SH",
    ),
    Master(
        "澳柯玛",
        "澳柯玛股份有限公司",
        "370211",
        "3851",
        80,
        (_c("智能家电", "冰箱冷柜"), _d("智能家电", "冰箱冷柜")),
        "600336.SH",
    ),
    Master(
        "青岛啤酒",
        "青岛啤酒股份有限公司",
        "370203",
        "1513",
        300,
        (_c("食品饮料", "食品饮料加工"),),
        "600600.SH",
    ),
    Master(
        "双星集团",
        "双星集团有限责任公司",
        "370211",
        "2911",
        100,
        (_c("先进高分子及金属材料", "高分子材料与橡胶制品"),),
    ),
    Master(
        "青岛双星",
        "青岛双星股份有限公司",
        "370211",
        "2911",
        50,
        (_c("先进高分子及金属材料", "高分子材料与橡胶制品"),),
        "000599.SZ",
    ),
    Master(
        "赛轮集团",
        "赛轮集团股份有限公司",
        "370211",
        "2911",
        200,
        (_c("先进高分子及金属材料", "高分子材料与橡胶制品"), _d("高端化工及新材料")),
        "601058.SH",
    ),
    Master(
        "国恩股份",
        "青岛国恩科技股份有限公司",
        "370214",
        "2929",
        150,
        (_c("先进高分子及金属材料", "高分子材料与橡胶制品"),),
        "002768.SZ",
    ),
    Master(
        "软控股份", "软控股份有限公司", "370203", "3522", 50, (_c("智能制造装备"),), "002073.SZ"
    ),
    Master(
        "汉缆股份", "青岛汉缆股份有限公司", "370212", "3831", 80, (_c("智能制造装备"),), "002498.SZ"
    ),
    # 特锐德 is a charging-network operator: placed downstream (充换电), not midstream.
    Master(
        "特锐德",
        "青岛特锐德电气股份有限公司",
        "370212",
        "3823",
        100,
        (_c("新能源汽车", "充电设施"),),
        "300001.SZ",
    ),
    Master(
        "海尔生物",
        "青岛海尔生物医疗股份有限公司",
        "370214",
        "3583",
        20,
        (_c("生物医药及医疗器械"),),
        "688139.SH",
    ),
    Master(
        "阿斯利康",
        "阿斯利康（青岛）制药有限公司",
        "370214",
        "2720",
        20,
        (_c("生物医药及医疗器械"),),
    ),
    Master("歌尔", "歌尔股份有限公司", "370212", "3961", 500, (_c("虚拟现实"),), "002241.SZ"),
    Master(
        "潍柴动力",
        "潍柴动力股份有限公司",
        "370211",
        "3412",
        200,
        (_c("氢能与储能", "燃料电池与储能系统"),),
        "000338.SZ",
    ),
    Master(
        "美锦氢能源",
        "青岛美锦氢能科技有限公司",
        "370211",
        "3849",
        10,
        (_c("氢能与储能", "燃料电池与储能系统"),),
    ),
    Master("明月海藻", "青岛明月海藻集团有限公司", "370211", "2780", 40, (_d("海洋生物医药"),)),
    Master("聚大洋藻业", "青岛聚大洋藻业集团有限公司", "370211", "2780", 10, (_d("海洋生物医药"),)),
    Master(
        "京东方",
        "青岛京东方光电科技有限公司",
        "370211",
        "3974",
        100,
        (_c("新型显示", "显示面板与模组"), _d("新一代半导体", "显示模组")),
    ),
    Master(
        "芯恩",
        "芯恩（青岛）集成电路有限公司",
        "370211",
        "3973",
        20,
        (
            _c("集成电路", "特色工艺晶圆制造", "功率半导体制造"),
            _d("新一代半导体", "特色工艺晶圆制造", "功率半导体制造"),
        ),
    ),
    Master(
        "惠科",
        "青岛惠科微电子有限公司",
        "370211",
        "3972",
        10,
        (_c("集成电路", "功率半导体制造"), _d("新一代半导体", "功率半导体制造")),
    ),
    Master(
        "富士康",
        "青岛新核芯科技有限公司",
        "370211",
        "3973",
        10,
        (_c("集成电路", "先进封装"), _d("新一代半导体", "先进封装")),
    ),
    Master(
        "北海船舶",
        "中国船舶集团青岛北海造船有限公司",
        "370211",
        "3731",
        60,
        (_c("海洋装备"), _d("船舶海工")),
    ),
    Master(
        "中海油青岛海工",
        "海洋石油工程（青岛）有限公司",
        "370211",
        "3737",
        80,
        (_c("海洋装备"), _d("船舶海工")),
    ),
    Master(
        "上汽通用五菱",
        "上汽通用五菱汽车股份有限公司青岛分公司",
        "370211",
        "3612",
        300,
        (_c("新能源汽车", "乘用车", "商用车"), _d("汽车", "乘用车")),
    ),
    Master(
        "一汽-大众",
        "一汽-大众汽车有限公司青岛分公司",
        "370215",
        "3611",
        400,
        (_c("新能源汽车", "乘用车"),),
    ),
    Master(
        "奇瑞汽车",
        "奇瑞汽车股份有限公司青岛分公司",
        "370215",
        "3612",
        100,
        (_c("新能源汽车", "乘用车"),),
    ),
    Master(
        "北京汽车制造厂",
        "北京汽车制造厂（青岛）有限公司",
        "370215",
        "3611",
        50,
        (_c("新能源汽车", "乘用车"),),
    ),
    Master(
        "金能科技",
        "金能化学（青岛）有限公司",
        "370211",
        "2614",
        150,
        (_c("高端化工"), _d("高端化工及新材料")),
    ),
    Master(
        "青岛炼化",
        "中国石化青岛炼油化工有限责任公司",
        "370211",
        "2511",
        500,
        (_c("高端化工"), _d("高端化工及新材料")),
    ),
    Master("空客直升机", "空客（青岛）直升机有限公司", "370215", "3741", 10, (_c("通用航空"),)),
    Master("万丰钻石飞机", "青岛万丰钻石飞机制造有限公司", "370285", "3741", 5, (_c("通用航空"),)),
    Master("极视角", "青岛极视角科技有限公司", "370211", "6513", 3, (_c("人工智能"), _d("新经济"))),
    Master("以萨", "以萨技术股份有限公司", "370211", "6513", 10, (_c("人工智能"), _d("新经济"))),
    Master(
        "创新奇智",
        "青岛创新奇智科技集团股份有限公司",
        "370212",
        "6513",
        15,
        (_c("人工智能"),),
        "2121.HK",
    ),
    Master(
        "科大讯飞",
        "科大讯飞（青岛）科技有限公司",
        "370211",
        "6513",
        5,
        (_c("人工智能"), _d("新经济")),
    ),
    Master("商汤科技", "青岛商汤科技有限公司", "370211", "6513", 5, (_c("人工智能"), _d("新经济"))),
    Master(
        "中车四方",
        "中车青岛四方机车车辆股份有限公司",
        "370214",
        "3711",
        300,
        (_c("轨道交通装备", "整车制造"),),
    ),
    # 中车制动 makes brake systems: placed upstream (核心零部件), not midstream.
    Master(
        "中车制动",
        "中车制动系统有限公司",
        "370214",
        "3715",
        50,
        (_c("轨道交通装备", "核心零部件"),),
    ),
)

MASTER_TIER_YEAR = 2022  # 004: the first batch of 47 chain masters, selected in 2022 (see README)
HAIER = "海尔智家股份有限公司"

# Where each chain master sits on its chain's curated tree (chains/trees/): node paths, by (firm, level, chain).
# Read from the firms' main products as public reports name them; a master missing here goes to the chain's first
# midstream leaf. The classifier may add further placements from the firm's products and industry code.
MASTER_LEAVES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("海尔", CITY, "智能家电"): (
        "mid.white-goods.refrigerator",
        "mid.white-goods.washer",
        "mid.white-goods.air-conditioner",
    ),
    ("海尔", DISTRICT, "智能家电"): (
        "mid.white-goods.refrigerator",
        "mid.white-goods.washer",
        "mid.white-goods.air-conditioner",
    ),
    ("海信", CITY, "智能家电"): ("mid.white-goods.air-conditioner", "mid.white-goods.refrigerator"),
    ("海信", DISTRICT, "智能家电"): (
        "mid.white-goods.air-conditioner",
        "mid.white-goods.refrigerator",
    ),
    ("海信视像", CITY, "智能家电"): ("mid.black-goods.tv",),
    ("海信视像", DISTRICT, "智能家电"): ("mid.black-goods.tv",),
    ("澳柯玛", CITY, "智能家电"): (
        "mid.white-goods.refrigerator",
        "mid.white-goods.commercial-refrigeration",
    ),
    ("澳柯玛", DISTRICT, "智能家电"): (
        "mid.white-goods.refrigerator",
        "mid.white-goods.commercial-refrigeration",
    ),
    ("青岛啤酒", CITY, "食品饮料"): ("mid.beverages.beer",),
    ("双星集团", CITY, "先进高分子及金属材料"): ("mid.rubber-products.tyres",),
    ("青岛双星", CITY, "先进高分子及金属材料"): ("mid.rubber-products.tyres",),
    ("赛轮集团", CITY, "先进高分子及金属材料"): ("mid.rubber-products.tyres",),
    ("赛轮集团", DISTRICT, "高端化工及新材料"): ("down.products.tires",),
    ("国恩股份", CITY, "先进高分子及金属材料"): ("mid.polymers.modified-plastics",),
    ("软控股份", CITY, "智能制造装备"): ("mid.special-equipment.rubber-machinery",),
    ("汉缆股份", CITY, "智能制造装备"): ("mid.special-equipment.smart-power",),
    ("特锐德", CITY, "新能源汽车"): (
        "down.charging.charging-equipment",
        "down.charging.charging-service",
    ),
    ("海尔生物", CITY, "生物医药及医疗器械"): ("mid.devices.biomedical-cold",),
    ("阿斯利康", CITY, "生物医药及医疗器械"): ("mid.drugs.chem-drugs",),
    ("歌尔", CITY, "虚拟现实"): ("mid.terminals.vr-headset", "mid.terminals.ar-mr"),
    ("潍柴动力", CITY, "氢能与储能"): ("mid.fc-ess.fc-system",),
    ("美锦氢能源", CITY, "氢能与储能"): ("mid.fc-ess.fc-system",),
    ("明月海藻", DISTRICT, "海洋生物医药"): (
        "up.extraction.alginate",
        "mid.medical-materials.dressings-hemostatic",
    ),
    ("聚大洋藻业", DISTRICT, "海洋生物医药"): (
        "up.extraction.alginate",
        "mid.medical-materials.excipients",
    ),
    ("京东方", CITY, "新型显示"): ("mid.panels-modules.mobile-module",),
    ("京东方", DISTRICT, "新一代半导体"): ("mid.display.display-module",),
    ("北海船舶", CITY, "海洋装备"): ("mid.ships.merchant-ships", "down.services.repair-conversion"),
    ("北海船舶", DISTRICT, "船舶海工"): (
        "mid.shipbuilding.merchant-ships",
        "mid.repair.ship-repair",
    ),
    ("中海油青岛海工", CITY, "海洋装备"): ("mid.offshore.oil-gas",),
    ("中海油青岛海工", DISTRICT, "船舶海工"): ("mid.offshore.oil-gas-modules",),
    ("金能科技", CITY, "高端化工"): ("mid.olefins.pdh", "mid.derivatives.polypropylene"),
    ("金能科技", DISTRICT, "高端化工及新材料"): (
        "mid.refining-basic.olefins",
        "mid.new-materials.polyolefins",
    ),
    ("青岛炼化", CITY, "高端化工"): ("mid.refining.fuels", "mid.refining.aromatics"),
    ("青岛炼化", DISTRICT, "高端化工及新材料"): (
        "mid.refining-basic.refined-oil",
        "mid.refining-basic.aromatics",
    ),
    ("空客直升机", CITY, "通用航空"): ("mid.aircraft.helicopters",),
    ("万丰钻石飞机", CITY, "通用航空"): ("mid.aircraft.fixed-wing",),
    ("极视角", CITY, "人工智能"): ("mid.core-tech.vision",),
    ("极视角", DISTRICT, "新经济"): ("mid.ai-bigdata.ai-algorithms",),
    ("以萨", CITY, "人工智能"): ("mid.core-tech.big-data-ai", "down.industry-apps.smart-city"),
    ("以萨", DISTRICT, "新经济"): ("mid.ai-bigdata.ai-algorithms", "mid.ai-bigdata.big-data-apps"),
    ("创新奇智", CITY, "人工智能"): ("down.industry-apps.ai-manufacturing", "mid.core-tech.vision"),
    ("科大讯飞", CITY, "人工智能"): ("mid.core-tech.speech-nlp",),
    ("科大讯飞", DISTRICT, "新经济"): ("mid.ai-bigdata.ai-algorithms",),
    ("商汤科技", CITY, "人工智能"): ("mid.core-tech.vision", "mid.core-tech.foundation-models"),
    ("商汤科技", DISTRICT, "新经济"): ("mid.ai-bigdata.ai-algorithms",),
    ("中车四方", CITY, "轨道交通装备"): ("mid.vehicles.emu", "mid.vehicles.metro"),
    ("中车制动", CITY, "轨道交通装备"): ("up.core-systems.brake",),
    ("芯恩", CITY, "集成电路"): ("mid.wafer-fab.specialty-foundry", "mid.wafer-fab.power-semis"),
    ("芯恩", DISTRICT, "新一代半导体"): ("mid.wafer.specialty-fab", "mid.wafer.power-fab"),
    ("惠科", CITY, "集成电路"): ("mid.wafer-fab.power-semis",),
    ("惠科", DISTRICT, "新一代半导体"): ("mid.wafer.power-fab",),
    ("富士康", CITY, "集成电路"): ("mid.packaging-test.advanced-packaging",),
    ("富士康", DISTRICT, "新一代半导体"): ("mid.packaging.advanced-packaging",),
    ("上汽通用五菱", CITY, "新能源汽车"): ("mid.vehicles.passenger", "mid.vehicles.commercial"),
    ("上汽通用五菱", DISTRICT, "汽车"): ("mid.vehicles.passenger", "mid.vehicles.nev"),
    ("一汽-大众", CITY, "新能源汽车"): ("mid.vehicles.passenger",),
    ("奇瑞汽车", CITY, "新能源汽车"): ("mid.vehicles.passenger",),
    ("北京汽车制造厂", CITY, "新能源汽车"): ("mid.vehicles.passenger",),
}
