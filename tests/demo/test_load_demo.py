"""manage.py load_demo: the demo data is complete, flagged synthetic, valid, idempotent and has one account per role.

load_demo takes a few seconds, so it runs once per module inside a transaction that is rolled back at the end
(the tests run in savepoints inside it), leaving the test database as empty as the other modules expect.
"""

from __future__ import annotations

import os
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.core.validators import uscc_problem
from chainleader.demo.accounts import DEFAULT_PASSWORD
from chainleader.engines.tier_rules import RULES
from chainleader.enterprises.models import Contact, Enterprise, EnterpriseTier, YearFigure
from chainleader.parks.models import LandZone, Park
from chainleader.reference.models import Region
from chainleader.tiers.models import TierCandidate

# Exactly as in DOMAIN.md (sources 004 and 001), in that order.
CITY_CHAINS = [
    "海洋装备",
    "通用航空",
    "集成电路",
    "新型显示",
    "智能家电",
    "氢能与储能",
    "会展",
    "软件和信息服务",
    "新能源汽车",
    "先进高分子及金属材料",
    "人工智能",
    "智能制造装备",
    "虚拟现实",
    "高端化工",
    "精密仪器仪表",
    "科技服务业",
    "轨道交通装备",
    "食品饮料",
    "生物医药及医疗器械",
    "现代物流",
    "现代金融",
    "纺织服装",
    "文化旅游",
    "现代商贸",
]
WEST_COAST_CHAINS = [
    "新一代半导体",
    "高端化工及新材料",
    "海洋生物医药",
    "船舶海工",
    "智能家电",
    "汽车",
    "海洋冷链",
    "影视文化",
    "新经济",
]
MODELS = [
    OrgUnit,
    User,
    Chain,
    ChainTarget,
    Segment,
    Placement,
    Enterprise,
    EnterpriseTier,
    YearFigure,
    Contact,
    Park,
    LandZone,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    saved = os.environ.pop("DEMO_PASSWORD", None)
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
    if saved is not None:
        os.environ["DEMO_PASSWORD"] = saved


def city_appliances() -> Chain:
    return Chain.objects.get(level="city", region__code="3702", name="智能家电")


@pytest.mark.django_db
def test_33_chains_with_the_exact_names_in_order(demo):
    city = Chain.objects.filter(level="city").order_by("order")
    district = Chain.objects.filter(level="district").order_by("order")
    assert [c.name for c in city] == CITY_CHAINS
    assert [c.name for c in district] == WEST_COAST_CHAINS
    assert {c.region.code for c in city} == {"3702"}
    assert {c.region.code for c in district} == {"370211"}
    assert {c.leader_post for c in city} == {"市领导"}
    assert {c.leader_post for c in district} == {"区领导"}
    for chain in Chain.objects.all():
        assert chain.lead_department.kind == OrgUnit.Kind.DEPARTMENT
        assert chain.team.kind == OrgUnit.Kind.TEAM
        assert chain.team.name.endswith(f"{chain.name}产业专班")
        assert set(chain.segments.values_list("position", flat=True)) == {"up", "mid", "down"}


@pytest.mark.django_db
def test_categories_and_targets_come_from_the_seeds_only(demo):
    assert city_appliances().category == Chain.Category.FIRST_CLASS_CLUSTER
    assert Chain.objects.get(level="city", name="会展").category == ""  # the seeds are silent
    assert not ChainTarget.objects.filter(chain__level="city").exists()
    targets = {
        (t.chain.name, t.year, t.value) for t in ChainTarget.objects.filter(chain__level="district")
    }
    assert targets == {
        ("智能家电", 2025, Decimal("1000.00")),
        ("高端化工及新材料", 2025, Decimal("1000.00")),
        ("新一代半导体", 2025, Decimal("1000.00")),
        ("船舶海工", 2025, Decimal("500.00")),
        ("汽车", 2025, Decimal("500.00")),
    }
    assert all(t.unit == "亿元" and t.note for t in ChainTarget.objects.all())


@pytest.mark.django_db
def test_smart_appliance_tree_and_masters_in_midstream(demo):
    chain = city_appliances()
    segments = chain.segments.all()
    assert {s.position for s in segments} == {"up", "mid", "down"}
    assert chain.tree_version == 1 and chain.tree_sources  # the curated tree file, with its sources
    white = segments.get(name="白色家电", parent=None)
    assert white.position == "mid" and white.code == "mid.white-goods"
    assert {s.name for s in white.children.all()} >= {"冰箱冷柜", "洗衣机", "空调"}
    up = {s.name for s in segments.filter(position="up", children__isnull=True)}
    assert {
        "压缩机",
        "电机",
        "电控与变频控制器",
        "芯片与功率器件",
        "传感器",
        "显示面板与模组",
    } <= up
    assert segments.get(name="芯片与功率器件").strategic
    masters = set(chain.masters.values_list("name", flat=True))
    assert {"海尔智家股份有限公司", "海信家电集团股份有限公司", "澳柯玛股份有限公司"} <= masters
    placed = Placement.objects.filter(segment__chain=chain, role=Placement.Role.MASTER)
    assert set(placed.values_list("enterprise__name", flat=True)) == masters
    assert set(placed.values_list("segment__position", flat=True)) == {"mid"}
    assert chain.lead_department.name == "市工业和信息化局"
    # The classifier placed the synthetic firms from their products, codes and names, with evidence.
    auto = Placement.objects.filter(segment__chain=chain, review=Placement.Review.AUTO)
    assert auto.values("enterprise").distinct().count() > 150
    assert set(auto.values_list("method", flat=True)) >= {"product", "code"}
    assert all(p.evidence for p in auto[:50])
    # A strategic dependency has few local firms; a localised part many.
    counted = ("auto", "confirmed")
    chips = segments.get(name="芯片与功率器件").placements.filter(review__in=counted).count()
    compressors = segments.get(name="压缩机").placements.filter(review__in=counted).count()
    assert chips < compressors


@pytest.mark.django_db
def test_other_detailed_trees(demo):
    ic = Chain.objects.get(level="city", name="集成电路")
    semi = Chain.objects.get(level="district", name="新一代半导体")
    nev = Chain.objects.get(level="city", name="新能源汽车")
    for chain in (ic, semi, nev):
        assert chain.segments.filter(parent__isnull=False).count() >= 8
        assert (
            Placement.objects.filter(segment__chain=chain).values("enterprise").distinct().count()
            > 80
        )
    assert {
        "动力电池",
        "驱动电机与电驱系统",
        "车规级芯片",
        "整车制造",
        "充换电",
        "动力电池回收与梯次利用",
    } <= set(nev.segments.values_list("name", flat=True))
    # A district's chain takes only its district's firms.
    assert (
        not Placement.objects.filter(segment__chain=semi)
        .exclude(enterprise__region__code__startswith="370211")
        .exists()
    )
    assert Chain.objects.get(level="district", name="智能家电").segments.count() >= 20


@pytest.mark.django_db
def test_running_twice_changes_no_counts(demo):
    before = {m.__name__: m.objects.count() for m in MODELS}
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    assert "未新建任何记录" in out.getvalue()
    assert before["Enterprise"] >= 2000
    assert before["YearFigure"] == 3 * before["Enterprise"]


@pytest.mark.django_db
def test_invented_data_is_flagged_synthetic(demo):
    # Every firm's credit code (and every figure) is invented, chain masters included.
    assert not Enterprise.objects.filter(is_synthetic=False).exists()
    assert not YearFigure.objects.filter(is_synthetic=False).exists()
    assert not Park.objects.filter(is_synthetic=False).exists()
    assert not LandZone.objects.filter(is_synthetic=False).exists()
    haier = Enterprise.objects.get(name="海尔智家股份有限公司")
    assert haier.ticker == "600690.SH"
    assert haier.tiers.filter(tier="chain_master", level="city").exists()
    # No demo note sits in an address (issue 11, item 8): the banner and the flag say what is invented.
    assert not Enterprise.objects.filter(address__contains="演示").exists()
    # Contacts' phone numbers are obviously fake.
    # phone is sealed at rest (DP2): compared in Python
    assert all(p.startswith("1380000") for p in Contact.objects.values_list("phone", flat=True))


@pytest.mark.django_db
def test_credit_codes_are_valid_unique_and_match_the_region(demo):
    rows = list(Enterprise.objects.values_list("uscc", "region__code"))
    assert all(uscc_problem(code) is None for code, _region in rows)
    assert len({code for code, _region in rows}) == len(rows)
    assert all(code[2:8] == region for code, region in rows)


def _above_size_line(full_code: str) -> int:
    """The 规上 revenue line of a firm's industry (the longest listed prefix of its GB/T 4754 code wins)."""
    lines = RULES["above_size:city"]["criteria"][1]["thresholds"]
    prefix = max((p for p in lines if full_code.startswith(p)), key=len, default="C")
    return lines[prefix]


@pytest.mark.django_db
def test_figures_are_plausible(demo):
    # The demo's tier pipeline recognised some firms as 升规 by their own industry's line (a service firm's may be
    # 1000 or 500 万元); every other firm is 规上 exactly when its revenue reaches the industrial 2000 万元.
    upgraded = set(
        TierCandidate.objects.filter(
            tier="above_size", status=TierCandidate.Status.RECOGNISED
        ).values_list("enterprise_id", flat=True)
    )
    for f in YearFigure.objects.filter(
        year=2024, enterprise__mastered_chains__isnull=True
    ).select_related("enterprise__industry"):
        if f.enterprise_id in upgraded:
            assert f.enterprise.above_size
            assert f.revenue_wan >= _above_size_line(f.enterprise.industry.full_code)
        else:
            assert f.enterprise.above_size == (f.revenue_wan >= 2000)
        assert Decimal("0.025") <= f.tax_wan / f.revenue_wan <= Decimal("0.09")
        assert f.rd_wan < f.revenue_wan
        assert f.employees > 0
    share = Enterprise.objects.filter(park__isnull=False).count() / Enterprise.objects.count()
    assert 0.3 < share < 0.5
    assert (
        not Enterprise.objects.filter(park__isnull=False).exclude(park__region=F("region")).exists()
    )
    for park in Park.objects.all():
        assert park.area_mu == park.area_km2 * 1500
    protection = LandZone.objects.filter(kind="protection")
    assert sum(z.area_km2 for z in protection) == Decimal("141.600")
    assert LandZone.objects.filter(kind="agglomeration").count() == 14


@pytest.mark.django_db
def test_org_units(demo):
    counties = Region.objects.filter(code__startswith="3702", level=3)
    districts = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)
    assert set(districts.values_list("region__code", flat=True)) == set(
        counties.values_list("code", flat=True)
    )
    assert districts.get(region__code="370211").name == "西海岸新区（黄岛区）"
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).count() == 2
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).count() == 33


