"""Chain maps end to end on a small graph: derivation with local presence, team edits that survive a
re-derivation, the pages (map, panel, gaps, comparison), recompute and import as jobs, and the map API's scope."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from chainleader.chainmap.importer import graph_import
from chainleader.chainmap.linking import link_companies, link_products
from chainleader.chainmap.models import ChainMap, GraphImport, MapConfig, MapOverride
from chainleader.chainmap.services import map_derive, map_override_add
from chainleader.core.models import AuditEvent, Job
from tests.factories import ChainFactory, EnterpriseFactory, region

from .graphs import SMALL_GRAPH, write_graph

# The small graph plus a national maker of 压缩机 (an upstream input of 空调) that is not local.
EXTRA = {
    "company_product": [["300001.SZ", "特锐德", "压缩机", "0.2"]],
}


def graph_with(tmp_path, extra_products=()):
    changes = {
        "company_product.csv": [*SMALL_GRAPH["company_product.csv"], *EXTRA["company_product"]]
    }
    if extra_products:
        changes["products.csv"] = [*SMALL_GRAPH["products.csv"], *[[p] for p in extra_products]]
    return write_graph(tmp_path / "chainkg", changes)


@pytest.fixture
def mapped(db, tmp_path):
    graph_import(path=graph_with(tmp_path))
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    MapConfig.objects.create(
        chain=chain, version=1, anchors=["空调", "冰箱"], params={"depth_up": 1, "depth_down": 1}
    )
    haier = EnterpriseFactory(
        name="海尔智家股份有限公司", ticker="600690.SH", region=region("370212")
    )
    chain.masters.add(haier)
    link_companies()
    link_products()
    map_derive(chains=[chain])
    return chain, haier


def segment(chain, key):
    return next(s for s in ChainMap.objects.get(chain=chain).segments if s["id"] == key)


def test_the_derived_map_judges_each_segment_with_a_reason(mapped):
    chain, haier = mapped
    snapshot = ChainMap.objects.get(chain=chain)
    keys = {s["id"] for s in snapshot.segments}
    assert {"mid:空调", "mid:冰箱"} <= keys
    aircon = segment(chain, "mid:空调")
    # Haier (local, linked by ticker, a chain master) makes air conditioners: a strong midstream segment.
    assert aircon["status"] == "优势" and aircon["chain_master_present"]
    assert aircon["local_firms"] == [{"id": haier.pk, "name": haier.name}]
    assert aircon["action"] == "强链" and aircon["reason"]
    up = [s for s in snapshot.segments if s["position"] == "up"]
    assert up, "压缩机 has a national maker, so an upstream segment exists"
    compressor = next(s for s in up if "压缩机" in s["products"])
    # One national maker (特锐德), none local: a choke point under the default rule, with its reason.
    assert compressor["status"] == "卡脖子"
    assert compressor["local_firm_count"] == 0 and compressor["national_firm_count"] == 1
    assert "1" in compressor["reason"] and compressor["action"] == "补链"
    assert compressor["candidates"][0]["ticker"] == "300001.SZ"
    assert 0 < snapshot.completeness < 1
    assert AuditEvent.objects.filter(event_type="map_derive").count() == 1


def test_team_edits_survive_a_re_derivation_on_new_graph_data(mapped, tmp_path, office_user):
    chain, _haier = mapped
    up_key = next(
        s["id"] for s in ChainMap.objects.get(chain=chain).segments if s["position"] == "up"
    )
    map_override_add(
        chain=chain,
        actor=office_user,
        kind="rename",
        segment_key=up_key,
        value={"name": "核心零部件"},
    )
    map_override_add(chain=chain, actor=office_user, kind="hide", segment_key="mid:冰箱", value={})
    map_derive(chains=[chain])
    assert segment(chain, up_key)["name"] == "核心零部件"
    assert "mid:冰箱" not in {s["id"] for s in ChainMap.objects.get(chain=chain).segments}
    # New graph data (another product) and a second derivation: the edits are replayed.
    graph_import(path=graph_with(tmp_path / "v2", extra_products=["智能空调"]))
    map_derive(chains=[chain])
    assert segment(chain, up_key)["name"] == "核心零部件"
    assert MapOverride.objects.filter(chain=chain, active=True).count() == 2


def test_a_malformed_edit_is_refused(mapped, office_user):
    from chainleader.core.exceptions import ServiceError

    chain, _ = mapped
    with pytest.raises(ServiceError):
        map_override_add(
            chain=chain, actor=office_user, kind="rename", segment_key="mid:空调", value={}
        )
    with pytest.raises(ServiceError):
        map_override_add(
            chain=chain, actor=office_user, kind="explode", segment_key="mid:空调", value={}
        )
    assert not MapOverride.objects.exists()


def test_map_page_panel_gaps_and_comparison(client, mapped, office_user):
    chain, haier = mapped
    client.force_login(office_user)
    body = client.get(reverse("chainmap:chain_map", args=[chain.pk])).content.decode()
    assert "map-option" in body and "空调" in body
    panel = client.get(
        reverse("chainmap:segment_panel", args=[chain.pk]), {"key": "mid:空调"}
    ).content.decode()
    assert haier.name in panel and "优势" in panel
    assert (
        client.get(reverse("chainmap:segment_panel", args=[chain.pk]), {"key": "nope"}).status_code
        == 404
    )
    gaps = client.get(reverse("chainmap:gap_list", args=[chain.pk]))
    assert "卡脖子" in gaps.content.decode()
    export = client.get(reverse("chainmap:gap_list", args=[chain.pk]), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(row=2, column=3).value == "卡脖子"
    compare = client.get(reverse("chainmap:compare")).content.decode()
    assert "智能家电" in compare


def test_recompute_runs_as_a_job_with_progress(client, mapped, office_user):
    chain, _ = mapped
    client.force_login(office_user)
    resp = client.post(reverse("chainmap:derive", args=[chain.pk]))
    assert resp.status_code == 302
    job = Job.objects.get(kind="map_derive")
    assert job.status == Job.Status.DONE and job.progress == 100
    assert client.get(reverse("core:job_progress", args=[job.pk])).status_code == 200


def test_graph_import_from_the_admin_page_runs_in_the_background(
    client, db, tmp_path, office_user, department_user
):
    folder = graph_with(tmp_path)
    client.force_login(department_user)
    assert client.post(reverse("chainmap:graph_import"), {"path": str(folder)}).status_code == 403
    client.force_login(office_user)
    assert client.post(reverse("chainmap:graph_import"), {"path": str(folder)}).status_code == 302
    assert GraphImport.objects.filter(status=GraphImport.Status.DONE).count() == 1
    assert Job.objects.get(kind="graph_import").status == Job.Status.DONE


def test_a_bad_graph_folder_fails_the_job_and_writes_nothing(client, db, tmp_path, office_user):
    folder = write_graph(
        tmp_path / "bad", {"company_product.csv": [["600690.SH", "海尔智家", "空调", "lots"]]}
    )
    client.force_login(office_user)
    client.post(reverse("chainmap:graph_import"), {"path": str(folder)})
    job = Job.objects.get(kind="graph_import")
    assert job.status == Job.Status.FAILED and "company_product.csv" in job.message
    assert not GraphImport.objects.filter(status=GraphImport.Status.DONE).exists()


def test_map_api_returns_the_tree_and_respects_scope(
    client, mapped, office_user, district_b_user, firm_user
):
    chain, _haier = mapped
    client.force_login(office_user)
    body = client.get(f"/api/chains/{chain.pk}/map/").json()
    seg = next(s for s in body["segments"] if s["id"] == "mid:空调")
    for field in (
        "id",
        "name",
        "parent",
        "position",
        "status",
        "reason",
        "local_firm_count",
        "national_firm_count",
        "chain_master_present",
    ):
        assert field in seg
    # A district-level chain of another district is out of scope: 404, as on the page.
    other = ChainFactory(name="崂山链", level="district", region=region("370213"))
    assert client.get(f"/api/chains/{other.pk}/map/").status_code == 404  # not derived yet
    client.force_login(firm_user)
    assert client.get(f"/api/chains/{chain.pk}/map/").status_code == 404
    assert client.get(reverse("chainmap:chain_map", args=[chain.pk])).status_code == 404


def test_local_firms_outside_the_users_scope_are_not_named(client, mapped, district_a_user):
    chain, haier = mapped  # Haier sits in 370212, outside district A
    client.force_login(district_a_user)
    body = client.get(f"/api/chains/{chain.pk}/map/").json()
    seg = next(s for s in body["segments"] if s["id"] == "mid:空调")
    assert seg["local_firm_count"] == 1 and seg["local_firms"] == []
    panel = client.get(
        reverse("chainmap:segment_panel", args=[chain.pk]), {"key": "mid:空调"}
    ).content.decode()
    assert haier.name not in panel


def test_a_similar_name_match_is_reviewed_on_its_own_screen(
    client, db, tmp_path, office_user, department_user
):
    from chainleader.chainmap.models import CompanyLink

    graph_import(path=graph_with(tmp_path))
    firm = EnterpriseFactory(name="海信家电集团有限公司", region=region("370212"))
    link_companies()
    link = CompanyLink.objects.get(enterprise=firm)
    assert link.status == CompanyLink.Status.PENDING and link.method == CompanyLink.Method.FUZZY
    client.force_login(department_user)
    assert (
        client.post(
            reverse("chainmap:link_review"), {"link": link.pk, "decision": "confirm"}
        ).status_code
        == 403
    )
    client.force_login(office_user)
    assert firm.name in client.get(reverse("chainmap:link_review")).content.decode()
    client.post(reverse("chainmap:link_review"), {"link": link.pk, "decision": "confirm"})
    link.refresh_from_db()
    assert link.status == CompanyLink.Status.CONFIRMED and link.decided_by == office_user
    assert firm.products.filter(product__name="空调").exists()
    assert AuditEvent.objects.filter(event_type="company_link_confirm").count() == 1
    resp = client.post(
        reverse("chainmap:link_review"), {"link": link.pk, "decision": "reject"}, follow=True
    )
    assert resp.status_code == 200  # refused with a message: a decided match stays decided
    link.refresh_from_db()
    assert link.status == CompanyLink.Status.CONFIRMED


def test_an_enterprise_import_links_new_firms_and_derives_the_maps_again(
    mapped, django_capture_on_commit_callbacks, office_user
):
    from chainleader.chainmap.models import CompanyLink
    from chainleader.core.excel import ParsedRow
    from chainleader.enterprises.models import Enterprise
    from chainleader.enterprises.services import enterprise_import
    from tests.factories import make_uscc

    chain, _haier = mapped
    before = ChainMap.objects.get(chain=chain).derived_at
    row = ParsedRow(
        row=2,
        values={
            "uscc": make_uscc(4242),
            "name": "海信家电集团股份有限公司",
            "region": "370212",
            "industry": None,
            "park": None,
            "former_names": "",
            "above_size": True,
            "registered_capital_wan": None,
            "founded_on": None,
            "ticker": "000921.SZ",
            "address": "",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_import(actor=office_user, rows=[row], filename="t.xlsx")
    firm = Enterprise.objects.get(name="海信家电集团股份有限公司")
    assert CompanyLink.objects.get(enterprise=firm).status == CompanyLink.Status.CONFIRMED
    aircon = segment(chain, "mid:空调")
    assert {f["name"] for f in aircon["local_firms"]} >= {"海信家电集团股份有限公司"}
    assert ChainMap.objects.get(chain=chain).derived_at > before
