"""Importing the confidential yearly figures (年度经营数据: revenue, tax, energy ... per firm and year): all-or-nothing
with every bad cell named, only for firms in the importer's writable scope, only for roles with the confidential
grant, and audited as an import of confidential figures (SECURITY.md AC3, AU1, RL2)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from chainleader.core.excel.common import ParsedRow
from chainleader.core.exceptions import ImportRejected
from chainleader.core.models import AuditEvent
from chainleader.enterprises import services
from chainleader.enterprises.models import YearFigure
from tests.factories import EnterpriseFactory, YearFigureFactory, make_uscc, region
from tests.imports import import_file

URL = "enterprises:figure_import"
HEADERS = [
    "统一社会信用代码",
    "年度",
    "营业收入(万元)",
    "纳税额(万元)",
    "综合能耗(吨标煤)",
    "用地面积(亩)",
]


def workbook(*rows: list[object]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("年度数据.xlsx", buf.getvalue())


@pytest.fixture
def firms(db):
    """A firm in district A and one in district B."""
    return (
        EnterpriseFactory(uscc=make_uscc(930001), region=region("370211")),
        EnterpriseFactory(uscc=make_uscc(930002, "370212"), region=region("370212")),
    )


def imports():
    return AuditEvent.objects.filter(event_type="import", object_type="enterprises.yearfigure")


def test_a_clean_file_writes_every_figure_and_one_confidential_import_row(
    client, office_user, firms
):
    a, b = firms
    client.force_login(office_user)
    resp = import_file(
        client,
        reverse(URL),
        workbook([a.uscc, 2024, 12000, 800, 950, 40], [b.uscc, 2024, 3000, -20, 100, 12]),
    )
    assert resp.status_code == 302
    fig = YearFigure.objects.get(enterprise=a, year=2024)
    assert (fig.revenue_wan, fig.tax_wan, fig.energy_tce, fig.land_mu) == (12000, 800, 950, 40)
    # A tax refund larger than the tax paid is a negative figure, and a real one.
    assert YearFigure.objects.get(enterprise=b, year=2024).tax_wan == Decimal(-20)
    row = imports().get(outcome="success")
    assert row.detail["created"] == 2 and row.detail["confidential"] is True
    assert row.user == office_user


def test_a_second_file_updates_the_changed_figures_only(client, office_user, firms):
    a, b = firms
    YearFigureFactory(enterprise=a, year=2024, revenue_wan=12000, tax_wan=800, land_mu=40)
    YearFigureFactory(enterprise=b, year=2024, revenue_wan=3000, tax_wan=50, land_mu=12)
    client.force_login(office_user)
    resp = client.post(
        reverse(URL),
        {
            "file": workbook(
                [a.uscc, 2024, 12000, 800, None, 40], [b.uscc, 2024, 3600, 50, None, 12]
            )
        },
    )
    plan = resp.context["plan"]
    assert (plan["created_count"], plan["updated_count"], plan["unchanged_count"]) == (0, 1, 1)
    assert plan["updated"][0]["changes"] == [
        {"column": "营业收入(万元)", "old": "3000", "new": "3600"}
    ]
    client.post(reverse(URL), {"action": "confirm", "token": resp.context["token"]})
    fig = YearFigure.objects.get(enterprise=b, year=2024)
    assert fig.revenue_wan == 3600 and fig.version == 2


def test_one_negative_figure_writes_nothing_and_names_its_row_and_column(
    client, office_user, firms
):
    a, b = firms
    client.force_login(office_user)
    resp = import_file(
        client,
        reverse(URL),
        workbook([a.uscc, 2024, 12000, 800, 950, 40], [b.uscc, 2024, 3000, 50, -5, 12]),
    )
    assert resp.status_code == 200
    (error,) = resp.context["errors"]
    assert (error["row"], error["column"]) == (3, "综合能耗(吨标煤)")
    assert not YearFigure.objects.exists()
    assert not imports().filter(outcome="success").exists()


def test_the_same_firm_and_year_twice_is_refused(client, office_user, firms):
    a, _b = firms
    client.force_login(office_user)
    resp = import_file(
        client,
        reverse(URL),
        workbook([a.uscc, 2024, 12000, 800, 950, 40], [a.uscc, 2024, 1, 1, 1, 1]),
    )
    (error,) = resp.context["errors"]
    assert error["row"] == 3 and error["column"] == "年度"
    assert not YearFigure.objects.exists()


def test_a_district_imports_figures_of_its_own_firms_only(client, district_a_user, firms):
    a, b = firms
    client.force_login(district_a_user)
    resp = import_file(
        client,
        reverse(URL),
        workbook([a.uscc, 2024, 12000, 800, 950, 40], [b.uscc, 2024, 3000, 50, 100, 12]),
    )
    (error,) = resp.context["errors"]
    assert (error["row"], error["value"]) == (3, b.uscc)
    assert (
        not YearFigure.objects.exists()
    )  # all or nothing: district A's own row is not written either
    resp = import_file(client, reverse(URL), workbook([a.uscc, 2024, 12000, 800, 950, 40]))
    assert resp.status_code == 302
    assert YearFigure.objects.get().enterprise == a


@pytest.mark.parametrize("persona", ["department_user", "firm_user"])
def test_read_only_roles_get_403_on_the_figures_import(request, client, api_client, persona, firms):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse(URL)).status_code == 403
    assert (
        client.post(reverse(URL), {"file": workbook([firms[0].uscc, 2024, 1, 1, 1, 1])}).status_code
        == 403
    )
    api_client.force_login(user)
    resp = api_client.post(
        "/api/imports/enterprises.yearfigure/",
        {"file": workbook([firms[0].uscc, 2024, 1, 1, 1, 1])},
        format="multipart",
    )
    assert resp.status_code == 403
    assert not YearFigure.objects.exists()


def test_the_service_refuses_a_role_without_the_confidential_grant(department_user, firms):
    """The page and the API stop the department first; the service holds the rule too (defence in depth)."""
    row = ParsedRow(2, {"uscc": firms[0].uscc, "year": 2024, "revenue_wan": Decimal(1)})
    with pytest.raises(ImportRejected) as refused:
        services.figures_import(actor=department_user, rows=[row])
    assert [str(e["message"]) for e in refused.value.errors] == [
        gettext("Your role may not write confidential figures.")
    ]
    assert not YearFigure.objects.exists()


def test_a_dry_run_through_the_api_returns_the_plan_and_writes_nothing(
    api_client, office_user, firms
):
    api_client.force_login(office_user)
    resp = api_client.post(
        "/api/imports/enterprises.yearfigure/",
        {"file": workbook([firms[0].uscc, 2024, 12000, 800, 950, 40]), "dry_run": "true"},
        format="multipart",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["created_count"] == 1
    assert not YearFigure.objects.exists()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
