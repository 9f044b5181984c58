"""The results workbook (a sheet per class, the ungraded, the scheme) and the appeal record."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from chainleader.core.models import AuditEvent
from chainleader.evaluation import services

from .conftest import pdf

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def workbook(client, run):
    resp = client.get(reverse("evaluation:run_export", args=[run.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in resp["Cache-Control"] or "no-cache" in resp["Cache-Control"]
    return openpyxl.load_workbook(io.BytesIO(resp.content))


def test_the_workbook_has_a_sheet_per_class_the_ungraded_and_the_scheme(
    client, world, office_user, reviewing_2024
):
    world.a1.name = FORMULA
    world.a1.save()
    client.force_login(office_user)
    with translation.override("zh-hans"):
        wb = workbook(client, reviewing_2024)
    assert wb.sheetnames == [
        "A 优先发展类",
        "B 支持发展类",
        "C 提升发展类",
        "D 限制发展类",
        "未定级",
        "评价方案",
    ]
    rows = {
        name: list(wb[name].iter_rows(min_row=2, values_only=True)) for name in wb.sheetnames[:5]
    }
    counts = {g: reviewing_2024.results.filter(grade=g).count() for g in "ABCD"}
    for sheet, grade in zip(wb.sheetnames[:4], "ABCD", strict=True):
        assert len(rows[sheet]) == counts[grade]
        assert {r[8] for r in rows[sheet]} <= {grade}
    assert [r[1] for r in rows["未定级"]] == ["黄岛丁规下有限公司"]
    assert "不足3亩" in rows["未定级"][0][6]

    # The formula-looking name stays a string; scores stay numbers.
    cells = [c for ws in wb.worksheets[:4] for row in ws.iter_rows(min_row=2) for c in row[:7]]
    name_cell = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert name_cell.data_type == "s" and not str(name_cell.value).startswith("=")
    scores = [row[6] for sheet in wb.sheetnames[:4] for row in rows[sheet]]
    assert all(isinstance(s, float) for s in scores)

    scheme = list(wb["评价方案"].iter_rows(values_only=True))
    assert scheme[0][:5] == ("组别", "指标", "分子", "分母", "权重")
    weights = {(r[0], r[1]): r[4] for r in scheme[1:] if r and r[1]}
    assert weights[("规上", "亩均税收")] == 30 and weights[("规下", "亩均税收")] == 100
    ev = AuditEvent.objects.get(event_type="export", object_type="evaluation.evaluationrun")
    assert ev.detail["rows"] == 9 and ev.user == office_user


def test_the_appeal_record_opens_in_word_and_is_audited(
    client, world, district_a_user, reviewing_2024
):
    result = reviewing_2024.results.get(enterprise=world.a2)
    appeal = services.appeal_submit(
        result=result,
        actor=district_a_user,
        field="tax_wan",
        claimed_value=1500,
        evidence=pdf(),
        note="完税证明",
    )
    client.force_login(district_a_user)
    resp = client.get(reverse("evaluation:appeal_record", args=[appeal.pk]))
    assert resp.status_code == 200 and resp["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(resp.content))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert world.a2.name in text and world.a2.uscc in text and "1500" in text and "完税证明" in text
    assert (
        AuditEvent.objects.filter(event_type="export", object_type="evaluation.appeal").count() == 1
    )
