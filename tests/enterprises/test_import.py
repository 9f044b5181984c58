"""Enterprise Excel import: all-or-nothing with a row-level report; scope decides what a user may import."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.enterprises.importers import ENTERPRISE_COLUMNS
from chainleader.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, make_uscc, region
from tests.imports import import_file

HEADERS = [c.header for c in ENTERPRISE_COLUMNS]


def workbook(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("企业.xlsx", buf.getvalue())


def firm_row(n: int, area: str = "370211") -> list[object]:
    return [
        make_uscc(500000 + n, area),
        f"导入企业{n}有限公司",
        "",
        area,
        "",
        "C3951",
        1000,
        "2018-05-01",
        "是",
        "",
        "",
    ]


def test_one_bad_credit_code_among_1000_rows_writes_nothing_and_names_the_row(client, office_user):
    rows = [firm_row(i) for i in range(1000)]
    bad = rows[997]
    bad[0] = bad[0][:-1] + ("0" if bad[0][-1] != "0" else "1")
    client.force_login(office_user)
    resp = import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    assert resp.status_code == 200
    errors = resp.context["errors"]
    assert len(errors) == 1
    assert errors[0]["row"] == 999  # header is row 1, so the 998th data row is Excel row 999
    assert errors[0]["column"] == "统一社会信用代码"
    assert Enterprise.objects.count() == 0
    # the refusal is audited (outcome failure); no import was recorded as done
    assert not AuditEvent.objects.filter(event_type="import", outcome="success").exists()


def test_a_clean_file_writes_every_row_and_one_audit_row(client, office_user):
    client.force_login(office_user)
    resp = import_file(
        client, reverse("enterprises:enterprise_import"), workbook([firm_row(i) for i in range(50)])
    )
    assert resp.status_code == 302
    assert Enterprise.objects.count() == 50
    ent = Enterprise.objects.get(uscc=make_uscc(500003))
    assert ent.region.code == "370211" and ent.industry.full_code == "C3951" and ent.above_size
    assert ent.history.count() == 1
    assert (
        AuditEvent.objects.filter(event_type="import", object_type="enterprises.enterprise").count()
        == 1
    )


def test_reimporting_the_same_file_updates_instead_of_duplicating(client, office_user):
    client.force_login(office_user)
    rows = [firm_row(i) for i in range(5)]
    import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    rows[0][1] = "改名后的企业有限公司"
    import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    assert Enterprise.objects.count() == 5
    changed = Enterprise.objects.get(uscc=rows[0][0])
    assert changed.name == "改名后的企业有限公司" and changed.version == 2


def test_every_bad_cell_is_reported_with_row_and_column(client, office_user):
    # Cell shapes are checked first (every bad cell), then references to regions and codes (every bad row).
    client.force_login(office_user)
    rows = [firm_row(1), firm_row(2), firm_row(3)]
    rows[0][6] = "很多"
    rows[2][7] = "去年"
    resp = import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    assert {(e["row"], e["column"]) for e in resp.context["errors"]} == {
        (2, "注册资本(万元)"),
        (4, "成立日期"),
    }
    rows = [firm_row(1), firm_row(2), firm_row(3)]
    rows[0][3] = "不存在的区"
    rows[1][5] = "X9999"
    resp = import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    assert {(e["row"], e["column"]) for e in resp.context["errors"]} == {
        (2, "所在区域"),
        (3, "行业代码"),
    }
    assert Enterprise.objects.count() == 0


def test_a_district_cannot_import_firms_into_another_district(client, district_a_user):
    client.force_login(district_a_user)
    rows = [firm_row(1, "370211"), firm_row(2, "370212")]
    resp = import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    errors = resp.context["errors"]
    assert [e["row"] for e in errors] == [3]
    assert Enterprise.objects.count() == 0


def test_a_district_cannot_overwrite_a_firm_outside_its_scope(client, district_a_user):
    other = EnterpriseFactory(
        uscc=make_uscc(777, "370212"), name="别区企业", region=region("370212")
    )
    client.force_login(district_a_user)
    row = firm_row(1)
    row[0] = other.uscc
    resp = import_file(client, reverse("enterprises:enterprise_import"), workbook([row]))
    assert resp.context["errors"][0]["column"] == "统一社会信用代码"
    other.refresh_from_db()
    assert other.name == "别区企业"


def test_the_template_holds_no_row_that_imports_and_a_filled_template_imports_back(
    client, office_user
):
    import io

    import openpyxl

    client.force_login(office_user)
    resp = client.get(reverse("enterprises:enterprise_import"), {"template": 1})
    assert resp.status_code == 200
    content = b"".join(resp.streaming_content) if resp.streaming else resp.content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    data, help_sheet = wb["数据"], wb["说明"]
    assert data.max_row == 2  # title and header: the example lives on the instruction sheet
    assert "示例智能装备有限公司" in [c.value for row in help_sheet.iter_rows() for c in row]
    resp = import_file(
        client, reverse("enterprises:enterprise_import"), SimpleUploadedFile("t.xlsx", content)
    )
    assert not Enterprise.objects.exists()  # importing the template as downloaded writes nothing
    headers = [c.value for c in data[2]]
    row = dict.fromkeys(headers, None)
    row.update(
        {
            "统一社会信用代码": make_uscc(77),
            "企业名称": "模板填写企业有限公司",
            "所在区域": "370211",
        }
    )
    for index, header in enumerate(headers, start=1):
        data.cell(row=3, column=index, value=row[header])
    buffer = io.BytesIO()
    wb.save(buffer)
    resp = import_file(
        client,
        reverse("enterprises:enterprise_import"),
        SimpleUploadedFile("t.xlsx", buffer.getvalue()),
    )
    assert resp.status_code == 302
    assert Enterprise.objects.filter(name="模板填写企业有限公司").exists()


@pytest.mark.parametrize("role_user", ["department_user", "firm_user"])
def test_read_only_roles_cannot_import(client, request, role_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(reverse("enterprises:enterprise_import")).status_code == 403
