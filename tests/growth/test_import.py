"""Imports of growth plans and measures (一企一策): all-or-nothing, every bad row named with its column; the
exported list reads back unchanged; a changed cell is an update of that plan."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.exceptions import ImportRejected
from chainleader.growth import importers, services
from chainleader.growth.models import GrowthPlan, Measure
from tests.imports import changes, counts, edit_cell, exported, import_file, preview


def workbook(columns, rows, name="倍增计划.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def plan_row(uscc, base=2022, target=2026, revenue=None, tax_target=None, kind="倍增计划"):
    # 统一社会信用代码, 计划类型, 基准年, 目标年, 基准年营业收入, 目标营业收入, 基准年纳税额, 目标纳税额,
    # 基准年固定资产投资, 目标固定资产投资, 状态, 备注
    return [uscc, kind, base, target, revenue, None, None, tax_target, None, None, "推进中", ""]


def test_plans_import_through_the_page(client, office_user, firm_a, firm):
    client.force_login(office_user)
    url = reverse("growth:plan_import")
    assert client.get(url).status_code == 200
    assert client.get(url, {"template": "1"}).status_code == 200
    upload = workbook(
        importers.PLAN_COLUMNS,
        [plan_row(firm_a.uscc, tax_target=10000), plan_row(firm.uscc, revenue=50000)],
    )
    resp = import_file(client, url, upload)
    assert resp.status_code == 302
    assert GrowthPlan.objects.count() == 2
    plan = GrowthPlan.objects.get(enterprise=firm)
    assert plan.base_revenue_wan == Decimal(50000) and plan.kind == "doubling"


def test_bad_rows_are_all_named_and_nothing_is_written(client, district_a_user, firm_a, firm):
    client.force_login(district_a_user)
    upload = workbook(
        importers.PLAN_COLUMNS,
        [
            plan_row(firm_a.uscc),
            plan_row(firm.uscc),  # district B's firm: outside district A's scope
            plan_row(firm_a.uscc, base=2024, target=2023),  # target before base
            plan_row(firm_a.uscc),  # the same firm and base year again
            plan_row(firm_a.uscc, base=2021, revenue=-5),
        ],
    )
    resp = import_file(client, reverse("growth:plan_import"), upload)
    assert resp.status_code == 200
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    assert errors == {
        (3, "统一社会信用代码"),
        (4, "目标年"),
        (5, "基准年"),
        (6, "基准年营业收入(万元)"),
    }
    assert not GrowthPlan.objects.exists()


def test_the_service_refuses_a_read_only_role(department_user, firm_a):
    rows = [
        type(
            "R",
            (),
            {"row": 2, "values": {"uscc": firm_a.uscc, "base_year": 2022, "target_year": 2026}},
        )()
    ]
    with pytest.raises(ImportRejected):
        services.plans_import(actor=department_user, rows=rows)


def test_measures_import_onto_plans(client, office_user, plan_a, department_unit):
    client.force_login(office_user)
    url = reverse("growth:measure_import")
    assert client.get(url).status_code == 200
    uscc = plan_a.enterprise.uscc
    upload = workbook(
        importers.MEASURE_COLUMNS,
        [
            [uscc, 2022, "支持申报专精特新", department_unit.name, "2025-12-31", "否", None],
            [uscc, 2022, "协调新厂区用地 120 亩", department_unit.name, None, "是", "2025-03-01"],
        ],
    )
    resp = import_file(client, url, upload)
    assert resp.status_code == 302
    assert Measure.objects.filter(plan=plan_a).count() == 2
    assert Measure.objects.get(text="协调新厂区用地 120 亩").done
    bad = workbook(
        importers.MEASURE_COLUMNS,
        [
            [uscc, 2019, "x", None, None, None, None],
            [uscc, 2022, "y", "不存在的局", None, None, None],
        ],
    )
    resp = import_file(client, url, bad)
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    assert errors == {(2, "统一社会信用代码"), (3, "责任单位")}
    assert Measure.objects.filter(plan=plan_a).count() == 2


def test_the_exported_list_imports_back_unchanged_and_a_changed_cell_updates(
    client, office_user, plan_a, firm_b_plan
):
    client.force_login(office_user)
    content = exported(client, reverse("growth:plan_list"))
    resp = preview(client, reverse("growth:plan_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 2)
    changed = edit_cell(content, "目标年", 2, 2027)
    resp = preview(client, reverse("growth:plan_import"), changed)
    assert counts(resp.context["plan"]) == (0, 1, 1)
    assert changes(resp.context["plan"]) == [("目标年", "2026", "2027")]


def test_the_import_api(office_user, firm_a):
    api = APIClient()
    api.force_authenticate(office_user)
    upload = workbook(importers.PLAN_COLUMNS, [plan_row(firm_a.uscc, base=2021, target=2020)])
    resp = api.post("/api/imports/growth.growthplan/", {"file": upload}, format="multipart")
    assert resp.status_code == 400
    assert [(e["row"], e["column"]) for e in resp.json()["errors"]] == [(2, "目标年")]
