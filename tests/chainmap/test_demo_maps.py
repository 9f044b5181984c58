"""The demo's maps from the real graph (skipped without ../shared/data/chainkg): every one of the 33 chains
gets a map; 智能家电 shows its chain masters in the midstream as 优势 and a gap upstream with a reason."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from chainleader.chainmap.models import ChainMap
from chainleader.chains.models import Chain
from chainleader.demo.graph import load_graph

GRAPH = settings.SHARED_DATA_DIR / "chainkg"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not (GRAPH / "companies.csv").exists(), reason=f"{GRAPH} is not on this machine"
    ),
]


@pytest.fixture(scope="module")
def demo_maps(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            load_graph(GRAPH)
            yield
            transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_maps")
def test_every_chain_has_a_derived_map(django_db_blocker):
    with django_db_blocker.unblock():
        assert ChainMap.objects.count() == Chain.objects.count() == 33
        assert all(m.segments for m in ChainMap.objects.all())


@pytest.mark.usefixtures("demo_maps")
def test_smart_appliances_reads_as_an_expert_expects(django_db_blocker):
    from chainleader.chains.models import Segment

    with django_db_blocker.unblock():
        snapshot = ChainMap.objects.get(chain__name="智能家电", chain__level="city")
        segs = {s.pk: s for s in Segment.objects.filter(chain=snapshot.chain)}
    assert {r["id"] for r in snapshot.segments} == set(
        segs
    )  # the chain page's tree is the map's tree
    by_name = {segs[r["id"]].name: (segs[r["id"]], r) for r in snapshot.segments}
    for name in (
        "压缩机",
        "电机",
        "电控与变频控制器",
        "芯片与功率器件",
        "传感器",
        "显示面板与模组",
    ):
        assert by_name[name][0].position == "up", name
    for name in ("冰箱冷柜", "洗衣机", "空调", "电视机"):
        seg, row = by_name[name]
        assert (
            seg.position == "mid" and row["chain_master_present"] and row["status"] == "strong"
        ), name
    for name in ("家电零售与电商", "安装维修", "回收拆解与再利用", "智慧家庭平台"):
        assert by_name[name][0].position == "down", name
    assert snapshot.edges and all(r["reason"] for r in snapshot.segments)
    haier = next(
        f for f in by_name["冰箱冷柜"][1]["local_firms"] if f["name"] == "海尔智家股份有限公司"
    )
    assert haier["role"] == "master"


@pytest.mark.usefixtures("demo_maps")
def test_no_commodity_service_or_channel_is_a_choke_point_in_any_chain(django_db_blocker):
    from chainleader.chains.models import Segment

    with django_db_blocker.unblock():
        chokes = [
            (m.chain, r["id"])
            for m in ChainMap.objects.select_related("chain")
            for r in m.segments
            if r.get("is_leaf") and r["status"] == "choke"
        ]
        segs = Segment.objects.in_bulk([pk for _c, pk in chokes])
    for chain, pk in chokes:
        seg = segs[pk]
        assert seg.strategic and seg.strategic_source, (str(chain), seg.name)
        assert seg.kind not in ("service", "channel"), (str(chain), seg.name)
        assert not any(
            w in seg.name for w in ("丙烷", "丁烷", "表面活性剂", "钢材", "物流", "零售")
        ), seg.name


@pytest.mark.usefixtures("demo_maps")
def test_every_chain_has_a_target_list_and_the_demo_follows_leads(django_db_blocker):
    """Issue 14: target lists for every chain's gap leaves with reasons; a lead signed into a project; the
    promise check has a producing project to show."""
    from django.contrib.auth import get_user_model

    from chainleader.investment.models import Lead, Target
    from chainleader.investment.selectors import promise_rows

    with django_db_blocker.unblock():
        chains_with_targets = set(Target.objects.values_list("chain_id", flat=True))
        gap_chains = {
            m.chain_id
            for m in ChainMap.objects.all()
            if any(s.get("status") in ("missing", "choke", "weak") for s in m.segments)
        }
        assert gap_chains and gap_chains <= chains_with_targets
        assert not Target.objects.filter(reason="").exists()
        assert not Target.objects.filter(company__name__startswith="ST").exists()
        assert not Target.objects.filter(company__fullname__contains="青岛").exists()
        signed = Lead.objects.get(is_synthetic=True, stage="signed")
        assert signed.project.lead == signed and signed.project.kind == "attracted"
        rows = promise_rows(get_user_model().objects.get(username="office"))
        assert [r["lead"] for r in rows] == [signed]
