"""The four lists: items with owners and deadlines, progress notes with attachments, close-out by request →
review → closed (refused out of order and for the wrong role), views per chain and per owner, overdue first."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.accounts.models import OrgUnit, Role
from chainleader.core.exceptions import (
    ImportRejected,
    ServiceError,
    WorkflowConflict,
    WorkflowForbidden,
)
from chainleader.core.models import AuditEvent
from chainleader.worklists import services
from chainleader.worklists.models import WorkItem, WorkItemNote
from tests.factories import OrgUnitFactory, UserFactory
from tests.imports import import_file
from tests.projects.factories import ProblemFactory, ProjectFactory, WorkItemFactory


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def item(team_chain, department_unit, department_user):
    return WorkItemFactory(
        chain=team_chain,
        owner_unit=department_unit,
        owner_user=department_user,
        title="编制产业链招商图谱",
        deadline=date(2026, 12, 31),
    )


def status(item: WorkItem) -> tuple:
    item.refresh_from_db()
    return item.status, item.version


def test_close_out_goes_request_then_review_then_close(
    item, department_user, chain_team_user, office_user
):
    services.item_add_note(item=item, actor=department_user, text="完成初稿")
    services.item_request_close(item=item, actor=department_user, text="图谱已印发")
    services.item_review(item=item, actor=chain_team_user, approved=True)
    services.item_close(item=item, actor=office_user)
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_at
    assert list(item.notes.order_by("created_at", "id").values_list("action", flat=True)) == [
        "note",
        "request",
        "approve",
        "close",
    ]
    assert AuditEvent.objects.filter(object_type="worklists.workitem").count() == 4


@pytest.mark.parametrize("current", ["open", "requested", "closed"])
def test_close_out_is_refused_before_review_and_changes_nothing(item, office_user, current):
    WorkItem.objects.filter(pk=item.pk).update(status=current)
    before = status(item)
    with pytest.raises(WorkflowConflict):
        services.item_close(item=item, actor=office_user)
    assert status(item) == before
    assert not WorkItemNote.objects.exists()


@pytest.mark.parametrize("role", ["team", "department", "district"])
def test_close_out_is_refused_for_the_wrong_role(
    item, role, chain_team_user, department_user, district_a_user
):
    WorkItem.objects.filter(pk=item.pk).update(status="reviewed")
    user = {"team": chain_team_user, "department": department_user, "district": district_a_user}[
        role
    ]
    before = status(item)
    with pytest.raises(WorkflowForbidden):
        services.item_close(item=item, actor=user)
    assert status(item) == before


def test_review_is_refused_for_the_owner_and_a_district(item, department_user, district_a_user):
    WorkItem.objects.filter(pk=item.pk).update(status="requested")
    for user in (department_user, district_a_user):
        with pytest.raises(WorkflowForbidden):
            services.item_review(item=item, actor=user, approved=True)
    assert status(item)[0] == "requested"


def test_a_review_sent_back_reopens_the_item_and_needs_a_reason(item, office_user):
    WorkItem.objects.filter(pk=item.pk).update(status="requested")
    with pytest.raises(ServiceError):
        services.item_review(item=item, actor=office_user, approved=False, text="")
    services.item_review(item=item, actor=office_user, approved=False, text="缺少印发文件")
    assert status(item)[0] == "open"


def test_only_owners_and_editors_report_progress(item, firm_user, department_user):
    other_dept = UserFactory(
        username="finance",
        role=Role.DEPARTMENT,
        org_unit=OrgUnitFactory(name="市财政局", kind=OrgUnit.Kind.DEPARTMENT),
    )
    for user in (other_dept, firm_user):
        with pytest.raises(WorkflowForbidden):
            services.item_add_note(item=item, actor=user, text="进展")
    services.item_add_note(item=item, actor=department_user, text="进展")
    assert item.notes.count() == 1


def test_a_construction_item_names_a_project_of_its_chain(office_user, team_chain, department_unit):
    project = ProjectFactory(chain=team_chain)
    other = ProjectFactory()
    base = {
        "kind": "construction",
        "chain": team_chain,
        "year": 2026,
        "title": "重点建设",
        "owner_unit": department_unit,
        "deadline": date(2026, 12, 31),
    }
    with pytest.raises(ServiceError):
        services.item_create(actor=office_user, data=base)
    with pytest.raises(ServiceError):
        services.item_create(actor=office_user, data={**base, "project": other})
    item = services.item_create(actor=office_user, data={**base, "project": project})
    assert item.investment_yi == project.total_investment_yi
    with pytest.raises(ServiceError):
        services.item_create(
            actor=office_user, data={**base, "kind": "investment", "title": "招商"}
        )


def test_the_page_adds_a_note_with_an_attachment_and_serves_it_in_scope_only(
    client, item, department_user, district_b_user
):
    client.force_login(department_user)
    pdf = SimpleUploadedFile("进展.pdf", b"%PDF-1.4 progress")
    resp = client.post(
        reverse("worklists:item_note", args=[item.pk]), {"text": "已完成调研", "attachment": pdf}
    )
    assert resp.status_code == 302
    note = item.notes.get()
    url = reverse("worklists:note_file", args=[item.pk, note.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 progress"
    client.force_login(district_b_user)
    assert client.get(url).status_code == 404


def test_the_pages_refuse_a_wrong_step_with_a_form_error(client, item, office_user):
    client.force_login(office_user)
    resp = client.post(reverse("worklists:item_close", args=[item.pk]), {"version": item.version})
    assert resp.status_code == 200 and resp.context["form"].errors
    assert status(item)[0] == "open"


def test_my_items_are_mine_or_my_units_overdue_first(
    client, team_chain, department_unit, department_user
):
    WorkItemFactory(
        chain=team_chain, owner_unit=department_unit, title="按期", deadline=date(2026, 12, 31)
    )
    WorkItemFactory(
        chain=team_chain, owner_unit=department_unit, title="逾期", deadline=date(2026, 11, 1)
    )
    WorkItemFactory(
        chain=team_chain,
        owner_unit=department_unit,
        title="已销号",
        deadline=date(2026, 10, 1),
        status="closed",
    )
    WorkItemFactory(chain=team_chain, title="别人的")
    client.force_login(department_user)
    titles = [o.title for o, _c in client.get(reverse("worklists:my_items")).context["rows"]]
    assert titles == ["逾期", "已销号", "按期"]


def test_the_chain_page_shows_the_four_lists_with_the_ledger(client, office_user, team_chain):
    WorkItemFactory(chain=team_chain, kind="task", title="任务")
    WorkItemFactory(chain=team_chain, kind="investment", title="招商", target_firm="某公司")
    WorkItemFactory(
        chain=team_chain,
        kind="construction",
        title="建设",
        project=ProjectFactory(chain=team_chain),
    )
    ProblemFactory(chain=team_chain, title="协调问题")
    client.force_login(office_user)
    resp = client.get(reverse("worklists:chain_lists", args=[team_chain.pk]))
    lists = {kind: [i.title for i in items] for kind, _label, items in resp.context["lists"]}
    assert lists == {"task": ["任务"], "construction": ["建设"], "investment": ["招商"]}
    assert [p.title for p in resp.context["problems"]] == ["协调问题"]
    status_rows = {r["kind"]: r["total"] for r in resp.context["status"]}
    assert status_rows == {"task": 1, "construction": 1, "investment": 1, "problem": 1}


def test_the_item_import_is_all_or_nothing(client, office_user, team_chain, department_unit):
    headers = [
        "清单",
        "产业链",
        "年度",
        "事项名称",
        "说明",
        "项目编号",
        "目标企业",
        "计划投资（亿元）",
        "责任单位",
        "责任人",
        "完成时限",
    ]
    rows = [
        [
            "重点任务",
            "智能家电",
            2026,
            "任务一",
            "",
            "",
            "",
            "",
            department_unit.name,
            "",
            "2026-12-31",
        ],
        [
            "重点招商项目",
            "智能家电",
            2026,
            "招商一",
            "",
            "",
            "",
            5,
            department_unit.name,
            "",
            "2026-12-31",
        ],
        ["重点任务", "智能家电", 2026, "任务二", "", "", "", "", "不存在的单位", "", "2026-12-31"],
    ]
    wb = openpyxl.Workbook()
    wb.active.append(headers)
    for r in rows:
        wb.active.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(office_user)
    resp = import_file(
        client, reverse("worklists:item_import"), SimpleUploadedFile("清单.xlsx", buffer.getvalue())
    )
    assert {(e["row"], e["column"]) for e in resp.context["errors"]} == {
        (3, "目标企业"),
        (4, "责任单位"),
    }
    assert not WorkItem.objects.exists()


def test_the_item_export_is_safe_against_formulas(client, office_user, team_chain):
    WorkItemFactory(chain=team_chain, title="=cmd|'/C calc'!A0")
    client.force_login(office_user)
    ws = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("worklists:item_list"), {"export": "xlsx"}).content)
    ).active
    cell = ws.cell(row=2, column=4)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_import_rejects_a_non_editor(department_user):
    with pytest.raises(WorkflowForbidden):
        services.item_import(actor=department_user, rows=[])
    assert (
        ImportRejected
    )  # the page path answers with the import form (ObjectImportView needs an editor: 403)


def test_the_close_out_over_the_api(item, department_user, chain_team_user, office_user):
    def api(user):
        c = APIClient()
        c.force_login(user)
        return c

    url = f"/api/work-items/{item.pk}"
    assert api(office_user).post(f"{url}/close/", {}, format="json").status_code == 409
    assert (
        api(department_user)
        .post(f"{url}/request-close/", {"text": "已完成"}, format="json")
        .status_code
        == 200
    )
    assert (
        api(department_user).post(f"{url}/review/", {"approved": True}, format="json").status_code
        == 403
    )
    assert (
        api(chain_team_user).post(f"{url}/review/", {"approved": True}, format="json").status_code
        == 200
    )
    assert api(chain_team_user).post(f"{url}/close/", {}, format="json").status_code == 403
    resp = api(office_user).post(f"{url}/close/", {"text": "销号"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert api(office_user).patch(
        f"{url}/", {"status": "open", "title": "x", "version": 5}, format="json"
    ).status_code in (400, 409)
    assert status(item)[0] == "closed"
