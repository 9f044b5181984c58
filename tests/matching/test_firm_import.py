"""A firm account imports its own needs and offers (卡位入链) from Excel: the same page as the editors' (template,
upload, preview, confirm; all-or-nothing with row-level errors). Empty firm columns mean its own firm; another
firm, or the number of another firm's listing, is an error on that row and nothing is written. Read-only roles
get 403 on the page and on the API; an editor's import works as before."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from chainleader.accounts.models import Role
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Enterprise
from chainleader.matching import importers, services
from chainleader.matching.models import Need, Offer

from ..factories import ChainFactory, EnterpriseFactory, UserFactory, region
from ..imports import import_file


@pytest.fixture
def chain(db):
    return ChainFactory(name="智能家电", level="city", region=region("3702"))


@pytest.fixture
def other(db):
    return EnterpriseFactory(name="别家铜材有限公司", region=region("370211"))


def workbook(columns, rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("需求.xlsx", buf.getvalue())


def said(message: str, msgid: str) -> bool:
    """``message`` is ``msgid``, in English or in the Chinese of the UI."""
    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid)
    return message in {msgid, chinese}


UNKNOWN_FIRM = "Unknown enterprise (or outside your data scope)."


def need_row(product, *, number="", uscc="", name="", volume="10吨/月"):
    # 需求编号, 统一社会信用代码, 企业名称, 产品, 规格, 产业链, 产业链环节, 需求量, 需求时间, 说明, 开放
    return [number, uscc, name, product, "", "", "", volume, "", "", ""]


def test_a_firm_sees_only_its_own_enterprise(firm, firm_user, other):
    assert list(Enterprise.objects.for_user(firm_user)) == [firm]


def test_a_firm_imports_its_own_needs_through_the_page(client, firm, firm_user, other):
    client.force_login(firm_user)
    # the list page offers the import, the template downloads (its example leaves the firm columns empty)
    page = client.get(reverse("matching:need_list"))
    assert page.context["import_url_name"] == "matching:need_import"
    assert reverse("matching:need_import") in page.content.decode()
    assert client.get(reverse("matching:need_import")).status_code == 200
    template = client.get(reverse("matching:need_import"), {"template": "1"})
    assert template.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(template.content))
    cells = {str(c) for ws in sheets.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    assert {"需求编号", "企业名称", "产品"} <= cells
    assert "链主集团有限公司" not in cells

    url = reverse("matching:need_import")
    upload = workbook(importers.NEED_COLUMNS, [need_row("铜管"), need_row("铝板", volume="")])
    preview = client.post(url, {"action": "upload", "file": upload})
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan["created_count"], plan["updated_count"]) == (2, 0)
    assert not Need.objects.exists()  # a preview writes nothing
    done = client.post(url, {"action": "confirm", "token": preview.context["token"]})
    assert done.status_code == 302 and done.url == reverse("matching:need_list")
    needs = Need.objects.order_by("product")
    assert [(n.enterprise, n.product) for n in needs] == [(firm, "铜管"), (firm, "铝板")]
    event = AuditEvent.objects.get(event_type="import", object_type="matching.need")
    assert event.user == firm_user and event.detail["created"] == 2


def test_a_firm_updates_its_own_listing_by_number(client, firm, firm_user):
    own = services.need_publish(actor=firm_user, data={"enterprise": firm, "product": "铜管"})
    client.force_login(firm_user)
    upload = workbook(importers.NEED_COLUMNS, [need_row("铜管", number=own.pk, volume="20吨")])
    resp = import_file(client, reverse("matching:need_import"), upload)
    assert resp.status_code == 302
    own.refresh_from_db()
    assert (own.volume, own.enterprise) == ("20吨", firm)


def test_another_firm_in_a_row_is_an_error_and_nothing_is_written(client, firm, firm_user, other):
    client.force_login(firm_user)
    upload = workbook(
        importers.NEED_COLUMNS,
        [
            need_row("铜管"),
            need_row("铝板", uscc=other.uscc),
            need_row("铜棒", name=other.name),
            need_row("紫铜", uscc=firm.uscc),  # its own firm named: fine
        ],
    )
    resp = import_file(client, reverse("matching:need_import"), upload)
    assert resp.status_code == 200
    errors = {(e["row"], e["column"]): e["message"] for e in resp.context["errors"]}
    assert set(errors) == {(3, "统一社会信用代码"), (4, "企业名称")}
    assert all(said(m, UNKNOWN_FIRM) for m in errors.values())
    assert not Need.objects.exists()
    # the refusal is audited (outcome failure); no import was recorded as done
    assert not AuditEvent.objects.filter(event_type="import", outcome="success").exists()


def test_another_firms_listing_number_is_unknown(client, firm_user, office_user, other):
    theirs = services.offer_publish(actor=office_user, data={"enterprise": other, "product": "铜"})
    client.force_login(firm_user)
    upload = workbook(
        importers.OFFER_COLUMNS,
        [[theirs.pk, "", "", "改掉", "", "", "", "", "", ""], ["", "", "", "新供给", *[""] * 6]],
    )
    resp = import_file(client, reverse("matching:offer_import"), upload)
    assert resp.status_code == 200
    [error] = resp.context["errors"]
    assert (error["row"], error["column"]) == (2, "供给编号")
    assert said(
        error["message"],
        "Unknown number (or outside your data scope): leave it empty for a new one.",
    )
    assert Offer.objects.get().product == "铜"


def test_the_service_refuses_another_firm_even_within_reach(firm, firm_user, other, monkeypatch):
    """Should a firm's scope ever reach another firm, the publishing rule still refuses it on its row."""
    from chainleader.core.excel import ParsedRow
    from chainleader.core.exceptions import ImportRejected
    from chainleader.core.imports import run_import

    monkeypatch.setattr(
        Enterprise.objects, "for_user", lambda user, **kw: Enterprise.objects.all(), raising=False
    )
    rows = [ParsedRow(row=2, values={"enterprise_uscc": other.uscc, "product": "铜管"})]
    with pytest.raises(ImportRejected) as exc:
        run_import(importers.need_import, actor=firm_user, rows=rows, filename="x.xlsx")
    [error] = exc.value.errors
    assert error["column"] == "企业名称"
    assert said(error["message"], "You may publish only for your own enterprise.")
    assert not Need.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.GENERAL_LEADER, Role.DEPARTMENT])
