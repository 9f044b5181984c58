"""A small evaluation world: firms in district A (370211), district B (370212) and 370214, with figures for
2023 and 2024, placed partly in the chain team's chain; helpers that compute, review and publish runs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chainleader.evaluation import services
from chainleader.evaluation.models import EvaluationRun
from tests.factories import (
    EnterpriseFactory,
    ParkFactory,
    PlacementFactory,
    SegmentFactory,
    YearFigureFactory,
    region,
)

PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# name, district, above size, land, tax, revenue, value added, energy, emissions, R&D, employees
FIRMS = [
    ("黄岛甲规上有限公司", "370211", True, 100, 900, 20000, 6000, 1200, 6, 700, 220),
    ("黄岛乙规上有限公司", "370211", True, 50, 120, 6000, 1200, 800, 9, 60, 90),
    ("黄岛丙规下有限公司", "370211", False, 10, 40, 900, None, None, None, None, 12),
    ("黄岛丁规下有限公司", "370211", False, 2, 30, 600, None, None, None, None, 8),  # < 3 mu
    ("崂山甲规上有限公司", "370212", True, 80, 240, 9000, 2000, 700, 4, 200, 120),
    ("崂山乙规上有限公司", "370212", True, 60, 700, 15000, 4200, 500, 2, 900, 150),
    ("崂山丙规下有限公司", "370212", False, 20, 24, 800, None, None, None, None, 10),
    ("城阳甲规上有限公司", "370214", True, 120, 300, 11000, 2500, 2600, 30, 100, 300),
]
FIELDS = (
    "land_mu",
    "tax_wan",
    "revenue_wan",
    "value_added_wan",
    "energy_tce",
    "emissions_t",
    "rd_wan",
    "employees",
)


def _figures(values, year):
    # 2023 is a little weaker than 2024 for every firm, so scores move but stay comparable.
    factor = Decimal("0.9") if year == 2023 else Decimal(1)
    out = {}
    for name, value in zip(FIELDS, values, strict=True):
        if value is None:
            out[name] = None
        elif name in ("land_mu", "employees"):
            out[name] = value
        else:
            out[name] = (Decimal(value) * factor).quantize(Decimal("0.01"))
    return out


def make_firm(name, code, above, *values, firm=None):
    ent = firm or EnterpriseFactory(name=name, region=region(code))
    ent.above_size = above
    ent.founded_on = date(2010, 5, 1)
    ent.save()
    for year in (2023, 2024):
        YearFigureFactory(enterprise=ent, year=year, **_figures(values, year))
    return ent


@pytest.fixture
def world(district_a_user, district_b_user, team_chain, firm, office_user):
    w = SimpleNamespace(firms={})
    for spec in FIRMS:
        w.firms[spec[0]] = make_firm(*spec)
    # The firm persona (conftest: 370212) is a 规下 firm with 30 mu.
    w.own = make_firm(None, "370212", False, 30, 90, 1500, None, None, None, None, 20, firm=firm)
    w.a1, w.a2 = w.firms["黄岛甲规上有限公司"], w.firms["黄岛乙规上有限公司"]
    w.b1, w.b2 = w.firms["崂山甲规上有限公司"], w.firms["崂山乙规上有限公司"]
    w.park_a = ParkFactory(name="黄岛园区", region=region("370211"))
    w.a1.park = w.park_a
    w.a1.save()
    seg = SegmentFactory(chain=team_chain, name="整机制造")
    PlacementFactory(segment=seg, enterprise=w.a1)
    PlacementFactory(segment=seg, enterprise=w.b1)
    w.chain = team_chain
    return w


def compute(year, actor, status=EvaluationRun.Status.DRAFT, scheme=None):
    """A computed run of ``year`` (through the services), moved on to ``status``."""
    scheme = scheme or services.scheme_current()
    run = services.evaluation_run_create(year=year, scheme=scheme, actor=actor)
    run = services.evaluation_run_compute(run=run, actor=actor)
    if status in (EvaluationRun.Status.REVIEWING, EvaluationRun.Status.PUBLISHED):
        run = services.run_review_open(run=run, actor=actor)
    if status == EvaluationRun.Status.PUBLISHED:
        run = services.run_publish(run=run, actor=actor)
    return run


@pytest.fixture
def reviewing_2024(world, office_user):
    return compute(2024, office_user, EvaluationRun.Status.REVIEWING)


@pytest.fixture
def published_2023(world, office_user):
    return compute(2023, office_user, EvaluationRun.Status.PUBLISHED)


def pdf(name="证明.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    def make(user):
        client = APIClient()
        client.force_login(user)
        return client

    return make
