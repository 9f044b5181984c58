"""Demo data: organisation units, the 24 city chains and 9 West Coast chains, targets and segment trees.

Chain names, categories and targets come from the seed documents (../shared/seeds, digested in DOMAIN.md):
  000 — West Coast manufacturing report 2021 (千亿级 / 五百亿级 clusters by 2025),
  001 — Qingdao Daily 2021-06-06 (the West Coast's 9 chains),
  002 — Qingdao 14th Five-Year manufacturing plan (5 一流产业集群, 4 传统优势, 3 新兴, 未来产业),
  004 — Qingdao Daily 2022 (the city's 24 chains).
Where the seeds say nothing (the category of a service chain, a city chain's numeric target) the field stays blank.
Lead departments are plausible assignments (the seeds name none for city chains); segment trees are hand-made
from the seeds' wording (002 describes most manufacturing chains' key products) and common chain maps.
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
    children: tuple[Seg, ...] = ()


def S(  # a short constructor keeps the trees readable
    name: str,
    products: str = "",
    tech: str = "",
    *,
    w: float = 1.0,
    ind: str = "",
    words: str = "",
    kids: tuple[Seg, ...] = (),
) -> Seg:
    return Seg(name, products, tech, w, tuple(ind.split()), tuple(words.split()), kids)


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
    tree: dict[str, tuple[Seg, ...]]
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


def _tree(
    up: tuple[Seg, ...], mid: tuple[Seg, ...], down: tuple[Seg, ...]
) -> dict[str, tuple[Seg, ...]]:
    return {"up": up, "mid": mid, "down": down}


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

SMART_APPLIANCE_TREE = _tree(
    up=(
        S(
            "原材料",
            "钢材、塑料、玻璃面板",
            "材料轻量化、环保材料",
            kids=(
                S(
                    "钢材",
                    "冷轧板、彩涂板、不锈钢板",
                    "高强度薄板成形",
                    ind="3130 3360",
                    words="金属材料 钢板加工 彩板",
                ),
                S(
                    "塑料及改性材料",
                    "ABS、PP改性料、发泡材料",
                    "改性塑料、抗菌材料",
                    ind="2929 2651 2924",
                    words="塑胶 新材料 塑料制品",
                ),
                S(
                    "玻璃面板",
                    "钢化玻璃面板、装饰面板",
                    "镀膜与印刷工艺",
                    w=0.5,
                    ind="3051 3042",
                    words="玻璃制品 面板科技",
                ),
            ),
        ),
        S(
            "核心零部件",
            "压缩机、电机、芯片、传感器、显示面板",
            "变频控制、高效压缩、智能传感",
            kids=(
                S(
                    "压缩机",
                    "变频压缩机、冰箱压缩机",
                    "高效变频压缩技术",
                    w=0.6,
                    ind="3857 3442",
                    words="压缩机 制冷设备",
                ),
                S(
                    "电机",
                    "直驱电机、微特电机、风机",
                    "永磁同步电机、直驱技术",
                    w=0.8,
                    ind="3813 3812",
                    words="电机 微电机 机电",
                ),
                S(
                    "芯片",
                    "家电主控芯片、变频驱动芯片、通信模组",
                    "MCU与功率器件国产化",
                    w=0.0,
                    ind="6520 3973",
                    words="微电子 芯片科技",
                ),
                S(
                    "传感器",
                    "温湿度传感器、图像传感器、气体传感器",
                    "MEMS传感、智能感知",
                    w=0.15,
                    ind="3983",
                    words="传感技术 传感器",
                ),
                S(
                    "显示面板",
                    "LCD面板、OLED屏、触控屏",
                    "超高清显示、Mini/Micro-LED",
                    w=0.2,
                    ind="3974",
                    words="显示科技 光电",
                ),
                S(
                    "结构件与模具",
                    "钣金件、注塑件、精密模具",
                    "精密模具、自动化冲压",
                    w=1.2,
                    ind="3525 2929 3399",
                    words="模具 精密部件 五金",
                ),
            ),
        ),
    ),
    mid=(
        S(
            "整机制造",
            "冰箱、洗衣机、空调、彩电、厨电、智能终端",
            "智能制造、大规模个性化定制",
            kids=(
                S(
                    "冰箱冷柜",
                    "冰箱、冷柜、商用展示柜",
                    "保鲜技术、无霜制冷",
                    ind="3851",
                    words="制冷电器 冷柜 电器",
                ),
                S(
                    "洗衣机",
                    "滚筒洗衣机、干衣机",
                    "直驱变频、洗护一体",
                    ind="3855",
                    words="洗涤电器 电器",
                ),
                S(
                    "空调",
                    "家用空调、商用中央空调",
                    "变频热泵、新风净化",
                    ind="3852 3464",
                    words="空调设备 暖通 环境电器",
                ),
                S(
                    "彩电",
                    "激光电视、ULED电视",
                    "8K画质芯片、激光显示",
                    w=0.5,
                    ind="3951",
                    words="视像科技 电子",
                ),
                S(
                    "厨电",
                    "油烟机、燃气灶、洗碗机",
                    "智能烹饪、热水器能效",
                    ind="3854 3861",
                    words="厨房电器 厨具 热水器",
                ),
                S(
                    "智能终端",
                    "智能音箱、扫地机器人、智能门锁",
                    "物联网模组、语音交互",
                    w=0.8,
                    ind="3969 3964 3874",
                    words="智能科技 物联网科技 智能家居",
                ),
            ),
        ),
    ),
    down=(
        S(
            "渠道与服务",
            "家电销售、安装维修、回收拆解",
            "以旧换新、逆向物流",
            ind="5138 5272 8132",
            words="电器销售 家电服务 商贸",
        ),
        S(
            "智慧家庭场景",
            "全屋智能、智慧厨房、智慧浴室",
            "场景互联、衣联网、水联网",
            w=0.8,
            ind="6532 6513",
            words="智能家居 智慧家庭",
        ),
        S(
            "工业互联网平台",
            "卡奥斯COSMOPlat、工业APP、解决方案",
            "大规模定制、数字孪生",
            w=0.5,
            ind="6431 6513",
            words="工业互联网 数字科技",
        ),
    ),
)

IC_MATERIALS = S(
    "半导体材料",
    "硅片、碳化硅衬底、电子化学品、靶材",
    "大尺寸硅片、第三代半导体衬底",
    kids=(
        S(
            "硅片及衬底",
            "硅晶圆、碳化硅衬底、外延片",
            "碳化硅晶圆制备",
            w=0.6,
            ind="3985 3218",
            words="半导体材料 晶体材料",
        ),
        S(
            "电子化学品",
            "湿电子化学品、电子特气、光刻胶",
            "高纯化学品提纯",
            w=0.5,
            ind="2662 3985",
            words="电子化学 精细化工",
        ),
        S(
            "靶材及封装材料",
            "溅射靶材、引线框架、封装基板",
            "高纯金属靶材",
            w=0.4,
            ind="3985 3240",
            words="电子材料 新材料",
        ),
    ),
)
IC_EQUIPMENT = S(
    "半导体设备",
    "刻蚀机、离子注入机、封装测试设备",
    "前道制造设备国产化",
    kids=(
        S(
            "前道制造设备",
            "刻蚀、离子注入、薄膜沉积设备",
            "刻蚀与离子注入",
            w=0.2,
            ind="3562",
            words="半导体设备 精密装备",
        ),
        S(
            "封测设备",
            "划片机、键合机、测试机",
            "高精度键合",
            w=0.5,
            ind="3562 3563",
            words="电子设备 自动化设备",
        ),
    ),
)
IC_EDA = S(
    "EDA工具与IP", "EDA软件、IP核", "电子设计自动化", w=0.05, ind="6512 6520", words="芯片设计 软件"
)
IC_DESIGN = S(
    "芯片设计",
    "功率器件、数模混合芯片、MEMS、显示驱动芯片",
    "特色工艺设计、车规级设计",
    kids=(
        S(
            "功率器件设计",
            "IGBT、MOSFET、碳化硅器件",
            "功率器件设计",
            ind="6520",
            words="微电子 半导体",
        ),
        S(
            "数模混合芯片设计",
            "电源管理芯片、家电控制芯片",
            "数模混合设计",
            ind="6520",
            words="芯片科技 集成电路",
        ),
        S(
            "传感器芯片设计",
            "MEMS传感器、智能传感芯片",
            "MEMS设计",
            w=0.7,
            ind="6520 3983",
            words="传感技术 微电子",
        ),
    ),
)
IC_WAFER = S(
    "晶圆制造",
    "8英寸、12英寸晶圆，功率器件及数模混合集成电路",
    "特色工艺、功率器件工艺",
    kids=(
        S(
            "特色工艺晶圆制造",
            "数模混合晶圆、CIS晶圆",
            "特色工艺平台",
            w=0.3,
            ind="3973",
            words="集成电路 半导体",
        ),
        S(
            "功率半导体制造",
            "功率器件晶圆、分立器件",
            "沟槽栅工艺",
            w=0.5,
            ind="3972",
            words="半导体 功率器件",
        ),
    ),
)
IC_PACKAGING = S(
    "封装测试",
    "晶圆级封装、系统级封装、测试",
    "2.5D/3D封装、SiP",
    kids=(
        S(
            "先进封装",
            "晶圆级封装、系统级封装、2.5D/3D封装",
            "先进封装",
            w=0.8,
            ind="3973",
            words="封装科技 微电子",
        ),
        S(
            "芯片测试",
            "晶圆测试、成品测试",
            "测试方案开发",
            w=0.6,
            ind="3973 7452",
            words="检测技术 电子",
        ),
    ),
)
IC_APPLICATIONS = S(
    "终端应用",
    "家电、汽车电子、工业控制、消费电子",
    "应用方案、国产替代验证",
    kids=(
        S(
            "智能家电芯片应用",
            "家电主控、变频模组",
            "方案设计",
            ind="3857 3982",
            words="电子 智能控制",
        ),
        S(
            "汽车电子",
            "车规级芯片模组、车载控制器",
            "车规认证",
            ind="3962 3670",
            words="汽车电子 车联科技",
        ),
        S("工业控制", "工控板卡、PLC、伺服驱动", "工业控制", ind="4011 3914", words="自动化 工控"),
        S(
            "消费电子与通信",
            "可穿戴设备、通信模组",
            "模组设计",
            ind="3961 3922",
            words="电子科技 通信",
        ),
    ),
)

IC_TREE = _tree(
    up=(IC_MATERIALS, IC_EQUIPMENT, IC_EDA),
    mid=(IC_DESIGN, IC_WAFER, IC_PACKAGING),
    down=(IC_APPLICATIONS,),
)

SEMICONDUCTOR_WC_TREE = _tree(
    up=(IC_MATERIALS, IC_EQUIPMENT),
    mid=(
        IC_DESIGN,
        IC_WAFER,
        IC_PACKAGING,
        S(
            "显示模组",
            "移动显示模组、车载显示模组",
            "“芯屏”协同、柔性模组",
            w=0.6,
            ind="3974",
            words="光电 显示科技",
        ),
    ),
    down=(IC_APPLICATIONS,),
)

NEV_TREE = _tree(
    up=(
        S(
            "原材料",
            "锂电材料、轻量化材料",
            "高镍正极、铝合金与碳纤维车体",
            kids=(
                S(
                    "锂电材料",
                    "正负极材料、电解液、隔膜",
                    "高镍正极、固态电解质",
                    w=0.6,
                    ind="2613 3985",
                    words="新能源材料 锂电科技",
                ),
                S(
                    "轻量化材料",
                    "铝合金、碳纤维复合材料、高强度钢",
                    "轻量化成形",
                    w=0.6,
                    ind="3252 3062 3130",
                    words="轻量化 新材料 铝业",
                ),
            ),
        ),
        S(
            "核心零部件",
            "电池、电机、电控、汽车电子",
            "三电系统、智能网联",
            kids=(
                S(
                    "动力电池",
                    "动力电池电芯、电池包",
                    "固态锂金属电池、电池管理",
                    ind="3841",
                    words="电池 新能源科技",
                ),
                S(
                    "驱动电机",
                    "驱动电机、电驱总成",
                    "扁线电机、多合一电驱",
                    ind="3812 3670",
                    words="电机 电驱科技",
                ),
                S(
                    "电控系统",
                    "整车控制器、电机控制器、BMS",
                    "功率芯片、控制算法",
                    ind="3670 3824",
                    words="汽车电子 电控",
                ),
                S(
                    "汽车电子",
                    "车载传感器、车规级芯片、智能座舱",
                    "高精度定位、激光雷达",
                    ind="3962 3983",
                    words="汽车电子 智能网联",
                ),
                S(
                    "汽车零部件",
                    "底盘、车身、内外饰、线束",
                    "一体化压铸",
                    w=1.5,
                    ind="3670 3660",
                    words="汽车零部件 汽车配件",
                ),
            ),
        ),
    ),
    mid=(
        S(
            "整车制造",
            "纯电、插混、燃料电池汽车",
            "整车设计、智能网联集成",
            kids=(
                S(
                    "乘用车",
                    "纯电及插混乘用车",
                    "平台化开发",
                    w=0.3,
                    ind="3612",
                    words="汽车 新能源汽车",
                ),
                S(
                    "商用车",
                    "新能源轻卡、客车",
                    "燃料电池商用车",
                    w=0.3,
                    ind="3612 3611",
                    words="商用车 汽车",
                ),
                S(
                    "专用车",
                    "环卫车、冷藏车、物流车",
                    "改装与上装",
                    w=0.6,
                    ind="3630 3660",
                    words="专用车 改装车",
                ),
            ),
        ),
    ),
    down=(
        S(
            "充换电",
            "充电桩、换电站、加氢站",
            "大功率快充、车网互动",
            kids=(
                S(
                    "充电设施",
                    "充电桩、充电站运营",
                    "大功率快充",
                    ind="3829 5267",
                    words="充电科技 新能源",
                ),
                S(
                    "换电与加氢",
                    "换电站、加氢站",
                    "换电标准、储氢",
                    w=0.4,
                    ind="5267 5266",
                    words="能源科技 换电",
                ),
            ),
        ),
        S(
            "后市场",
            "维修保养、电池回收、汽车金融与租赁",
            "电池梯次利用",
            kids=(
                S(
                    "维修保养",
                    "新能源汽车维修、检测",
                    "三电检测",
                    ind="8111 5263",
                    words="汽车服务 汽修",
                ),
                S(
                    "电池回收利用",
                    "动力电池回收、梯次利用",
                    "梯次利用",
                    w=0.4,
                    ind="4210",
                    words="资源再生 循环科技",
                ),
                S(
                    "汽车销售与租赁",
                    "整车销售、分时租赁",
                    "数字化营销",
                    w=0.6,
                    ind="5261 6634",
                    words="汽车销售 汽车租赁",
                ),
            ),
        ),
    ),
)

WC_SMART_APPLIANCE_TREE = _tree(
    up=(
        S(
            "核心零部件",
            "压缩机、电机与电控、显示面板",
            "变频控制、高效压缩",
            kids=(
                S(
                    "压缩机",
                    "冰箱及空调压缩机",
                    "变频压缩",
                    w=0.6,
                    ind="3857 3442",
                    words="压缩机 制冷设备",
                ),
                S(
                    "电机与电控",
                    "直驱电机、变频控制板",
                    "直驱与变频",
                    ind="3813 3982",
                    words="电机 电子",
                ),
                S(
                    "结构件与模具",
                    "钣金件、注塑件、模具",
                    "精密模具",
                    w=1.2,
                    ind="3525 2929",
                    words="模具 精密部件",
                ),
            ),
        ),
    ),
    mid=(
        S(
            "整机制造",
            "冰箱冷柜、空调、彩电、洗衣机",
            "智能制造",
            kids=(
                S(
                    "冰箱冷柜",
                    "冰箱、冷柜、商用冷链设备",
                    "保鲜制冷",
                    ind="3851",
                    words="制冷电器 冷柜",
                ),
                S("空调", "家用及商用空调", "变频热泵", ind="3852", words="空调设备 暖通"),
                S(
                    "彩电",
                    "激光电视、ULED电视",
                    "激光显示",
                    w=0.5,
                    ind="3951",
                    words="视像科技 电子",
                ),
                S("洗衣机", "滚筒洗衣机", "直驱变频", w=0.6, ind="3855", words="洗涤电器 电器"),
            ),
        ),
    ),
    down=(
        S("渠道与服务", "销售、安装与维修", "逆向物流", ind="5138 8132", words="电器销售 家电服务"),
        S(
            "工业互联网平台",
            "卡奥斯COSMOPlat赋能",
            "大规模定制",
            w=0.4,
            ind="6431",
            words="工业互联网 数字科技",
        ),
    ),
)


def small(up: Seg, mid: Seg, down: Seg, *extra_mid: Seg) -> dict[str, tuple[Seg, ...]]:
    return _tree((up,), (mid, *extra_mid), (down,))


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
        small(
            S(
                "船舶配套",
                "船用发动机、电力推进、通讯导航、压载水系统",
                "船用大功率低速发动机",
                ind="3734 3412",
                words="船舶配套 船用设备 海工配件",
            ),
            S(
                "船舶与海工装备制造",
                "高技术船舶、海洋工程装备、深远海养殖装备",
                "深水油气开发装备",
                ind="3731 3737",
                words="船舶重工 海洋工程 海工装备",
            ),
            S(
                "海洋工程服务",
                "船舶修理、海工运维、海洋仪器",
                "海洋传感器、无人航行器",
                ind="4342 7439",
                words="海洋技术 船舶服务",
            ),
        ),
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
        small(
            S(
                "航空零部件与材料",
                "发动机叶片、航电系统、航空液压件、航空材料",
                "航空发动机关键零部件",
                ind="3744 3749",
                words="航空部件 航空科技",
            ),
            S(
                "通用航空器制造",
                "直升机、固定翼飞机、无人机",
                "直升机研发制造",
                ind="3741 3963",
                words="航空 飞行器 无人机",
            ),
            S(
                "通航运营与维修",
                "通航作业、航空维修、飞行培训",
                "航空维修",
                ind="5621 4343",
                words="通用航空 航空服务",
            ),
        ),
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
        IC_TREE,
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
        small(
            S(
                "显示材料与器件",
                "液晶材料、光学膜、玻璃基板、驱动芯片",
                "高端ITO靶材",
                ind="3985 3052",
                words="光电材料 显示材料",
            ),
            S(
                "显示面板与模组",
                "LCD/OLED面板、移动显示模组、车载显示",
                "Micro-LED、柔性显示",
                ind="3974",
                words="光电 显示科技",
            ),
            S(
                "显示终端",
                "超高清电视、车载显示、商用显示",
                "8K超高清",
                ind="3951 3962 3911",
                words="视像 电子",
            ),
        ),
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
        SMART_APPLIANCE_TREE,
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
        small(
            S(
                "制氢与储运氢",
                "电解水制氢、储氢瓶、氢气压缩机",
                "储运氢装备",
                ind="2619 3332 3442",
                words="氢能 气体 能源装备",
            ),
            S(
                "燃料电池与储能系统",
                "燃料电池电堆、储能电池系统、质子交换膜",
                "燃料电池关键材料",
                ind="3849 3841",
                words="氢能科技 储能 新能源",
            ),
            S(
                "加氢站与应用场景",
                "加氢站、燃料电池汽车、港口氢能应用",
                "港口加氢",
                ind="5266 3612",
                words="能源 氢能应用",
            ),
        ),
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
        small(
            S(
                "会展策划与设计",
                "展会策划、展台设计",
                "数字会展",
                ind="7289 7492",
                words="会展策划 展览设计",
            ),
            S(
                "展览与会议组织",
                "国家级专业展会、国际会议",
                "会展招商",
                ind="7281 7284",
                words="会展 国际会展",
            ),
            S(
                "会展配套服务",
                "搭建、展品物流、商旅接待",
                "智慧场馆",
                ind="5821 7291",
                words="会务服务 展览服务",
            ),
        ),
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
        small(
            S(
                "基础软件与工业软件",
                "工业操作系统、数据库、工业嵌入式软件",
                "操作系统、信息安全",
                ind="6511 6512",
                words="软件 信息技术",
            ),
            S(
                "应用软件与系统集成",
                "行业应用软件、工业APP、信息系统集成",
                "工业APP、智能设计与仿真",
                ind="6513 6531",
                words="软件科技 信息科技 数字科技",
            ),
            S(
                "信息技术服务",
                "运维服务、数据服务、云服务",
                "数据治理",
                ind="6540 6550 6450",
                words="信息服务 云计算 数据科技",
            ),
        ),
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
        NEV_TREE,
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
        _tree(
            (
                S(
                    "基础原料",
                    "合成树脂、合成橡胶、钢铁及有色原料",
                    "轻质原料制烯烃",
                    ind="2651 2652 3130",
                    words="化工原料 金属材料",
                ),
            ),
            (
                S(
                    "高分子材料与橡胶制品",
                    "轮胎、改性塑料、高分子复合材料",
                    "液体黄金橡胶材料、高性能树脂",
                    w=1.5,
                    ind="2911 2929 2651",
                    words="橡胶 高分子材料 塑胶",
                ),
                S(
                    "先进金属材料",
                    "铝合金、钛合金、非晶合金、超高强度钢",
                    "非晶合金软磁材料",
                    ind="3252 3240 3130",
                    words="金属材料 合金 新材料",
                ),
            ),
            (
                S(
                    "材料应用与回收",
                    "汽车轻量化部件、再生橡胶",
                    "循环利用",
                    w=0.6,
                    ind="2914 4220",
                    words="再生资源 材料应用",
                ),
            ),
        ),
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
        small(
            S(
                "基础层",
                "算力中心、AI芯片、数据标注",
                "算力调度",
                ind="6550 6450",
                words="数据科技 算力",
            ),
            S(
                "算法与平台",
                "视觉算法、语音识别、大数据平台",
                "计算机视觉、语音交互",
                w=1.5,
                ind="6513 6519",
                words="人工智能 智能科技 信息科技",
            ),
            S(
                "行业应用",
                "智能制造、智慧城市、智慧海洋应用、服务机器人",
                "行业大模型、场景应用",
                ind="6532 3964",
                words="智能应用 机器人",
            ),
        ),
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
        small(
            S(
                "核心基础零部件",
                "液压系统、轴承、减速器、控制器",
                "动力装备、液压系统",
                ind="3444 3451 3453 4011",
                words="液压 轴承 传动",
            ),
            S(
                "智能装备整机",
                "工业机器人、橡胶机械、纺织机械、数控机床、电力装备",
                "智能化制造单元",
                w=1.5,
                ind="3491 3522 3551 3421 3823",
                words="机械 智能装备 自动化设备",
            ),
            S(
                "系统集成与工业服务",
                "智能产线集成、设备运维",
                "数字孪生",
                ind="6531 4320",
                words="系统集成 工业服务",
            ),
        ),
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
        small(
            S(
                "关键器件",
                "光学镜片、微显示屏、传感器",
                "光波导设计、纳米压印",
                ind="3976 3983 3974",
                words="光学 光电",
            ),
            S(
                "VR/AR终端",
                "一体式VR、AR眼镜、混合现实头显",
                "整机设计",
                ind="3961 3969",
                words="虚拟现实 智能科技",
            ),
            S(
                "内容与行业应用",
                "VR内容、工业数字孪生、引擎工具",
                "引擎与建模工具链",
                ind="6572 6579",
                words="数字内容 互动科技",
            ),
        ),
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
        small(
            S(
                "原料保障与储运",
                "原油、轻烃原料、油气仓储",
                "原料多元化",
                ind="5162 5941",
                words="石化 能源",
            ),
            S(
                "炼化及烯烃",
                "乙烯、丙烯、聚丙烯、聚苯乙烯、乙二醇",
                "乙烷裂解、丙烷脱氢",
                w=1.2,
                ind="2511 2614 2651",
                words="石化 化工 化学",
            ),
            S(
                "精细化工与化工新材料",
                "涂料、助剂、专用化学品",
                "绿色工艺",
                w=1.3,
                ind="2641 2662 2669",
                words="精细化工 化学 涂料",
            ),
        ),
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
        small(
            S(
                "传感器与核心元件",
                "敏感元件、光学元件",
                "高精度传感",
                ind="3983 4040",
                words="传感 光学",
            ),
            S(
                "仪器仪表整机",
                "电子测量仪器、环境监测仪器、海洋仪器",
                "工业在线测量",
                w=1.5,
                ind="4028 4021 4014 4023",
                words="仪器 仪表 测控",
            ),
            S(
                "检验检测与计量",
                "检测服务、计量校准",
                "检测认证",
                ind="7452 7453",
                words="检测 计量",
            ),
        ),
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
        small(
            S(
                "研究开发",
                "工程技术研究、检测研发",
                "共性技术",
                ind="7310 7320",
                words="技术研究 研究院",
            ),
            S(
                "技术转移与成果转化",
                "技术交易、知识产权服务",
                "成果转化",
                ind="7530 7520 7590",
                words="技术转移 知识产权 科技服务",
            ),
            S(
                "科技金融与创业孵化",
                "孵化器、创业投资",
                "投贷联动",
                ind="7540 6731",
                words="孵化器 创业服务",
            ),
        ),
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
        small(
            S(
                "核心零部件",
                "牵引、制动、网络控制系统、转向架",
                "碳化硅变流器、高速磁浮核心装置",
                ind="3715 3714 3716",
                words="轨道交通 机车配件",
            ),
            S(
                "整车制造",
                "动车组、地铁列车、磁悬浮列车",
                "时速600公里高速磁浮",
                w=0.6,
                ind="3711 3712 3720",
                words="轨道车辆 轨道装备",
            ),
            S(
                "运维与检修服务",
                "智能运维、检修、检验检测",
                "智能运维",
                ind="4341 7452",
                words="轨道交通服务 检修",
            ),
        ),
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
        small(
            S(
                "农产品与原辅料",
                "粮油、水产、麦芽、包装材料",
                "原料溯源",
                ind="1311 1361 2231",
                words="农产品 水产 包装",
            ),
            S(
                "食品饮料加工",
                "啤酒、矿泉水、乳制品、速冻食品、海洋食品",
                "风味啤酒、功能性食品",
                w=1.6,
                ind="1513 1522 1441 1432 1362 1419",
                words="食品 饮品 酿造",
            ),
            S(
                "冷链与商超渠道",
                "冷链配送、商超与电商渠道",
                "冷链保鲜",
                ind="5930 5127",
                words="冷链 食品贸易",
            ),
        ),
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
        small(
            S(
                "原料药与医用材料",
                "原料药、海洋生物医用材料、药用辅料",
                "褐藻胶、壳聚糖、透明质酸",
                ind="2710 2780 2770",
                words="生物材料 药业",
            ),
            S(
                "药品与医疗器械制造",
                "化学药、生物药、康复医疗器械、诊断设备",
                "核酸、细胞、蛋白质药物",
                w=1.5,
                ind="2720 2761 3581 3584 3586",
                words="医药 生物科技 医疗器械",
            ),
            S(
                "医药流通与健康服务",
                "医药批发、医学研究与试验",
                "CRO服务",
                ind="5151 5154 7340",
                words="医药 健康科技",
            ),
        ),
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
        small(
            S(
                "物流装备与信息平台",
                "物流装备、智慧物流平台",
                "无人搬运",
                ind="3434 6431",
                words="物流装备 物流科技",
            ),
            S(
                "运输与仓储",
                "道路运输、多式联运、仓储",
                "多式联运",
                w=1.5,
                ind="5431 5920 5810 5821",
                words="物流 运输 仓储",
            ),
            S(
                "供应链与冷链服务",
                "供应链管理、冷链物流",
                "供应链协同",
                ind="7224 5930",
                words="供应链 冷链物流",
            ),
        ),
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
        small(
            S(
                "金融科技与基础设施",
                "支付清算、金融信息服务",
                "金融科技",
                ind="6450 6513",
                words="金融科技 数据",
            ),
            S(
                "银行、证券与保险",
                "银行理财、证券、保险",
                "财富管理",
                w=1.2,
                ind="6640 6712 6820",
                words="投资 资产管理",
            ),
            S(
                "产业金融",
                "融资租赁、创业投资、供应链金融",
                "投贷联动",
                ind="6631 6731",
                words="融资租赁 创业投资",
            ),
        ),
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
        small(
            S(
                "纤维与面辅料",
                "新型纤维、中高档面辅料",
                "超临界CO2无水染色",
                ind="1751 2822 1713",
                words="纺织 面料 纤维",
            ),
            S(
                "服装与家纺制造",
                "童装、女装、针织服装、家纺",
                "大规模个性化定制、柔性制造",
                w=1.6,
                ind="1819 1829 1771 1830",
                words="服饰 针织 制衣",
            ),
            S(
                "品牌零售与时尚创意",
                "品牌零售、直播电商",
                "时尚创意",
                ind="5232 5132",
                words="服装贸易 时尚",
            ),
        ),
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
        small(
            S(
                "文化创意与内容",
                "文艺创作、动漫、影视内容",
                "数字文创",
                ind="8810 8730 6572",
                words="文化创意 文化传媒",
            ),
            S(
                "景区与文旅项目",
                "主题乐园、景区运营",
                "智慧景区",
                ind="9020 7861 9030",
                words="文旅 旅游开发",
            ),
            S(
                "旅游服务与住宿",
                "旅行社、酒店与民宿",
                "全域旅游",
                ind="7291 6110 6130",
                words="旅游 酒店管理",
            ),
        ),
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
        small(
            S(
                "商品批发与供应",
                "日用品、家电与食品批发",
                "集采集配",
                ind="5138 5129 5139",
                words="商贸 贸易",
            ),
            S(
                "零售与商业综合体",
                "百货、超市、商业综合体",
                "数字化门店",
                w=1.3,
                ind="5211 5212 7222",
                words="商业 百货 商业管理",
            ),
            S(
                "电子商务与即时配送",
                "网络零售、即时配送",
                "直播电商",
                ind="5292 6432",
                words="电子商务 网络科技",
            ),
        ),
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
        SEMICONDUCTOR_WC_TREE,
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
        small(
            S(
                "原料与储运",
                "原油、轻烃、LNG接收与储运",
                "原料多元化",
                ind="5941 5162",
                words="能源 石化",
            ),
            S(
                "炼化及化工新材料",
                "烯烃、聚烯烃、高性能橡胶材料",
                "轻质原料制烯烃",
                w=1.5,
                ind="2511 2614 2651 2652",
                words="石化 化工 新材料",
            ),
            S(
                "精细化学品与材料应用",
                "环保胶粘剂、水性涂料、PVB中间膜",
                "绿色精细化工",
                w=1.2,
                ind="2641 2669 2921",
                words="精细化工 化学",
            ),
        ),
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
        small(
            S(
                "海洋生物资源与提取",
                "海藻加工、海洋寡糖、海藻多糖",
                "海洋寡糖制备",
                ind="1369 2669",
                words="海洋生物 海藻",
            ),
            S(
                "海洋药物与医用材料",
                "海洋创新药物、海藻多糖空心胶囊、海洋生物医用材料",
                "海洋药物中试",
                w=1.5,
                ind="2710 2720 2770 2780",
                words="海洋药业 生物科技",
            ),
            S(
                "海洋功能食品与生物农用制品",
                "海洋功能食品、生物农用制品",
                "功能评价",
                ind="1492 2625",
                words="海洋食品 生物制品",
            ),
        ),
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
        small(
            S(
                "船舶配套",
                "船用设备、动力系统",
                "智能船舶配套",
                ind="3734 3412",
                words="船舶配套 船用设备",
            ),
            S(
                "船舶与海工装备制造",
                "散货船、海工平台、模块",
                "海工模块建造",
                w=1.2,
                ind="3731 3737",
                words="船舶重工 海洋工程",
            ),
            S(
                "修造与海洋工程服务",
                "船舶修理、海工运维",
                "绿色修船",
                ind="4342",
                words="船舶修造 海工服务",
            ),
        ),
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
        WC_SMART_APPLIANCE_TREE,
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
        small(
            S(
                "汽车零部件",
                "底盘、车身、内饰、轮胎",
                "轻量化",
                w=1.5,
                ind="3670 3660 2911",
                words="汽车零部件 汽车配件",
            ),
            S("整车制造", "乘用车、新能源汽车", "新能源整车", w=0.5, ind="3612 3611", words="汽车"),
            S(
                "汽车销售与后市场",
                "整车销售、维修保养",
                "数字化服务",
                ind="5261 8111",
                words="汽车销售 汽车服务",
            ),
        ),
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
        small(
            S(
                "冷链装备",
                "冷库设备、冷藏集装箱、冷柜",
                "超低温制冷",
                ind="3464 3331",
                words="冷链设备 制冷",
            ),
            S(
                "冷链仓储与加工",
                "低温仓储、水产品冷冻加工",
                "超低温仓储",
                w=1.5,
                ind="5930 1361",
                words="冷链 水产 冷藏",
            ),
            S(
                "冷链物流与交易",
                "冷藏运输、水产品交易",
                "全程温控",
                ind="5432 5124",
                words="冷链物流 水产贸易",
            ),
        ),
        description=WC_CHAIN_NOTE,
        words=("冷链",),
        industries=("5930",),
    ),
    ChainSpec(
        "影视文化",
        DISTRICT,
        "西海岸新区影视中心",
        15,
        small(
            S(
                "影视创作与人才",
                "剧本创作、影视教育",
                "“科产教”融合",
                ind="8730 8810",
                words="影视文化 文化传媒",
            ),
            S(
                "影视拍摄与制作",
                "影视拍摄、虚拟化制作、后期特效",
                "影视虚拟化制作、5G高新视频",
                w=1.5,
                ind="8730 6579",
                words="影视 影业 视效",
            ),
            S(
                "发行放映与影视文旅",
                "院线、影视文旅",
                "IP运营",
                ind="8750 8760 9030",
                words="影视文旅 院线",
            ),
        ),
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
        _tree(
            (
                S(
                    "新型基础设施",
                    "5G、数据中心",
                    "千兆光网",
                    ind="6410 6550",
                    words="数据科技 网络",
                ),
            ),
            (
                S(
                    "工业互联网与人工智能",
                    "工业互联网平台、视觉算法、大数据平台",
                    "AI视觉算法",
                    w=1.5,
                    ind="6431 6513",
                    words="工业互联网 智能科技",
                ),
            ),
            (
                S(
                    "电子商务与线上服务",
                    "跨境电商、直播电商、线上服务",
                    "跨境电商",
                    ind="5292 6432",
                    words="电子商务 网络科技",
                ),
                S(
                    "新金融服务",
                    "供应链金融、产业基金",
                    "产融结合",
                    w=0.5,
                    ind="6731 6631",
                    words="投资 金融服务",
                ),
            ),
        ),
        description=WC_CHAIN_NOTE
        + "《青岛日报》2021年6月6日报道：聚焦工业互联网、电子商务、线上服务、新金融服务4个重点领域。",
        words=("数字科技",),
        industries=("6513",),
    ),
)

ALL_CHAINS: tuple[ChainSpec, ...] = CITY_CHAINS + WEST_COAST_CHAINS


def walk(segs: tuple[Seg, ...], parent: Seg | None = None):
    """Yield (segment, parent) depth first."""
    for seg in segs:
        yield seg, parent
        yield from walk(seg.children, seg)


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


def segment_names(spec: ChainSpec) -> list[str]:
    return [seg.name for pos in ("up", "mid", "down") for seg, _p in walk(spec.tree[pos])]
