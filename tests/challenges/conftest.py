"""A small world for the innovation tests: a chain (the team's), a chain master (publisher), a solver firm (the
firm persona) and a third firm outside; products for the scene matching."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chainleader.enterprises.models import EnterpriseProduct, Product
from tests.factories import EnterpriseFactory, PlacementFactory, SegmentFactory, region

PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "验收报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def setting(team_chain, firm, department_unit):
    team_chain.lead_department = department_unit
    team_chain.save()
    seg = SegmentFactory(chain=team_chain, name="整机制造")
    master = EnterpriseFactory(name="海尔智家", region=region("370211"))
    PlacementFactory(segment=seg, enterprise=master)
    PlacementFactory(segment=seg, enterprise=firm)
    other = EnterpriseFactory(name="城阳企业", region=region("370214"))
    for who, names in ((firm, ["工业机器人", "视觉检测设备"]), (other, ["塑料管"])):
        for name in names:
            EnterpriseProduct.objects.create(
                enterprise=who, product=Product.objects.get_or_create(name=name)[0]
            )
    return {"chain": team_chain, "segment": seg, "master": master, "solver": firm, "other": other}


def deadline() -> date:
    return timezone.localdate() + timedelta(days=30)
