"""Every core model's pages work for the office: list, detail, add, edit (stale edit refused), delete, history,
export (the list pages' query counts are pinned in tests/core/test_query_counts.py)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from chainleader.chains.models import Chain, Segment
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import LandZone, Park
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    LandZoneFactory,
    ParkFactory,
    PlacementFactory,
    SegmentFactory,
    TierFactory,
    YearFigureFactory,
    region,
)

LIST_URLS = [
    "core:home",
    "chains:chain_list",
    "chains:segment_list",
    "enterprises:enterprise_list",
    "parks:park_list",
    "parks:landzone_list",
    "reference:region_list",
    "reference:industry_list",
]


@pytest.mark.parametrize("name", LIST_URLS)
def test_list_pages_answer_for_the_office(client, office_user, name):
    client.force_login(office_user)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LIST_URLS)
def test_list_pages_need_a_login(client, db, name):
    resp = client.get(reverse(name))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_detail_and_history_pages(client, office_user):
    firm = EnterpriseFactory()
    YearFigureFactory(enterprise=firm)
    TierFactory(enterprise=firm)
    seg = SegmentFactory()
    PlacementFactory(segment=seg, enterprise=firm)
    park, zone = ParkFactory(), LandZoneFactory()
    client.force_login(office_user)
    for obj, history in [
        (firm, "enterprises:enterprise_history"),
        (seg.chain, "chains:chain_history"),
        (seg, "chains:segment_history"),
        (park, "parks:park_history"),
        (zone, "parks:landzone_history"),
    ]:
        assert client.get(obj.get_absolute_url()).status_code == 200
        assert client.get(reverse(history, args=[obj.pk])).status_code == 200


def test_creating_an_enterprise_with_a_bad_credit_code_is_a_field_error(client, office_user):
    client.force_login(office_user)
    resp = client.post(
        reverse("enterprises:enterprise_add"),
        {
            "uscc": "91310110666007217X",
            "name": "新企业",
            "region": region("370211").pk,
        },
    )
    assert resp.status_code == 200
    assert "uscc" in resp.context["form"].errors
    assert not Enterprise.objects.exists()


def test_creating_an_enterprise_writes_history_and_audit(client, office_user):
    client.force_login(office_user)
    resp = client.post(
        reverse("enterprises:enterprise_add"),
        {
            "uscc": "91310110666007217T",
            "name": "新企业有限公司",
            "region": region("370211").pk,
        },
    )
    assert resp.status_code == 302
    firm = Enterprise.objects.get(uscc="91310110666007217T")
    assert firm.history.count() == 1
    assert AuditEvent.objects.filter(event_type="create", object_id=str(firm.pk)).count() == 1


def test_a_stale_edit_gets_a_form_error_and_the_newer_value_stays(client, office_user):
    firm = EnterpriseFactory(name="原名")
    client.force_login(office_user)
    form = {"uscc": firm.uscc, "region": firm.region_id, "version": firm.version}
    assert (
        client.post(
            reverse("enterprises:enterprise_edit", args=[firm.pk]), {**form, "name": "甲改的"}
        ).status_code
        == 302
    )
    resp = client.post(
        reverse("enterprises:enterprise_edit", args=[firm.pk]), {**form, "name": "乙改的"}
    )
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors()
    firm.refresh_from_db()
    assert firm.name == "甲改的" and firm.version == 2
    assert firm.history.filter(history_type="~").count() == 1


def test_a_district_cannot_move_a_firm_out_of_its_territory(client, district_a_user):
    firm = EnterpriseFactory(region=region("370211"))
    client.force_login(district_a_user)
    resp = client.post(
        reverse("enterprises:enterprise_edit", args=[firm.pk]),
        {
            "uscc": firm.uscc,
            "name": firm.name,
            "region": region("370212").pk,
            "version": firm.version,
        },
    )
    assert resp.status_code == 200
    firm.refresh_from_db()
    assert firm.region.code == "370211"


def test_chain_segment_and_park_forms_create_records(client, office_user):
    client.force_login(office_user)
    resp = client.post(
        reverse("chains:chain_add"),
        {"name": "新链", "level": "city", "region": region("3702").pk, "order": 1},
    )
    assert resp.status_code == 302
    chain = Chain.objects.get(name="新链")
    resp = client.post(
        reverse("chains:segment_add", args=[chain.pk]),
        {"name": "上游材料", "position": "up", "order": 1},
    )
    assert resp.status_code == 302
    seg = Segment.objects.get(chain=chain, name="上游材料")
    resp = client.post(
        reverse("chains:segment_add", args=[chain.pk]),
        {"name": "子环节", "position": "up", "order": 2, "parent": seg.pk},
    )
    assert Segment.objects.get(name="子环节").parent == seg
    resp = client.post(
        reverse("parks:park_add"),
        {
            "name": "新园区",
            "region": region("370211").pk,
            "kind": "professional",
            "chains": [chain.pk],
        },
    )
    assert resp.status_code == 302
    assert list(Park.objects.get(name="新园区").chains.all()) == [chain]
    resp = client.post(
        reverse("parks:landzone_add"),
        {"name": "集聚区", "kind": "agglomeration", "region": region("370211").pk},
    )
    assert LandZone.objects.filter(name="集聚区").exists()


def test_placing_a_firm_in_a_segment_and_removing_it(client, office_user):
    seg, firm = SegmentFactory(), EnterpriseFactory()
    client.force_login(office_user)
    resp = client.post(
        reverse("chains:placement_add", args=[seg.pk]), {"enterprise": firm.uscc, "role": "core"}
    )
    assert resp.status_code == 302
    placement = seg.placements.get()
    assert placement.enterprise == firm
    resp = client.post(
        reverse("chains:placement_add", args=[seg.pk]), {"enterprise": firm.uscc, "role": "core"}
    )
    assert resp.status_code == 200 and seg.placements.count() == 1
    assert (
        client.post(reverse("chains:placement_delete", args=[seg.pk, placement.pk])).status_code
        == 302
    )
    assert seg.placements.count() == 0


def test_delete_asks_first_and_refuses_when_records_depend(client, office_user):
    chain = ChainFactory()
    park = ParkFactory()
    client.force_login(office_user)
    assert client.get(reverse("parks:park_delete", args=[park.pk])).status_code == 200
    assert client.post(reverse("parks:park_delete", args=[park.pk])).status_code == 302
    assert not Park.objects.filter(pk=park.pk).exists()
    assert client.post(reverse("chains:chain_delete", args=[chain.pk])).status_code == 302
    assert AuditEvent.objects.filter(event_type="delete").count() == 2


def test_export_is_the_filtered_list_and_safe_against_formulas(client, office_user):
    EnterpriseFactory(name='=HYPERLINK("http://x","y")', registered_capital_wan=-5)
    EnterpriseFactory(name="别的企业")
    client.force_login(office_user)
    resp = client.get(reverse("enterprises:enterprise_list"), {"q": "HYPERLINK", "export": "xlsx"})
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    ws = wb.active
    assert ws.max_row == 2
    name_cell = ws.cell(row=2, column=1)
    assert name_cell.data_type == "s" and name_cell.value.startswith("'=")
    assert AuditEvent.objects.filter(event_type="export").count() == 1


def test_search_filter_and_sort_on_the_enterprise_list(client, office_user):
    EnterpriseFactory(name="甲智能家电有限公司", region=region("370211"), above_size=True)
    EnterpriseFactory(name="乙智能家电有限公司", region=region("370212"))
    EnterpriseFactory(name="丙化工有限公司", region=region("370211"))
    client.force_login(office_user)
    url = reverse("enterprises:enterprise_list")
    names = lambda resp: [obj.name for obj, _cells in resp.context["rows"]]  # noqa: E731
    assert sorted(names(client.get(url, {"q": "家电"}))) == [
        "乙智能家电有限公司",
        "甲智能家电有限公司",
    ]
    assert names(client.get(url, {"q": "家电", "region": region("370211").pk})) == [
        "甲智能家电有限公司"
    ]
    assert names(client.get(url, {"above_size": "true"})) == ["甲智能家电有限公司"]
    # By pinyin: 乙 (yi) > 甲 (jia) > 丙 (bing); by code point 甲 (U+7532) would come first.
    assert names(client.get(url, {"sort": "-name_sort"}))[0] == "乙智能家电有限公司"
    assert client.get(url, {"sort": "uscc; DROP TABLE"}).status_code == 200


def test_htmx_request_gets_the_table_partial_from_the_same_queryset(client, district_a_user):
    EnterpriseFactory(name="本区企业", region=region("370211"))
    EnterpriseFactory(name="外区企业", region=region("370212"))
    client.force_login(district_a_user)
    resp = client.get(reverse("enterprises:enterprise_list"), HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "<html" not in body and "本区企业" in body and "外区企业" not in body


def test_adding_and_removing_a_product_by_hand(client, office_user):
    firm = EnterpriseFactory()
    client.force_login(office_user)
    url = reverse("enterprises:product_add", args=[firm.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"product": " 变频 压缩机 ", "revenue_share": "0.4"}).status_code == 302
    item = firm.products.get()
    assert item.product.name == "变频 压缩机" and str(item.revenue_share) == "0.4000"
    resp = client.post(url, {"product": "变频 压缩机"})
    assert resp.status_code == 200 and firm.products.count() == 1
    assert (
        client.post(reverse("enterprises:product_delete", args=[firm.pk, item.pk])).status_code
        == 302
    )
    assert not firm.products.exists()
    assert AuditEvent.objects.filter(object_type="enterprises.enterpriseproduct").count() == 2


@pytest.mark.django_db
def test_yes_no_filters_start_at_all(client, office_user):
    client.force_login(office_user)
    body = client.get(reverse("enterprises:enterprise_list")).content.decode()
    select = body[body.index('name="above_size"') :]
    select = select[: select.index("</select>")]
    assert '<option value="unknown" selected>全部</option>' in select
    assert "未知" not in select
    assert (
        client.get(reverse("enterprises:enterprise_list"), {"above_size": "unknown"}).status_code
        == 200
    )


@pytest.mark.django_db
def test_administrators_land_on_their_administration_page(client, system_admin):
    from chainleader.accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(system_admin)
    assert client.get(reverse("core:home"))["Location"] == reverse("chainmap:graph_import")
    for role, page in (
        (Role.SECURITY_ADMIN, "accounts:user_list"),
        (Role.AUDIT_ADMIN, "core:audit_log"),
    ):
        client.force_login(UserFactory(username=f"u-{role}", role=role))
        assert client.get(reverse("core:home"))["Location"] == reverse(page)


def test_amounts_show_two_decimals_with_separators_and_export_as_numbers():
    from decimal import Decimal

    from chainleader.core.tables import Column

    row = type(
        "Row", (), {"total_investment_yi": Decimal("117.1900"), "revenue_wan": Decimal("1234567.5")}
    )()
    assert Column("total_investment_yi", "总投资（亿元）", numeric=True).value(row) == "117.19"
    assert Column("revenue_wan", "营业收入（万元）", numeric=True).value(row) == "1,234,567.50"
    exported = Column("revenue_wan", "营业收入（万元）", numeric=True).export_value(row)
    assert exported == Decimal("1234567.5")  # a number in the sheet, shown as 1,234,567.50 there
