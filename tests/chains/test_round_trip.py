"""Exported chain and segment lists import back unchanged (issue 11): the import's columns under its template
headers, levels, categories and positions by the labels the pages show, a district's chain as the pages show it
(智能家电（西海岸新区）) beside the city's chain of the same name; one changed cell is previewed as that field."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain, Segment
from tests.factories import ChainFactory, OrgUnitFactory, SegmentFactory, region
from tests.imports import (
    changes,
    counts,
    edit_cell,
    exported,
    exported_rows,
    preview,
    skipped_columns,
)


@pytest.fixture
def chains(db):
    department = OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    city = ChainFactory(
        name="智能家电",
        level=Chain.Level.CITY,
        region=region("3702"),
        category=Chain.Category.FIRST_CLASS_CLUSTER,
        leader_post="市领导",
        deputy_posts="副市长、市政府秘书长",
        lead_department=department,
        description="全市智能家电产业链",
        order=1,
    )
    district = ChainFactory(
        name="智能家电",
        level=Chain.Level.DISTRICT,
        region=region("370211"),
        category="",
        leader_post="区领导",
        order=2,
    )
    return city, district


@pytest.fixture
def segments(chains):
    city, district = chains
    core = SegmentFactory(
        chain=city, name="核心零部件", position=Segment.Position.UPSTREAM, order=1
    )
    SegmentFactory(
        chain=city,
        parent=core,
        name="压缩机",
        position=Segment.Position.UPSTREAM,
        order=2,
        key_products="变频压缩机",
        key_technologies="变频控制",
    )
    SegmentFactory(chain=district, name="整机制造", position=Segment.Position.MIDSTREAM, order=1)
    SegmentFactory(chain=district, name="核心零部件", position=Segment.Position.UPSTREAM, order=0)
    return Segment.objects.all()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_chain_list_imports_back_unchanged(client, office_user, chains, language):
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse("chains:chain_list"))
    rows = {(r["所在区域"], r["产业链名称"]): r for r in exported_rows(content)}
    city = rows[("青岛市", "智能家电")]
    assert (city["层级"], city["类别"], city["牵头部门"]) == (
        "市级",
        "一流产业集群",
        "市工业和信息化局",
    )
    assert rows[("黄岛区（西海岸新区）", "智能家电")]["层级"] == "区级"
    resp = preview(client, reverse("chains:chain_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 2)
    assert skipped_columns(resp) == set()


@pytest.mark.parametrize(
    ("header", "value", "change"),
    [
        ("类别", "未来产业", ("类别", "一流产业集群", "未来产业")),
        ("链长(职务)", "市委书记", ("链长(职务)", "市领导", "市委书记")),
        ("排序", 5, ("排序", "1", "5")),
    ],
)
def test_one_changed_cell_of_the_chain_export_is_previewed_as_that_field(
    client, office_user, chains, header, value, change
):
    client.force_login(office_user)
    content = exported(client, reverse("chains:chain_list"))
    row = 2 + [r["产业链名称"] + r["层级"] for r in exported_rows(content)].index("智能家电市级")
    plan = preview(client, reverse("chains:chain_import"), edit_cell(content, header, row, value))
    assert counts(plan.context["plan"]) == (0, 1, 1)
    assert changes(plan.context["plan"]) == [change]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_segment_list_imports_back_unchanged(client, office_user, segments, language):
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse("chains:segment_list"))
    shown = {(r["产业链"], r["环节名称"], r["上级环节"], r["位置"]) for r in exported_rows(content)}
    assert ("智能家电", "压缩机", "核心零部件", "上游") in shown
    assert ("智能家电（西海岸新区）", "整机制造", None, "中游") in shown
    resp = preview(client, reverse("chains:segment_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 4)
    assert skipped_columns(resp) == set()


def test_one_changed_cell_of_the_segment_export_is_previewed_as_that_field(
    client, office_user, segments
):
    client.force_login(office_user)
    content = exported(client, reverse("chains:segment_list"))
    names = [(r["产业链"], r["环节名称"]) for r in exported_rows(content)]
    row = 2 + names.index(("智能家电（西海岸新区）", "整机制造"))
    plan = preview(
        client, reverse("chains:segment_import"), edit_cell(content, "位置", row, "下游")
    ).context["plan"]
    assert counts(plan) == (0, 1, 3)
    assert changes(plan) == [("位置", "中游", "下游")]
    assert plan["updated"][0]["label"].startswith("智能家电（西海岸新区）")


def test_the_segment_export_lists_parents_first_and_imports_into_an_empty_chain(
    client, office_user, chains
):
    city, _district = chains
    # A child created before its parent's sibling, a downstream root, a midstream root: file order must still
    # put every parent before its children and run up → mid → down.
    down = SegmentFactory(
        chain=city, name="销售渠道", position=Segment.Position.DOWNSTREAM, order=0
    )
    parts = SegmentFactory(
        chain=city, name="核心零部件", position=Segment.Position.UPSTREAM, order=5
    )
    SegmentFactory(chain=city, parent=parts, name="压缩机", position=Segment.Position.UPSTREAM)
    SegmentFactory(chain=city, name="整机制造", position=Segment.Position.MIDSTREAM, order=0)
    assert down.pk < parts.pk
    client.force_login(office_user)
    content = exported(client, reverse("chains:segment_list"))
    names = [r["环节名称"] for r in exported_rows(content)]
    assert names == ["核心零部件", "压缩机", "整机制造", "销售渠道"]
    Segment.objects.all().delete()
    resp = preview(client, reverse("chains:segment_import"), content)
    assert counts(resp.context["plan"]) == (4, 0, 0)
