"""An exported enterprise list imports back unchanged (issue 11): every column of the import under its template
header, the region and industry as the pages show them; one changed cell is previewed as that field old → new."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Industry
from tests.factories import EnterpriseFactory, ParkFactory, make_uscc, region
from tests.imports import (
    changes,
    counts,
    edit_cell,
    exported,
    exported_rows,
    import_file,
    preview,
    skipped_columns,
)

LIST = "enterprises:enterprise_list"
IMPORT = "enterprises:enterprise_import"


@pytest.fixture
def firms(db):
    park = ParkFactory(name="青岛西海岸新区智能家电产业园", region=region("370211"))
    return [
        EnterpriseFactory(
            uscc=make_uscc(700001),
            name="往返家电有限公司",
            former_names="往返电器厂\n往返电子有限公司",
            region=region("370211"),
            park=park,
            industry=Industry.objects.get(full_code="C3951"),
            registered_capital_wan=Decimal("12345.50"),
            founded_on=date(2015, 6, 1),
            above_size=True,
            ticker="600690",
            address="青岛市黄岛区前湾港路1号",
            business_scope="家用电器研发、制造、销售",
        ),
        EnterpriseFactory(
            uscc=make_uscc(700002, "370212"), name="往返科技有限公司", region=region("370212")
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_enterprise_list_imports_back_unchanged(client, office_user, firms, language):
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse(LIST))
    row = exported_rows(content)[0]
    assert row["所在区域"] == "黄岛区" and row["行业代码"].startswith(
        "C3951 "
    )  # as the list shows them
    assert isinstance(row["成立日期"], date) and isinstance(row["注册资本(万元)"], float)
    resp = preview(client, reverse(IMPORT), content)
    assert counts(resp.context["plan"]) == (0, 0, 2)
    assert skipped_columns(resp) == set()  # the import takes every column of the export


@pytest.mark.parametrize(
    ("header", "value", "change"),
    [
        ("注册资本(万元)", 20000, ("注册资本(万元)", "12345.5", "20000")),
        ("是否规上", "否", ("是否规上", "是", "否")),
        ("所在区域", "崂山区", ("所在区域", "黄岛区", "崂山区")),
        ("成立日期", date(2016, 1, 2), ("成立日期", "2015-06-01", "2016-01-02")),
    ],
)
def test_one_changed_cell_of_the_export_is_previewed_as_that_field(
    client, office_user, firms, header, value, change
):
    client.force_login(office_user)
    content = edit_cell(exported(client, reverse(LIST)), header, 2, value)
    plan = preview(client, reverse(IMPORT), content).context["plan"]
    assert counts(plan) == (0, 1, 1)
    assert changes(plan) == [change]


def test_the_export_imports_into_an_empty_registry_as_the_same_firms(client, office_user, firms):
    kept = ("id", "created_at", "updated_at", "version")
    fields = [f.name for f in Enterprise._meta.concrete_fields if f.name not in kept]
    before = {e.uscc: {f: getattr(e, f) for f in fields} for e in Enterprise.objects.all()}
    client.force_login(office_user)
    content = exported(client, reverse(LIST))
    Enterprise.objects.all().delete()
    resp = import_file(client, reverse(IMPORT), SimpleUploadedFile("导出.xlsx", content))
    assert resp.status_code == 302
    after = {e.uscc: {f: getattr(e, f) for f in fields} for e in Enterprise.objects.all()}
    assert after == before