@pytest.mark.django_db
def test_one_demo_account_per_role_none_superuser(demo):
    users = User.objects.filter(
        username__in=[
            "office",
            "general_leader",
            "chain_leader",
            "team",
            "district",
            "district2",
            "department",
            "firm",
            "sysadmin",
            "secadmin",
            "auditor",
        ]
    )
    assert {u.role for u in users} == set(Role.values)
    assert not User.objects.filter(is_superuser=True).exists()
    for user in users:
        assert user.check_password(DEFAULT_PASSWORD)
        assert not user.must_change_password
        user.full_clean()  # the role's unit kind matches (User.clean)
    assert User.objects.get(username="firm").org_unit.enterprise.name == "海尔智家股份有限公司"
    assert User.objects.get(username="department").org_unit == city_appliances().lead_department
    team = User.objects.get(username="team")
    assert sorted(team.chains.values_list("level", "name")) == [
        ("city", "智能家电"),
        ("district", "智能家电"),
    ]
    assert Chain.objects.for_user(team).count() == 2
    district = User.objects.get(username="district")
    assert not Enterprise.objects.for_user(district).exclude(region__code="370211").exists()
    assert "合成数据" in demo
    assert "Chainleader-Demo-2026" in demo


@pytest.mark.django_db
def test_demo_names_read_as_real(demo):
    import re

    from chainleader.projects.models import Project

    doubled = re.compile(r"(.{2,4})\1")
    # The demo's own records only (other test modules may leave odd names in a shared test database).
    names = list(Project.objects.filter(is_synthetic=True).values_list("name", flat=True)) + list(
        Enterprise.objects.filter(is_synthetic=True).values_list("name", flat=True)
    )
    assert names and not [n for n in names if doubled.search(n)]
    unbalanced = [
        n for n in names if n.count("（") != n.count("）") or n.count("(") != n.count(")")
    ]
    assert not unbalanced


