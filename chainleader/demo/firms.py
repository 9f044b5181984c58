"""Demo firms: codes and yearly figures for the chain masters (``masters.py``), and the generator of ~2,000
synthetic firms.

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

from .chains_data import ALL_CHAINS, DISTRICT, ChainSpec, Seg, leaves
from .masters import Master
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
