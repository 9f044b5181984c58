"""Indicator pages: the library (search, filters, sort, Excel export read back), an indicator's page (targets
with attainment, values, chart), value entry and its import, a chain's targets (linked from the chain page),
relocation flags; scopes: a district, another district, a firm."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.indicators import services
from chainleader.indicators.models import Indicator, IndicatorValue, RelocationFlag
from tests.factories import ChainTargetFactory, EnterpriseFactory, region


def sheet(resp):
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


@pytest.fixture
def library(db):
    services.load_indicators()


def test_the_library_searches_filters_sorts_and_exports(client, office_user, library):
    client.force_login(office_user)
    url = reverse("indicators:indicator_list")
    html = client.get(url).content.decode()
    assert "制造业企业关键工序数控化率" in html
    found = client.get(url, {"q": "数控化"}).content.decode()
    assert "P10" in found and "P14" not in found
    binding = client.get(url, {"kind": "binding"}).content.decode()
    assert "P12" in binding and "P10" not in binding
    assert "P14" in client.get(url, {"group": "企业培育", "sort": "-code"}).content.decode()
    rows = sheet(client.get(url, {"export": "xlsx", "kind": "binding"}))
    assert rows[0][0] == "代码" and {r[0] for r in rows[1:]} == {"P11", "P12", "P13"}
    assert AuditEvent.objects.filter(
        event_type="export", object_type="indicators.indicator"
    ).exists()


def test_an_indicators_page_shows_targets_attainment_and_values(client, district_a_user, library):
    cnc = Indicator.objects.get(code="P10")
    IndicatorValue.objects.create(indicator=cnc, year=2023, period=0, value=Decimal("60"))
    client.force_login(district_a_user)
    resp = client.get(reverse("indicators:indicator_detail", args=[cnc.pk]), {"year": 2023})
    assert resp.status_code == 200
    (row,) = resp.context["target_rows"]
    # 2023 expects 54.6 + 3 × 3.08 = 63.84; 60 / 63.84 = 94.0 %.
    assert row.attainment == 94.0
    assert "94.0%" in resp.content.decode()
    assert resp.context["chart"]["series"][0]["data"] == [60.0]


def test_value_entry_form_and_history(client, office_user, library):
    cnc = Indicator.objects.get(code="P10")
    client.force_login(office_user)
    add = reverse("indicators:value_add")
    assert client.get(add, {"indicator": cnc.pk}).status_code == 200
    resp = client.post(add, {"indicator": cnc.pk, "year": 2023, "period": 0, "value": "61.5"})
    assert resp.status_code == 302
    v = IndicatorValue.objects.get(indicator=cnc, year=2023)
    edit = reverse("indicators:value_edit", args=[v.pk])
    assert client.get(edit).status_code == 200
    stale = client.post(edit, {"year": 2023, "period": 0, "value": "62", "version": 0})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert (
        client.post(edit, {"year": 2023, "period": 0, "value": "62", "version": 1}).status_code
        == 302
    )
    v.refresh_from_db()
    assert v.value == Decimal("62") and v.version == 2
    assert client.get(reverse("indicators:value_history", args=[v.pk])).status_code == 200
    assert client.get(reverse("indicators:value_list")).status_code == 200
    assert client.get(reverse("indicators:value_delete", args=[v.pk])).status_code == 200
    assert client.post(reverse("indicators:value_delete", args=[v.pk])).status_code == 302
    assert not IndicatorValue.objects.filter(pk=v.pk).exists()


def test_target_and_indicator_forms(client, office_user, library):
    cnc = Indicator.objects.get(code="P10")
    client.force_login(office_user)
    assert client.get(reverse("indicators:target_add"), {"indicator": cnc.pk}).status_code == 200
    resp = client.post(
        reverse("indicators:target_add"),
        {
            "indicator": cnc.pk,
            "region": region("370211").pk,
            "target_year": 2025,
            "target_value": "75",
        },
    )
    assert resp.status_code == 302
    t = cnc.targets.get(region=region("370211"))
    assert client.get(reverse("indicators:target_edit", args=[t.pk])).status_code == 200
    assert client.get(reverse("indicators:target_delete", args=[t.pk])).status_code == 200
    assert client.post(reverse("indicators:target_delete", args=[t.pk])).status_code == 302
    assert client.get(reverse("indicators:indicator_add")).status_code == 200
    resp = client.post(
        reverse("indicators:indicator_add"),
        {
            "code": "Z1",
            "name": "测试指标",
            "direction": "up",
            "frequency": "yearly",
            "kind": "expected",
            "level": "city",
            "source": "manual",
            "tolerance_pct": "5",
            "order": 0,
        },
    )
    assert resp.status_code == 302
    z = Indicator.objects.get(code="Z1")
    assert client.get(reverse("indicators:indicator_edit", args=[z.pk])).status_code == 200
    assert client.get(reverse("indicators:indicator_history", args=[z.pk])).status_code == 200
    assert client.get(reverse("indicators:indicator_delete", args=[z.pk])).status_code == 200
    assert client.post(reverse("indicators:indicator_delete", args=[z.pk])).status_code == 302


def test_only_the_office_changes_the_library(client, district_a_user, library):
    client.force_login(district_a_user)
    assert client.get(reverse("indicators:indicator_add")).status_code == 403


def test_the_chain_page_links_to_its_targets_with_actuals(client, office_user, team_chain):
    ct = ChainTargetFactory(chain=team_chain, indicator="产值", value=1000, year=2025)
    services.sync_chain_targets()
    t = ct.chain.pk
    target = services.IndicatorTarget.objects.get(chain_target=ct)
    IndicatorValue.objects.create(
        indicator=target.indicator, chain=team_chain, year=2025, value=800
    )
    client.force_login(office_user)
    chain_page = client.get(reverse("chains:chain_detail", args=[t])).content.decode()
    link = reverse("indicators:chain_targets", args=[t])
    assert link in chain_page
    resp = client.get(link, {"year": 2025})
    assert resp.status_code == 200
    assert resp.context["target_rows"][0].attainment == 80.0


def test_scopes_district_other_district_firm(
    client, district_a_user, district_b_user, firm_user, library
):
    a_value = IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="D04"), region=region("370211"), year=2021, value=75
    )
    client.force_login(district_b_user)
    assert client.get(reverse("indicators:value_edit", args=[a_value.pk])).status_code == 404
    assert "D04" not in client.get(reverse("indicators:value_list")).content.decode()
    client.force_login(district_a_user)
    assert "D04" in client.get(reverse("indicators:value_list")).content.decode()
    assert client.get(reverse("indicators:value_edit", args=[a_value.pk])).status_code == 200
    client.force_login(firm_user)
    assert "P10" not in client.get(reverse("indicators:indicator_list")).content.decode()
    assert client.get(reverse("indicators:value_add")).status_code == 403


def test_relocation_flags(client, district_a_user, district_b_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    firm = EnterpriseFactory(name="外迁风险企业", region=region("370211"))
    client.force_login(district_b_user)
    form = client.get(reverse("indicators:relocation_add"))
    assert firm not in form.context["form"].fields["enterprise"].queryset
    client.force_login(district_a_user)
    evidence = SimpleUploadedFile(
        "情况说明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"
    )
    resp = client.post(
        reverse("indicators:relocation_add"),
        {"enterprise": firm.pk, "note": "在外地洽谈新厂址", "evidence": evidence},
    )
    assert resp.status_code == 302
    flag = RelocationFlag.objects.get(enterprise=firm)
    assert flag.evidence_name == "情况说明.pdf"
    assert "外迁风险企业" in client.get(reverse("indicators:relocation_list")).content.decode()
    download = client.get(reverse("indicators:relocation_evidence", args=[flag.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(district_b_user)
    assert client.get(reverse("indicators:relocation_evidence", args=[flag.pk])).status_code == 404
    client.force_login(district_a_user)
    assert client.post(reverse("indicators:relocation_clear", args=[flag.pk])).status_code == 302
    flag.refresh_from_db()
    assert flag.status == "cleared"
