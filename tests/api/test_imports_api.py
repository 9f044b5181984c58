"""The import endpoint: a dry run returns the plan and writes nothing; a write can be pinned to that plan."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainleader.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, make_uscc

pytestmark = pytest.mark.django_db
URL = "/api/imports/enterprises.enterprise/"


def roster(*rows: list[object]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["信用代码", "企业名称", "所在区（市）", "注册资本（万元）", "联系人"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("名录.xlsx", buf.getvalue())


def rows() -> list[list[object]]:
    return [
        [make_uscc(810001), "甲公司", "黄岛", "1.2亿", "张三"],
        [make_uscc(810002), "乙公司", "370211", 300, "李四"],
    ]


def test_a_dry_run_returns_the_plan_and_writes_nothing(api, office_user):
    EnterpriseFactory(uscc=make_uscc(810002), name="乙公司", registered_capital_wan=200)
    resp = api(office_user).post(
        URL, {"file": roster(*rows()), "dry_run": "true"}, format="multipart"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["dry_run"] is True
    assert (body["created_count"], body["updated_count"], body["unchanged_count"]) == (1, 1, 0)
    assert body["updated"][0]["changes"] == [
        {"column": "注册资本(万元)", "old": "200", "new": "300"}
    ]
    assert any(n["kind"] == "column" and n["column"] == "联系人" for n in body["notices"])
    assert Enterprise.objects.count() == 1


def test_a_write_pinned_to_its_dry_run_refuses_when_the_data_changed(api, office_user):
    firm = EnterpriseFactory(uscc=make_uscc(810002), name="乙公司", registered_capital_wan=200)
    client = api(office_user)
    digest = client.post(URL, {"file": roster(*rows()), "dry_run": "1"}, format="multipart").json()[
        "digest"
    ]
    Enterprise.objects.filter(pk=firm.pk).update(registered_capital_wan=250)
    resp = client.post(
        URL, {"file": roster(*rows()), "expected_digest": digest}, format="multipart"
    )
    assert resp.status_code == 409
    assert Enterprise.objects.count() == 1
    fresh = resp.json()["digest"]
    done = client.post(URL, {"file": roster(*rows()), "expected_digest": fresh}, format="multipart")
    assert done.status_code == 200 and done.json()["dry_run"] is False
    assert Enterprise.objects.count() == 2
    assert Enterprise.objects.get(uscc=make_uscc(810001)).registered_capital_wan == 12000


def test_bad_rows_give_400_with_every_error_and_write_nothing(api, office_user):
    bad = rows()
    bad[0][0] = "91370211XXXXXXXXX0"
    bad[1][2] = "火星"
    resp = api(office_user).post(URL, {"file": roster(*bad)}, format="multipart")
    assert resp.status_code == 400
    assert {(e["row"], e["column"]) for e in resp.json()["errors"]} >= {
        (2, "统一社会信用代码"),
        (3, "所在区域"),
    }
    assert Enterprise.objects.count() == 0


def test_unknown_kind_missing_file_and_readers_are_refused(api, office_user, firm_user):
    client = api(office_user)
    assert (
        client.post(
            "/api/imports/nothing.here/", {"file": roster()}, format="multipart"
        ).status_code
        == 404
    )
    assert client.post(URL, {}, format="multipart").status_code == 400
    assert (
        api(firm_user).post(URL, {"file": roster(*rows())}, format="multipart").status_code == 403
    )
    assert not Enterprise.objects.filter(uscc__in=[r[0] for r in rows()]).exists()
