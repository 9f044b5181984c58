"""The payments import (兑现台账): all-or-nothing with every bad row named; the exported ledger reads back."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.policies import importers, services
from chainleader.policies.models import EligibilityResult, Payment
from tests.imports import changes, counts, edit_cell, exported, import_file, preview

pytestmark = pytest.mark.django_db


def workbook(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in importers.PAYMENT_COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("兑现.xlsx", buf.getvalue())


@pytest.fixture
def confirmed(item, hand_case, office_user):
    run = services.run_item(item=item, actor=office_user, year=2024)
    star = EligibilityResult.objects.get(run=run, enterprise=hand_case["star"])
    services.results_decide(run=run, actor=office_user, ids=[star.pk])
    star.refresh_from_db()
    return star


def test_payments_import_and_bad_rows(client, office_user, confirmed, hand_case):
    client.force_login(office_user)
    url = reverse("policies:payment_import")
    assert client.get(url).status_code == 200
    assert client.get(url, {"template": "1"}).status_code == 200
    uscc = hand_case["star"].uscc
    plain = EligibilityResult.objects.get(run=confirmed.run, enterprise=hand_case["plain"])
    bad = import_file(
        client,
        url,
        workbook(
            [
                ["PZ-1", confirmed.pk, uscc, 50, "2025-03-01", ""],
                ["PZ-1", confirmed.pk, uscc, 10, "2025-03-02", ""],  # the voucher again
                ["PZ-2", 999999, uscc, 10, "2025-03-02", ""],  # no such result
                ["PZ-3", plain.pk, hand_case["plain"].uscc, 10, "2025-03-02", ""],  # not confirmed
                [
                    "PZ-4",
                    confirmed.pk,
                    hand_case["plain"].uscc,
                    10,
                    "2025-03-02",
                    "",
                ],  # another firm
                ["PZ-5", confirmed.pk, uscc, 0, "2025-03-02", ""],  # no amount
            ]
        ),
    )
    assert bad.status_code == 200
    assert {(e["row"], e["column"]) for e in bad.context["errors"]} == {
        (3, "凭证号"),
        (4, "结果编号"),
        (5, "结果编号"),
        (6, "统一社会信用代码"),
        (7, "兑现金额(万元)"),
    }
    assert not Payment.objects.exists()
    ok = import_file(
        client, url, workbook([["PZ-1", confirmed.pk, uscc, 50, "2025-03-01", "首笔"]])
    )
    assert ok.status_code == 302 and Payment.objects.get().amount_wan == Decimal(50)


def test_the_exported_ledger_imports_back_unchanged_and_a_changed_cell_updates(
    client, office_user, confirmed
):
    services.payment_record(
        result=confirmed,
        actor=office_user,
        amount_wan=Decimal(50),
        paid_on=__import__("datetime").date(2025, 3, 1),
        voucher_no="PZ-7",
    )
    client.force_login(office_user)
    content = exported(client, reverse("policies:payment_list"))
    resp = preview(client, reverse("policies:payment_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 1)
    changed = edit_cell(content, "兑现金额(万元)", 2, 60)
    resp = preview(client, reverse("policies:payment_import"), changed)
    assert counts(resp.context["plan"]) == (0, 1, 0)
    assert changes(resp.context["plan"]) == [("兑现金额(万元)", "50", "60")]
