"""AC2: totals respect scope. A district's 税收合计 over the figures it can read equals the sum over its own
territory only, although it reads a city chain in which another district's firms are placed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.enterprises.models import Enterprise, YearFigure
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    PlacementFactory,
    SegmentFactory,
    YearFigureFactory,
    region,
)


@pytest.fixture
def figures(db):
    city_chain = ChainFactory(name="城市链", level="city", region=region("3702"))
    seg = SegmentFactory(chain=city_chain)
    taxes = {
        "370211": [Decimal("100.50"), Decimal("250.40")],
        "370212": [Decimal("987654321.12")],
        "370214": [Decimal("7.00")],
    }
    for code, amounts in taxes.items():
        for amount in amounts:
            firm = EnterpriseFactory(region=region(code))
            YearFigureFactory(enterprise=firm, tax_wan=amount)
            YearFigureFactory(enterprise=firm, year=2023, tax_wan=amount / 2)
            PlacementFactory(segment=seg, enterprise=firm)  # every firm is in the city chain
    return taxes


def tax_total(rows) -> Decimal:
    # tax_wan is sealed at rest (DP2): summed in Python, the database cannot
    return sum((t for t in rows.values_list("tax_wan", flat=True) if t is not None), Decimal("0"))


def own_total(code: str) -> Decimal:
    return tax_total(YearFigure.objects.filter(enterprise__region__code__startswith=code))


@pytest.mark.parametrize(
    ("persona", "code"), [("district_a_user", "370211"), ("district_b_user", "370212")]
)
def test_a_districts_tax_total_over_the_api_is_its_own_territorys(request, figures, persona, code):
    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_login(user)
    rows = client.get("/api/year-figures/", {"page_size": 200}).json()["results"]
    total = sum((Decimal(r["tax_wan"]) for r in rows), Decimal("0"))
    assert total == own_total(code)
    assert total != tax_total(YearFigure.objects.all())


def test_the_scoped_queryset_sums_the_same(figures, district_a_user):
    scoped = tax_total(YearFigure.objects.for_user(district_a_user))
    assert scoped == own_total("370211") == Decimal("526.35")


def test_a_districts_list_total_counts_its_own_firms_only(client, figures, district_a_user):
    client.force_login(district_a_user)
    resp = client.get(reverse("enterprises:enterprise_list"))
    own = Enterprise.objects.filter(region__code__startswith="370211").count()
    assert resp.context["page_obj"].paginator.count == own == 2


def test_a_department_without_the_grant_totals_nothing(figures, department_user):
    assert not YearFigure.objects.for_user(department_user).exists()