@pytest.mark.django_db
def test_problems_go_to_the_bureau_that_owns_their_kind(demo):
    from chainleader.projects.models import Problem

    owners = {
        "land": "市自然资源和规划局",
        "energy": "市发展和改革委员会",
        "talent": "市人力资源和社会保障局",
    }
    routed = Problem.objects.filter(department__isnull=False, category__in=owners)
    assert routed.exists()
    assert all(p.department.name == owners[p.category] for p in routed.select_related("department"))


@pytest.mark.django_db
def test_eight_synthetic_doubling_plans_some_lagging(demo, client):
    # Source 000: 双星集团、澳柯玛股份、明月海藻等8家企业 on 倍增 plans (the other five invented); docs/decisions/0025
    from django.urls import reverse

    from chainleader.growth import selectors
    from chainleader.growth.models import GrowthPlan, Measure

    plans = GrowthPlan.objects.all()
    assert plans.count() == 8 and not plans.filter(is_synthetic=False).exists()
    names = set(plans.values_list("enterprise__name", flat=True))
    assert {"双星集团有限责任公司", "澳柯玛股份有限公司", "青岛明月海藻集团有限公司"} <= names
    assert all(p.enterprise.region.code.startswith("370211") for p in plans)
    assert Measure.objects.filter(plan__in=plans).count() >= 16
    office = User.objects.get(username="office")
    lagging = selectors.lagging_ids(plans, office, True)
    on_pace = selectors.lagging_ids(plans, office, False)
    assert lagging and on_pace, (lagging, on_pace)
    call_command("load_demo", stdout=StringIO())
    assert GrowthPlan.objects.count() == 8
    client.force_login(office)
    assert client.get(reverse("growth:plan_list")).status_code == 200
    assert client.get(reverse("growth:plan_detail", args=[lagging[0]])).status_code == 200
    resp = client.get(reverse("growth:echelons"))
    assert resp.status_code == 200 and resp.context["table"].rows
