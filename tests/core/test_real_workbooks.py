"""Imports of the workbooks offices really keep (issue 18): hand-made messy rosters, figures and project lists.

Each workbook is laid out as a district office keeps it: a title row and a filer row above the header, headers
with full-width brackets, units and other names, typing artefacts in values, merged cells, totals and formula
rows. The import must read all of it, report what it did not read, preview before writing and write exactly
the preview.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core import excel
from chainleader.core.exceptions import HeadersMissing, ImportRejected
from chainleader.core.models import ImportMapping
from chainleader.enterprises.importers import ENTERPRISE_COLUMNS, FIGURE_COLUMNS
from chainleader.enterprises.models import Enterprise, YearFigure
from chainleader.projects.models import Project
from tests.factories import EnterpriseFactory, make_uscc

ROSTER_URL = "enterprises:enterprise_import"


def workbook(
    rows: list[list[object]],
    *,
    title_rows: int = 2,
    merges: tuple[str, ...] = (),
    formulas: dict[str, str] | None = None,
    cached: dict[str, str] | None = None,
    name: str = "企业名录.xlsx",
) -> SimpleUploadedFile:
    """A sheet as offices keep it: a merged title, a filer line, then the header and rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名录"
    width = max(len(r) for r in rows)
    if title_rows >= 1:
        ws.append(["2026年黄岛区重点企业名录"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if title_rows >= 2:
        ws.append(["填报单位：黄岛区发展和改革局", None, None, "填报日期：2026年11月30日"])
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    buf = io.BytesIO()
    wb.save(buf)
    content = buf.getvalue()
    if cached:
        content = with_cached_values(content, cached)
    return SimpleUploadedFile(name, content)


def with_cached_values(content: bytes, cached: dict[str, str]) -> bytes:
    """Give formula cells the value Excel would have stored with them (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                for ref, value in cached.items():
                    data = re.sub(
                        rb'(<c r="' + ref.encode() + rb'"[^>]*>)<f>([^<]*)</f><v\s*/?>(?:</v>)?',
                        rb"\1<f>\2</f><v>" + value.encode() + rb"</v>",
                        data,
                    )
            target.writestr(info, data)
    return out.getvalue()


def read(upload: SimpleUploadedFile, columns, **kwargs):
    path = excel.check_upload(upload)
    try:
        return excel.read_rows(path, columns, **kwargs)
    finally:
        excel.cleanup(path)


ROSTER_HEADER = [
    "序号",
    "企业名称",
    "信用代码",
    "所在区（市）",
    "注册资本（万元）",
    "成立时间",
    "是否规上",
    "联系人",  # a column the import has no field for: reported, never silently dropped
]


def roster_rows() -> list[list[object]]:
    return [
        ROSTER_HEADER,
        # lower-case credit code with a trailing space; full-width region digits; capital with a unit
        [
            1,
            "青岛海检精密机械有限公司",
            make_uscc(700001).lower() + " ",
            "３７０２１１",
            "1.2亿",
            "2021/6/8",
            "√",
            "张三",
        ],
        [
            2,
            "青岛润泽新材料有限公司",
            make_uscc(700002),
            "黄岛",
            "5,000万元",
            "2021年6月",
            "Y",
            "李四",
        ],
        [3, "青岛星海电子有限公司", make_uscc(700003), "黄岛区", 800, 44350, "否", "王五"],
        [None, "合计", None, None, "=SUM(E4:E6)", None, None, None],
    ]


# --- reading: headers, values, rows -----------------------------------------------------------------


def test_a_roster_with_title_rows_full_width_headers_and_typing_artefacts_reads_whole(db):
    rows = read(workbook(roster_rows()), ENTERPRISE_COLUMNS)
    assert rows.header_row == 3
    assert [r.row for r in rows] == [4, 5, 6]  # the 合计 row is skipped
    first, second, third = (r.values for r in rows)
    assert first["uscc"] == make_uscc(700001)  # upper-cased and trimmed before the check character
    assert first["region"] == "370211"  # full-width digits
    assert first["registered_capital_wan"] == Decimal("12000")  # 1.2亿 in 万元
    assert first["founded_on"] == date(2021, 6, 8) and first["above_size"] is True
    assert second["registered_capital_wan"] == Decimal("5000")
    assert second["founded_on"] == date(2021, 6, 1)  # month only: the 1st, flagged
    assert third["registered_capital_wan"] == Decimal("800")
    assert third["founded_on"] == date(2021, 6, 3)  # Excel serial 44350
    kinds = {(n["kind"], n["column"]) for n in rows.notices}
    assert ("column", "联系人") in kinds and ("column", "序号") in kinds
    assert any(
        n["kind"] == "row" and n["row"] == 7 and "合计" in n["message"] for n in rows.notices
    )
    assert any(n["kind"] == "unit" and "1.2亿" in n["message"] for n in rows.notices)
    assert any(n["kind"] == "month" and "2021年6月" in n["message"] for n in rows.notices)


def test_an_unmatched_column_is_reported_and_a_full_width_bracket_column_is_imported(db):
    header = ["统一社会信用代码", "企业名称", "所在区域", "注册资本（万元）", "年产能（台）"]
    rows = read(
        workbook([header, [make_uscc(700010), "甲公司", "370211", 300, 5000]], title_rows=0),
        ENTERPRISE_COLUMNS,
    )
    assert rows[0].values["registered_capital_wan"] == Decimal("300")
    unmatched = [m.header for m in rows.unmatched]
    assert unmatched == ["年产能（台）"]
    assert any(
        n["kind"] == "column" and "年产能（台）" in n["message"] and "未导入" in n["message"]
        for n in rows.notices
    )


def test_a_header_in_another_unit_is_converted_and_a_foreign_unit_is_not_matched(db):
    header = ["统一社会信用代码", "年度", "营业收入（亿元）", "纳税额(元)", "用地面积（吨）"]
    rows = read(
        workbook([header, [make_uscc(700011), "2024年", 1.5, "1,234,500", 3]], title_rows=0),
        FIGURE_COLUMNS,
    )
    values = rows[0].values
    assert values["year"] == 2024
    assert values["revenue_wan"] == Decimal("15000")  # 1.5 亿元 = 15000 万元
    assert values["tax_wan"] == Decimal("123.45")  # 1,234,500 元
    assert "land_mu" not in {m.field for m in rows.columns if m.field}
    assert any(m.header == "用地面积（吨）" and "吨" in m.reason for m in rows.unmatched)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-06-08", date(2021, 6, 8)),
        ("2021/6/8", date(2021, 6, 8)),
        ("2021.06.08", date(2021, 6, 8)),
        ("2021年6月8日", date(2021, 6, 8)),
        ("２０２１年６月８日", date(2021, 6, 8)),
        ("2021年6月", date(2021, 6, 1)),
        (44355, date(2021, 6, 8)),
        ("44355", date(2021, 6, 8)),
    ],
)
def test_dates_in_every_office_spelling(text, expected):
    column = excel.ExcelColumn("成立日期", "founded_on", kind="date")
    assert excel.convert_cell(column, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("否", False),
        ("√", True),
        ("×", False),
        ("Y", True),
        ("n", False),
        (1, True),
        ("0", False),
        ("TRUE", True),
        ("false", False),
        ("Ｙ", True),
    ],
)
def test_yes_no_in_every_spelling(text, expected):
    column = excel.ExcelColumn("是否规上", "above_size", kind="bool")
    assert excel.convert_cell(column, text) is expected


def test_a_value_that_cannot_be_read_names_row_column_value_and_what_was_expected(db):
    rows = roster_rows()
    rows[1][4] = "约五千万"
    with pytest.raises(ImportRejected) as info:
        read(workbook(rows), ENTERPRISE_COLUMNS)
    [error] = info.value.errors
    assert (error["row"], error["column"], error["value"]) == (4, "注册资本(万元)", "约五千万")
    assert "注册资本(万元)" in error["message"] and "数字" in error["message"]


def test_a_missing_required_column_names_the_columns_found(db):
    with pytest.raises(HeadersMissing) as info:
        read(
            workbook([["单位", "代码", "区"], ["甲", make_uscc(1), "370211"]], title_rows=0),
            ENTERPRISE_COLUMNS,
        )
    messages = " ".join(e["message"] for e in info.value.errors)
    assert "统一社会信用代码" in messages and "单位、代码、区" in messages


def test_merged_cells_read_as_their_top_left_value(db):
    rows = [
        ["统一社会信用代码", "企业名称", "所在区域"],
        [make_uscc(700020), "甲公司", "370211"],
        [make_uscc(700021), "乙公司", None],
        [make_uscc(700022), "丙公司", None],
    ]
    parsed = read(workbook(rows, title_rows=1, merges=("C3:C5",)), ENTERPRISE_COLUMNS)
    assert [r.values["region"] for r in parsed] == ["370211"] * 3


def test_a_formula_row_without_a_name_is_skipped_with_a_notice(db):
    rows = [
        ["统一社会信用代码", "企业名称", "所在区域", "注册资本(万元)"],
        [make_uscc(700030), "甲公司", "370211", 100],
        [None, None, None, None],
    ]
    parsed = read(
        workbook(rows, title_rows=0, formulas={"D3": "=SUM(D2:D2)"}, cached={"D3": "100"}),
        ENTERPRISE_COLUMNS,
    )
    assert len(parsed) == 1
    assert any(n["kind"] == "row" and n["row"] == 3 for n in parsed.notices)


def test_a_gbk_csv_with_a_different_layout_is_read(db):
    code = make_uscc(700040)
    text = f'企业名称,统一代码,所在区域,注册资本（万元）\r\n甲公司,{code},黄岛区,"1,200"\r\n'
    parsed = read(SimpleUploadedFile("名录.csv", text.encode("gbk")), ENTERPRISE_COLUMNS)
    assert parsed[0].values["name"] == "甲公司"
    assert parsed[0].values["registered_capital_wan"] == Decimal("1200")


def test_a_wps_saved_workbook_is_read(db):
    """WPS writes ordinary .xlsx with its own application name and a hidden first sheet sometimes."""
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "WpsReserved"
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("Sheet1")
    ws.append(["统一社会信用代码", "企业名称", "所在区域"])
    ws.append([make_uscc(700050), "甲公司", "370211"])
    wb.properties.creator = "WPS 表格"
    buf = io.BytesIO()
    wb.save(buf)
    parsed = read(SimpleUploadedFile("wps.xlsx", buf.getvalue()), ENTERPRISE_COLUMNS)
    assert parsed[0].values["name"] == "甲公司"


# --- preview, confirm, mapping through the page ----------------------------------------------------


def upload(client, rows, **kwargs):
    return client.post(reverse(ROSTER_URL), {"file": workbook(rows, **kwargs)})


def test_the_upload_previews_and_writes_nothing_until_confirmed(client, office_user):
    existing = EnterpriseFactory(
        uscc=make_uscc(700003), name="青岛星海电子有限公司", registered_capital_wan=500
    )
    client.force_login(office_user)
    resp = upload(client, roster_rows())
    assert resp.status_code == 200
    plan = resp.context["plan"]
    assert (plan["created_count"], plan["updated_count"], plan["unchanged_count"]) == (2, 1, 0)
    [change] = plan["updated"]
    assert change["row"] == 6
    assert {"column": "注册资本(万元)", "old": "500", "new": "800"} in change["changes"]
    assert any(n["column"] == "联系人" for n in resp.context["skipped_columns"])
    assert Enterprise.objects.count() == 1  # nothing written by the preview
    existing.refresh_from_db()
    assert existing.registered_capital_wan == 500

    done = client.post(reverse(ROSTER_URL), {"action": "confirm", "token": resp.context["token"]})
    assert done.status_code == 302
    assert Enterprise.objects.count() == 3
    existing.refresh_from_db()
    assert existing.registered_capital_wan == 800 and existing.version == 2
    assert Enterprise.objects.get(uscc=make_uscc(700001)).registered_capital_wan == 12000
    # The token is used up: a second confirmation writes nothing more.
    again = client.post(reverse(ROSTER_URL), {"action": "confirm", "token": resp.context["token"]})
    assert "过期" in again.context["error"] and Enterprise.objects.count() == 3


def test_a_change_between_preview_and_confirm_is_shown_and_not_written(client, office_user):
    firm = EnterpriseFactory(
        uscc=make_uscc(700003), name="青岛星海电子有限公司", registered_capital_wan=500
    )
    client.force_login(office_user)
    resp = upload(client, roster_rows())
    Enterprise.objects.filter(pk=firm.pk).update(
        registered_capital_wan=600, version=2
    )  # someone else saves
    again = client.post(reverse(ROSTER_URL), {"action": "confirm", "token": resp.context["token"]})
    assert again.status_code == 200 and again.context["changed"]
    assert {"column": "注册资本(万元)", "old": "600", "new": "800"} in again.context["plan"][
        "updated"
    ][0]["changes"]
    assert Enterprise.objects.count() == 1  # not written
    done = client.post(reverse(ROSTER_URL), {"action": "confirm", "token": again.context["token"]})
    assert done.status_code == 302 and Enterprise.objects.count() == 3


def test_an_unchanged_row_is_not_written_again(client, office_user):
    client.force_login(office_user)
    for _ in range(2):
        resp = upload(client, roster_rows())
        client.post(reverse(ROSTER_URL), {"action": "confirm", "token": resp.context["token"]})
    resp = upload(client, roster_rows())
    assert resp.context["plan"]["unchanged_count"] == 3
    assert all(e.version == 1 for e in Enterprise.objects.all())


def test_cancel_deletes_the_pending_file_and_writes_nothing(client, office_user):
    client.force_login(office_user)
    resp = upload(client, roster_rows())
    pending = list(excel.upload_dir().glob(f"pending-{resp.context['token']}*"))
    assert len(pending) == 2  # the upload and the rows read from it, kept for the confirmation
    client.post(reverse(ROSTER_URL), {"action": "cancel", "token": resp.context["token"]})
    assert not any(p.exists() for p in pending) and Enterprise.objects.count() == 0


def test_another_user_cannot_confirm_my_preview(client, office_user, django_user_model):
    from tests.factories import UserFactory

    client.force_login(office_user)
    token = upload(client, roster_rows()).context["token"]
    other = UserFactory(username="office2", role=office_user.role)
    client.force_login(other)
    resp = client.post(reverse(ROSTER_URL), {"action": "confirm", "token": token})
    assert "过期" in resp.context["error"] and Enterprise.objects.count() == 0


def test_unknown_headers_open_the_mapping_screen_and_the_mapping_is_kept(client, office_user):
    client.force_login(office_user)
    rows = [["单位", "代码", "属地区划", "备注"], ["甲公司", make_uscc(700060), "370211", "x"]]
    resp = upload(client, rows, title_rows=0)
    assert resp.templates[0].name == "core/import_mapping.html"
    found = resp.context["found"]
    assert [c["header"] for c in found["columns"]] == ["单位", "代码", "属地区划", "备注"]
    assert found["columns"][1]["samples"] == [make_uscc(700060)]
    token = resp.context["token"]
    choice = {"col_0": "name", "col_1": "uscc", "col_2": "region", "col_3": ""}
    preview = client.post(reverse(ROSTER_URL), {"action": "mapping", "token": token, **choice})
    assert preview.context["plan"]["created_count"] == 1
    assert (
        ImportMapping.objects.get(user=office_user, kind="enterprises.enterprise").mapping["代码"]
        == "uscc"
    )
    client.post(reverse(ROSTER_URL), {"action": "confirm", "token": token})
    assert Enterprise.objects.get(uscc=make_uscc(700060)).name == "甲公司"
    # Next time the same layout previews straight away with the saved mapping.
    rows[1][1] = make_uscc(700061)
    again = upload(client, rows, title_rows=0)
    assert again.context["plan"]["created_count"] == 1 and again.context["mapping_applied"]


def test_the_figures_import_converts_units_and_previews_changes(client, office_user):
    firm = EnterpriseFactory(uscc=make_uscc(700070))
    YearFigure.objects.create(enterprise=firm, year=2024, revenue_wan=10000)
    client.force_login(office_user)
    rows = [
        ["信用代码", "统计年度", "营业收入（亿元）", "税收(万元)"],
        [make_uscc(700070).lower(), "2024", "1.5", "—"],
        [make_uscc(700070), "2025年", "18,000万元", "1,200"],
        ["合 计", None, "=SUM(C3:C4)", None],
    ]
    resp = client.post(reverse("enterprises:figure_import"), {"file": workbook(rows)})
    plan = resp.context["plan"]
    assert (plan["created_count"], plan["updated_count"]) == (1, 1)
    assert {"column": "营业收入(万元)", "old": "10000", "new": "15000"} in plan["updated"][0][
        "changes"
    ]
    client.post(
        reverse("enterprises:figure_import"), {"action": "confirm", "token": resp.context["token"]}
    )
    assert YearFigure.objects.get(enterprise=firm, year=2025).revenue_wan == 18000


def test_a_project_list_in_wan_yuan_with_month_dates_imports(client, office_user, team_chain):
    client.force_login(office_user)
    header = [
        "项目名称",
        "产业链",
        "所在区（市）",
        "项目类型",
        "总投资(万元)",
        "签约时间",
        "计划开工日期",
    ]
    rows = [
        header,
        [
            "智能工厂改造项目",
            "智能家电",
            "黄岛区（西海岸新区）",
            "技术改造",
            "25,000",
            "2026年3月",
            "2026.05.01",
        ],
        ["小计", None, None, None, "=SUM(E4:E4)", None, None],
    ]
    resp = client.post(reverse("projects:project_import"), {"file": workbook(rows)})
    assert resp.context["plan"]["created_count"] == 1
    notices = " ".join(n["message"] for n in resp.context["plan"]["notices"])
    assert "总投资(万元)" in notices  # the header unit conversion is shown
    client.post(
        reverse("projects:project_import"), {"action": "confirm", "token": resp.context["token"]}
    )
    project = Project.objects.get(name="智能工厂改造项目")
    assert project.total_investment_yi == Decimal("2.5")
    assert project.kind == Project.Kind.UPGRADE
    assert project.signed_on == date(2026, 3, 1) and project.planned_started_on == date(2026, 5, 1)


def test_a_column_missing_from_the_file_leaves_that_field_alone(client, office_user):
    """A roster without 地址 or 行业代码 updates what it has and never erases what it lacks."""
    from chainleader.reference.models import Industry

    firm = EnterpriseFactory(
        uscc=make_uscc(700080),
        name="甲公司",
        address="青岛市黄岛区长江路1号",
        industry=Industry.objects.get(full_code="C3951"),
        registered_capital_wan=100,
    )
    client.force_login(office_user)
    rows = [
        ["企业名称", "信用代码", "所在区域", "注册资本（万元）"],
        ["甲公司", make_uscc(700080), "370211", 150],
    ]
    resp = upload(client, rows, title_rows=0)
    [change] = resp.context["plan"]["updated"]
    assert [c["column"] for c in change["changes"]] == ["注册资本(万元)"]
    client.post(reverse(ROSTER_URL), {"action": "confirm", "token": resp.context["token"]})
    firm.refresh_from_db()
    assert firm.registered_capital_wan == 150
    assert firm.address == "青岛市黄岛区长江路1号" and firm.industry.full_code == "C3951"
