"""The import as an office clerk drives it in a browser: upload a messy roster, read the preview (new, changed
field by field, skipped rows and columns), confirm, and find the firms in the list (issue 18)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from chainleader.accounts.models import Role
from chainleader.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, UserFactory, make_uscc


@pytest.fixture
def roster(transactional_db, tmp_path):
    UserFactory(username="office", role=Role.OFFICE)
    EnterpriseFactory(
        uscc=make_uscc(900002), name="青岛润泽新材料有限公司", registered_capital_wan=200
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年黄岛区重点企业名录"])
    ws.append(["序号", "企业名称", "信用代码", "所在区（市）", "注册资本（万元）", "联系人"])
    ws.append(
        [1, "青岛海检精密机械有限公司", make_uscc(900001).lower() + " ", "黄岛", "1.2亿", "张三"]
    )
    ws.append([2, "青岛润泽新材料有限公司", make_uscc(900002), "370211", 300, "李四"])
    ws.append([None, "合计", None, None, None, None])
    path = tmp_path / "名录.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def login(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label(re.compile("用户名|Username")).fill("office")
    page.get_by_label(re.compile("密码|Password")).fill("Test-Passw0rd!")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()


def test_upload_preview_then_confirm(page: Page, live_server, roster):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server.url)
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("#id_file", str(roster))
    page.locator("form button[type=submit]").first.click()

    expect(page.locator("[data-count=created]")).to_have_text("1")
    expect(page.locator("[data-count=updated]")).to_have_text("1")
    expect(page.locator("#import-updated")).to_contain_text("200")
    expect(page.locator("#import-updated")).to_contain_text("300")
    expect(page.locator("#import-notices")).to_contain_text("联系人")
    expect(page.locator("#import-notices [data-notice=row]")).to_contain_text("合计")
    assert Enterprise.objects.count() == 1  # the preview wrote nothing

    page.locator("#confirm-import").click()
    page.wait_for_url(re.compile(r"/enterprises/$"))
    assert Enterprise.objects.count() == 2
    assert Enterprise.objects.get(uscc=make_uscc(900001)).registered_capital_wan == 12000
    assert Enterprise.objects.get(uscc=make_uscc(900002)).registered_capital_wan == 300