def test_read_only_roles_get_403_on_the_import_page_and_api(client, firm, role):
    user = UserFactory(username=f"ro_{role}", role=role)
    client.force_login(user)
    for name in ("matching:need_import", "matching:offer_import"):
        url = reverse(name)
        assert client.get(url).status_code == 403
        assert client.get(url, {"template": "1"}).status_code == 403
        upload = workbook(importers.NEED_COLUMNS, [need_row("铜管", uscc=firm.uscc)])
        assert client.post(url, {"action": "upload", "file": upload}).status_code == 403
        assert client.post(url, {"action": "confirm", "token": "x"}).status_code == 403
    api = APIClient()
    api.force_login(user)
    for kind in ("matching.need", "matching.offer"):
        upload = workbook(importers.NEED_COLUMNS, [need_row("铜管", uscc=firm.uscc)])
        resp = api.post(f"/api/imports/{kind}/", {"file": upload}, format="multipart")
        assert resp.status_code == 403, (role, kind)
    page = client.get(reverse("matching:need_list"))
    assert page.status_code == 200 and not page.context["import_url_name"]
    assert not Need.objects.exists()


def test_a_firm_imports_through_the_api_too(firm, firm_user, other):
    api = APIClient()
    api.force_login(firm_user)
    url = "/api/imports/matching.need/"
    bad = api.post(
        url,
        {"file": workbook(importers.NEED_COLUMNS, [need_row("铜管", name=other.name)])},
        format="multipart",
    )
    assert bad.status_code == 400
    assert [(e["row"], e["column"]) for e in bad.json()["errors"]] == [(2, "企业名称")]
    good = api.post(
        url, {"file": workbook(importers.NEED_COLUMNS, [need_row("铜管")])}, format="multipart"
    )
    assert good.status_code == 200, good.content
    assert Need.objects.get().enterprise == firm
    # other kinds stay the editors'
    resp = api.post(
        "/api/imports/enterprises.enterprise/",
        {"file": workbook(importers.NEED_COLUMNS, [])},
        format="multipart",
    )
    assert resp.status_code == 403


def test_an_editors_import_still_names_any_firm_in_scope(client, office_user, other, chain):
    client.force_login(office_user)
    upload = workbook(
        importers.NEED_COLUMNS,
        [
            ["", other.uscc, "", "铜管", "", "智能家电", "", "50吨/月", "", "", "是"],
            need_row("铝板"),  # an editor names the firm
        ],
    )
    resp = import_file(client, reverse("matching:need_import"), upload)
    assert resp.status_code == 200
    assert [(e["row"], e["column"]) for e in resp.context["errors"]] == [(3, "企业名称")]
    assert not Need.objects.exists()
    upload = workbook(
        importers.NEED_COLUMNS,
        [["", other.uscc, "", "铜管", "", "智能家电", "", "50吨/月", "", "", "是"]],
    )
    resp = import_file(client, reverse("matching:need_import"), upload)
    assert resp.status_code == 302
    need = Need.objects.get()
    assert (need.enterprise, need.chain, need.volume) == (other, chain, "50吨/月")


def test_a_firm_account_without_its_firm_gets_no_import(client, firm):
    user = UserFactory(username="firm_unlinked", role=Role.ENTERPRISE)
    client.force_login(user)
    assert client.get(reverse("matching:need_import")).status_code == 403
    assert not client.get(reverse("matching:need_list")).context["import_url_name"]
