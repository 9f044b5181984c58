"""The policy pages: list with filters and export, forms (bad conditions: a clear error, no 500), detail, a run
and its confirmation, payments, a firm's own page, the measures by class with their firm lists and export."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.policies.models import EligibilityResult, MeasureRule, Payment, Policy, PolicyItem
from tests.factories import EnterpriseFactory, region
from tests.policies.conftest import publish_classes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% policy\n%%EOF\n"


def sheet(resp):
    wb = openpyxl.load_workbook(
        io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content)
    )
    return [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]


def test_the_office_adds_a_policy_with_its_document_publishes_it_and_firms_read_it(
    client, office_user, firm_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office_user)
    assert client.get(reverse("policies:policy_add")).status_code == 200
    resp = client.post(
        reverse("policies:policy_add"),
        {
            "title": "关于进一步支持实体经济高质量发展的若干政策",
            "issuer": "青岛西海岸新区管委",
            "doc_number": "青西新管发〔2020〕3号",
            "issued_on": "2020-03-01",
            "areas": "创新, 人才",
            "document_upload": SimpleUploadedFile("政策.pdf", PDF),
        },
    )
    policy = Policy.objects.get()
    assert resp.status_code == 302 and policy.document and policy.status == "draft"
    # A renamed executable is refused, nothing changes.
    bad = client.post(
        reverse("policies:policy_edit", args=[policy.pk]),
        {
            "title": policy.title,
            "issuer": policy.issuer,
            "version": policy.version,
            "document_upload": SimpleUploadedFile("x.pdf", b"MZ\x90\x00"),
        },
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    policy.refresh_from_db()
    assert policy.version == 1
    client.force_login(firm_user)
    assert client.get(reverse("policies:policy_detail", args=[policy.pk])).status_code == 404
    client.force_login(office_user)
    assert client.post(reverse("policies:policy_publish", args=[policy.pk])).status_code == 302
    client.force_login(firm_user)
    assert client.get(reverse("policies:policy_detail", args=[policy.pk])).status_code == 200
    download = client.get(reverse("policies:policy_document", args=[policy.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("policies:policy_history", args=[policy.pk])).status_code == 200
    assert client.get(reverse("policies:policy_add")).status_code == 403


def test_the_list_filters_sorts_and_exports(client, office_user, hand_case):
    Policy.objects.create(title="另一项政策", issuer="市工信局", status="draft")
    client.force_login(office_user)
    url = reverse("policies:policy_list")
    body = client.get(url, {"issuer": "新区"}).content.decode()
    assert "若干政策" in body and "另一项政策" not in body
    assert client.get(url, {"sort": "-issued_on", "status": "draft"}).status_code == 200
    rows = sheet(client.get(url, {"export": "xlsx"}))
    assert len(rows) == 3


def test_item_forms_refuse_bad_conditions_with_the_path_and_a_run_confirms_and_pays(
    client, office_user, hand_case, item_data, firm_user
):
    firm_user.org_unit.enterprise = hand_case["star"]
    firm_user.org_unit.save()
    client.force_login(office_user)
    policy = hand_case["policy"]
    add = reverse("policies:item_add", args=[policy.pk])
    assert client.get(add).status_code == 200
    form = {**item_data, "rate_pct": "10", "cap_wan": "80", "fixed_wan": ""}
    bad = client.post(
        add, {**form, "conditions": '{"all": [{"fact": "tiers", "op": ">=", "value": 1}]}'}
    )
    assert bad.status_code == 200
    assert "all[0]：数据项“所获梯度称号”不能用运算“&gt;=”" in bad.content.decode()
    broken = client.post(add, {**form, "conditions": '{"all": ['})
    assert broken.status_code == 200 and not PolicyItem.objects.exists()
    resp = client.post(add, {**form, "conditions": json.dumps(item_data["conditions"])})
    item = PolicyItem.objects.get()
    assert resp.status_code == 302 and item.current_version == 1
    assert client.get(reverse("policies:item_detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("policies:item_edit", args=[item.pk])).status_code == 200
    assert client.get(reverse("policies:item_history", args=[item.pk])).status_code == 200
    resp = client.post(reverse("policies:item_run", args=[item.pk]), {"year": 2024})
    run = item.runs.get()
    assert resp.status_code == 302 and resp["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "星级家电有限公司" in page and "符合：所获梯度称号" in page
    assert len(sheet(client.get(run.get_absolute_url(), {"show": "all", "export": "xlsx"}))) >= 3
    star = EligibilityResult.objects.get(run=run, enterprise=hand_case["star"])
    client.post(
        reverse("policies:run_decide", args=[run.pk]), {"result": [star.pk], "decision": "confirm"}
    )
    star.refresh_from_db()
    assert star.status == "confirmed"
    assert client.get(reverse("policies:result_detail", args=[star.pk])).status_code == 200
    resp = client.post(
        reverse("policies:result_pay", args=[star.pk]),
        {"amount_wan": "80", "paid_on": "2025-03-01", "voucher_no": "PZ-9"},
    )
    assert resp.status_code == 302 and Payment.objects.get().amount_wan == Decimal(80)
    assert client.get(reverse("policies:run_list")).status_code == 200
    assert client.get(reverse("policies:result_list")).status_code == 200
    listing = client.get(reverse("policies:payment_list")).content.decode()
    assert "80.00" in listing or "80" in listing
    # The firm sees its own result and payment, on its page and the lists.
    client.force_login(firm_user)
    mine = client.get(reverse("policies:mine")).content.decode()
    assert "研发投入奖励" in mine and "2025-03-01" in mine
    # Its own check against the published items, before any run: every condition with its reason.
    assert 'data-testid="preview"' in mine and "符合：所获梯度称号含其一" in mine
    assert "普通配套有限公司" not in client.get(reverse("policies:result_list")).content.decode()
    assert client.get(reverse("policies:run_detail", args=[run.pk])).status_code == 404
    plain = EligibilityResult.objects.get(run=run, enterprise=hand_case["plain"])
    assert client.get(reverse("policies:result_detail", args=[plain.pk])).status_code == 404
    assert (
        client.post(reverse("policies:item_run", args=[item.pk]), {"year": 2024}).status_code == 403
    )


def test_a_measure_lists_its_firms_with_the_consecutive_year_rule_and_exports_them(
    client, office_user, department_user
):
    twice = EnterpriseFactory(name="连续两年D类企业", region=region("370211"))
    once = EnterpriseFactory(name="仅一年D类企业", region=region("370211"))
    publish_classes(2023, {twice: "D", once: "C"})
    publish_classes(2024, {twice: "D", once: "D"})
    client.force_login(office_user)
    assert client.get(reverse("policies:measure_add")).status_code == 200
    resp = client.post(
        reverse("policies:measure_add"),
        {
            "grade": "D",
            "min_years": 2,
            "kind": "power",
            "measure": "差别化电价加价 0.1 元/千瓦时",
            "applied_by": "供电公司",
            "active": "on",
        },
    )
    rule = MeasureRule.objects.get()
    assert resp.status_code == 302
    page = client.get(
        reverse("policies:measure_detail", args=[rule.pk]), {"year": 2024}
    ).content.decode()
    assert "连续两年D类企业" in page and "仅一年D类企业" not in page
    rows = sheet(
        client.get(
            reverse("policies:measure_detail", args=[rule.pk]), {"year": 2024, "export": "xlsx"}
        )
    )
    assert (
        rows[0][:2] == ["统一社会信用代码", "企业名称"]
        and rows[1][1] == "连续两年D类企业"
        and rows[1][4] == 2
    )
    assert client.get(reverse("policies:measure_list")).status_code == 200
    assert client.get(reverse("policies:measure_edit", args=[rule.pk])).status_code == 200
    # A department has no confidential grant: the rule, not its firms (as the evaluation hides classes).
    client.force_login(department_user)
    page = client.get(reverse("policies:measure_detail", args=[rule.pk])).content.decode()
    assert "figures-hidden" in page and "连续两年D类企业" not in page
