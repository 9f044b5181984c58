"""A list page read at 1280 px as an office clerk would: short values (stage, code, dates) never break over
two lines, however long the names beside them (issue 11, item 5)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from chainleader.accounts.models import Role
from tests.factories import ChainFactory, UserFactory, region
from tests.projects.factories import ProjectFactory


@pytest.fixture
def projects(transactional_db):
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    for i, stage in enumerate(("building", "producing", "counted", "signed")):
        ProjectFactory(
            chain=chain,
            name="智能家电互联工厂数字化改造暨年产三百万台高端冰箱生产线扩建项目" + "二期" * i,
            stage=stage,
            total_investment_yi=Decimal("25.5"),
        )
    UserFactory(username="office", role=Role.OFFICE)


def test_no_cell_of_the_stage_column_wraps_at_1280_px(page: Page, live_server, projects):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill("office")
    page.get_by_label(re.compile("密码|Password")).fill("Test-Passw0rd!")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    page.goto(f"{live_server.url}/projects/")
    headers = [h.strip() for h in page.locator("table thead th").all_inner_texts()]
    stage = next(i for i, h in enumerate(headers) if h.startswith(("阶段", "stage", "Stage")))
    code = next(i for i, h in enumerate(headers) if "编号" in h or "code" in h.lower())
    for column in (stage, code):
        lines = page.evaluate(
            """(col) => Array.from(document.querySelectorAll('table tbody tr')).map((tr) => {
                 const td = tr.children[col];
                 const range = document.createRange();
                 range.selectNodeContents(td);
                 const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
                 return tops.size;
               })""",
            column,
        )
        assert lines and all(n == 1 for n in lines), (headers[column], lines)


def test_the_chain_dashboards_lagging_table_keeps_stage_and_district_on_one_line(
    page: Page, live_server, projects
):
    from chainleader.chains.models import Chain
    from chainleader.projects.models import Project

    Project.objects.update(
        is_lagging=True,
        lagging_reason="计划于 2026-05-01 前达到“开工”，至今未达到。完成投资 1.00 亿元，比计划投资 2.00 亿元低 50.0%；"
        "低于计划超过 20% 即视为滞后。",
    )
    chain = Chain.objects.get(name="智能家电")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill("office")
    page.get_by_label(re.compile("密码|Password")).fill("Test-Passw0rd!")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    page.goto(f"{live_server.url}/projects/chains/{chain.pk}/")
    lines = page.evaluate(
        """() => Array.from(document.querySelectorAll('td.text-nowrap')).map((td) => {
             const range = document.createRange();
             range.selectNodeContents(td);
             return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
           })"""
    )
    assert len(lines) >= 8 and all(n == 1 for n in lines), lines
