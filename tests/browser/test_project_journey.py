"""A whole journey in a real browser: a district user reports a month's investment on a project and raises a
problem; the office assigns it to the department; the department answers; the office verifies and closes it out."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chainleader.accounts.models import OrgUnit, Role
from chainleader.projects.models import MonthlyReport, Problem
from tests.factories import ChainFactory, OrgUnitFactory, UserFactory, region
from tests.projects.factories import ProjectFactory

PASSWORD = "Test-Passw0rd!"


@pytest.fixture
def world(transactional_db):
    department = OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    district = OrgUnitFactory(
        name="西海岸新区", kind=OrgUnit.Kind.DISTRICT, region=region("370211")
    )
    chain = ChainFactory(
        name="智能家电", level="city", region=region("3702"), lead_department=department
    )
    project = ProjectFactory(
        chain=chain,
        name="智能家电互联工厂项目",
        stage="building",
        total_investment_yi=Decimal("25"),
    )
    UserFactory(username="district", role=Role.DISTRICT, org_unit=district)
    UserFactory(username="office", role=Role.OFFICE)
    UserFactory(username="dept", role=Role.DEPARTMENT, org_unit=department)
    return project


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    expect(page.get_by_role("button", name=re.compile("退出登录|Log out"))).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("退出登录|Log out")).click()
    expect(page.get_by_label(re.compile("用户名|Username"))).to_be_visible()


def test_district_reports_and_raises_department_answers_office_closes_out(
    page: Page, live_server, world
):
    project = world
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)

    # The district reports last month's investment from the project page.
    log_in(page, base, "district")
    page.goto(f"{base}{project.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("智能家电互联工厂项目")
    page.get_by_role("link", name=re.compile("Report a month|填报月度投资")).first.click()
    page.locator("[name=month]").fill(last_month.strftime("%Y-%m"))
    page.locator("[name=planned_yi]").fill("1.5")
    page.locator("[name=completed_yi]").fill("1.35")
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    expect(page.get_by_role("cell", name=last_month.strftime("%Y-%m"), exact=True)).to_be_visible()
    report = MonthlyReport.objects.get(project=project)
    assert (report.planned_yi, report.completed_yi) == (Decimal("1.5"), Decimal("1.35"))

    # ... and raises a problem on it.
    page.get_by_role("link", name=re.compile("Raise a problem|提出问题")).first.click()
    page.locator("[name=title]").fill("用电增容未批复")
    page.locator("[name=category]").select_option("energy")
    page.locator("[name=description]").fill("新厂房需要增容 10 兆伏安。")
    page.get_by_role("button", name=re.compile("^(Raise|提出)$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("用电增容未批复")
    problem = Problem.objects.get()
    assert problem.status == "raised" and problem.region.code == "370211"
    problem_url = f"{base}{problem.get_absolute_url()}"
    log_out(page)

    # The office assigns it to the department with a deadline.
    log_in(page, base, "office")
    page.goto(problem_url)
    page.get_by_role("link", name=re.compile("Assign to a department|交办部门")).click()
    page.locator("[name=department]").select_option(label="市工业和信息化局")
    page.locator("[name=deadline]").fill((timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name=re.compile("Assign to a department|交办部门")).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("assigned|已交办"))
    log_out(page)

    # The department answers.
    log_in(page, base, "dept")
    page.goto(problem_url)
    page.get_by_role("link", name=re.compile("^(Answer|答复)$")).click()
    page.locator("[name=answer]").fill("已协调供电公司，增容方案本月批复。")
    page.get_by_role("button", name=re.compile("^(Answer|答复)$")).click()
    expect(page.get_by_test_id("answer")).to_contain_text("增容方案本月批复")
    log_out(page)

    # The office verifies the answer and closes the problem out (销号).
    log_in(page, base, "office")
    page.goto(problem_url)
    page.get_by_role("link", name=re.compile("Verify the answer|核实答复")).click()
    page.locator("[name=accepted][value=yes]").check()
    page.get_by_role("button", name=re.compile("Verify the answer|核实答复")).click()
    page.get_by_role("link", name=re.compile("Close out|销号")).click()
    page.get_by_role("button", name=re.compile("Close out|销号")).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("closed out|已销号"))
    problem.refresh_from_db()
    assert problem.status == "closed"
    assert list(problem.events.values_list("action", flat=True)) == [
        "raise",
        "assign",
        "answer",
        "verify",
        "close",
    ]
    assert errors == []
