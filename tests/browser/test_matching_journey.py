"""In a real browser: the office publishes a chain master's need, runs the matching from the need's page, sees
the local firm's offer ranked with its score components, follows the match to a deal, and the per-chain summary
counts it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chainleader.accounts.models import Role
from chainleader.matching import services
from tests.factories import ChainFactory, EnterpriseFactory, UserFactory, region

from .test_project_journey import log_in


@pytest.fixture
def world(transactional_db):
    office = UserFactory(username="office", role=Role.OFFICE)
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    master = EnterpriseFactory(name="链主集团有限公司", region=region("370211"))
    maker = EnterpriseFactory(name="本地铜材有限公司", region=region("370212"))
    services.offer_publish(
        actor=office, data={"enterprise": maker, "product": "紫铜管", "capacity": "80吨/月"}
    )
    return {"chain": chain, "master": master}


def test_a_need_is_matched_and_followed_to_a_deal(page: Page, live_server, world):
    base = live_server.url
    log_in(page, base, "office")
    page.goto(f"{base}/matching/")
    page.get_by_role("link", name=re.compile("^(新增|添加|Add)$")).click()
    page.get_by_label(re.compile("链主企业|chain-master firm", re.I)).fill(world["master"].uscc)
    page.get_by_label(re.compile("^(产品|product)$", re.I)).fill("铜管")
    page.get_by_label(re.compile("^(产业链|chain)$", re.I)).select_option(
        value=str(world["chain"].pk)
    )
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    page.get_by_test_id("run-matching").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("1")
    row = page.get_by_test_id("matches").locator("tbody tr", has_text="本地铜材")
    expect(row).to_contain_text("紫铜管")
    expect(row).to_contain_text("×")  # each component with its weight
    row.get_by_role("link", name=re.compile("已联系|Contacted")).click()
    page.get_by_role("button", name=re.compile("已联系|contacted", re.I)).click()
    # the match's page: its components and its next steps
    expect(page.get_by_test_id("status")).to_have_text(re.compile("已联系|contacted", re.I))
    expect(page.get_by_test_id("components")).to_contain_text(re.compile("行业代码|industry code"))
    page.get_by_role("link", name=re.compile("已报价|Quoted")).click()
    page.get_by_role("button", name=re.compile("已报价|quoted", re.I)).click()
    page.get_by_role("link", name=re.compile("已成交|Deal made")).click()
    page.get_by_label(re.compile("成交金额|deal amount", re.I)).fill("120")
    page.get_by_role("button", name=re.compile("成交|deal", re.I)).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("已成交|deal made", re.I))
    expect(page.get_by_test_id("deal-amount")).to_contain_text("120")
    page.get_by_role("link", name=re.compile("分链汇总|Per-chain summary")).first.click()
    summary = page.get_by_test_id("summary").locator("tbody tr", has_text="智能家电")
    expect(summary).to_contain_text(re.compile("已对接需求 1 项|1 needs matched"))
    expect(summary).to_contain_text("120.00")
