"""In a real browser: open 智能家电's map (the chain's curated tree), click a leaf, see its firms with the
evidence for placing them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chainleader.accounts.models import Role
from chainleader.chainmap.importer import graph_import
from chainleader.chainmap.linking import link_companies, link_products
from chainleader.chainmap.services import map_derive
from chainleader.chains.trees_service import tree_load
from chainleader.engines.chain_map.tree import parse_tree
from tests.chainmap.graphs import write_graph
from tests.chainmap.test_maps import CHANGES, TREE
from tests.factories import ChainFactory, EnterpriseFactory, UserFactory, region


@pytest.fixture
def derived_map(transactional_db, tmp_path):
    graph_import(path=write_graph(tmp_path / "chainkg", CHANGES))
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    tree_load(chain=chain, tree=parse_tree(TREE))
    haier = EnterpriseFactory(
        name="海尔智家股份有限公司", ticker="600690.SH", region=region("370212")
    )
    chain.masters.add(haier)
    link_companies()
    link_products()
    map_derive(chains=[chain])
    return chain


def test_office_user_clicks_a_segment_and_sees_its_firms(page: Page, live_server, derived_map):
    UserFactory(username="office", role=Role.OFFICE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill("office")
    page.get_by_label(re.compile("密码|Password")).fill("Test-Passw0rd!")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    page.goto(f"{live_server.url}/chains/{derived_map.pk}/")
    page.locator(".page-wrapper").get_by_role(
        "link", name=re.compile("^(产业链图谱|Chain map)$")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("智能家电")
    expect(page.locator("#chain-map canvas")).to_be_visible()
    expect(page.locator(".segment-columns").first).to_contain_text("核心零部件")
    page.locator(".segment-link", has_text="空调").click()
    panel = page.locator("#segment-panel")
    expect(panel).to_contain_text("海尔智家股份有限公司")
    expect(panel).to_contain_text("优势")
    expect(panel.locator(".evidence").first).to_contain_text("产品“空调”＝空调")
    page.locator(".segment-link", has_text="压缩机").first.click()
    expect(panel).to_contain_text("卡脖子")
    expect(panel).to_contain_text("测试清单第1项")
