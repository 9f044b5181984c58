"""A whole journey in a real browser: log in, open the chain list, open 智能家电, open one of its firms."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chainleader.accounts.models import Role
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    region,
)

PASSWORD = "Test-Passw0rd!"


@pytest.fixture
def smart_appliances(transactional_db):
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"), leader_post="市领导")
    seg = SegmentFactory(chain=chain, name="整机制造", position="mid")
    firm = EnterpriseFactory(name="海尔智家股份有限公司", region=region("370212"))
    PlacementFactory(segment=seg, enterprise=firm, role="master")
    return chain, firm


def test_office_user_opens_a_chain_and_one_of_its_firms(page: Page, live_server, smart_appliances):
    _chain, firm = smart_appliances
    UserFactory(username="office", role=Role.OFFICE)
    page.goto(f"{live_server.url}/")
    page.get_by_label(re.compile("用户名|Username")).fill("office")
    page.get_by_label(re.compile("密码|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    page.get_by_role("link", name=re.compile("^(产业链|Chains)$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("产业链|chains", re.I))
    page.get_by_role("link", name="智能家电").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("智能家电")
    expect(page.get_by_text("整机制造")).to_be_visible()
    page.get_by_role("link", name="海尔智家股份有限公司").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("海尔智家股份有限公司")
    expect(page.get_by_text(firm.uscc)).to_be_visible()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.reload()
    assert errors == []
