"""Monthly reports (form and the office's Excel template) and project imports: all-or-nothing, row-level errors."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core.excel import read_rows
from chainleader.core.exceptions import ImportRejected, ServiceError
from chainleader.core.models import AuditEvent
from chainleader.projects import importers, services
from chainleader.projects.models import MonthlyReport, Project
from tests.factories import EnterpriseFactory, region
from tests.imports import import_file

from .factories import ProjectFactory, ReportFactory


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def xlsx(headers: list[str], rows: list[list[object]]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("月报.xlsx", buffer.getvalue())


REPORT_HEADERS = ["项目编号", "月份", "计划投资（亿元）", "完成投资（亿元）", "备注"]


def test_a_district_reports_a_month_in_the_form_and_edits_it_as_a_versioned_change(
    client, district_a_user, team_chain
):
    project = ProjectFactory(chain=team_chain)
    client.force_login(district_a_user)
    url = reverse("projects:report_add", args=[project.pk])
    resp = client.post(url, {"month": "2026-10", "planned_yi": "1.5", "completed_yi": "1.2"})
    assert resp.status_code == 302
    second = client.post(url, {"month": "2026-10", "planned_yi": "1.5", "completed_yi": "1.4"})
    assert second.status_code == 200  # refused: the month has a report, which is edited instead
    report = MonthlyReport.objects.get(project=project)
    edit = reverse("projects:report_edit", args=[project.pk, report.pk])
    resp = client.post(
        edit,
        {"month": "2026-10", "planned_yi": "1.5", "completed_yi": "1.4", "version": report.version},
    )
    assert resp.status_code == 302
    report.refresh_from_db()
    assert (report.month, report.completed_yi, report.reported_by) == (
        date(2026, 10, 1),
        Decimal("1.4"),
        district_a_user,
    )
    assert AuditEvent.objects.filter(object_type="projects.monthlyreport").count() == 2


def test_completed_investment_cannot_be_reported_for_a_future_month(office_user, team_chain):
    project = ProjectFactory(chain=team_chain)
    with pytest.raises(ServiceError):
        services.report_save(
            project=project,
            actor=office_user,
            month=date(2026, 12, 1),
            planned_yi=Decimal(1),
            completed_yi=Decimal(1),
        )
    services.report_save(
        project=project,
        actor=office_user,
        month=date(2026, 12, 1),
        planned_yi=Decimal(1),
        completed_yi=None,
    )  # a plan for next month is fine
    assert MonthlyReport.objects.count() == 1


def test_another_district_cannot_report_for_a_project(client, district_b_user, team_chain):
    project = ProjectFactory(chain=team_chain)  # in 370211
    client.force_login(district_b_user)
    resp = client.post(
        reverse("projects:report_add", args=[project.pk]), {"month": "2026-10", "planned_yi": "1"}
    )
    assert resp.status_code == 404
    assert not MonthlyReport.objects.exists()


def test_a_monthly_import_with_a_bad_row_writes_nothing_and_names_the_row(
    client, office_user, team_chain
):
    project = ProjectFactory(chain=team_chain, code="XM2026-00001")
    ReportFactory(
        project=project, month=date(2026, 9, 1), planned_yi=Decimal("1"), completed_yi=Decimal("1")
    )
    rows = [["XM2026-00001", f"2026-{m:02d}", 1, 0.9, ""] for m in range(1, 11)]
    rows[6][3] = "一百"  # row 8: not a number
    rows.append(["XM2026-00001", "2026-10", 1, 1, ""])  # row 12: 2026-10 again (row 11 has it)
    rows.append(["XM2026-00001", "2026-13", 1, 1, ""])  # row 13: no such month
    client.force_login(office_user)
    resp = import_file(client, reverse("projects:report_import"), xlsx(REPORT_HEADERS, rows))
    assert resp.status_code == 200
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    # Every error at once: the cell errors and the repeated month the service finds.
    assert errors == {(8, "完成投资（亿元）"), (12, "月份"), (13, "月份")}
    assert MonthlyReport.objects.count() == 1
    assert MonthlyReport.objects.get().completed_yi == Decimal("1")
    # the refusal is audited (outcome failure); no import was recorded as done
    assert not AuditEvent.objects.filter(event_type="import", outcome="success").exists()


def test_a_monthly_import_with_an_unknown_project_or_a_repeated_month_writes_nothing(
    client, office_user, team_chain
):
    ProjectFactory(chain=team_chain, code="XM2026-00001")
    rows = [
        ["XM2026-00001", "2026-01", 1, 1, ""],
        ["XM2099-99999", "2026-01", 1, 1, ""],
        ["XM2026-00001", "2026年1月", 2, 2, ""],
    ]
    client.force_login(office_user)
    resp = import_file(client, reverse("projects:report_import"), xlsx(REPORT_HEADERS, rows))
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    assert errors == {(3, "项目编号"), (4, "月份")}
    assert not MonthlyReport.objects.exists()


def test_a_clean_monthly_import_upserts_every_month_with_one_audit_row(
    client, office_user, team_chain
):
    project = ProjectFactory(chain=team_chain, code="XM2026-00001")
    ReportFactory(
        project=project, month=date(2026, 9, 1), planned_yi=Decimal("2"), completed_yi=Decimal("1")
    )
    rows = [["XM2026-00001", f"2026年{m}月", 1.25, 1 if m < 11 else None, ""] for m in range(1, 13)]
    client.force_login(office_user)
    resp = import_file(client, reverse("projects:report_import"), xlsx(REPORT_HEADERS, rows))
    assert resp.status_code == 302
    assert MonthlyReport.objects.filter(project=project).count() == 12
    september = MonthlyReport.objects.get(project=project, month=date(2026, 9, 1))
    assert (september.planned_yi, september.completed_yi, september.version) == (
        Decimal("1.25"),
        Decimal("1"),
        2,
    )
    assert (
        AuditEvent.objects.filter(event_type="import", object_type="projects.monthlyreport").count()
        == 1
    )


def test_a_district_imports_only_its_own_projects(office_user, district_b_user, team_chain):
    ProjectFactory(chain=team_chain, code="XM2026-00001")  # in 370211
    rows = read_rows_from([["XM2026-00001", "2026-10", 1, 1, ""]])
    with pytest.raises(ImportRejected) as rejected:
        services.report_import(actor=district_b_user, rows=rows)
    assert rejected.value.errors[0]["column"] == "项目编号"
    assert not MonthlyReport.objects.exists()


def read_rows_from(rows: list[list[object]], headers: list[str] = REPORT_HEADERS, columns=None):
    upload = xlsx(headers, rows)
    path = __import__("chainleader.core.excel", fromlist=["check_upload"]).check_upload(upload)
    try:
        return read_rows(path, columns or importers.REPORT_COLUMNS)
    finally:
        path.unlink(missing_ok=True)


def test_the_report_template_downloads_with_the_offices_headers(client, office_user):
    client.force_login(office_user)
    resp = client.get(reverse("projects:report_import"), {"template": "1"})
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert [c.value for c in wb["数据"][2]] == REPORT_HEADERS


def test_month_parsing_accepts_the_usual_ways_of_writing_a_month():
    for text in ("2026-03", "2026/3", "2026年3月", "2026.03", "2026-03-15", date(2026, 3, 15)):
        assert importers.parse_month(text) == date(2026, 3, 1), text
    for text in ("2026-13", "三月", "26-03", "", None):
        assert importers.parse_month(text) is None, text


PROJECT_HEADERS = [c.header for c in importers.PROJECT_COLUMNS]


def project_row(**values: object) -> list[object]:
    base = {
        "项目名称": "新项目",
        "产业链": "智能家电",
        "所在区（市）": "370211",
        "项目类型": "新建",
        "总投资（亿元）": 25,
    }
    base.update(values)
    return [base.get(h) for h in PROJECT_HEADERS]


def test_a_project_import_creates_new_projects_with_codes_and_upserts_by_code(
    client, office_user, team_chain
):
    firm = EnterpriseFactory(name="投资方有限公司")
    ProjectFactory(chain=team_chain, code="XM2026-00007", name="旧名", stage="started")
    rows = [
        project_row(项目名称="甲项目", 投资方=firm.uscc, 阶段="在建", 计划竣工日期="2027-06-30"),
        project_row(项目编号="XM2026-00007", 项目名称="新名", **{"所在区（市）": "黄岛区"}),
    ]
    client.force_login(office_user)
    resp = import_file(client, reverse("projects:project_import"), xlsx(PROJECT_HEADERS, rows))
    assert resp.status_code == 302, resp.context and resp.context.get("errors")
    new = Project.objects.get(name="甲项目")
    assert (new.code, new.stage, new.investor, new.planned_completed_on) == (
        "XM2026-00008",
        "building",
        firm,
        date(2027, 6, 30),
    )
    old = Project.objects.get(code="XM2026-00007")
    assert (old.name, old.stage, old.version) == ("新名", "started", 2)


def test_a_project_import_refuses_a_stage_change_and_writes_nothing(
    client, office_user, team_chain
):
    ProjectFactory(chain=team_chain, code="XM2026-00007", stage="started")
    rows = [
        project_row(项目名称="甲项目"),
        project_row(项目编号="XM2026-00007", 阶段="竣工"),
        project_row(项目名称="乙项目", 产业链="不存在的链", **{"总投资（亿元）": -3}),
    ]
    client.force_login(office_user)
    resp = import_file(client, reverse("projects:project_import"), xlsx(PROJECT_HEADERS, rows))
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    assert errors == {(3, "阶段"), (4, "产业链"), (4, "总投资（亿元）")}
    assert Project.objects.count() == 1


def test_a_district_imports_projects_only_on_its_territory(district_a_user, team_chain):
    rows = read_rows_from(
        [project_row(**{"所在区（市）": "370212"})], PROJECT_HEADERS, importers.PROJECT_COLUMNS
    )
    with pytest.raises(ImportRejected):
        services.project_import(actor=district_a_user, rows=rows)
    assert not Project.objects.exists()
    rows = read_rows_from([project_row()], PROJECT_HEADERS, importers.PROJECT_COLUMNS)
    assert services.project_import(actor=district_a_user, rows=rows).rows == 1
    assert Project.objects.get().district == region("370211")


def test_a_negative_figure_is_a_chinese_field_error_never_a_constraint_name(
    client, office_user, team_chain
):
    project = ProjectFactory(chain=team_chain)
    client.force_login(office_user)
    resp = client.post(
        reverse("projects:report_add", args=[project.pk]),
        {"month": "2026-10", "planned_yi": "1", "completed_yi": "-1"},
    )
    body = resp.content.decode()
    assert resp.status_code == 200 and "投资额不能为负数" in body
    assert "report_completed_not_negative" not in body and "约束" not in body
    assert resp.context["form"].errors["completed_yi"]
    api = client.post(
        "/api/monthly-reports/", {"project": project.pk, "month": "2026-10-01", "planned_yi": "-2"}
    )
    assert api.status_code == 400 and "planned_yi" in api.json()
    assert not MonthlyReport.objects.exists()


def test_a_second_report_for_a_month_is_refused_and_names_the_existing_one(
    client, office_user, team_chain
):
    project = ProjectFactory(chain=team_chain, name="测试项目甲")
    ReportFactory(
        project=project,
        month=date(2026, 10, 1),
        planned_yi=Decimal("2"),
        completed_yi=Decimal("1.5"),
    )
    client.force_login(office_user)
    resp = client.post(
        reverse("projects:report_add", args=[project.pk]),
        {"month": "2026-10", "planned_yi": "9", "completed_yi": "9"},
    )
    body = resp.content.decode()
    assert resp.status_code == 200 and "测试项目甲" in body and "2026-10" in body
    assert resp.context["form"].errors["month"]
    report = MonthlyReport.objects.get(project=project)
    assert (report.planned_yi, report.completed_yi) == (
        Decimal("2"),
        Decimal("1.5"),
    )  # not overwritten
    edit = client.post(
        reverse("projects:report_edit", args=[project.pk, report.pk]),
        {"month": "2026-10", "planned_yi": "3", "completed_yi": "2", "version": report.version},
    )
    assert edit.status_code == 302
    report.refresh_from_db()
    assert report.planned_yi == Decimal("3") and report.version == 2  # a versioned change


def test_the_report_form_names_its_project(client, office_user, team_chain):
    project = ProjectFactory(chain=team_chain, name="测试项目乙")
    client.force_login(office_user)
    body = client.get(reverse("projects:report_add", args=[project.pk])).content.decode()
    assert "测试项目乙" in body and project.get_absolute_url() in body


def test_an_exported_project_list_imports_back_unchanged(client, office_user, team_chain):
    from chainleader.projects.models import Project

    ProjectFactory(chain=team_chain, name="往返项目甲", kind=Project.Kind.UPGRADE)
    ProjectFactory(chain=team_chain, name="往返项目乙", kind=Project.Kind.ATTRACTED)
    client.force_login(office_user)
    before = {
        p.pk: (p.name, p.kind, p.chain_id, p.district_id, p.total_investment_yi, p.version)
        for p in Project.objects.all()
    }
    export = client.get(reverse("projects:project_list"), {"export": "xlsx"})
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(export.content)).active[1]]
    for header in ("项目编号", "项目名称", "产业链", "所在区（市）", "项目类型", "总投资（亿元）"):
        assert header in headers  # the import template's own column names
    resp = import_file(
        client, reverse("projects:project_import"), SimpleUploadedFile("导出.xlsx", export.content)
    )
    assert resp.status_code == 302, resp.context.get("errors")
    after = {
        p.pk: (p.name, p.kind, p.chain_id, p.district_id, p.total_investment_yi, p.version)
        for p in Project.objects.all()
    }
    assert {k: v[:5] for k, v in after.items()} == {k: v[:5] for k, v in before.items()}


def test_one_upload_lists_every_error_of_every_kind_at_once(client, office_user, team_chain):
    rows = [
        project_row(项目名称="甲", **{"总投资（亿元）": "很多", "所在区（市）": "火星区"}),
        project_row(项目名称="乙", 产业链="不存在的链"),
        project_row(项目名称="丙"),  # a good row
    ]
    client.force_login(office_user)
    resp = import_file(client, reverse("projects:project_import"), xlsx(PROJECT_HEADERS, rows))
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    # The bad number (a cell error) no longer hides the bad district and the bad chain (found by the service).
    assert {(2, "总投资（亿元）"), (2, "所在区（市）"), (3, "产业链")} <= errors
    assert (
        len(
            [e for e in resp.context["errors"] if e["row"] == 2 and e["column"] == "总投资（亿元）"]
        )
        == 1
    )
    assert not Project.objects.exists()  # nothing written, the good row neither
