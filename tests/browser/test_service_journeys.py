"""Browser journeys of the service pages (issue 15) and chain meetings (issue 16 item 6): for each, open the
list, open a record, take its main step, and see the result on the record's page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from chainleader.accounts.models import OrgUnit, Role
from chainleader.commissioners import services as commissioners
from chainleader.commissioners.models import Visit
from chainleader.growth.models import GrowthPlan, Measure
from chainleader.tiers.models import TierCandidate
from chainleader.worklists.models import ChainMeeting, WorkItem
from tests.factories import ChainFactory, EnterpriseFactory, OrgUnitFactory, UserFactory, region

PASSWORD = "Test-Passw0rd!"


@pytest.fixture
def world(transactional_db):
    department = OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    office = UserFactory(username="office", role=Role.OFFICE)
    cadre = UserFactory(
        username="cadre", full_name="王建国", role=Role.DEPARTMENT, org_unit=department
    )
    firm = EnterpriseFactory(name="青岛示例电器有限公司", region=region("370211"))
    return {"office": office, "cadre": cadre, "firm": firm, "department": department}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    expect(page.get_by_role("button", name=re.compile("退出登录|Log out"))).to_be_visible()


def test_the_office_opens_a_firms_commissioner_and_logs_a_visit(page: Page, live_server, world):
    base = live_server.url
    assignment = commissioners.assign(
        actor=world["office"],
        enterprise=world["firm"],
        commissioner=world["cadre"],
        kind="key",
        since=date(2026, 1, 5),
    )
    log_in(page, base, "office")
    page.goto(f"{base}/commissioners/")
    page.get_by_role("link", name="青岛示例电器有限公司").first.click()
    expect(page).to_have_url(re.compile(rf"/commissioners/{assignment.pk}/$"))
    page.get_by_role("link", name=re.compile("Log a visit|记录走访")).click()
    page.locator("[name=notes]").fill("了解二期厂房用地需求")
    page.get_by_role("button", name=re.compile("Log a visit|记录走访")).click()
    expect(page.get_by_test_id("visits")).to_contain_text("了解二期厂房用地需求")
    assert Visit.objects.get().assignment == assignment


def test_the_office_opens_a_tier_candidate_and_moves_it_to_applied(page: Page, live_server, world):
    base = live_server.url
    candidate = TierCandidate.objects.create(
        enterprise=world["firm"], tier="gazelle", level="provincial", year=2026
    )
    log_in(page, base, "office")
    page.goto(f"{base}/tiers/")
    page.get_by_role("link", name="青岛示例电器有限公司").first.click()
    expect(page).to_have_url(re.compile(rf"/tiers/{candidate.pk}/$"))
    page.get_by_role("link", name=re.compile("Next step in the pipeline|推进培育环节")).click()
    page.locator("[name=to_status]").select_option("applied")
    page.get_by_role("button", name=re.compile("Next step in the pipeline|推进培育环节")).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("applied|已申报"))
    candidate.refresh_from_db()
    assert candidate.status == "applied"


def test_the_office_opens_a_growth_plan_and_marks_a_measure_done(page: Page, live_server, world):
    base = live_server.url
    plan = GrowthPlan.objects.create(enterprise=world["firm"], base_year=2023, target_year=2026)
    measure = Measure.objects.create(
        plan=plan, text="协调新厂区用地 120 亩", responsible_unit=world["department"]
    )
    log_in(page, base, "office")
    page.goto(f"{base}/growth/")
    page.get_by_role("link", name="青岛示例电器有限公司").first.click()
    expect(page).to_have_url(re.compile(rf"/growth/{plan.pk}/$"))
    page.get_by_role("button", name=re.compile("Mark done|标记完成")).click()
    expect(page.get_by_test_id("measures")).to_contain_text("✓")
    measure.refresh_from_db()
    assert measure.done


def test_a_chain_meeting_records_a_decision_that_becomes_a_list_item(
    page: Page, live_server, world
):
    base = live_server.url
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    log_in(page, base, "office")
    page.goto(f"{base}/worklists/chains/{chain.pk}/")
    page.get_by_role("link", name=re.compile("New chain meeting|新建链长会议")).click()
    page.locator("[name=title]").fill("智能家电产业链链长制工作会议")
    page.locator("[name=held_on]").fill("2026-11-20")
    page.locator("[name=chair_name]").fill("副市长 张三")
    page.locator("[name=status]").select_option("held")
    page.get_by_role("button", name=re.compile("Save|保存")).click()
    meeting = ChainMeeting.objects.get()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    page.get_by_role("link", name=re.compile("Record a decision|记录议定事项")).click()
    page.locator("[name=text]").fill("协调海尔新工厂用地指标")
    page.locator("[name=owner_unit]").select_option(label="市工业和信息化局")
    page.locator("[name=deadline]").fill("2026-12-31")
    page.get_by_role("button", name=re.compile("Record a decision|记录议定事项")).click()
    expect(page.get_by_test_id("decisions")).to_contain_text("协调海尔新工厂用地指标")
    page.get_by_test_id("decisions").get_by_role("link").first.click()
    expect(page.get_by_test_id("item-meeting")).to_contain_text("智能家电产业链链长制工作会议")
    assert WorkItem.objects.get().meeting_decision.meeting == meeting
