"""The Excel import of firm requests (企业诉求, issue 15 item 1): rows raised as by hand, all-or-nothing, a firm
account for its own firm, an editor for the firms in its scope; the requests list's export reads back."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from chainleader.accounts.models import Role
from chainleader.core.models import AuditEvent
from chainleader.projects import importers, services
from chainleader.projects.models import Notification, Problem, ProblemEvent
from tests.factories import (
    EnterpriseFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    region,
)
from tests.imports import counts, exported, exported_rows, import_file, preview

from .factories import ProjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "projects:request_import"
API = "/api/imports/projects.request/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def other(db):
    return EnterpriseFactory(name="别家机械有限公司", region=region("370211"))


def workbook(rows, name="诉求.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in importers.REQUEST_COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def row(title, *, firm="", category="土地", description="需要协调", chain="", project=""):
    # 企业, 诉求类别, 诉求, 详细说明, 产业链, 关联项目
    return [firm, category, title, description, chain, project]


def said(message: str, msgid: str) -> bool:
    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid)
    return message in {msgid, chinese}


def errors_of(resp) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in resp.context["errors"]}


def test_a_firm_imports_its_own_requests_with_the_firm_column_empty(
    client, firm, firm_user, office_user, team_chain
):
    PlacementFactory(segment=SegmentFactory(chain=team_chain), enterprise=firm)  # a chain it sees
    client.force_login(firm_user)
    page = client.get(reverse("projects:request_list"))
    assert page.status_code == 200 and reverse(URL) in page.content.decode()
    assert client.get(reverse(URL)).status_code == 200
    template = client.get(reverse(URL), {"template": "1"})
    assert template.status_code == 200
    cells = {
        str(c)
        for ws in openpyxl.load_workbook(io.BytesIO(template.content)).worksheets
        for r in ws.iter_rows(values_only=True)
        for c in r
    }
    assert {"企业", "诉求类别", "诉求", "详细说明", "示例：扩建用地指标"} <= cells

    upload = workbook(
        [
            row("扩建用地", category="土地"),
            row("流动资金贷款", firm=firm.uscc, category="资金", chain="智能家电"),
        ]
    )
    resp = client.post(reverse(URL), {"action": "upload", "file": upload})
    assert resp.status_code == 200 and "plan" in resp.context, resp.context.get("errors")
    assert counts(resp.context["plan"]) == (2, 0, 0)
    assert not Problem.objects.exists()  # a preview writes nothing
    done = client.post(reverse(URL), {"action": "confirm", "token": resp.context["token"]})
    assert done.status_code == 302 and done.url == reverse("projects:request_list")
    got = Problem.objects.order_by("title")
    assert [(p.title, p.category, p.enterprise, p.source, p.status, p.chain) for p in got] == [
        ("扩建用地", "land", firm, "firm", "raised", None),
        ("流动资金贷款", "finance", firm, "firm", "raised", team_chain),
    ]
    # as raised by hand: the firm's district, the raise event, the audit row, the office's reminder
    assert {p.region.code for p in got} == {"370212"}
    assert {p.raised_by for p in got} == {firm_user}
    assert ProblemEvent.objects.filter(action="raise").count() == 2
    assert AuditEvent.objects.filter(event_type="problem_raise").count() == 2
    assert (
        AuditEvent.objects.get(event_type="import", object_type="projects.problem").detail[
            "created"
        ]
        == 2
    )
    assert Notification.objects.filter(user=office_user).count() == 2
    # the firm reads them back on its list
    listed = client.get(reverse("projects:request_list"))
    assert "扩建用地" in listed.content.decode() and "流动资金贷款" in listed.content.decode()


def test_an_office_imports_for_named_firms(client, office_user, firm, other, team_chain):
    project = ProjectFactory(chain=team_chain, investor=other)
    client.force_login(office_user)
    upload = workbook(
        [
            row("用电增容", firm=firm.name, category="能源及水电气"),
            row("项目审批", firm=other.uscc, category="审批", project=project.code),
        ]
    )
    resp = import_file(client, reverse(URL), upload)
    assert resp.status_code == 302
    got = {p.title: p for p in Problem.objects.all()}
    assert (got["用电增容"].enterprise, got["用电增容"].category) == (firm, "energy")
    assert (got["项目审批"].enterprise, got["项目审批"].project) == (other, project)
    assert got["项目审批"].chain == team_chain
    assert {p.raised_by for p in got.values()} == {office_user}


def test_a_firm_naming_another_firm_is_a_row_error_and_nothing_is_written(
    client, firm, firm_user, other
):
    client.force_login(firm_user)
    upload = workbook([row("甲"), row("乙", firm=other.uscc), row("丙", firm=firm.name)])
    resp = import_file(client, reverse(URL), upload)
    assert resp.status_code == 200
    errors = errors_of(resp)
    assert set(errors) == {(3, "企业")}
    assert said(errors[(3, "企业")], "A firm account imports requests for its own firm only.")
    assert not Problem.objects.exists()


def test_bad_rows_name_row_and_column_and_nothing_is_written(client, district_a_user, other, firm):
    # district_a (370211) may import for `other` (370211), not for `firm` (370212)
    client.force_login(district_a_user)
    upload = workbook(
        [
            row("好的一行", firm=other.uscc),
            row("类别不对", firm=other.uscc, category="天气"),
            row("链不对", firm=other.uscc, chain="不存在的链"),
            row("辖区外", firm=firm.uscc),
            row("好的一行", firm=other.name),
            row("基础设施", firm=other.uscc, category="基础设施"),
            row("没有企业"),
        ]
    )
    resp = import_file(client, reverse(URL), upload)
    assert resp.status_code == 200
    errors = errors_of(resp)
    assert set(errors) == {
        (3, "诉求类别"),
        (4, "产业链"),
        (5, "企业"),
        (6, "诉求"),
        (7, "诉求类别"),
        (8, "企业"),
    }
    assert said(errors[(5, "企业")], "Unknown enterprise (or outside your data scope).")
    assert "2" in errors[(6, "诉求")]
    assert not Problem.objects.exists()
    assert not ProblemEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.GENERAL_LEADER, Role.DEPARTMENT])
def test_read_only_roles_get_403_on_the_page_and_the_api(client, firm, role):
    user = UserFactory(username=f"ro_{role}", role=role)
    client.force_login(user)
    url = reverse(URL)
    assert client.get(url).status_code == 403
    assert client.get(url, {"template": "1"}).status_code == 403
    upload = workbook([row("甲", firm=firm.uscc)])
    assert client.post(url, {"action": "upload", "file": upload}).status_code == 403
    page = client.get(reverse("projects:request_list"))
    assert page.status_code == 200 and url not in page.content.decode()
    api = APIClient()
    api.force_login(user)
    resp = api.post(API, {"file": workbook([row("甲", firm=firm.uscc)])}, format="multipart")
    assert resp.status_code == 403
    assert not Problem.objects.exists()


def test_the_api_dry_run_returns_the_plan_and_writes_nothing(firm, firm_user, other):
    api = APIClient()
    api.force_login(firm_user)
    resp = api.post(
        API, {"file": workbook([row("甲"), row("乙")]), "dry_run": "true"}, format="multipart"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["dry_run"] is True and body["created_count"] == 2
    assert not Problem.objects.exists()
    bad = api.post(API, {"file": workbook([row("甲", firm=other.name)])}, format="multipart")
    assert bad.status_code == 400
    assert [(e["row"], e["column"]) for e in bad.json()["errors"]] == [(2, "企业")]
    good = api.post(API, {"file": workbook([row("甲")])}, format="multipart")
    assert good.status_code == 200
    assert Problem.objects.get().enterprise == firm


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("list_name", ["projects:request_list", "projects:problem_list"])
def test_the_exported_request_list_reads_back_unchanged(
    client, office_user, firm, firm_user, team_chain, language, list_name
):
    PlacementFactory(segment=SegmentFactory(chain=team_chain), enterprise=firm)
    services.request_raise(
        actor=firm_user, title="扩建用地", description="二期用地", category="land", chain=team_chain
    )
    services.request_raise(actor=firm_user, title="融资", description="贷款", category="finance")
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse(list_name))
    assert len(exported_rows(content)) == 2
    resp = preview(client, reverse(URL), content)
    assert counts(resp.context["plan"]) == (0, 0, 2)
    assert Problem.objects.count() == 2
