"""A firm request (企业诉求) end to end in a browser: the firm raises it from "my requests", the office routes it to
a department with a deadline, the department answers, the firm confirms and rates the answer, the office closes it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chainleader.accounts.models import OrgUnit, Role
from chainleader.projects.models import Problem
from tests.factories import EnterpriseFactory, OrgUnitFactory, UserFactory, region

PASSWORD = "Test-Passw0rd!"


@pytest.fixture
def world(transactional_db):
    department = OrgUnitFactory(name="市发展和改革委员会", kind=OrgUnit.Kind.DEPARTMENT)
    firm = EnterpriseFactory(name="青岛示例电器有限公司", region=region("370211"))
    unit = OrgUnitFactory(name=firm.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm)
    UserFactory(username="firm", role=Role.ENTERPRISE, org_unit=unit)
    UserFactory(username="office", role=Role.OFFICE)
    UserFactory(username="dept", role=Role.DEPARTMENT, org_unit=department)
    return firm


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    expect(page.get_by_role("button", name=re.compile("退出登录|Log out"))).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("退出登录|Log out")).click()
    expect(page.get_by_label(re.compile("用户名|Username"))).to_be_visible()


def test_firm_raises_office_routes_department_answers_firm_confirms_office_closes(
    page: Page, live_server, world
):
    base = live_server.url

    # The firm raises a request from its "my requests" page.
    log_in(page, base, "firm")
    page.goto(f"{base}/projects/requests/")
    page.get_by_role("link", name=re.compile("Raise a request|提出诉求")).click()
    page.locator("[name=title]").fill("新厂房用地指标")
    page.locator("[name=category]").select_option("land")
    page.locator("[name=description]").fill("二期厂房需要新增工业用地 50 亩")
    page.get_by_role("button", name=re.compile("Send the request|提交诉求")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("新厂房用地指标")
    request = Problem.objects.get()
    assert (request.source, request.enterprise, request.status) == ("firm", world, "raised")
    request_url = f"{base}{request.get_absolute_url()}"
    log_out(page)

    # The office routes it to a department with a deadline.
    log_in(page, base, "office")
    page.goto(f"{base}/projects/requests/")
    page.get_by_role("link", name="新厂房用地指标").click()
    page.get_by_role("link", name=re.compile("Assign to a department|交办部门")).click()
    page.locator("[name=department]").select_option(label="市发展和改革委员会")
    page.locator("[name=deadline]").fill((timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name=re.compile("Assign to a department|交办部门")).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("assigned|已交办"))
    log_out(page)

    # The department answers.
    log_in(page, base, "dept")
    page.goto(request_url)
    page.get_by_role("link", name=re.compile("^(Answer|答复)$")).click()
    page.locator("[name=answer]").fill("已纳入下季度供地计划")
    page.get_by_role("button", name=re.compile("^(Answer|答复)$")).click()
    expect(page.get_by_test_id("answer")).to_contain_text("已纳入下季度供地计划")
    log_out(page)

    # The firm confirms the answer and rates it.
    log_in(page, base, "firm")
    page.goto(request_url)
    page.get_by_role("link", name=re.compile("Confirm the answer|确认答复")).click()
    page.locator("[name=rating]").select_option("5")
    page.get_by_role("button", name=re.compile("Confirm the answer|确认答复")).click()
    expect(page.get_by_test_id("rating")).to_have_text("5")
    log_out(page)

    # The office closes it out (销号): the firm confirmed, so no review note is needed.
    log_in(page, base, "office")
    page.goto(request_url)
    page.get_by_role("link", name=re.compile("Close out|销号")).click()
    page.get_by_role("button", name=re.compile("Close out|销号")).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("closed out|已销号"))
    request.refresh_from_db()
    assert (request.status, request.rating) == ("closed", 5)
    assert list(request.events.values_list("action", flat=True)) == [
        "raise",
        "assign",
        "answer",
        "confirm",
        "close",
    ]
