"""The chain-meeting brief: one click, a .docx that python-docx opens, with the expected figures and a chart."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.projects import charts, services
from chainleader.projects.models import Brief
from chainleader.worklists.models import WorkItem
from tests.factories import ChainFactory, region
from tests.projects.factories import ProblemFactory, ProjectFactory, ReportFactory, WorkItemFactory


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def chain_with_projects(team_chain, department_unit):
    big = ProjectFactory(
        chain=team_chain,
        name="大项目",
        total_investment_yi=Decimal("25"),
        stage="building",
        signed_on=date(2026, 2, 1),
    )
    ProjectFactory(
        chain=team_chain, name="中项目", total_investment_yi=Decimal("3.5"), stage="started"
    )
    ProjectFactory(
        chain=team_chain,
        name="小项目",
        total_investment_yi=Decimal("0.5"),
        stage="signed",
        planned_registered_on=date(2026, 10, 1),
    )
    ProjectFactory(name="别的链项目", total_investment_yi=Decimal("99"))
    ReportFactory(
        project=big, month=date(2026, 10, 1), planned_yi=Decimal("2"), completed_yi=Decimal("1.8")
    )
    ReportFactory(
        project=big, month=date(2026, 11, 1), planned_yi=Decimal("2"), completed_yi=Decimal("0.5")
    )
    ProblemFactory(
        chain=team_chain,
        title="用地问题",
        status="assigned",
        department=department_unit,
        deadline=date(2026, 11, 1),
        raised_on=date(2026, 10, 5),
    )
    ProblemFactory(
        chain=team_chain, title="已销号问题", status="closed", raised_on=date(2026, 10, 6)
    )
    WorkItemFactory(chain=team_chain, kind=WorkItem.Kind.TASK, deadline=date(2026, 10, 1))
    services.projects_mark_lagging()
    return team_chain


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def download(client, url, start="2026-10-01", end="2026-11-24"):
    resp = client.post(url, {"period_start": start, "period_end": end})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in resp["Content-Disposition"]
    return docx.Document(io.BytesIO(resp.content))


def test_a_chain_brief_opens_and_holds_the_expected_figures(
    client, office_user, chain_with_projects
):
    client.force_login(office_user)
    document = download(client, reverse("projects:chain_brief", args=[chain_with_projects.pk]))
    text = text_of(document)
    assert "智能家电" in document.paragraphs[0].text
    values = [row.cells[1].text for row in list(document.tables[0].rows)[1:]]
    assert values[0] == "3"  # projects of the chain only
    assert values[1] == "29.00"  # 25 + 3.5 + 0.5
    assert values[2] == "2"  # ≥ 1亿
    assert values[3] == "1"  # ≥ 20亿
    assert values[4] == "4.00" and values[5] == "2.30" and values[6] == "57.5%"
    assert values[8] == "1 / 2"  # ≥ 20亿 signed this year against the target of 2
    assert values[9] == "1"  # lagging
    assert "小项目" in text and "2026-10-01" in text  # the lagging project and why
    assert "用地问题" in text and "已销号问题" not in text  # open problems listed
    assert "别的链项目" not in text
    assert len(document.inline_shapes) == 1  # the chart


def test_the_second_brief_shows_the_changes_since_the_first(
    client, office_user, chain_with_projects
):
    client.force_login(office_user)
    url = reverse("projects:chain_brief", args=[chain_with_projects.pk])
    download(client, url)
    project = chain_with_projects.projects.get(name="中项目")
    services.project_advance_stage(
        project=project,
        actor=office_user,
        to_stage="building",
        happened_on=None,
        evidence="主体施工",
    )
    document = download(client, url)
    stage_table = document.tables[1]
    deltas = {row.cells[0].text: row.cells[3].text for row in list(stage_table.rows)[1:]}
    assert set(deltas.values()) == {"0", "-1", "+1"}
    assert "中项目" in text_of(document)
    assert Brief.objects.filter(chain=chain_with_projects).count() == 2
    assert AuditEvent.objects.filter(event_type="export", object_type="projects.brief").count() == 2


def test_the_all_chains_brief_lists_every_chain_in_scope(client, office_user, chain_with_projects):
    ChainFactory(name="新一代半导体", region=region("370211"))
    client.force_login(office_user)
    document = download(client, reverse("projects:all_brief"))
    text = text_of(document)
    assert "智能家电" in text and "新一代半导体" in text
    headline = [row.cells[1].text for row in list(document.tables[0].rows)[1:]]
    assert headline[0] == "4"  # every project the office sees


def test_a_district_brief_holds_only_its_own_projects(client, district_b_user, chain_with_projects):
    ProjectFactory(
        chain=chain_with_projects,
        name="崂山项目",
        district=region("370212"),
        total_investment_yi=Decimal("7"),
    )
    client.force_login(district_b_user)
    document = download(client, reverse("projects:chain_brief", args=[chain_with_projects.pk]))
    assert [row.cells[1].text for row in list(document.tables[0].rows)[1:3]] == ["1", "7.00"]
    assert "大项目" not in text_of(document)


def test_a_chain_outside_the_scope_has_no_brief(client, district_b_user):
    chain = ChainFactory(region=region("370211"), level="district")
    client.force_login(district_b_user)
    assert (
        client.post(
            reverse("projects:chain_brief", args=[chain.pk]),
            {"period_start": "2026-10-01", "period_end": "2026-11-01"},
        ).status_code
        == 404
    )
    assert not Brief.objects.exists()


def test_a_reversed_period_is_a_form_error(client, office_user, team_chain):
    client.force_login(office_user)
    resp = client.post(
        reverse("projects:chain_brief", args=[team_chain.pk]),
        {"period_start": "2026-11-01", "period_end": "2026-10-01"},
    )
    assert resp.status_code == 200 and resp.context["form"].errors


def test_the_chart_uses_a_cjk_font():
    font = charts.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    assert "CJK" in font or "Hei" in font or "Han" in font
    png = charts.monthly_bars(
        ["2026-10", "2026-11"],
        [2.0, 2.0],
        [1.5, None],
        title="计划与完成投资",
        planned_label="计划",
        completed_label="完成",
        unit="亿元",
    )
    assert png.startswith(b"\x89PNG")


def test_the_administrators_get_no_brief(client, system_admin):
    client.force_login(system_admin)
    url = reverse("projects:all_brief")
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"period_start": "2026-10-01", "period_end": "2026-11-01"}).status_code
        == 403
    )
    assert not Brief.objects.exists()


def test_the_chain_page_button_downloads_this_months_brief_with_the_years_chart(
    client, office_user, chain_with_projects
):
    chain = chain_with_projects
    client.force_login(office_user)
    page = client.get(reverse("chains:chain_detail", args=[chain.pk])).content.decode()
    form = page[page.index(reverse("projects:chain_brief", args=[chain.pk])) - 200 :]
    start = re.search(r'name="period_start" value="([0-9-]+)"', form).group(1)
    end = re.search(r'name="period_end" value="([0-9-]+)"', form).group(1)
    assert start.endswith("-01") and start[:7] == end[:7]  # the current month
    document = download(client, reverse("projects:chain_brief", args=[chain.pk]), start, end)
    text = text_of(document)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings and all(re.match(r"^[一二三四五六七八九十]+、", h) for h in headings), headings
    assert "下一步工作" in text
    from datetime import date as _date

    from chainleader.projects.briefs import brief_data

    data = brief_data(office_user, chain, _date.fromisoformat(start), _date.fromisoformat(end))
    months = [r["month"] for r in data.monthly]
    assert months and min(months) < _date.fromisoformat(start)  # the chart covers the year's months
