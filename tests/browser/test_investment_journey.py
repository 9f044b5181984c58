"""In a real browser: the office turns a target-list row into a lead, fills in the figures, signs it into a
project, and the project page links back to the lead."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chainleader.accounts.models import Role
from chainleader.investment.services import targets_derive
from tests.chainmap.test_maps import mapped  # noqa: F401 - the small graph, tree and map
from tests.factories import UserFactory, region
from tests.investment.conftest import add_outside_maker

from .test_project_journey import log_in


@pytest.fixture
def world(transactional_db, mapped):  # noqa: F811
    chain = mapped[0]
    add_outside_maker()
    targets_derive()
    UserFactory(username="office", role=Role.OFFICE)
    return chain


def test_a_target_row_becomes_a_lead_then_a_signed_project_that_links_back(
    page: Page, live_server, world
):
    base = live_server.url
    log_in(page, base, "office")
    page.goto(f"{base}/investment/?chain={world.pk}")
    row = page.locator("tr", has_text="海立股份")
    expect(row).to_contain_text("空调")  # the reason: its 压缩机 feeds the chain master's 空调
    row.get_by_role("button", name=re.compile("转为线索|Make a lead")).click()
    expect(page.get_by_test_id("stage")).to_have_text(re.compile("线索|lead"))
    page.get_by_role("link", name=re.compile("^(编辑|Edit)$")).click()
    page.get_by_label(re.compile("预计投资|expected investment", re.I)).fill("12.5")
    page.get_by_label(re.compile("^(区（市）|所在区|District)", re.I)).select_option(
        value=str(region("370211").pk)
    )
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    page.get_by_role("link", name=re.compile("推进线索|Move the lead on")).click()
    page.get_by_label(re.compile("下一阶段|next stage", re.I)).select_option("signed")
    page.get_by_label(re.compile("备注|notes", re.I)).fill("在产业链招商推介会上签约")
    page.get_by_role("button", name=re.compile("推进线索|Move the lead on")).click()
    expect(page.get_by_test_id("stage")).to_have_text(re.compile("签约|signed"))
    page.get_by_test_id("lead-project").click()
    expect(page.get_by_test_id("project-lead")).to_contain_text("海立")
    page.get_by_test_id("project-lead").click()
    expect(page.get_by_test_id("stage")).to_have_text(re.compile("签约|signed"))
