"""A growth plan shows its firm's projects and the investment they completed per year beside the investment the
plan tracks (issue 15: plan investment was typed in with no link to the projects)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chainleader.growth.models import PlanYear
from tests.projects.factories import ProjectFactory, ReportFactory


def test_the_plan_page_lists_the_firms_projects_and_their_completed_investment(
    client, plan_a, firm_a, office_user, district_b_user
):
    project = ProjectFactory(name="倍增企业二期项目", investor=firm_a)
    ReportFactory(project=project, month=date(2023, 3, 1), completed_yi=Decimal("1.5"))
    ReportFactory(project=project, month=date(2023, 4, 1), completed_yi=Decimal("0.5"))
    ReportFactory(project=project, month=date(2024, 1, 1), completed_yi=Decimal("0.25"))
    ProjectFactory(name="别家项目")  # another investor's
    PlanYear.objects.create(plan=plan_a, year=2023, investment_actual_wan=Decimal(18000))
    client.force_login(office_user)
    page = client.get(plan_a.get_absolute_url()).content.decode()
    assert 'data-testid="plan-projects"' in page
    assert "倍增企业二期项目" in page and "别家项目" not in page
    table = page.split('data-testid="plan-investment"')[1].split("</table>")[0]
    rows = [r.replace(",", "") for r in table.split("<tr>") if "<td>" in r]
    # 2023: 18,000 typed in the plan; 2 亿元 = 20,000 万元 completed by the projects. 2024: 2,500 万元.
    assert "2023" in rows[0] and "18000" in rows[0] and "20000" in rows[0]
    assert "2024" in rows[1] and "2500" in rows[1]
