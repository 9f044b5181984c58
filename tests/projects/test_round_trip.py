"""Exported project and monthly-report lists import back unchanged (issue 11), from the Chinese pages and the
English ones: the import's columns under its template headers, kinds and stages by the labels the pages show
(技术改造, 在建), the chain and district as the pages show them (智能家电（西海岸新区）, 黄岛区（西海岸新区）) beside
the city's chain of the same name; one changed cell is previewed as that field old → new."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.chains.models import Chain
from chainleader.projects.models import Project, Stage
from tests.factories import ChainFactory, EnterpriseFactory, ParkFactory, region
from tests.imports import (
    changes,
    counts,
    edit_cell,
    exported,
    exported_rows,
    preview,
    skipped_columns,
)

from .factories import ProjectFactory, ReportFactory

PROJECT_READ_ONLY = {
    "环节",  # segment: placed on the project page
    *(
        "备案日期",
        "开工日期",
        "在建日期",
        "竣工日期",
        "投产日期",
        "纳统日期",
    ),  # the stage workflow's dates
    "是否滞后",
    "滞后原因",
}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def projects(team_chain):
    district_chain = ChainFactory(
        name="智能家电", level=Chain.Level.DISTRICT, region=region("370211")
    )
    park = ParkFactory(name="往返产业园", region=region("370211"))
    EnterpriseFactory(
        name="往返投资有限公司"
    )  # a namesake: the export names investors as the pages do
    investor = EnterpriseFactory(name="往返投资有限公司")
    return [
        ProjectFactory(
            chain=team_chain,
            name="往返项目甲",
            kind=Project.Kind.UPGRADE,
            stage=Stage.BUILDING,
            park=park,
            investor=investor,
            total_investment_yi=Decimal("25.5"),
            signed_on=date(2026, 1, 5),
            planned_started_on=date(2026, 3, 1),
            description="年产 100 万台智能家电",
        ),
        ProjectFactory(
            chain=district_chain,
            name="往返项目乙",
            kind=Project.Kind.ATTRACTED,
            district=region("370211"),
        ),
    ]


def _row_of(content: bytes, header: str, value: object) -> int:
    return 2 + [r[header] for r in exported_rows(content)].index(value)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_project_list_imports_back_unchanged(client, office_user, projects, language):
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse("projects:project_list"))
    rows = {r["项目名称"]: r for r in exported_rows(content)}
    assert (rows["往返项目甲"]["项目类型"], rows["往返项目甲"]["阶段"]) == ("技术改造", "在建")
    assert rows["往返项目甲"]["产业链"] == "智能家电"
    assert rows["往返项目乙"]["产业链"] == "智能家电（西海岸新区）"
    assert rows["往返项目乙"]["所在区（市）"] == "黄岛区（西海岸新区）"
    resp = preview(client, reverse("projects:project_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 2)
    # The columns the import does not take, in the page's language (the rest carry the template's headers).
    assert len(skipped_columns(resp)) == len(PROJECT_READ_ONLY)
    if language == "zh-hans":
        assert skipped_columns(resp) == PROJECT_READ_ONLY


@pytest.mark.parametrize(
    ("header", "value", "change"),
    [
        ("项目类型", "新建", ("项目类型", "技术改造", "新建")),
        ("产业链", "智能家电（西海岸新区）", ("产业链", "智能家电", "智能家电（西海岸新区）")),
        ("总投资（亿元）", 30, ("总投资（亿元）", "25.5", "30")),
        ("项目说明", "年产 120 万台", ("项目说明", "年产 100 万台智能家电", "年产 120 万台")),
    ],
)
def test_one_changed_cell_of_the_project_export_is_previewed_as_that_field(
    client, office_user, projects, header, value, change
):
    client.force_login(office_user)
    content = exported(client, reverse("projects:project_list"))
    edited = edit_cell(content, header, _row_of(content, "项目名称", "往返项目甲"), value)
    plan = preview(client, reverse("projects:project_import"), edited).context["plan"]
    assert counts(plan) == (0, 1, 1)
    assert changes(plan) == [change]


@pytest.fixture
def reports(projects):
    first, second = projects
    return [
        ReportFactory(
            project=first,
            month=date(2026, 9, 1),
            planned_yi=Decimal("2.5"),
            completed_yi=Decimal("1.25"),
            note="设备进场",
        ),
        ReportFactory(
            project=first, month=date(2026, 10, 1), planned_yi=Decimal("3"), completed_yi=None
        ),
        ReportFactory(
            project=second,
            month=date(2026, 10, 1),
            planned_yi=Decimal("0"),
            completed_yi=Decimal("0.5"),
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_report_list_imports_back_unchanged(client, office_user, reports, language):
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse("projects:report_list"))
    assert {r["月份"] for r in exported_rows(content)} == {"2026-09", "2026-10"}
    resp = preview(client, reverse("projects:report_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 3)
    if language == "zh-hans":
        assert skipped_columns(resp) == {
            "项目",
            "产业链",
        }  # the project's name and chain, for the reader


def test_one_changed_cell_of_the_report_export_is_previewed_as_that_field(
    client, office_user, reports
):
    client.force_login(office_user)
    content = exported(client, reverse("projects:report_list"))
    row = _row_of(content, "备注", "设备进场")
    plan = preview(
        client, reverse("projects:report_import"), edit_cell(content, "完成投资（亿元）", row, 1.75)
    ).context["plan"]
    assert counts(plan) == (0, 1, 2)
    assert changes(plan) == [("完成投资（亿元）", "1.25", "1.75")]


def test_a_new_project_naming_an_investor_that_several_firms_share_asks_for_the_code(
    client, office_user, projects
):
    client.force_login(office_user)
    content = exported(client, reverse("projects:project_list"))
    row = _row_of(content, "项目名称", "往返项目甲")
    content = edit_cell(content, "项目编号", row, None)  # the same row as a new project
    resp = client.post(
        reverse("projects:project_import"), {"file": SimpleUploadedFile("导出.xlsx", content)}
    )
    errors = [(e["row"], e["column"]) for e in resp.context["errors"]]
    assert errors == [(row, "投资方")]
