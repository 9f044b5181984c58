"""Demo data: organisation units, the 24 city chains and 9 West Coast chains, targets and segment trees.

Chain names, categories and targets come from the seed documents (../shared/seeds, digested in DOMAIN.md):
  000 — West Coast manufacturing report 2021 (千亿级 / 五百亿级 clusters by 2025),
  001 — Qingdao Daily 2021-06-06 (the West Coast's 9 chains),
  002 — Qingdao 14th Five-Year manufacturing plan (5 一流产业集群, 4 传统优势, 3 新兴, 未来产业),
  004 — Qingdao Daily 2022 (the city's 24 chains).
Where the seeds say nothing (the category of a service chain, a city chain's numeric target) the field stays blank.
Lead departments are plausible assignments (the seeds name none for city chains). The segment trees are the
project's curated tree files (chainleader/chains/trees/), read by ``leaves()`` for the synthetic firms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CITY = "city"
DISTRICT = "district"
CITY_REGION = "3702"
WEST_COAST_REGION = "370211"

CITY_OFFICE = "青岛市链长制办公室"
WEST_COAST_OFFICE = "西海岸新区链长制办公室"
WEST_COAST_DISTRICT = "西海岸新区（黄岛区）"

# City departments (牵头部门 and 要素部门). Parent: none (they are bureaus of the city government).
CITY_DEPARTMENTS = (
    "市工业和信息化局",
    "市发展和改革委员会",
    "市商务局",
    "市科学技术局",
    "市自然资源和规划局",
    "市财政局",
    "市地方金融监管局",
    "市交通运输局",
    "市卫生健康委员会",
    "市文化和旅游局",
    "市农业农村局",
    "市海洋发展局",
    "市人力资源和社会保障局",
    "市生态环境局",
)

# West Coast departments. 001: the chain-leader office sits in the district development & reform bureau;
# 001 also quotes the West Coast film centre (影视中心); 003 is by the district industry & IT bureau.
WEST_COAST_DEPARTMENTS = (
    "西海岸新区发展和改革局",
    "西海岸新区工业和信息化局",
    "西海岸新区海洋发展局",
    "西海岸新区商务局",
    "西海岸新区影视中心",
)

SOURCE_002 = "《青岛市“十四五”制造业高质量发展规划》"


@dataclass(frozen=True)
class Seg:
    """A segment (环节) of a chain tree. Children inherit the position of their top-level ancestor."""

    name: str
    products: str = ""
    tech: str = ""
    weight: float = 1.0  # relative share of synthetic firms placed here (0 = a gap, 空白环节)
    industries: tuple[str, ...] = ()  # GB/T 4754-2017 class codes (小类) of firms placed here
    words: tuple[str, ...] = ()  # industry words for synthetic firm names


@dataclass(frozen=True)
class Target:
    year: int
    indicator: str
    value: float | None
    unit: str
    note: str


@dataclass(frozen=True)
class ChainSpec:
    name: str
    level: str
    department: str
    firms: int  # number of synthetic firms placed in this chain
    category: str = ""
    description: str = ""
    targets: tuple[Target, ...] = ()
    districts: dict[str, float] = field(default_factory=dict)  # district weight multipliers
    words: tuple[str, ...] = ()  # fallback name words
    industries: tuple[str, ...] = ()  # fallback industry codes

    @property
    def region_code(self) -> str:
        return CITY_REGION if self.level == CITY else WEST_COAST_REGION

    @property
    def leader_post(self) -> str:
        return "市领导" if self.level == CITY else "区领导"

    @property
    def team_name(self) -> str:
        prefix = "" if self.level == CITY else "西海岸新区"
        return f"{prefix}{self.name}产业专班"


def _cat(kind: str, group: str) -> str:
    return f"类别依据{SOURCE_002}：{group}属于{kind}。"


FIRST = "first_class"
TRADITIONAL = "traditional"
EMERGING = "emerging"
FUTURE = "future"
LABEL = {
    FIRST: "五个一流产业集群",
    TRADITIONAL: "四个传统优势产业",
    EMERGING: "三个新兴产业",
    FUTURE: "前瞻布局的未来产业",
}


def _cat_text(cat: str, group: str) -> str:
    return _cat(LABEL[cat], group)


# ---------------------------------------------------------------------------------------------------------
# Detailed trees
# ---------------------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------------------
# The chains. Order as listed in DOMAIN.md (source 004 for the city, 001 for the West Coast).
# ---------------------------------------------------------------------------------------------------------

IND = "市工业和信息化局"

CITY_CHAINS: tuple[ChainSpec, ...] = (
    ChainSpec(
        "海洋装备",
        CITY,
        "市海洋发展局",
        60,
        category=FIRST,
        description=_cat_text(FIRST, "现代海洋（船舶海工、海洋装备）"),
        districts={"370211": 4, "370215": 1.5},
        words=("海洋装备",),
        industries=("3737",),
    ),
    ChainSpec(
        "通用航空",
        CITY,
        "市发展和改革委员会",
        30,
        category=EMERGING,
        description=_cat_text(EMERGING, "航空航天"),
        districts={"370215": 3, "370285": 3, "370281": 2},
        words=("航空科技",),
        industries=("3741",),
    ),
    ChainSpec(
        "集成电路",
        CITY,
        IND,
        120,
        category=FIRST,
        description=_cat_text(FIRST, "新一代信息技术（集成电路）"),
        districts={"370211": 3, "370214": 2, "370212": 2},
        words=("微电子",),
        industries=("3973",),
    ),
    ChainSpec(
        "新型显示",
        CITY,
        IND,
        45,
        description="公开文件未给出新型显示的产业类别（“超高清显示终端”在规划中列于智能家电集群之下）。",
        districts={"370211": 4, "370212": 1.5},
        words=("光电",),
        industries=("3974",),
    ),
    ChainSpec(
        "智能家电",
        CITY,
        IND,
        250,
        category=FIRST,
        description=_cat_text(FIRST, "智能家电（国家先进制造业集群）")
        + "《青岛日报》2022年24条重点产业链报道：发布《青岛市智能家电关键零部件投资导向目录》，瞄准关键环节精准突破。",
        districts={"370211": 2.5, "370281": 2, "370283": 2, "370212": 1.5},
        words=("电器",),
        industries=("3859",),
    ),
    ChainSpec(
        "氢能与储能",
        CITY,
        "市发展和改革委员会",
        35,
        category=FUTURE,
        description=_cat_text(FUTURE, "氢能及储能"),
        districts={"370211": 3, "370214": 1.5},
        words=("新能源",),
        industries=("3849",),
    ),
    ChainSpec(
        "会展",
        CITY,
        "市商务局",
        20,
        description="会展为服务业产业链，公开文件未给出其产业类别。",
        districts={"370202": 3, "370211": 2, "370212": 2},
        words=("会展",),
        industries=("7281",),
    ),
    ChainSpec(
        "软件和信息服务",
        CITY,
        IND,
        70,
        category=FIRST,
        description=_cat_text(FIRST, "新一代信息技术（高端软件）"),
        districts={"370212": 4, "370202": 2.5, "370203": 2},
        words=("软件",),
        industries=("6513",),
    ),
    ChainSpec(
        "新能源汽车",
        CITY,
        IND,
        180,
        category=FIRST,
        description=_cat_text(FIRST, "新能源汽车"),
        districts={"370215": 3, "370211": 2, "370285": 2},
        words=("汽车配件",),
        industries=("3670",),
    ),
    ChainSpec(
        "先进高分子及金属材料",
        CITY,
        IND,
        80,
        category=EMERGING,
        description=_cat_text(EMERGING, "新材料"),
        districts={"370211": 2.5, "370283": 2, "370214": 1.5, "370215": 1.5},
        words=("新材料",),
        industries=("2929",),
    ),
    ChainSpec(
        "人工智能",
        CITY,
        "市科学技术局",
        50,
        description="公开文件未给出人工智能产业链的产业类别（规划列“类脑智能”为未来产业，二者不同）。",
        districts={"370212": 3, "370211": 2.5, "370202": 1.5},
        words=("智能科技",),
        industries=("6513",),
    ),
    ChainSpec(
        "智能制造装备",
        CITY,
        IND,
        110,
        category=TRADITIONAL,
        description=_cat_text(TRADITIONAL, "装备制造"),
        districts={"370281": 3, "370283": 2, "370214": 2, "370215": 1.5},
        words=("机械",),
        industries=("3499",),
    ),
    ChainSpec(
        "虚拟现实",
        CITY,
        IND,
        30,
        category=FIRST,
        description=_cat_text(FIRST, "新一代信息技术（虚拟/增强现实）"),
        districts={"370212": 5},
        words=("虚拟现实",),
        industries=("3961",),
    ),
    ChainSpec(
        "高端化工",
        CITY,
        IND,
        75,
        category=TRADITIONAL,
        description=_cat_text(TRADITIONAL, "高端化工"),
        districts={"370211": 3, "370283": 3},
        words=("化工",),
        industries=("2669",),
    ),
    ChainSpec(
        "精密仪器仪表",
        CITY,
        IND,
        50,
        category=TRADITIONAL,
        description=_cat_text(TRADITIONAL, "装备制造（特种专用仪表、电子测量仪器）"),
        districts={"370214": 2.5, "370212": 2, "370211": 1.5},
        words=("仪器",),
        industries=("4028",),
    ),
    ChainSpec(
        "科技服务业",
        CITY,
        "市科学技术局",
        35,
        description="科技服务业为服务业产业链，公开文件未给出其产业类别。",
        districts={"370212": 3, "370213": 3, "370214": 2},
        words=("科技服务",),
        industries=("7590",),
    ),
    ChainSpec(
        "轨道交通装备",
        CITY,
        IND,
        70,
        category=FIRST,
        description=_cat_text(FIRST, "轨道交通装备（国家先进制造业集群）"),
        districts={"370214": 6, "370215": 1.5},
        words=("轨道交通",),
        industries=("3715",),
    ),
    ChainSpec(
        "食品饮料",
        CITY,
        IND,
        90,
        category=TRADITIONAL,
        description=_cat_text(TRADITIONAL, "食品饮料"),
        districts={"370285": 3, "370283": 2, "370215": 1.5, "370203": 1.5},
        words=("食品",),
        industries=("1499",),
    ),
    ChainSpec(
        "生物医药及医疗器械",
        CITY,
        "市卫生健康委员会",
        70,
        category=EMERGING,
        description=_cat_text(EMERGING, "生物医药"),
        districts={"370214": 2.5, "370212": 2, "370211": 1.5},
        words=("生物",),
        industries=("2720",),
    ),
    ChainSpec(
        "现代物流",
        CITY,
        "市交通运输局",
        45,
        description="现代物流为服务业产业链，公开文件未给出其产业类别。",
        districts={"370211": 2, "370281": 2.5, "370214": 1.5},
        words=("物流",),
        industries=("5821",),
    ),
    ChainSpec(
        "现代金融",
        CITY,
        "市地方金融监管局",
        20,
        description="现代金融为服务业产业链，公开文件未给出其产业类别。",
        districts={"370202": 6},
        words=("投资",),
        industries=("6731",),
    ),
    ChainSpec(
        "纺织服装",
        CITY,
        IND,
        70,
        category=TRADITIONAL,
        description=_cat_text(TRADITIONAL, "纺织服装"),
        districts={"370215": 4, "370281": 2},
        words=("服饰",),
        industries=("1819",),
    ),
    ChainSpec(
        "文化旅游",
        CITY,
        "市文化和旅游局",
        25,
        description="文化旅游为服务业产业链，公开文件未给出其产业类别。",
        districts={"370202": 3, "370212": 3, "370211": 1.5},
        words=("文旅",),
        industries=("9030",),
    ),
    ChainSpec(
        "现代商贸",
        CITY,
        "市商务局",
        35,
        description="现代商贸为服务业产业链，公开文件未给出其产业类别。",
        districts={"370202": 2.5, "370203": 2.5, "370213": 2},
        words=("商贸",),
        industries=("5219",),
    ),
)

WEST_COAST_TARGET_NOTE = "《西海岸新区强力推进制造业快速发展》：争取到2025年，形成智能家电、高端化工新材料、“芯屏”3个千亿级，"
WC_1000 = (
    "千亿级产业集群（" + WEST_COAST_TARGET_NOTE + "船舶海工、汽车、高端装备3个五百亿级产业集群）"
)
WC_500 = (
    "五百亿级产业集群（" + WEST_COAST_TARGET_NOTE + "船舶海工、汽车、高端装备3个五百亿级产业集群）"
)

WC_IND = "西海岸新区工业和信息化局"
WC_CHAIN_NOTE = "西海岸新区九大重点产业链之一；公开文件未给出其产业类别。"

WEST_COAST_CHAINS: tuple[ChainSpec, ...] = (
    ChainSpec(
        "新一代半导体",
        DISTRICT,
        WC_IND,
        100,
        description=WC_CHAIN_NOTE
        + "目标对应《西海岸新区强力推进制造业快速发展》中的“芯屏”产业集群。",
        targets=(Target(2025, "产业规模", 1000, "亿元", "“芯屏”" + WC_1000),),
        words=("半导体",),
        industries=("3973",),
    ),
    ChainSpec(
        "高端化工及新材料",
        DISTRICT,
        WC_IND,
        45,
        description=WC_CHAIN_NOTE,
        targets=(Target(2025, "产业规模", 1000, "亿元", "高端化工新材料" + WC_1000),),
        words=("化工",),
        industries=("2669",),
    ),
    ChainSpec(
        "海洋生物医药",
        DISTRICT,
        "西海岸新区海洋发展局",
        35,
        description=WC_CHAIN_NOTE
        + "《青岛日报》2021年6月6日报道：“精准发力船舶海工、海洋生物医药两大千亿级工业链”（未给出年份，故未录入数值目标）。",
        words=("海洋生物",),
        industries=("2720",),
    ),
    ChainSpec(
        "船舶海工",
        DISTRICT,
        WC_IND,
        35,
        description=WC_CHAIN_NOTE + "《青岛日报》2021年6月6日报道另称船舶海工为“千亿级工业链”。",
        targets=(Target(2025, "产业规模", 500, "亿元", "船舶海工" + WC_500),),
        words=("船舶",),
        industries=("3731",),
    ),
    ChainSpec(
        "智能家电",
        DISTRICT,
        WC_IND,
        40,
        description=WC_CHAIN_NOTE,
        targets=(Target(2025, "产业规模", 1000, "亿元", "智能家电" + WC_1000),),
        words=("电器",),
        industries=("3859",),
    ),
    ChainSpec(
        "汽车",
        DISTRICT,
        WC_IND,
        30,
        description=WC_CHAIN_NOTE,
        targets=(Target(2025, "产业规模", 500, "亿元", "汽车" + WC_500),),
        words=("汽车",),
        industries=("3670",),
    ),
    ChainSpec(
        "海洋冷链",
        DISTRICT,
        "西海岸新区商务局",
        20,
        description=WC_CHAIN_NOTE,
        words=("冷链",),
        industries=("5930",),
    ),
    ChainSpec(
        "影视文化",
        DISTRICT,
        "西海岸新区影视中心",
        15,
        description=WC_CHAIN_NOTE
        + "《青岛日报》2021年6月6日报道：东方影都影视全产业链“六个一”体系。",
        words=("影视",),
        industries=("8730",),
    ),
    ChainSpec(
        "新经济",
        DISTRICT,
        "西海岸新区发展和改革局",
        15,
        description=WC_CHAIN_NOTE
        + "《青岛日报》2021年6月6日报道：聚焦工业互联网、电子商务、线上服务、新金融服务4个重点领域。",
        words=("数字科技",),
        industries=("6513",),
    ),
)

ALL_CHAINS: tuple[ChainSpec, ...] = CITY_CHAINS + WEST_COAST_CHAINS


_LEAVES: dict[tuple[str, str], list[tuple[str, Seg]]] = {}


def leaves(spec: ChainSpec) -> list[tuple[str, Seg]]:
    """(position, segment) of every leaf of the chain's curated tree (chains/trees/), in tree order.

    The demo's weight of a leaf (its share of synthetic firms) is invented: a strategic dependency gets few
    local firms (none drawn: the demo shows its gaps), a service or channel fewer than a made product (0.6)."""
    key = (spec.level, spec.name)
    if key not in _LEAVES:
        from chainleader.chains.trees_service import TREES_DIR
        from chainleader.engines.chain_map.tree import load_tree_file

        tree = load_tree_file(TREES_DIR / spec.level / f"{spec.name}.yaml")
        out = []
        for n in tree.leaves:
            weight = 0.0 if n.strategic else (1.0 if n.makes else 0.6)
            words = tuple(w for w in n.keywords if 2 <= len(w) <= 6) or (n.name,)
            out.append(
                (
                    n.position,
                    Seg(
                        n.name,
                        "、".join(n.products),
                        "、".join(n.technologies),
                        weight,
                        tuple(c for c in n.codes if len(c) == 4),
                        words,
                    ),
                )
            )
        _LEAVES[key] = out
    return _LEAVES[key]
