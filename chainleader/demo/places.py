"""Demo parks (园区) and land zones (工业用地保护区 / 市级产业集聚区).

Names: parks named in the seeds (东方影都, 电子信息产业园, 光电显示新材料产业园, 国际经济合作区, 北汽制造产业园,
奇瑞汽车零部件产业园, 国橡中心功能性新材料产业园) or well-known Qingdao parks and zones. Every area figure is
invented, so every row is `is_synthetic`. 1 km² = 1,500 mu (1 mu = 666.67 m²).

Land zones: the seeds give the West Coast's industrial land protection lines as 141.6 km² in total (000) and
"14" municipal key industrial agglomeration zones (002, which names ten of them). The split of the 141.6 km² over
five areas, the four unnamed zones' names, every zone's area and leading-industry share are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .chains_data import CITY, DISTRICT

MU_PER_KM2 = 1500


def c(name: str) -> tuple[str, str]:
    return (CITY, name)


def d(name: str) -> tuple[str, str]:
    return (DISTRICT, name)


@dataclass(frozen=True)
class ParkSpec:
    name: str
    region: str
    kind: str
    km2: float
    leading: str
    chains: tuple[tuple[str, str], ...]

    @property
    def area_km2(self) -> Decimal:
        return Decimal(str(self.km2)).quantize(Decimal("0.001"))

    @property
    def area_mu(self) -> Decimal:
        return (self.area_km2 * MU_PER_KM2).quantize(Decimal("0.01"))


PARKS: tuple[ParkSpec, ...] = (
    ParkSpec(
        "青岛西海岸新区智能家电产业园",
        "370211",
        "professional",
        5.2,
        "智能家电",
        (c("智能家电"), d("智能家电")),
    ),
    ParkSpec(
        "青岛经济技术开发区",
        "370211",
        "development_zone",
        220.0,
        "家电电子、汽车、石油化工",
        (c("智能家电"), c("新能源汽车"), d("智能家电"), d("汽车")),
    ),
    ParkSpec(
        "中德生态园",
        "370211",
        "development_zone",
        11.6,
        "智能制造装备、氢能",
        (c("智能制造装备"), c("氢能与储能")),
    ),
    ParkSpec(
        "董家口经济区",
        "370211",
        "development_zone",
        150.0,
        "高端化工、港航物流",
        (c("高端化工"), d("高端化工及新材料"), c("现代物流"), c("先进高分子及金属材料")),
    ),
    ParkSpec(
        "古镇口军民融合创新示范区",
        "370211",
        "other",
        90.0,
        "海洋装备、船舶海工",
        (c("海洋装备"), d("船舶海工")),
    ),
    ParkSpec(
        "青岛西海岸新区电子信息产业园",
        "370211",
        "professional",
        3.5,
        "集成电路",
        (c("集成电路"), d("新一代半导体")),
    ),
    ParkSpec(
        "青岛西海岸新区光电显示新材料产业园",
        "370211",
        "professional",
        2.4,
        "新型显示",
        (c("新型显示"), d("新一代半导体")),
    ),
    ParkSpec(
        "东方影都影视产业园",
        "370211",
        "professional",
        4.0,
        "影视文化",
        (d("影视文化"), c("文化旅游")),
    ),
    ParkSpec(
        "青岛西海岸新区国际经济合作区",
        "370211",
        "development_zone",
        60.0,
        "工业互联网、高端制造",
        (d("新经济"), c("智能制造装备"), c("人工智能")),
    ),
    ParkSpec(
        "国橡中心功能性新材料产业园",
        "370211",
        "professional",
        2.0,
        "橡胶及高分子新材料",
        (c("先进高分子及金属材料"), d("高端化工及新材料")),
    ),
    ParkSpec(
        "青岛高新技术产业开发区",
        "370214",
        "high_tech",
        63.4,
        "生物医药、智能制造、集成电路",
        (
            c("生物医药及医疗器械"),
            c("集成电路"),
            c("智能制造装备"),
            c("精密仪器仪表"),
            c("人工智能"),
        ),
    ),
    ParkSpec(
        "青岛轨道交通产业示范区",
        "370214",
        "professional",
        30.0,
        "轨道交通装备",
        (c("轨道交通装备"),),
    ),
    ParkSpec(
        "胶州湾综合保税区",
        "370281",
        "other",
        3.8,
        "保税物流、跨境贸易",
        (c("现代物流"), c("现代商贸")),
    ),
    ParkSpec(
        "中国—上海合作组织地方经贸合作示范区",
        "370281",
        "development_zone",
        60.0,
        "现代物流、国际贸易、先进制造",
        (c("现代物流"), c("智能制造装备"), c("现代商贸")),
    ),
    ParkSpec(
        "青岛国际院士港",
        "370213",
        "incubator",
        1.2,
        "科技研发与成果转化",
        (c("科技服务业"), c("人工智能"), c("生物医药及医疗器械")),
    ),
    ParkSpec(
        "青岛国际创新园",
        "370212",
        "incubator",
        0.8,
        "软件、虚拟现实、人工智能",
        (c("虚拟现实"), c("软件和信息服务"), c("人工智能")),
    ),
    ParkSpec(
        "青岛汽车产业新城", "370215", "professional", 40.0, "汽车及零部件", (c("新能源汽车"),)
    ),
    ParkSpec(
        "北汽制造产业园",
        "370215",
        "professional",
        3.0,
        "新能源汽车整车及零部件",
        (c("新能源汽车"),),
    ),
    ParkSpec(
        "奇瑞汽车零部件产业园", "370215", "professional", 2.0, "汽车零部件", (c("新能源汽车"),)
    ),
    ParkSpec(
        "平度经济开发区",
        "370283",
        "development_zone",
        30.0,
        "智能家电、食品、装备制造",
        (c("智能家电"), c("食品饮料"), c("智能制造装备")),
    ),
    ParkSpec(
        "莱西经济开发区",
        "370285",
        "development_zone",
        40.0,
        "新能源汽车、食品、通用航空",
        (c("新能源汽车"), c("食品饮料"), c("通用航空")),
    ),
)

PARK_SHARE = (
    0.43  # chance that a synthetic firm in a district with parks sits in one (≈ 40 % of all firms)
)


@dataclass(frozen=True)
class ZoneSpec:
    name: str
    kind: str
    region: str
    km2: float
    leading: str
    share: float | None = None

    @property
    def area_km2(self) -> Decimal:
        return Decimal(str(self.km2)).quantize(Decimal("0.001"))

    @property
    def area_mu(self) -> Decimal:
        return (self.area_km2 * MU_PER_KM2).quantize(Decimal("0.01"))


PROTECTION_TOTAL_KM2 = 141.6  # 000: 划定141.6平方公里工业用地保护红线和保护蓝线

_P = "protection"
_A = "agglomeration"
LAND_ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec("西海岸新区工业用地保护线（董家口片区）", _P, "370211", 46.3, "高端化工、港航物流"),
    ZoneSpec(
        "西海岸新区工业用地保护线（经济技术开发区片区）", _P, "370211", 38.7, "家电电子、汽车"
    ),
    ZoneSpec(
        "西海岸新区工业用地保护线（中德生态园—国际经济合作区片区）", _P, "370211", 21.4, "高端装备"
    ),
    ZoneSpec("西海岸新区工业用地保护线（泊里—海青片区）", _P, "370211", 18.5, "新材料"),
    ZoneSpec("西海岸新区工业用地保护线（古镇口片区）", _P, "370211", 16.7, "海洋装备"),
    # 002 names these ten municipal key industrial agglomeration zones ...
    ZoneSpec("青岛轨道交通装备产业集聚区", _A, "370214", 18.2, "轨道交通装备", 88.5),
    ZoneSpec("即墨汽车制造产业集聚区", _A, "370215", 22.6, "汽车制造", 84.2),
    ZoneSpec("莱西姜山新能源汽车产业集聚区", _A, "370285", 12.4, "新能源汽车", 71.3),
    ZoneSpec("高新区先进制造业集聚区", _A, "370214", 15.8, "机器人及高端装备", 76.9),
    ZoneSpec("莱西市食品产业集聚区", _A, "370285", 9.6, "食品", 82.7),
    ZoneSpec("平度智能家电产业集聚区", _A, "370283", 11.3, "智能家电", 79.4),
    ZoneSpec("平度新河生态化工产业集聚区", _A, "370283", 14.9, "化工", 91.2),
    ZoneSpec("胶州特种装备制造业产业集聚区", _A, "370281", 10.7, "特种装备", 73.8),
    ZoneSpec("智能制造应用示范产业集聚区", _A, "370211", 8.9, "智能制造", 68.5),
    ZoneSpec("董家口化工产业集聚区", _A, "370211", 25.3, "高端化工", 90.1),
    # ... and the other four are invented for the demo.
    ZoneSpec("青岛经济技术开发区家电电子产业集聚区", _A, "370211", 13.5, "家电电子", 86.0),
    ZoneSpec("即墨纺织服装产业集聚区", _A, "370215", 7.2, "纺织服装", 81.6),
    ZoneSpec("胶州临空经济产业集聚区", _A, "370281", 12.0, "航空物流、临空制造", 66.4),
    ZoneSpec("崂山区电子信息产业集聚区", _A, "370212", 5.4, "电子信息", 77.2),
)
