"""The value import: all-or-nothing, every bad row named with its column; the exported value list reads back
unchanged and a changed cell is an update; a district writes its own subjects only."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.models import AuditEvent
from chainleader.indicators import importers, services
from chainleader.indicators.models import IndicatorValue
from tests.factories import region
from tests.imports import changes, counts, edit_cell, exported, import_file, preview


def workbook(rows, name="指标数据.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in importers.VALUE_COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


@pytest.fixture
def library(db):
    services.load_indicators()


def test_values_import_through_the_page(client, office_user, team_chain, library):
    client.force_login(office_user)
    url = reverse("indicators:value_import")
    assert client.get(url).status_code == 200
    assert client.get(url, {"template": "1"}).status_code == 200
    upload = workbook(
        [
            # 指标代码, 指标名称, 区(市), 产业链, 年份, 期次, 数值, 备注
            ["P10", "", "", "", 2023, 0, 62.5, ""],
            ["D04", "", "黄岛区", "", 2021, None, 75, "区工信局"],
            ["P01", "", "", team_chain.name, 2023, 0, 26, ""],
        ]
    )
    resp = import_file(client, url, upload)
    assert resp.status_code == 302
    assert IndicatorValue.objects.get(
        indicator__code="P10", region=None, chain=None
    ).value == Decimal("62.5")
    d = IndicatorValue.objects.get(indicator__code="D04")
    assert (d.region, d.period, d.note, d.version) == (region("370211"), 0, "区工信局", 1)
    assert IndicatorValue.objects.get(indicator__code="P01", chain=team_chain).value == 26
    assert AuditEvent.objects.filter(
        event_type="import", object_type="indicators.indicatorvalue"
    ).exists()


def test_bad_rows_are_all_named_and_nothing_is_written(client, district_a_user, library):
    client.force_login(district_a_user)
    upload = workbook(
        [
            ["D04", "", "黄岛区", "", 2021, 0, 75, ""],  # fine
            ["NOPE", "", "黄岛区", "", 2021, 0, 1, ""],  # unknown code
            ["C01", "", "黄岛区", "", 2021, 3, 1, ""],  # computed, not entered
            ["P10", "", "黄岛区", "", 2021, 5, 1, ""],  # a yearly indicator has no period 5
            ["D04", "", "黄岛区", "", 2021, 0, 76, ""],  # the same subject and period again
            [
                "P10",
                "",
                "",
                "",
                2021,
                0,
                60,
                "",
            ],  # the city's value: outside a district's writable scope
            ["P10", "", "不存在区", "", 2021, 0, 60, ""],  # unknown district
        ]
    )
    resp = import_file(client, reverse("indicators:value_import"), upload)
    assert resp.status_code == 200
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    assert errors == {
        (3, "指标代码"),
        (4, "指标代码"),
        (5, "期次"),
        (6, "指标代码"),
        (8, "区(市)"),
    }
    assert not IndicatorValue.objects.exists()
    # Without the other errors, the city row alone is refused by the scope check: still nothing written.
    resp = import_file(
        client,
        reverse("indicators:value_import"),
        workbook(
            [["D04", "", "黄岛区", "", 2021, 0, 75, ""], ["P10", "", "", "", 2021, 0, 60, ""]]
        ),
    )
    assert {(e["row"], e["column"]) for e in resp.context["errors"]} == {(3, "区(市)")}
    assert not IndicatorValue.objects.exists()


def test_the_exported_list_imports_back_unchanged_and_a_changed_cell_updates(
    client, office_user, team_chain, library
):
    client.force_login(office_user)
    services.value_save(
        actor=office_user,
        data={
            "indicator": services.Indicator.objects.get(code="P10"),
            "year": 2023,
            "period": 0,
            "value": 61,
        },
    )
    services.value_save(
        actor=office_user,
        data={
            "indicator": services.Indicator.objects.get(code="P01"),
            "chain": team_chain,
            "year": 2023,
            "period": 0,
            "value": 25,
        },
    )
    services.value_save(
        actor=office_user,
        data={
            "indicator": services.Indicator.objects.get(code="D04"),
            "region": region("370211"),
            "year": 2021,
            "period": 0,
            "value": 75,
        },
    )
    content = exported(client, reverse("indicators:value_list"))
    resp = preview(client, reverse("indicators:value_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 3)
    changed = edit_cell(content, "数值", 2, 80)
    resp = preview(client, reverse("indicators:value_import"), changed)
    assert counts(resp.context["plan"]) == (0, 1, 2)
    assert [c[0] for c in changes(resp.context["plan"])] == ["数值"]


def test_the_import_api(office_user, library):
    api = APIClient()
    api.force_authenticate(office_user)
    upload = workbook([["P10", "", "", "", 1900, 0, 1, ""]])
    resp = api.post("/api/imports/indicators.indicatorvalue/", {"file": upload}, format="multipart")
    assert resp.status_code == 400
    assert [(e["row"], e["column"]) for e in resp.json()["errors"]] == [(2, "年份")]
