"""An exported list of needs (and of offers) imports back as the same listings: 0 new, N unchanged; a changed
cell is an update of that listing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.matching import services
from chainleader.matching.models import Need, Offer
from tests.factories import ChainFactory, EnterpriseFactory, SegmentFactory, region
from tests.imports import changes, counts, edit_cell, exported, exported_rows, import_file, preview

FIELDS = (
    "enterprise_id",
    "product",
    "spec",
    "chain_id",
    "segment_id",
    "note",
    "is_open",
    "version",
)


@pytest.fixture
def listings(office_user):
    city = ChainFactory(name="智能家电", level="city", region=region("3702"))
    district = ChainFactory(name="智能家电", level="district", region=region("370211"))
    leaf = SegmentFactory(chain=city, name="压缩机")
    master = EnterpriseFactory(name="链主集团有限公司", region=region("370211"))
    maker = EnterpriseFactory(name="本地配套有限公司", region=region("370212"))
    for product, chain, seg in (
        ("压缩机", city, leaf),
        ("铜管", district, None),
        ("控制器", None, None),
    ):
        services.need_publish(
            actor=office_user,
            data={
                "enterprise": master,
                "product": product,
                "spec": "A级",
                "chain": chain,
                "segment": seg,
                "volume": "100台",
            },
        )
        services.offer_publish(
            actor=office_user,
            data={"enterprise": maker, "product": product, "chain": chain, "capacity": "50台"},
        )
    Need.objects.filter(product="控制器").update(is_open=False)


def values(model, extra) -> list[tuple]:
    return sorted(tuple(getattr(o, f) for f in (*FIELDS, *extra)) for o in model.objects.all())


@pytest.mark.parametrize(
    ("model", "list_name", "import_name", "extra"),
    [
        (Need, "matching:need_list", "matching:need_import", ("volume", "needed_by")),
        (Offer, "matching:offer_list", "matching:offer_import", ("capacity",)),
    ],
)
def test_an_exported_list_imports_back_unchanged(
    client, office_user, listings, model, list_name, import_name, extra
):
    before = values(model, extra)
    client.force_login(office_user)
    content = exported(client, reverse(list_name))
    resp = preview(client, reverse(import_name), content)
    assert counts(resp.context["plan"]) == (0, 0, 3)
    resp = import_file(client, reverse(import_name), SimpleUploadedFile("导出.xlsx", content))
    assert resp.status_code == 302
    assert values(model, extra) == before


def test_a_changed_cell_updates_that_need(client, office_user, listings):
    client.force_login(office_user)
    content = exported(client, reverse("matching:need_list"))
    row = 2 + [r["产品"] for r in exported_rows(content)].index("铜管")
    content = edit_cell(content, "需求量", row, "200吨")
    resp = preview(client, reverse("matching:need_import"), content)
    assert counts(resp.context["plan"]) == (0, 1, 2)
    assert changes(resp.context["plan"]) == [("需求量", "100台", "200吨")]
    resp = import_file(
        client, reverse("matching:need_import"), SimpleUploadedFile("导出.xlsx", content)
    )
    assert resp.status_code == 302
    assert Need.objects.get(product="铜管").volume == "200吨"
