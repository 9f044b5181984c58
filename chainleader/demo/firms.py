"""Demo firms: the chain-master firms the seeds name, and the generator of ~2,000 synthetic firms.

Everything here is pure Python (no database): `synthetic_firms()` returns plain records that `loader` writes.
The generator is deterministic: it only uses the `random.Random` it is given.

What is real and what is not:
- chain masters: the firm is named in the seeds / DOMAIN.md; the full name is the usual legal name where well
  known (otherwise a plausible one), the ticker is the real one for listed firms. Their credit codes, district
  placement, founding data and every yearly figure are invented, so they are flagged `is_synthetic`.
- synthetic firms: invented names, codes and figures (`is_synthetic`, `YearFigure.is_synthetic`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from chainleader.core.validators import USCC_CHARSET, uscc_check_char

from .chains_data import ALL_CHAINS, CITY, DISTRICT, ChainSpec, Seg, leaves
from .places import PARK_SHARE, PARKS

YEARS = (2022, 2023, 2024)
N_SYNTHETIC = sum(spec.firms for spec in ALL_CHAINS)  # 2,000

# Weight of each Qingdao county-level district for synthetic firms (more in the industrial districts).
DISTRICT_WEIGHTS: dict[str, float] = {
    "370211": 16,  # 黄岛区（西海岸新区）; the 9 West Coast chains add their own firms here
    "370214": 14,  # 城阳区
    "370215": 13,  # 即墨区
    "370281": 11,  # 胶州市
    "370212": 9,  # 崂山区
    "370283": 7,  # 平度市
    "370285": 6,  # 莱西市
    "370213": 4,  # 李沧区
    "370203": 4,  # 市北区
    "370202": 3,  # 市南区
}

ChainKey = tuple[str, str]  # (level, name)


# ---------------------------------------------------------------------------------------------------------
# Chain masters (链主企业) named in the seeds / DOMAIN.md, plus the listed Qingdao/Shandong firms.
# ---------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------------------------------------

GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _gb11714_check(body8: str) -> str:
    """Check character of a GB 11714 organisation code (the 9 characters inside a credit code)."""
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w
        for ch, w in zip(body8, GB11714_WEIGHTS, strict=True)
    )
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: random.Random, region: str, founded_year: int) -> str:
    """A valid unified social credit code: 91 (enterprise) + region + organisation code + check character."""
    if founded_year >= 2015:  # codes issued since the 2015 reform start with MA
        body8 = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    else:
        body8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region + body8 + _gb11714_check(body8)
    return first17 + uscc_check_char(first17)


def unique_uscc(rng: random.Random, region: str, founded_year: int, taken: set[str]) -> str:
    while True:
        code = make_uscc(rng, region, founded_year)
        if code not in taken:
            taken.add(code)
            return code


# ---------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def d2(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(str(round(x, 2))).quantize(CENT)


def d3(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(str(round(x, 3))).quantize(MILLI)


def clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def lognormal(rng: random.Random, median: float, sigma: float, lo: float, hi: float) -> float:
    return clip(median * math.exp(rng.gauss(0, sigma)), lo, hi)


@dataclass
class FigureProfile:
    revenue_2022: float
    above_size: bool
    industrial: bool  # section C: output, land and energy matter
    energy_intensity: float = 1.0  # >1 for chemicals, steel, ...
    rd_boost: float = 0.0
    land_mu: float | None = None


def make_figures(rng: random.Random, p: FigureProfile) -> list[dict[str, object]]:
    """Three years of correlated figures (万元, 亩, tce, t)."""
    tax_rate = rng.uniform(0.03, 0.08)
    va_ratio = rng.uniform(0.20, 0.35) if p.industrial else rng.uniform(0.30, 0.50)
    rd_ratio = rng.uniform(0.01, 0.06) + p.rd_boost
    productivity = rng.uniform(18, 45)  # value added per employee, 万元
    tce_per_va = (
        rng.uniform(1 / 6, 1 / 0.8) * p.energy_intensity
        if p.industrial
        else rng.uniform(1 / 30, 1 / 10)
    )
    emission_per_tce = rng.uniform(0.002, 0.012)
    revenue = p.revenue_2022
    rows: list[dict[str, object]] = []
    for i, year in enumerate(YEARS):
        if i:
            revenue *= 1 + clip(rng.gauss(0.06, 0.12), -0.3, 0.45)
        revenue = clip(revenue, 2000, 5e7) if p.above_size else clip(revenue, 300, 1990)
        output = revenue * rng.uniform(0.9, 1.1) if p.industrial else None
        va = (output or revenue) * va_ratio * rng.uniform(0.95, 1.05)
        energy = va * tce_per_va * rng.uniform(0.9, 1.1)
        rows.append(
            {
                "year": year,
                "revenue_wan": d2(revenue),
                "tax_wan": d2(revenue * tax_rate * rng.uniform(0.9, 1.1)),
                "output_wan": d2(output),
                "value_added_wan": d2(va),
                "employees": max(3, round(va / productivity)),
                "land_mu": d2(p.land_mu),
                "energy_tce": d2(energy),
                "emissions_t": d3(energy * emission_per_tce),
                "rd_wan": d2(revenue * min(rd_ratio, 0.12) * rng.uniform(0.9, 1.1)),
            }
        )
    return rows


def land_for(
    rng: random.Random, revenue: float, above_size: bool, industrial: bool
) -> float | None:
    """Own land in mu; None = no own land (rented premises). Some 规下 firms have very little (< 3 mu)."""
    r = rng.random()
    tax = revenue * 0.05
    if not industrial:
        return None if r < 0.75 else rng.uniform(1, 10)
    if above_size:
        return None if r < 0.08 else clip(tax / rng.uniform(10, 60), 5, 300)
    if r < 0.2:
        return None
    if r < 0.3:
        return 0.0
    if r < 0.5:
        return rng.uniform(0.5, 2.9)
    return clip(tax / rng.uniform(3, 25), 3, 40)


def is_manufacturing(code: str) -> bool:
    """GB/T 4754-2017 section C (制造业) is divisions 13–43."""
    return 13 <= int(code[:2]) <= 43


def master_figures(rng: random.Random, m: Master) -> list[dict[str, object]]:
    industrial = is_manufacturing(m.industry)
    revenue = m.scale_yi * 10000 * rng.uniform(0.8, 1.2)
    land = clip(revenue / rng.uniform(600, 2500), 50, 3000) if industrial else rng.uniform(20, 120)
    return make_figures(rng, FigureProfile(revenue, True, industrial, land_mu=land, rd_boost=0.01))


# ---------------------------------------------------------------------------------------------------------
# Synthetic firms
# ---------------------------------------------------------------------------------------------------------

NAME_FIRST = "海瑞恒鼎汇博泰金宏华嘉锦晟振腾润盛德卓信诚兴安康永昌伟豪正明凯宇鑫源澜蓝青"
NAME_SECOND = "川丰通新智远和源达辰邦成泽晖航越峰图远策合益欣创拓衡科佳联睿祥隆东阳舜岳"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国志文斌宁浩凯鹏飞海燕晓东雪梅春林"
TITLES = ("总经理", "办公室主任", "财务总监", "董事会秘书", "生产部经理", "行政主管", "副总经理")

ENERGY_HEAVY = (
    "25",
    "26",
    "28",
    "29",
    "30",
    "31",
    "32",
)  # refining, chemicals, fibres, rubber, minerals, metals


@dataclass
class FirmRecord:
    uscc: str
    name: str
    region: str
    industry: str
    capital_wan: Decimal
    founded_on: date
    above_size: bool
    park: tuple[str, str] | None  # (region, park name)
    placements: list[tuple[ChainKey, str, str]]  # (chain, segment name, role): the leaves drawn
    products: list[
        str
    ]  # what it makes (from its leaves' key products); the classifier places it from these
    figures: list[dict[str, object]]
    tiers: list[tuple[str, str, int]] = field(default_factory=list)  # (tier, level, year)
    contacts: list[tuple[str, str, str]] = field(default_factory=list)  # (name, title, phone)


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _segment_weights(spec: ChainSpec) -> tuple[list[Seg], list[float]]:
    pos_factor = {"up": 1.0, "mid": 1.4, "down": 0.8}
    segs, weights = [], []
    for pos, seg in leaves(spec):
        if seg.weight > 0:
            segs.append(seg)
            weights.append(seg.weight * pos_factor[pos])
    return segs, weights


def _top_k(rng: random.Random, indices: list[int], weights: list[float], k: int) -> list[int]:
    """Weighted sample without replacement (Efraimidis–Spirakis), deterministic for a given rng."""
    keyed = sorted(
        ((rng.random() ** (1 / w), i) for i, w in zip(indices, weights, strict=True) if w > 0),
        reverse=True,
    )
    return sorted(i for _key, i in keyed[:k])


def synthetic_firms(
    rng: random.Random, industry_codes: set[str], taken_uscc: set[str], taken_names: set[str]
) -> list[FirmRecord]:
    """~2,000 synthetic firms over the districts, placed in 1–2 segments of one chain each."""
    parks_by_region: dict[str, list] = {}
    for spec_park in PARKS:
        parks_by_region.setdefault(spec_park.region, []).append(spec_park)

    plan: list[ChainSpec] = [spec for spec in ALL_CHAINS for _ in range(spec.firms)]
    rng.shuffle(plan)
    districts = list(DISTRICT_WEIGHTS)
    firms: list[FirmRecord] = []
    for spec in plan:
        key: ChainKey = (spec.level, spec.name)
        if spec.level == DISTRICT:
            region = "370211"
        else:
            weights = [DISTRICT_WEIGHTS[d] * spec.districts.get(d, 1.0) for d in districts]
            region = _weighted(rng, districts, weights)
        segs, seg_weights = _segment_weights(spec)
        first = _weighted(rng, segs, seg_weights)
        placements = [(key, first.name, "core" if rng.random() < 0.15 else "supporting")]
        if len(segs) > 1 and rng.random() < 0.3:
            second = _weighted(rng, segs, seg_weights)
            if second.name != first.name:
                placements.append((key, second.name, "supporting"))
        # Most firms name one or two of their leaf's key products; the rest are known only by code and name.
        products: list[str] = []
        for seg_name in {p[1] for p in placements}:
            seg = next(s for s in segs if s.name == seg_name)
            pool = [x for x in seg.products.split("、") if x]
            if pool and rng.random() < 0.7:
                products += rng.sample(pool, k=min(len(pool), 1 + int(rng.random() < 0.3)))
        codes = [c for c in (first.industries or spec.industries) if c in industry_codes] or [
            c for c in spec.industries if c in industry_codes
        ]
        industry = rng.choice(codes)
        industrial = is_manufacturing(industry)
        above = rng.random() < (0.45 if industrial else 0.30)
        words = first.words or spec.words
        name = ""
        for _attempt in range(200):
            suffix = "股份有限公司" if above and rng.random() < 0.12 else "有限公司"
            a, b = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
            if a == b:
                continue
            name = f"青岛{a}{b}{rng.choice(words)}{suffix}"
            if name not in taken_names:
                break
        else:  # pragma: no cover — the word lists give ~50,000 names per word
            raise RuntimeError("could not find a unique firm name")
        taken_names.add(name)
        year = 1990 + int(33 * rng.random() ** 0.8)
        founded = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        capital = (
            lognormal(rng, 5000, 1.0, 500, 100000) if above else lognormal(rng, 300, 0.9, 10, 5000)
        )
        capital = round(capital, -1) if capital >= 100 else round(capital)
        revenue = (
            lognormal(rng, 12000, 1.2, 2000, 500000)
            if above
            else lognormal(rng, 900, 0.5, 500, 1990)
        )
        park = None
        candidates = parks_by_region.get(region, [])
        if candidates and rng.random() < PARK_SHARE:
            pw = [6.0 if key in p.chains else 1.0 for p in candidates]
            chosen = _weighted(rng, candidates, pw)
            park = (chosen.region, chosen.name)
        firms.append(
            FirmRecord(
                uscc=unique_uscc(rng, region, year, taken_uscc),
                name=name,
                region=region,
                industry=industry,
                capital_wan=Decimal(capital).quantize(CENT),
                founded_on=founded,
                above_size=above,
                park=park,
                placements=placements,
                products=products,
                figures=[{"revenue_2022": revenue, "industrial": industrial}],  # replaced below
            )
        )

    # Tiers: 专精特新 ~10 %, 小巨人 ~2 % (among them), 单项冠军 a few, 瞪羚 ~3 %.
    idx = list(range(len(firms)))
    w = [(4.0 if f.above_size else 1.5) if f.figures[0]["industrial"] else 0.5 for f in firms]
    specialised = _top_k(rng, idx, w, round(0.10 * len(firms)))
    giants = _top_k(
        rng,
        specialised,
        [4.0 if firms[i].above_size else 0.5 for i in specialised],
        round(0.02 * len(firms)),
    )
    champions = _top_k(rng, giants, [1.0] * len(giants), 6)
    gazelles = _top_k(
        rng,
        idx,
        [2.0 if f.founded_on.year >= 2010 else 0.5 for f in firms],
        round(0.03 * len(firms)),
    )
    for i in specialised:
        y = (
            rng.randint(max(2019, firms[i].founded_on.year + 3), 2024)
            if firms[i].founded_on.year < 2021
            else 2024
        )
        firms[i].tiers.append(("specialised", "provincial" if rng.random() < 0.75 else "city", y))
    for i in giants:
        y0 = min(t[2] for t in firms[i].tiers)
        firms[i].tiers.append(("little_giant", "national", rng.randint(y0, 2024)))
    for i in champions:
        firms[i].tiers.append(
            (
                "single_champion",
                "national" if rng.random() < 0.6 else "provincial",
                rng.randint(2019, 2023),
            )
        )
    for i in gazelles:
        firms[i].tiers.append(
            ("gazelle", "provincial" if rng.random() < 0.5 else "city", rng.randint(2020, 2024))
        )

    phone = 0
    for f in firms:
        seed = f.figures[0]
        industrial = bool(seed["industrial"])
        revenue = float(seed["revenue_2022"])  # type: ignore[arg-type]
        heavy = 2.5 if f.industry[:2] in ENERGY_HEAVY else 1.0
        boost = 0.01 * len(f.tiers)
        land = land_for(rng, revenue, f.above_size, industrial)
        f.figures = make_figures(
            rng, FigureProfile(revenue, f.above_size, industrial, heavy, boost, land)
        )
        for _ in range(1 if rng.random() < 0.55 else 2):
            given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            f.contacts.append(
                (rng.choice(SURNAMES) + given, rng.choice(TITLES), f"1380000{phone:04d}")
            )
            phone += 1
    return firms


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
