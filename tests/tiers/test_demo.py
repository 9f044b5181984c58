"""The tier pipeline's demo data: the seeds' targets (real, with their source), candidates of synthetic firms
flagged synthetic with the engine's verdict, recognised ones recorded as titles; a second run writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from chainleader.demo.loader import Outcome
from chainleader.demo.tiers_data import YEAR, load_tiers
from chainleader.enterprises.models import EnterpriseTier
from chainleader.tiers.models import TierCandidate, TierTarget
from tests.factories import EnterpriseFactory, YearFigureFactory, region

pytestmark = pytest.mark.django_db


@dataclass
class FakeLoader:
    out: Outcome = field(default_factory=Outcome)


def test_demo_targets_from_the_seeds_and_synthetic_candidates():
    for n in range(30):
        firm = EnterpriseFactory(
            region=region("370211"), founded_on=date(2016 + n % 8, 3, 1), is_synthetic=True
        )
        base = 800 + 100 * n
        for i, year in enumerate((2022, 2023, 2024)):
            revenue = base * (1.1 + 0.02 * (n % 10)) ** i
            YearFigureFactory(
                enterprise=firm,
                year=year,
                revenue_wan=round(revenue, 2),
                rd_wan=round(revenue * 0.05, 2),
                employees=80,
                is_synthetic=True,
            )
    real = EnterpriseFactory(region=region("370211"), founded_on=date(2018, 1, 1))
    load_tiers(FakeLoader())
    targets = {(t.tier, t.value, t.cumulative) for t in TierTarget.objects.filter(year=YEAR)}
    assert targets == {("specialised", 600, True), ("single_champion", 70, True)}
    assert all("十四五" in t.source for t in TierTarget.objects.all())
    cands = list(TierCandidate.objects.all())
    assert cands and all(c.is_synthetic for c in cands)
    assert not TierCandidate.objects.filter(enterprise=real).exists()
    assert {c.verdict for c in cands} <= {"eligible", "possible", "ineligible"}
    assert TierCandidate.objects.filter(tier="gazelle", verdict="eligible").exists()
    for c in TierCandidate.objects.filter(status="recognised").exclude(tier="above_size"):
        assert EnterpriseTier.objects.filter(
            enterprise=c.enterprise, tier=c.tier, year=YEAR
        ).exists()
    count = len(cands)
    load_tiers(FakeLoader())
    assert TierCandidate.objects.count() == count
    assert TierTarget.objects.count() == 2
