"""The imports of assignments and visits: all-or-nothing, every error with its row and column, nothing written;
a clean file writes through the services (due dates, audit rows); the export reads back unchanged; the API."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.commissioners import importers, services
from chainleader.commissioners.models import Assignment, Visit
from chainleader.core.models import AuditEvent
from tests.factories import EnterpriseFactory, region
from tests.imports import changes, counts, edit_cell, exported, import_file, preview

pytestmark = pytest.mark.django_db


def workbook(columns, rows, name="包抓.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def test_a_clean_assignment_file_names_the_commissioners(
    client, office_user, firm_a, firm_b, cadre, cadre2
):
    client.force_login(office_user)
    url = reverse("commissioners:assignment_import")
    assert client.get(url).status_code == 200
    template = client.get(url, {"template": "1"})
    assert template.status_code == 200
    resp = import_file(
        client,
        url,
        workbook(
            importers.ASSIGNMENT_COLUMNS,
            [
                [firm_a.uscc, "", "wangjianguo", "链主/重点企业", "2026-01-05", 60, ""],
                ["", firm_b.name, "lixiaohong", "梯队企业", "2026-02-01", "", "重点走访"],
            ],
        ),
    )
    assert resp.status_code == 302, getattr(resp, "context", {}) and resp.context.get("errors")
    a = Assignment.objects.get(enterprise=firm_a)
    b = Assignment.objects.get(enterprise=firm_b)
    assert (a.commissioner, a.kind, a.visit_interval_days, a.due_on) == (
        cadre,
        "key",
        60,
        date(2026, 3, 6),
    )
    assert (b.commissioner, b.kind, b.visit_interval_days, b.notes) == (
        cadre2,
        "tiered",
        90,
        "重点走访",
    )
    assert AuditEvent.objects.filter(event_type="commissioner_assign").count() == 2
    row = AuditEvent.objects.filter(event_type="import").get()
    assert row.object_type == "commissioners.assignment" and row.detail["created"] == 2


def test_a_bad_assignment_file_writes_nothing_and_names_each_row(
    client, office_user, firm_a, firm_b, cadre, firm_user
):
    client.force_login(office_user)
    c, d, e = (EnterpriseFactory(name=f"企业{n}", region=region("370211")) for n in "丙丁戊")
    resp = import_file(
        client,
        reverse("commissioners:assignment_import"),
        workbook(
            importers.ASSIGNMENT_COLUMNS,
            [
                [firm_a.uscc, "", "wangjianguo", "链主/重点企业", "2026-01-05", 60, ""],
                ["", "不存在的企业", "wangjianguo", "梯队企业", "", "", ""],
                ["", firm_b.name, "nobody", "梯队企业", "", "", ""],
                ["", c.name, "firm", "梯队企业", "", "", ""],
                [firm_a.uscc, "", "wangjianguo", "梯队企业", "", "", ""],
                ["", d.name, "wangjianguo", "什么企业", "", "", ""],
                ["", e.name, "wangjianguo", "梯队企业", "2026-09-01", "", ""],
            ],
        ),
    )
    assert resp.status_code == 200
    errors = [(e["row"], e["column"]) for e in resp.context["errors"]]
    assert errors == [
        (3, "企业名称"),
        (4, "服务专员账号"),
        (5, "服务专员账号"),
        (6, "企业名称"),
        (7, "企业类别"),
        (8, "包抓起始日期"),
    ]
    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(event_type="commissioner_assign").exists()
    # The refused import leaves its failure row only.
    assert not AuditEvent.objects.filter(event_type="import", outcome="success").exists()


def test_a_district_imports_for_its_own_territory_only(
    client, district_a_user, firm_a, firm_b, cadre
):
    client.force_login(district_a_user)
    resp = import_file(
        client,
        reverse("commissioners:assignment_import"),
        workbook(
            importers.ASSIGNMENT_COLUMNS,
            [
                [firm_a.uscc, "", "wangjianguo", "链主", "", "", ""],
                [firm_b.uscc, "", "wangjianguo", "梯队", "", "", ""],
            ],
        ),
    )
    assert [(e["row"], e["column"]) for e in resp.context["errors"]] == [(3, "统一社会信用代码")]
    assert not Assignment.objects.exists()


def test_the_export_reads_back_unchanged_and_a_changed_cell_updates(
    client, office_user, assigned, cadre2
):
    client.force_login(office_user)
    content = exported(client, reverse("commissioners:assignment_list"))
    url = reverse("commissioners:assignment_import")
    resp = preview(client, url, content)
    assert counts(resp.context["plan"]) == (0, 0, 2)
    # The interval of one firm changed: an update of that field; another commissioner: a new assignment.
    changed = edit_cell(content, "走访周期（天）", 2, 30)
    resp = preview(client, url, changed)
    assert counts(resp.context["plan"]) == (0, 1, 1)
    assert changes(resp.context["plan"])[0][1:] == ("90", "30")
    replaced = edit_cell(
        edit_cell(content, "服务专员账号", 3, "lixiaohong"), "包抓起始日期", 3, "2026-05-01"
    )
    resp = import_file(client, url, SimpleUploadedFile("导出.xlsx", replaced))
    assert resp.status_code == 302
    assert Assignment.objects.current().filter(commissioner=cadre2).count() == 1
    assert Assignment.objects.filter(until=date(2026, 4, 30)).count() == 1


def test_visits_import_and_its_errors(client, office_user, assigned, cadre, cadre2, firm_a2):
    a, b = assigned
    services.visit_log(actor=cadre, assignment=a, on=date(2026, 3, 1))
    client.force_login(office_user)
    url = reverse("commissioners:visit_import")
    assert client.get(url).status_code == 200
    bad = import_file(
        client,
        url,
        workbook(
            importers.VISIT_COLUMNS,
            [
                [a.enterprise.uscc, "", "2026-05-10", "电话", "", "电话了解订单"],
                [a.enterprise.uscc, "", "2026-03-01", "实地走访", "", "重复"],
                [firm_a2.uscc, "", "2026-05-10", "实地走访", "", "没有专员"],
                [b.enterprise.uscc, "", "2026-05-11", "实地走访", "nobody", ""],
                [b.enterprise.uscc, "", "2025-12-01", "线上", "", "早于包抓"],
                [a.enterprise.uscc, "", "2026-05-10", "电话", "", "文件里重复"],
                [b.enterprise.uscc, "", "2026-05-12", "信函", "", ""],
            ],
            name="走访.xlsx",
        ),
    )
    assert bad.status_code == 200
    assert [(e["row"], e["column"]) for e in bad.context["errors"]] == [
        (3, "走访日期"),
        (4, "走访日期"),
        (5, "走访人账号"),
        (6, "走访日期"),
        (7, "走访日期"),
        (8, "走访方式"),
    ]
    assert Visit.objects.count() == 1
    good = import_file(
        client,
        url,
        workbook(
            importers.VISIT_COLUMNS,
            [
                [a.enterprise.uscc, "", "2026-05-10", "电话", "", "电话了解订单"],
                ["", b.enterprise.name, "2026-05-11", "", "lixiaohong", "区里陪同走访"],
            ],
            name="走访.xlsx",
        ),
    )
    assert good.status_code == 302
    assert Visit.objects.count() == 3
    visit = Visit.objects.get(on=date(2026, 5, 11))
    assert (visit.visitor, visit.form) == (cadre2, "on_site")
    a.refresh_from_db()
    assert a.due_on == date(2026, 8, 8)


def test_the_import_api_previews_and_refuses_with_rows(office_user, assigned):
    client = APIClient()
    client.force_login(office_user)
    upload = workbook(
        importers.VISIT_COLUMNS,
        [[assigned[0].enterprise.uscc, "", "2030-01-01", "", "", ""]],
        name="走访.xlsx",
    )
    resp = client.post(
        reverse("api:import", kwargs={"kind": "commissioners.visit"}), {"file": upload}
    )
    assert resp.status_code == 400
    assert [(e["row"], e["column"]) for e in resp.json()["errors"]] == [(2, "走访日期")]
    ok = workbook(
        importers.VISIT_COLUMNS,
        [[assigned[0].enterprise.uscc, "", "2026-05-01", "", "", ""]],
        name="走访.xlsx",
    )
    resp = client.post(
        reverse("api:import", kwargs={"kind": "commissioners.visit"}),
        {"file": ok, "dry_run": "true"},
    )
    assert resp.status_code == 200, resp.json()
    assert not Visit.objects.exists()


def test_read_only_roles_get_403_on_the_import_pages(client, cadre):
    client.force_login(cadre)
    assert client.get(reverse("commissioners:assignment_import")).status_code == 403
    assert client.get(reverse("commissioners:visit_import")).status_code == 403
