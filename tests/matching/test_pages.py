"""Matching pages (卡位入链): lists, details with every score component, publish forms, Excel export and import,
the office's run button, a match followed to a deal through the pages, the per-chain summary; a firm account
sees and answers only its own."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.matching import importers, services
from chainleader.matching.models import Match, Need, Offer

from ..factories import ChainFactory, EnterpriseFactory, region
from ..imports import import_file


@pytest.fixture
def chain(db):
    return ChainFactory(name="智能家电", level="city", region=region("3702"))


@pytest.fixture
def master(db):
    return EnterpriseFactory(name="链主集团有限公司", region=region("370211"))


@pytest.fixture
def market(office_user, firm, chain, master):
    """Two needs of the chain master; the firm's own offer and a stranger's; matched."""
    need = services.need_publish(
        actor=office_user,
        data={"enterprise": master, "product": "铜管", "chain": chain, "volume": "50吨/月"},
    )
    services.need_publish(
        actor=office_user, data={"enterprise": master, "product": "铜棒", "chain": chain}
    )
    own = services.offer_publish(actor=office_user, data={"enterprise": firm, "product": "紫铜管"})
    stranger = services.offer_publish(
        actor=office_user,
        data={"enterprise": EnterpriseFactory(name="外企铜材有限公司"), "product": "铜棒材"},
    )
    services.match_run(actor=office_user)
    return {"need": need, "own": own, "stranger": stranger}


def test_every_page_answers_200_for_the_office(client, office_user, market):
    client.force_login(office_user)
    match = Match.objects.filter(need=market["need"]).first()
    urls = [
        reverse("matching:need_list"),
        reverse("matching:offer_list"),
        reverse("matching:match_list"),
        reverse("matching:summary"),
        reverse("matching:need_add"),
        reverse("matching:offer_add"),
        reverse("matching:need_import"),
        reverse("matching:offer_import"),
        market["need"].get_absolute_url(),
        market["own"].get_absolute_url(),
        match.get_absolute_url(),
        reverse("matching:need_edit", args=[market["need"].pk]),
        reverse("matching:need_history", args=[market["need"].pk]),
        reverse("matching:match_contacted", args=[match.pk]),
        reverse("matching:match_closed", args=[match.pk]),
    ]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, url
    assert (
        client.get(reverse("matching:need_list"), {"q": "铜", "sort": "product"}).status_code == 200
    )


def test_a_need_page_shows_its_ranked_offers_with_every_component(client, office_user, market):
    client.force_login(office_user)
    resp = client.get(market["need"].get_absolute_url())
    rows = resp.context["rows"]
    assert rows and rows[0]["other"] == market["own"]
    assert [c["name"] for c in rows[0]["components"]] == [
        "text",
        "leaf",
        "industry",
        "distance",
        "tier",
    ]
    total = sum(c["points"] for c in rows[0]["components"])
    assert total == pytest.approx(rows[0]["match"].score, abs=1e-3)
    assert "紫铜管" in resp.content.decode()


def test_a_firm_sees_and_answers_only_its_own(client, firm_user, market):
    client.force_login(firm_user)
    offers = client.get(reverse("matching:offer_list")).context["page_obj"].object_list
    assert list(offers) == [market["own"]]
    assert not client.get(reverse("matching:need_list")).context["page_obj"].object_list
    matches = client.get(reverse("matching:match_list")).context["page_obj"].object_list
    assert {m.offer_id for m in matches} == {market["own"].pk}
    assert client.get(market["stranger"].get_absolute_url()).status_code == 404
    assert client.get(market["need"].get_absolute_url()).status_code == 404
    foreign = Match.objects.get(offer=market["stranger"], need__product="铜棒")
    assert client.get(foreign.get_absolute_url()).status_code == 404
    url = reverse("matching:match_contacted", args=[foreign.pk])
    assert client.post(url, {"version": foreign.version}).status_code == 404
    assert Match.objects.get(pk=foreign.pk).status == Match.Status.PUSHED
    # its own match it opens (the buyer's need is not its to open: no link to it) and answers
    own = matches[0]
    page = client.get(own.get_absolute_url())
    assert page.status_code == 200
    assert (page.context["need_visible"], page.context["offer_visible"]) == (False, True)
    assert own.need.get_absolute_url() not in page.content.decode()
    resp = client.post(reverse("matching:match_contacted", args=[own.pk]), {"version": own.version})
    assert resp.status_code == 302
    assert Match.objects.get(pk=own.pk).status == Match.Status.CONTACTED
    # a firm account imports its own listings (tests/matching/test_firm_import.py); it may not run the matching
    assert client.get(reverse("matching:offer_import")).status_code == 200
    assert client.post(reverse("matching:match_run")).status_code == 403


def test_a_firm_publishes_an_offer_for_itself(client, firm, firm_user):
    client.force_login(firm_user)
    form = client.get(reverse("matching:offer_add")).context["form"]
    assert "enterprise" not in form.fields
    resp = client.post(reverse("matching:offer_add"), {"product": "铝型材", "spec": "6063"})
    assert resp.status_code == 302
    offer = Offer.objects.get()
    assert (offer.enterprise, offer.product) == (firm, "铝型材")
    assert resp.url == offer.get_absolute_url()


def test_the_office_publishes_a_need_on_behalf_of_a_chain_master(
    client, office_user, chain, master
):
    client.force_login(office_user)
    resp = client.post(
        reverse("matching:need_add"),
        {"enterprise": master.uscc, "product": "压缩机", "chain": chain.pk, "volume": "1万台"},
    )
    assert resp.status_code == 302, resp.context["form"].errors
    need = Need.objects.get()
    assert (need.enterprise, need.chain, need.volume) == (master, chain, "1万台")
    bad = client.post(reverse("matching:need_add"), {"enterprise": "没有这家公司", "product": "x"})
    assert bad.status_code == 200 and "enterprise" in bad.context["form"].errors


def test_export_opens_in_excel_with_the_import_headers(client, office_user, market):
    client.force_login(office_user)
    resp = client.get(reverse("matching:need_list"), {"export": "xlsx"})
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in importers.NEED_COLUMNS]
    data = {r[3]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(data) == {"铜管", "铜棒"}
    assert data["铜管"]["需求编号"] == market["need"].pk
    assert data["铜管"]["产业链"] == "智能家电"
    assert data["铜管"]["需求量"] == "50吨/月"
    assert data["铜管"]["开放"] == "是"
    matches = client.get(reverse("matching:match_list"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(matches.content)).worksheets[0]
    assert sheet.max_row == 1 + Match.objects.count()


def _workbook(columns, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_import_with_a_bad_row_writes_nothing(client, office_user, chain, master):
    client.force_login(office_user)
    content = _workbook(
        importers.OFFER_COLUMNS,
        [
            ["", master.uscc, "", "紫铜管", "", "智能家电", "", "80吨/月", "", "是"],
            ["", "", "没有这家公司", "铝板", "", "", "", "", "", ""],
            ["", master.uscc, "", "铜棒", "", "不存在的链", "", "", "", ""],
        ],
    )
    resp = import_file(
        client, reverse("matching:offer_import"), SimpleUploadedFile("供给.xlsx", content)
    )
    assert resp.status_code == 200
    errors = resp.context["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "企业名称"), (4, "产业链")}
    assert not Offer.objects.exists()
    good = _workbook(
        importers.OFFER_COLUMNS,
        [["", master.uscc, "", "紫铜管", "", "智能家电", "", "80吨/月", "", "是"]],
    )
    resp = import_file(
        client, reverse("matching:offer_import"), SimpleUploadedFile("供给.xlsx", good)
    )
    assert resp.status_code == 302
    offer = Offer.objects.get()
    assert (offer.enterprise, offer.chain, offer.capacity) == (master, chain, "80吨/月")


def test_the_import_template_downloads(client, office_user):
    client.force_login(office_user)
    resp = client.get(reverse("matching:need_import"), {"template": "1"})
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).worksheets[0]
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert {"需求编号", "企业名称", "产品", "需求时间"} <= cells


def test_a_match_is_followed_to_a_deal_through_the_pages(client, office_user, chain, market):
    client.force_login(office_user)
    match = Match.objects.filter(need=market["need"]).order_by("rank").first()
    for step in ("contacted", "quoted"):
        match.refresh_from_db()
        resp = client.post(
            reverse(f"matching:match_{step}", args=[match.pk]), {"version": match.version}
        )
        assert resp.status_code == 302
    match.refresh_from_db()
    url = reverse("matching:match_dealt", args=[match.pk])
    missing = client.post(url, {"version": match.version})
    assert missing.status_code == 200 and missing.context["form"].errors
    stale = client.post(url, {"version": match.version + 3, "deal_amount_wan": "10"})
    assert stale.status_code == 200 and stale.context["form"].errors
    resp = client.post(url, {"version": match.version, "deal_amount_wan": "120.5"})
    assert resp.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.deal_amount_wan) == (Match.Status.DEALT, Decimal("120.5"))
    page = client.get(match.get_absolute_url())
    assert page.context["steps"] == []
    summary = client.get(reverse("matching:summary"))
    row = next(r for r in summary.context["rows"] if r["chain_id"] == chain.pk)
    assert (row["needs"], row["matched"], row["deals"], row["amount_wan"]) == (
        2,
        2,
        1,
        Decimal("120.5"),
    )
    assert "120.50" in summary.content.decode()


def test_closing_needs_a_reason(client, office_user, market):
    client.force_login(office_user)
    match = Match.objects.first()
    url = reverse("matching:match_closed", args=[match.pk])
    assert client.post(url, {"version": match.version, "reason": ""}).status_code == 200
    resp = client.post(url, {"version": match.version, "reason": "价格不合适"})
    assert resp.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.close_reason) == (Match.Status.CLOSED, "价格不合适")


def test_the_office_runs_the_matching_from_the_page(
    client, office_user, chain, master, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    services.need_publish(
        actor=office_user, data={"enterprise": master, "product": "铜管", "chain": chain}
    )
    services.offer_publish(
        actor=office_user, data={"enterprise": EnterpriseFactory(), "product": "紫铜管"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("matching:match_run"), follow=True)
    assert resp.status_code == 200
    assert Match.objects.count() == 1
    # a background job (tests/matching/test_match_job.py): its progress bar shows the result
    job = resp.context["job_id"]
    progress = client.get(reverse("core:job_progress", args=[job]))
    assert "1" in progress.context["job"].message


def test_the_nav_links_to_matching_for_a_firm_too(client, firm_user):
    client.force_login(firm_user)
    assert (
        reverse("matching:need_list") in client.get(reverse("matching:offer_list")).content.decode()
    )
