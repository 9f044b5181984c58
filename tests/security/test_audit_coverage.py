"""AU1, table-driven: each audited action done once writes exactly one audit row, of the right event type,
naming the acting user and the object (SECURITY.md AU1, TP2; GB/T 22239 §8.1.4.3a).

Every case runs through the real route (page or API), never the service alone, so a route that forgets
its audit row, or writes two, fails here. The count is a delta over the action only: signing the client in
happens before the count starts.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.accounts import services as account_services
from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.core.models import AuditEvent
from chainleader.enterprises.importers import ENTERPRISE_COLUMNS
from chainleader.enterprises.models import Enterprise
from tests.conftest import PASSWORD
from tests.factories import (
    EnterpriseFactory,
    OrgUnitFactory,
    UserFactory,
    YearFigureFactory,
    make_uscc,
    region,
)
from tests.imports import import_file

NEW_PASSWORD = "Init-Passw0rd#7"


@dataclass(frozen=True)
class Case:
    event_type: str
    actor: str  # key of the world's user who acts ("" when nobody is signed in)
    act: Callable[
        [Any, Any], Any
    ]  # (client, world) -> the object id the row must name ("" for none)


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([c.header for c in ENTERPRISE_COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("企业.xlsx", buf.getvalue())


def _ok(resp: Any, *codes: int) -> Any:
    assert resp.status_code in codes, (resp.status_code, getattr(resp, "content", b"")[:300])
    return resp


# --- the actions ---------------------------------------------------------------------------------------


def login_success(client, w):
    _ok(client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD}), 302)
    return ""


def login_failure(client, w):
    _ok(client.post(reverse("accounts:login"), {"username": "office", "password": "wrong"}), 200)
    return ""


def logout(client, w):
    _ok(client.post(reverse("accounts:logout")), 302)
    return ""


def enterprise_create_page(client, w):
    data = {"uscc": make_uscc(777001), "name": "新登记企业有限公司", "region": region("370211").pk}
    _ok(client.post(reverse("enterprises:enterprise_add"), data), 302)
    return Enterprise.objects.get(uscc=data["uscc"]).pk


def enterprise_update_page(client, w):
    firm = w.firm_a
    data = {"uscc": firm.uscc, "name": "改名企业", "region": firm.region_id, "version": 1}
    _ok(client.post(reverse("enterprises:enterprise_edit", args=[firm.pk]), data), 302)
    return firm.pk


def enterprise_delete_page(client, w):
    _ok(client.post(reverse("enterprises:enterprise_delete", args=[w.firm_a.pk])), 302)
    return w.firm_a.pk


def enterprise_create_api(client, w):
    body = {"uscc": make_uscc(777002), "name": "接口企业有限公司", "region": "370211"}
    return _ok(client.post("/api/enterprises/", body, format="json"), 201).json()["id"]


def enterprise_update_api(client, w):
    body = {"name": "接口改名", "version": 1}
    _ok(client.patch(f"/api/enterprises/{w.firm_a.pk}/", body, format="json"), 200)
    return w.firm_a.pk


def enterprise_delete_api(client, w):
    _ok(client.delete(f"/api/enterprises/{w.firm_a.pk}/"), 204)
    return w.firm_a.pk


def enterprise_import(client, w):
    row = [
        make_uscc(777003),
        "导入企业有限公司",
        "",
        "370211",
        "",
        "C3951",
        1000,
        "2018-05-01",
        "是",
    ]
    resp = import_file(client, reverse("enterprises:enterprise_import"), _xlsx([row]))
    _ok(resp, 302)
    return ""


def enterprise_export(client, w):
    resp = _ok(client.get(reverse("enterprises:enterprise_list"), {"export": "xlsx"}), 200)
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return ""


def figures_on_the_detail_page(client, w):
    _ok(client.get(w.firm_a.get_absolute_url()), 200)
    return w.firm_a.pk


def figures_through_the_api_list(client, w):
    _ok(client.get("/api/year-figures/"), 200)
    return ""


def figures_through_the_api_detail(client, w):
    _ok(client.get(f"/api/year-figures/{w.figure_a.pk}/"), 200)
    return w.figure_a.pk


def _account_form(account: User, **changes: Any) -> dict:
    data = {
        "full_name": account.full_name,
        "role": account.role,
        "org_unit": account.org_unit_id or "",
        "phone": account.phone,
        "is_active": "on",
        "fingerprint": account_services.user_fingerprint(account),
        **changes,
    }
    return data


def user_create(client, w):
    data = {
        "username": "newbie",
        "role": Role.OFFICE,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    _ok(client.post(reverse("accounts:user_add"), data), 302)
    return User.objects.get(username="newbie").pk


def user_update(client, w):
    url = reverse("accounts:user_edit", args=[w.member.pk])
    _ok(client.post(url, _account_form(w.member, full_name="新名字")), 302)
    return w.member.pk


def user_deactivate(client, w):
    _ok(client.post(reverse("accounts:user_deactivate", args=[w.member.pk])), 302)
    return w.member.pk


def password_reset(client, w):
    data = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    _ok(client.post(reverse("accounts:user_password_reset", args=[w.member.pk]), data), 302)
    return w.member.pk


def account_unlock(client, w):
    _ok(client.post(reverse("accounts:user_unlock", args=[w.member.pk])), 302)
    return ""


def unit_create(client, w):
    data = {"name": "新专班", "kind": OrgUnit.Kind.TEAM}
    _ok(client.post(reverse("accounts:unit_add"), data), 302)
    return OrgUnit.objects.get(name="新专班").pk


def unit_update(client, w):
    data = {"name": "改名单位", "kind": w.unit.kind, "version": w.unit.version}
    _ok(client.post(reverse("accounts:unit_edit", args=[w.unit.pk]), data), 302)
    return w.unit.pk


def audit_search(client, w):
    _ok(client.get(reverse("core:audit_log"), {"event_type": "login_failure"}), 200)
    return ""


def audit_export(client, w):
    _ok(client.get(reverse("core:audit_log"), {"export": "xlsx"}), 200)
    return ""


CASES = {
    "login success": Case("login_success", "", login_success),
    "login failure": Case("login_failure", "", login_failure),
    "logout": Case("logout", "office", logout),
    "enterprise create (page)": Case("create", "office", enterprise_create_page),
    "enterprise update (page)": Case("update", "office", enterprise_update_page),
    "enterprise delete (page)": Case("delete", "office", enterprise_delete_page),
    "enterprise create (API)": Case("create", "office", enterprise_create_api),
    "enterprise update (API)": Case("update", "office", enterprise_update_api),
    "enterprise delete (API)": Case("delete", "office", enterprise_delete_api),
    "enterprise import (xlsx)": Case("import", "office", enterprise_import),
    "enterprise list export (xlsx)": Case("export", "office", enterprise_export),
    "figures on the enterprise page": Case(
        "view_confidential", "office", figures_on_the_detail_page
    ),
    "figures, API list": Case("view_confidential", "office", figures_through_the_api_list),
    "figures, API detail": Case("view_confidential", "office", figures_through_the_api_detail),
    "user create": Case("user_create", "secadmin", user_create),
    "user update": Case("user_update", "secadmin", user_update),
    "user deactivate": Case("user_deactivate", "secadmin", user_deactivate),
    "password reset": Case("password_reset", "secadmin", password_reset),
    "account unlock": Case("account_unlock", "secadmin", account_unlock),
    "unit create": Case("unit_create", "secadmin", unit_create),
    "unit update": Case("unit_update", "secadmin", unit_update),
    "audit search": Case("audit_search", "auditor", audit_search),
    "audit export": Case("audit_export", "auditor", audit_export),
}


@pytest.fixture
def world(db):
    w = SimpleNamespace()
    w.users = {
        "office": UserFactory(username="office", role=Role.OFFICE),
        "secadmin": UserFactory(username="secadmin", role=Role.SECURITY_ADMIN),
        "auditor": UserFactory(username="auditor", role=Role.AUDIT_ADMIN),
    }
    w.member = UserFactory(username="member", role=Role.OFFICE)
    w.unit = OrgUnitFactory(name="旧单位", kind=OrgUnit.Kind.DEPARTMENT)
    w.firm_a = EnterpriseFactory(name="甲企业有限公司", region=region("370211"))
    w.figure_a = YearFigureFactory(enterprise=w.firm_a)
    return w


@pytest.mark.parametrize("name", list(CASES))
def test_each_action_writes_exactly_one_audit_row(world, name):
    case = CASES[name]
    client = APIClient() if "API" in name else Client()
    actor = world.users.get(case.actor)
    if actor is not None:
        client.force_login(actor)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    object_id = case.act(client, world)

    new_rows = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    assert [r.event_type for r in new_rows] == [case.event_type], name
    row = new_rows[0]
    expected_user = actor if case.event_type != "login_success" else world.users["office"]
    if case.event_type == "login_failure":
        expected_user = None
        assert row.username == "office"
    assert row.user == expected_user, name
    assert row.object_id == str(object_id), name
    assert row.outcome == ("failure" if case.event_type == "login_failure" else "success")
    assert row.request_id and row.source_ip == "127.0.0.1"


def test_the_table_covers_every_event_the_brief_lists():
    listed = {c.event_type for c in CASES.values()}
    assert {
        "login_success",
        "login_failure",
        "create",
        "update",
        "delete",
        "import",
        "export",
        "view_confidential",
        "user_create",
        "user_update",
        "user_deactivate",
        "password_reset",
        "unit_create",
        "audit_search",
    } <= listed
