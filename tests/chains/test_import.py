"""Chain and segment Excel imports: all-or-nothing, every bad row named, scope decides the targets."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.chains.importers import CHAIN_COLUMNS, SEGMENT_COLUMNS
from chainleader.chains.models import Chain, Segment
from chainleader.core.models import AuditEvent
from tests.factories import ChainFactory, region
from tests.imports import import_file


def workbook(columns, rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("导入.xlsx", buf.getvalue())


def test_chains_import_and_a_second_run_updates(client, office_user):
    client.force_login(office_user)
    rows = [
        ["海洋装备", "市级", "3702", "一流产业集群", "市领导", "", "", "", 1],
        ["船舶海工", "区级", "370211", "", "区领导", "", "", "", 2],
    ]
    resp = import_file(client, reverse("chains:chain_import"), workbook(CHAIN_COLUMNS, rows))
    assert resp.status_code == 302
    assert Chain.objects.get(name="海洋装备").category == "first_class"
    assert Chain.objects.get(name="船舶海工").region.code == "370211"
    rows[0][4] = "市领导（常务）"
    import_file(client, reverse("chains:chain_import"), workbook(CHAIN_COLUMNS, rows))
    assert Chain.objects.count() == 2
    assert Chain.objects.get(name="海洋装备").leader_post == "市领导（常务）"
    assert AuditEvent.objects.filter(event_type="import", object_type="chains.chain").count() == 2


def test_a_bad_chain_row_writes_nothing(client, office_user):
    client.force_login(office_user)
    rows = [
        ["海洋装备", "市级", "3702", "", "", "", "", "", 1],
        ["坏链", "省级", "3702", "", "", "", "", "", 2],
        ["无区域", "区级", "999999", "", "", "", "", "", 3],
    ]
    resp = import_file(client, reverse("chains:chain_import"), workbook(CHAIN_COLUMNS, rows))
    assert {(e["row"], e["column"]) for e in resp.context["errors"]} == {(3, "层级")}
    assert not Chain.objects.exists()
    rows[1][1] = "市级"
    resp = import_file(client, reverse("chains:chain_import"), workbook(CHAIN_COLUMNS, rows))
    assert [(e["row"], e["column"]) for e in resp.context["errors"]] == [(4, "所在区域")]
    assert not Chain.objects.exists()


def test_a_district_cannot_import_a_city_chain(client, district_a_user):
    client.force_login(district_a_user)
    rows = [
        ["本区链", "区级", "370211", "", "", "", "", "", 1],
        ["市级链", "市级", "3702", "", "", "", "", "", 2],
    ]
    resp = import_file(client, reverse("chains:chain_import"), workbook(CHAIN_COLUMNS, rows))
    assert [e["row"] for e in resp.context["errors"]] == [3]
    assert not Chain.objects.exists()


def test_segments_import_in_file_order_with_parents(client, office_user):
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    client.force_login(office_user)
    rows = [
        ["智能家电", "核心零部件", "", "上游", 1, "压缩机、电机", ""],
        ["智能家电", "压缩机", "核心零部件", "上游", 2, "", "变频"],
        ["智能家电", "整机", "", "中游", 1, "冰箱", ""],
    ]
    resp = import_file(client, reverse("chains:segment_import"), workbook(SEGMENT_COLUMNS, rows))
    assert resp.status_code == 302
    child = Segment.objects.get(chain=chain, name="压缩机")
    assert child.parent.name == "核心零部件" and child.position == "up"


def test_a_segment_with_an_unknown_parent_or_chain_writes_nothing(client, office_user):
    ChainFactory(name="智能家电", level="city", region=region("3702"))
    client.force_login(office_user)
    rows = [
        ["智能家电", "核心零部件", "", "上游", 1, "", ""],
        ["智能家电", "压缩机", "不存在的环节", "上游", 2, "", ""],
        ["不存在的链", "整机", "", "中游", 1, "", ""],
    ]
    resp = import_file(client, reverse("chains:segment_import"), workbook(SEGMENT_COLUMNS, rows))
    assert {(e["row"], e["column"]) for e in resp.context["errors"]} == {
        (3, "上级环节"),
        (4, "产业链"),
    }
    assert not Segment.objects.exists()
