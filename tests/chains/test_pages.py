"""Chain pages (产业链): edit with history and audit, a stale edit refused, a chain's yearly targets added,
changed and removed, a segment removed, the list filters and the export of the filtered list, a district's
chain kept in its district. (Create, detail, history and placements: tests/core/test_pages.py; the route ×
role matrix: tests/core/test_scope_matrix.py; the API: tests/api/.)"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from chainleader.chains.models import Chain, ChainTarget, Segment
from chainleader.core.models import AuditEvent
from tests.factories import ChainFactory, ChainTargetFactory, SegmentFactory, region

pytestmark = pytest.mark.django_db


def chain_form(chain: Chain, **changes: object) -> dict[str, object]:
    return {
        "name": chain.name,
        "level": chain.level,
        "region": chain.region_id,
        "category": chain.category,
        "order": chain.order,
        "version": chain.version,
        **changes,
    }


def names(resp) -> list[str]:
    return sorted(str(obj) for obj, _cells in resp.context["rows"])


def test_editing_a_chain_writes_history_and_one_audit_row(client, office_user):
    chain = ChainFactory(name="新材料", level="city", region=region("3702"))
    client.force_login(office_user)
    url = reverse("chains:chain_edit", args=[chain.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, chain_form(chain, name="新材料产业链", leader_post="副市长"))
    assert resp.status_code == 302
    chain.refresh_from_db()
    assert (chain.name, chain.leader_post, chain.version) == ("新材料产业链", "副市长", 2)
    assert chain.history.count() == 2
    assert AuditEvent.objects.filter(event_type="update", object_id=str(chain.pk)).count() == 1


def test_a_stale_chain_edit_is_a_form_error_and_the_newer_value_stays(client, office_user):
    chain = ChainFactory(name="新材料", level="city", region=region("3702"))
    client.force_login(office_user)
    url = reverse("chains:chain_edit", args=[chain.pk])
    assert client.post(url, chain_form(chain, name="甲改的")).status_code == 302
    resp = client.post(url, chain_form(chain, name="乙改的"))  # still version 1
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    chain.refresh_from_db()
    assert chain.name == "甲改的"


def test_a_district_keeps_its_chains_in_its_district(client, district_a_user):
    client.force_login(district_a_user)
    resp = client.post(
        reverse("chains:chain_add"),
        {"name": "崂山的链", "level": "district", "region": region("370212").pk, "order": 1},
    )
    assert resp.status_code == 200
    assert not Chain.objects.filter(name="崂山的链").exists()
    resp = client.post(
        reverse("chains:chain_add"),
        {"name": "黄岛的链", "level": "district", "region": region("370211").pk, "order": 1},
    )
    assert resp.status_code == 302 and Chain.objects.filter(name="黄岛的链").exists()


def test_a_chains_yearly_targets_are_added_changed_and_removed(client, office_user):
    chain = ChainFactory()
    client.force_login(office_user)
    add = reverse("chains:target_add", args=[chain.pk])
    assert client.get(add).status_code == 200
    resp = client.post(add, {"year": 2026, "indicator": "产值", "value": "1200", "unit": "亿元"})
    assert resp.status_code == 302
    target = ChainTarget.objects.get(chain=chain)
    edit = reverse("chains:target_edit", args=[chain.pk, target.pk])
    resp = client.post(
        edit,
        {"year": 2026, "indicator": "产值", "value": "1500", "unit": "亿元", "version": 1},
    )
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.value == 1500
    delete = reverse("chains:target_delete", args=[chain.pk, target.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not ChainTarget.objects.exists()
    events = AuditEvent.objects.filter(object_type="chains.chaintarget")
    assert sorted(events.values_list("event_type", flat=True)) == ["create", "delete", "update"]


def test_a_target_of_another_chain_is_not_found_under_this_one(client, office_user):
    chain, other = ChainFactory(), ChainFactory()
    target = ChainTargetFactory(chain=other)
    client.force_login(office_user)
    url = reverse("chains:target_edit", args=[chain.pk, target.pk])
    assert client.get(url).status_code == 404


def test_removing_a_segment_asks_first(client, office_user):
    seg = SegmentFactory()
    client.force_login(office_user)
    url = reverse("chains:segment_delete", args=[seg.chain_id, seg.pk])
    assert client.get(url).status_code == 200
    assert Segment.objects.filter(pk=seg.pk).exists()
    assert client.post(url).status_code == 302
    assert not Segment.objects.filter(pk=seg.pk).exists()
    assert AuditEvent.objects.filter(event_type="delete", object_type="chains.segment").count() == 1


def test_the_chain_list_filters_by_level_category_region_and_words(client, office_user):
    ChainFactory(name="智能家电", level="city", region=region("3702"), category="first_class")
    ChainFactory(name="海洋生物", level="district", region=region("370211"), category="emerging")
    ChainFactory(name="新能源汽车", level="district", region=region("370212"), category="emerging")
    client.force_login(office_user)
    url = reverse("chains:chain_list")
    assert names(client.get(url, {"level": "city"})) == ["智能家电"]
    assert len(names(client.get(url, {"category": "emerging"}))) == 2
    assert names(client.get(url, {"region": "370212"})) == ["新能源汽车（崂山区）"]
    assert names(client.get(url, {"q": "家电"})) == ["智能家电"]


def test_the_segment_list_filters_by_chain_position_and_words(client, office_user):
    chain, other = ChainFactory(), ChainFactory()
    SegmentFactory(chain=chain, name="压缩机", position="up", key_products="压缩机 电机")
    SegmentFactory(chain=chain, name="整机", position="mid")
    SegmentFactory(chain=other, name="整机组装", position="mid")
    client.force_login(office_user)
    url = reverse("chains:segment_list")
    rows = lambda resp: sorted(obj.name for obj, _cells in resp.context["rows"])  # noqa: E731
    assert rows(client.get(url, {"chain": chain.pk})) == ["压缩机", "整机"]
    assert rows(client.get(url, {"position": "mid"})) == ["整机", "整机组装"]
    assert rows(client.get(url, {"q": "电机"})) == ["压缩机"]


def test_the_chain_export_is_the_filtered_list(client, office_user):
    ChainFactory(name="智能家电", level="city", region=region("3702"))
    ChainFactory(name="海洋生物", level="district", region=region("370211"))
    client.force_login(office_user)
    resp = client.get(reverse("chains:chain_list"), {"level": "city", "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    assert [row[0] for row in ws.iter_rows(min_row=2, values_only=True)] == ["智能家电"]
    assert AuditEvent.objects.get(event_type="export").detail["rows"] == 1
