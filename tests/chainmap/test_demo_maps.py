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
def test_smart_appliances_shows_strong_masters_midstream_and_an_upstream_gap(django_db_blocker):
    with django_db_blocker.unblock():
        snapshot = ChainMap.objects.get(chain__name="智能家电", chain__level="city")
    mid = [s for s in snapshot.segments if s["position"] == "mid"]
    masters = [s for s in mid if s["chain_master_present"]]
    assert masters and all(s["status"] == "优势" for s in masters)
    gaps = [
        s for s in snapshot.segments if s["position"] == "up" and s["status"] in ("缺失", "薄弱")
    ]
    assert gaps and all(s["reason"] for s in gaps)
    assert snapshot.dropped.get("industry_filter", 0) > 0
