"""Chain maps end to end on a small graph and a small curated tree: firms placed on leaves with evidence, the
graph filling the leaves, statuses with reasons, a retailer never a producer, review decisions and team statuses
that survive a re-derivation, one tree for the chain page and the map, the pages, jobs and the API's scope."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from chainleader.chainmap.importer import graph_import
from chainleader.chainmap.linking import link_companies, link_products
from chainleader.chainmap.models import ChainMap, GraphImport
from chainleader.chainmap.services import map_derive
from chainleader.chains.models import Placement, Segment
from chainleader.chains.trees_service import tree_load
from chainleader.core.models import AuditEvent, Job
from chainleader.engines.chain_map.tree import parse_tree
from chainleader.enterprises.models import EnterpriseProduct, Product
from chainleader.reference.models import Industry
from tests.factories import ChainFactory, EnterpriseFactory, region

from .graphs import SMALL_GRAPH, write_graph

# The small graph plus a national maker of 压缩机 that is not local, and a national retailer of 空调.
CHANGES = {
    "company_product.csv": [
        *SMALL_GRAPH["company_product.csv"],
        ["300001.SZ", "特锐德", "压缩机", "0.2"],
        ["002024.SZ", "苏宁易购", "空调", "0.3"],
        ["002024.SZ", "苏宁易购", "家电零售", "0.6"],
    ],
    "companies.csv": [
        *SMALL_GRAPH["companies.csv"],
        [
            "002024.SZ",
            "苏宁易购",
            "苏宁易购集团股份有限公司",
            "深圳证券交易所",
            "2004-07-21",
            "1",
            "",
        ],
    ],
    "industries.csv": [
        *SMALL_GRAPH["industries.csv"],
        ["450000", "商贸零售", "1", ""],
        ["450300", "专业连锁", "2", "450000"],
        ["450301", "家电零售", "3", "450300"],
    ],
    "company_industry.csv": [
        *SMALL_GRAPH["company_industry.csv"],
        ["002024.SZ", "苏宁易购", "450301", "家电零售"],
    ],
    "products.csv": [*SMALL_GRAPH["products.csv"], ["家电零售"]],
}


def leaf(key, name, kind, products=(), codes=(), **extra):
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "products": list(products),
        "codes": list(codes),
        **extra,
    }


TREE = {
    "chain": "智能家电",
    "level": "city",
    "version": 1,
    "sources": ["测试用产业链全景图"],
    "tree": {
        "up": [
            {
                "key": "parts",
                "name": "核心零部件",
                "children": [
                    leaf(
                        "compressor",
                        "压缩机",
                        "part",
                        ["压缩机"],
                        ["3442"],
                        keywords=["压缩机"],
                        strategic={"item": "压缩机", "source": "测试清单第1项"},
                    ),
                    leaf("copper", "铜管", "material", ["铜管"], ["3251"]),
                    leaf("rubber", "橡胶", "material", ["合成橡胶", "天然橡胶"]),
                ],
            }
        ],
        "mid": [
            leaf("aircon", "空调", "product", ["空调"], ["3852"]),
            leaf("fridge", "冰箱", "product", ["冰箱"], ["3851"]),
            leaf("washer", "洗衣机", "product", ["洗衣机"], ["3855"]),
        ],
        "down": [
            leaf("retail", "家电零售", "channel", ["家电零售"], ["5272"]),
            leaf("repair", "安装维修", "service", ["维修服务"], ["8132"]),
            leaf("smart-home", "智能家居", "software", ["智能家居"]),
        ],
    },
}


@pytest.fixture
def mapped(db, tmp_path):
    graph_import(path=write_graph(tmp_path / "chainkg", CHANGES))
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    tree_load(chain=chain, tree=parse_tree(TREE))
    haier = EnterpriseFactory(
        name="海尔智家股份有限公司", ticker="600690.SH", region=region("370212")
    )
    chain.masters.add(haier)
    shop = EnterpriseFactory(
        name="青岛某电器商城有限公司",
        region=region("370211"),
        industry=Industry.objects.get(code="5272"),
    )
    EnterpriseProduct.objects.create(enterprise=shop, product=Product.objects.get(name="空调"))
    unsure = EnterpriseFactory(
        name="青岛海岸压缩机科技有限公司", region=region("370211"), industry=None
    )
    link_companies()
    link_products()
    map_derive(chains=[chain])
    return chain, haier, shop, unsure


def row(chain, name):
    seg = Segment.objects.get(chain=chain, name=name)
    return next(s for s in ChainMap.objects.get(chain=chain).segments if s["id"] == seg.pk)


def test_firms_are_placed_on_the_leaves_with_evidence_and_each_leaf_is_judged(mapped):
    chain, haier, _shop, _unsure = mapped
    aircon = row(chain, "空调")
    assert (
        aircon["status"] == "strong"
        and aircon["chain_master_present"]
        and aircon["action"] == "强链"
    )
    (firm,) = [f for f in aircon["local_firms"] if f["id"] == haier.pk]
    assert firm["role"] == "master" and firm["review"] == "auto"
    assert {
        "kind": "product",
        "product": "空调",
        "term": "空调",
        "match": "exact",
        "weight": 0.4,
    } in firm["evidence"]
    compressor = row(chain, "压缩机")
    # Strategic (a named list), no local producer, one national producer: a choke point, with its source.
    assert compressor["status"] == "choke" and compressor["strategic"]
    assert "测试清单第1项" in compressor["reason"] and "1 家" in compressor["reason"]
    assert compressor["candidates"][0]["ticker"] == "300001.SZ"
    assert "压缩机" in compressor["candidates"][0]["why"]
    # Not strategic, no local firm: missing, never a choke point on counts alone.
    rubber = row(chain, "橡胶")
    assert rubber["status"] == "missing" and rubber["action"] == "延链"
    parent = row(chain, "核心零部件")
    assert (
        not parent["is_leaf"] and parent["status"] == "choke" and "3 个细分环节" in parent["reason"]
    )
    links = ChainMap.objects.get(chain=chain).edges
    ids = {s.name: s.pk for s in Segment.objects.filter(chain=chain)}
    assert {"source": ids["压缩机"], "target": ids["空调"]} in [
        {"source": e["source"], "target": e["target"]} for e in links
    ]
    assert AuditEvent.objects.filter(event_type="map_derive").count() == 1


def test_a_retailer_is_never_a_producer(mapped):
    chain, _haier, shop, _unsure = mapped
    places = set(Placement.objects.filter(enterprise=shop).values_list("segment__name", flat=True))
    assert places == {"家电零售"}
    aircon = row(chain, "空调")
    assert aircon["refused_count"] == 1 and aircon["refused_examples"] == ["苏宁易购"]
    assert "苏宁易购" not in {p["name"] for p in aircon["candidates"]}
    assert "苏宁易购" in {p["name"] for p in row(chain, "家电零售")["candidates"]}


def test_review_decisions_survive_a_re_derivation(
    client, mapped, office_user, department_user, django_capture_on_commit_callbacks
):
    chain, haier, _shop, unsure = mapped
    pending = Placement.objects.get(enterprise=unsure, segment__name="压缩机")
    assert pending.review == "pending" and pending.method == "text"
    assert (
        row(chain, "压缩机")["pending_count"] == 1 and row(chain, "压缩机")["local_firm_count"] == 0
    )
    review_page = client
    review_page.force_login(office_user)
    assert unsure.name in review_page.get(reverse("chainmap:link_review")).content.decode()
    client.force_login(department_user)
    url = reverse("chainmap:placement_review", args=[pending.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 403
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "confirm"})
    pending.refresh_from_db()
    assert pending.review == "confirmed"
    assert row(chain, "压缩机")["local_firm_count"] == 1  # derived again after the decision
    auto = Placement.objects.get(enterprise=haier, segment__name="冰箱")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("chainmap:placement_review", args=[auto.pk]), {"decision": "reject"})
    for _ in range(2):
        map_derive(chains=[chain])
    pending.refresh_from_db()
    auto.refresh_from_db()
    assert pending.review == "confirmed" and auto.review == "rejected"
    assert haier.pk not in {f["id"] for f in row(chain, "冰箱")["local_firms"]}
    assert AuditEvent.objects.filter(event_type="placement_reject").count() == 1


def test_the_chain_page_and_the_map_are_one_tree_and_an_edit_shows_on_both(
    client, mapped, office_user, django_capture_on_commit_callbacks
):
    chain, *_ = mapped
    seg_ids = set(Segment.objects.filter(chain=chain).values_list("pk", flat=True))
    assert {s["id"] for s in ChainMap.objects.get(chain=chain).segments} == seg_ids
    client.force_login(office_user)
    rubber = Segment.objects.get(chain=chain, name="橡胶")
    data = {
        "name": "橡胶材料",
        "parent": rubber.parent_id,
        "position": "up",
        "order": 3,
        "kind": "material",
        "key_products": "合成橡胶",
        "synonyms": "",
        "industry_codes": "2911",
        "keywords": "",
        "excludes": "",
        "key_technologies": "",
        "strategic_source": "",
        "status_override": "weak",
        "override_reason": "本地有两家在建项目",
        "version": rubber.version,
    }
    url = reverse("chains:segment_edit", args=[chain.pk, rubber.pk])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert (
        "橡胶材料" in client.get(reverse("chains:chain_detail", args=[chain.pk])).content.decode()
    )
    page = client.get(reverse("chainmap:chain_map", args=[chain.pk])).content.decode()
    assert "橡胶材料" in page
    edited = row(chain, "橡胶材料")  # the same id, derived again after the edit
    assert (
        edited["status"] == "weak"
        and edited["overridden"]
        and "本地有两家在建项目" in edited["reason"]
    )
    panel = client.get(reverse("chainmap:segment_panel", args=[rubber.pk])).content.decode()
    assert "本地有两家在建项目" in panel
    data["status_override"], data["override_reason"] = "choke", ""
    resp = client.post(url, {**data, "version": rubber.version + 1})
    assert (
        resp.status_code == 200 and "override_reason" in resp.content.decode()
    )  # a status needs its reason


def test_map_page_panel_gap_list_and_comparison(client, mapped, office_user):
    chain, haier, *_ = mapped
    client.force_login(office_user)
    body = client.get(reverse("chainmap:chain_map", args=[chain.pk])).content.decode()
    for text in ("上游", "中游", "下游", "核心零部件", "测试用产业链全景图", "map-option"):
        assert text in body
    aircon = Segment.objects.get(chain=chain, name="空调")
    panel = client.get(reverse("chainmap:segment_panel", args=[aircon.pk])).content.decode()
    assert haier.name in panel and "空调" in panel and "链主" in panel
    assert client.get(reverse("chainmap:segment_panel", args=[99999])).status_code == 404
    gaps = client.get(reverse("chainmap:gap_list", args=[chain.pk])).content.decode()
    assert gaps.index("压缩机") < gaps.index("洗衣机")  # choke points first
    export = client.get(reverse("chainmap:gap_list", args=[chain.pk]), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(row=2, column=1).value == "压缩机" and ws.cell(row=2, column=3).value == "卡脖子"
    compare = client.get(reverse("chainmap:compare")).content.decode()
    assert "智能家电" in compare


def test_recompute_runs_as_a_job_with_progress(
    client, mapped, office_user, django_capture_on_commit_callbacks
):
    chain, *_ = mapped
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("chainmap:derive", args=[chain.pk]))
    assert resp.status_code == 302
    job = Job.objects.get(kind="map_derive")
    assert job.status == Job.Status.DONE and job.progress == 100
    # The finished bar says what was done, in words, and links to the map (no bare number under it).
    assert job.message == "已推导 1 条产业链的图谱。" and job.result_url == reverse(
        "chainmap:chain_map", args=[chain.pk]
    )
    progress = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "已推导 1 条产业链的图谱。" in progress


def test_graph_import_from_the_admin_page_runs_in_the_background(
    client, db, tmp_path, office_user, department_user, settings
):
    settings.CHAINLEADER_GRAPH_IMPORT_ROOT = tmp_path  # the page reads folders under it only
    folder = write_graph(tmp_path / "chainkg", CHANGES)
    client.force_login(department_user)
    assert client.post(reverse("chainmap:graph_import"), {"path": str(folder)}).status_code == 403
    client.force_login(office_user)
    assert client.post(reverse("chainmap:graph_import"), {"path": str(folder)}).status_code == 302
    assert GraphImport.objects.filter(status=GraphImport.Status.DONE).count() == 1
    assert Job.objects.get(kind="graph_import").status == Job.Status.DONE


def test_a_bad_graph_folder_fails_the_job_and_writes_nothing(
    client, db, tmp_path, office_user, settings
):
    settings.CHAINLEADER_GRAPH_IMPORT_ROOT = tmp_path
    folder = write_graph(
        tmp_path / "bad", {"company_product.csv": [["600690.SH", "海尔智家", "空调", "lots"]]}
    )
    client.force_login(office_user)
    client.post(reverse("chainmap:graph_import"), {"path": str(folder)})
    job = Job.objects.get(kind="graph_import")
    assert job.status == Job.Status.FAILED and "company_product.csv" in job.message
    assert not GraphImport.objects.filter(status=GraphImport.Status.DONE).exists()


def test_map_api_returns_the_tree_and_respects_scope(client, mapped, office_user, firm_user):
    chain, *_ = mapped
    client.force_login(office_user)
    body = client.get(f"/api/chains/{chain.pk}/map/").json()
    aircon = Segment.objects.get(chain=chain, name="空调")
    seg = next(s for s in body["segments"] if s["id"] == aircon.pk)
    for field in (
        "id",
        "code",
        "parent",
        "status",
        "reason",
        "local_firm_count",
        "national_firm_count",
        "chain_master_present",
        "local_firms",
        "candidates",
    ):
        assert field in seg
    assert seg["code"] == "mid.aircon" and seg["local_firms"][0]["evidence"]
    assert body["edges"] and body["tree_version"] == 1
    # The payload is returned as stored: it must have exactly the declared shape (the OpenAPI schema's).
    from chainleader.chainmap.api.serializers import ChainMapSerializer

    declared = ChainMapSerializer(data=body)
    assert declared.is_valid(), declared.errors
    fields = set(ChainMapSerializer().fields["segments"].child.fields)
    assert all(set(s) <= fields for s in body["segments"]), [
        set(s) - fields for s in body["segments"]
    ]
    segments = client.get("/api/segments/", {"chain": chain.pk, "page_size": 100}).json()
    api_ids = {s["id"] for s in segments.get("results", segments)}
    assert {s["id"] for s in body["segments"]} <= api_ids  # the same tree as /api/segments/
    other = ChainFactory(name="崂山链", level="district", region=region("370213"))
    assert client.get(f"/api/chains/{other.pk}/map/").status_code == 404  # not derived yet
    client.force_login(firm_user)
    assert client.get(f"/api/chains/{chain.pk}/map/").status_code == 404
    assert client.get(reverse("chainmap:chain_map", args=[chain.pk])).status_code == 404


def test_local_firms_outside_the_users_scope_are_not_named(client, mapped, district_a_user):
    chain, haier, *_ = mapped  # Haier sits in 370212, outside district A
    client.force_login(district_a_user)
    body = client.get(f"/api/chains/{chain.pk}/map/").json()
    aircon = Segment.objects.get(chain=chain, name="空调")
    seg = next(s for s in body["segments"] if s["id"] == aircon.pk)
    assert seg["local_firm_count"] >= 1 and haier.pk not in {f["id"] for f in seg["local_firms"]}
    assert seg.get("local_revenue_wan") is None and seg.get("output_share") is None  # confidential
    panel = client.get(reverse("chainmap:segment_panel", args=[aircon.pk])).content.decode()
    assert haier.name not in panel


def test_a_similar_name_match_is_reviewed_on_its_own_screen(
    client, db, tmp_path, office_user, department_user
):
    from chainleader.chainmap.models import CompanyLink

    graph_import(path=write_graph(tmp_path / "chainkg", CHANGES))
    firm = EnterpriseFactory(name="海信家电集团有限公司", region=region("370212"))
    link_companies()
    link = CompanyLink.objects.get(enterprise=firm)
    assert link.status == CompanyLink.Status.PENDING and link.method == CompanyLink.Method.FUZZY
    client.force_login(department_user)
    resp = client.post(reverse("chainmap:link_review"), {"link": link.pk, "decision": "confirm"})
    assert resp.status_code == 403
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

    chain, *_ = mapped
    before = ChainMap.objects.get(chain=chain).derived_at
    values = {
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
    }
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_import(
            actor=office_user, rows=[ParsedRow(row=2, values=values)], filename="t.xlsx"
        )
    firm = Enterprise.objects.get(name="海信家电集团股份有限公司")
    assert CompanyLink.objects.get(enterprise=firm).status == CompanyLink.Status.CONFIRMED
    assert firm.pk in {f["id"] for f in row(chain, "空调")["local_firms"]}
    assert ChainMap.objects.get(chain=chain).derived_at > before


def test_the_chain_meeting_brief_lists_the_maps_segments_to_act_on(client, mapped, office_user):
    from tests.projects.test_brief import download, text_of

    chain, *_ = mapped
    client.force_login(office_user)
    text = text_of(download(client, reverse("projects:chain_brief", args=[chain.pk])))
    assert "产业链图谱：需要行动的环节" in text
    assert (
        "压缩机 ⚑ | 卡脖子 | 补链" in text and "特锐德" in text
    )  # the same leaves as the map and gap list
    assert "| 优势 |" not in text  # strong segments are not gaps
