"""Services and selectors of the indicator system: the loader from the seeds, the chain targets' counterparts,
value entry (versioned, audited, scoped), attainment, computed actuals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import EnterpriseTier
from chainleader.indicators import selectors, services
from chainleader.indicators.models import Indicator, IndicatorTarget, IndicatorValue, Source
from tests.factories import (
    ChainTargetFactory,
    EnterpriseFactory,
    PlacementFactory,
    SegmentFactory,
    region,
)
from tests.projects.factories import ProblemFactory, ProjectFactory, ReportFactory


@pytest.mark.django_db
def test_loader_reads_the_seeds_figures_and_is_idempotent():
    first = services.load_indicators()
    assert first["indicators"] >= 30
    cnc = Indicator.objects.get(code="P10")
    assert cnc.name == "制造业企业关键工序数控化率" and cnc.kind == "expected"
    t = IndicatorTarget.objects.get(indicator=cnc, region=None, chain=None)
    # Seed 002's table: 54.6 (2020) → 70 (2025).
    assert (t.base_year, t.base_value, t.target_year, t.target_value) == (
        2020,
        Decimal("54.6"),
        2025,
        Decimal("70"),
    )
    sme = IndicatorTarget.objects.get(indicator__code="P14")
    assert (sme.base_value, sme.target_value) == (Decimal("237"), Decimal("600"))
    # 2019 base of the R&D-institution share; binding green indicators with no stated target value.
    rd = IndicatorTarget.objects.get(indicator__code="P05")
    assert (rd.base_year, rd.base_value, rd.target_value) == (2019, Decimal("10.1"), Decimal("35"))
    energy = IndicatorTarget.objects.get(indicator__code="P12")
    assert energy.indicator.kind == "binding" and energy.target_value is None
    assert IndicatorTarget.objects.get(indicator__code="P07").base_value is None
    # Seed 003's district figures, on 黄岛 (西海岸新区).
    d = IndicatorTarget.objects.get(indicator__code="D04")
    assert d.region == region("370211") and d.target_value == Decimal("80")
    assert Indicator.objects.get(code="C01").computed_key == "investment_completed"
    again = services.load_indicators()
    assert again == {"indicators": 0, "updated": 0, "targets": 0}
    assert Indicator.objects.filter(code="P10").count() == 1


@pytest.mark.django_db
def test_chain_targets_become_indicator_targets(office_user):
    ct = ChainTargetFactory(indicator="产值", value=1000, unit="亿元", year=2025)
    assert services.sync_chain_targets(actor=office_user) == 1
    t = IndicatorTarget.objects.get(chain_target=ct)
    assert (t.chain, t.target_year, t.target_value, t.indicator.name) == (
        ct.chain,
        2025,
        Decimal("1000"),
        "产值",
    )
    assert services.sync_chain_targets() == 0  # idempotent
    ct.value = 1200
    ct.save()
    assert services.sync_chain_targets() == 1
    t.refresh_from_db()
    assert t.target_value == Decimal("1200")


@pytest.mark.django_db
def test_value_entry_is_versioned_audited_and_scoped(cnc, district_a_user, office_user):
    v = services.value_save(
        actor=office_user,
        data={"indicator": cnc, "year": 2023, "period": 0, "value": Decimal("60")},
    )
    assert v.source == Source.MANUAL and v.version == 1
    assert AuditEvent.objects.filter(event_type="create", object_id=str(v.pk)).exists()
    services.value_save(
        actor=office_user, data={"value": Decimal("61")}, instance=v, expected_version=1
    )
    with pytest.raises(StaleEdit):
        services.value_save(
            actor=office_user, data={"value": Decimal("62")}, instance=v, expected_version=1
        )
    # A district may not write the city's value ...
    with pytest.raises(WorkflowForbidden):
        services.value_save(
            actor=district_a_user, data={"value": Decimal("1")}, instance=v, expected_version=2
        )
    with pytest.raises(ServiceError):
        services.value_save(
            actor=district_a_user, data={"indicator": cnc, "year": 2024, "period": 0, "value": 1}
        )
    assert not IndicatorValue.objects.filter(year=2024).exists()
    # ... but its own district's.
    own = services.value_save(
        actor=district_a_user,
        data={"indicator": cnc, "region": region("370211"), "year": 2024, "period": 0, "value": 58},
    )
    assert own.pk


@pytest.mark.django_db
def test_a_period_beyond_the_frequency_and_computed_values_are_refused(cnc, office_user):
    with pytest.raises(Exception) as exc:
        services.value_save(
            actor=office_user, data={"indicator": cnc, "year": 2023, "period": 5, "value": 1}
        )
    assert "period" in str(exc.value)
    computed = Indicator.objects.create(
        code="Y1", name="完成投资", source="computed", computed_key="investment_completed"
    )
    with pytest.raises(ServiceError):
        services.value_save(
            actor=office_user, data={"indicator": computed, "year": 2023, "period": 0, "value": 1}
        )


@pytest.mark.django_db
def test_attainment_per_chain_and_district(
    output, office_user, district_a_user, team_chain, district_chain
):
    # Targets 0 (2020) → 500 (2025): 2021 expects 100. Actuals 90, 100, 110, 80, 100 → 90 %, 100 %, 110 %, 80 %, 100 %.
    result = selectors.attainment(office_user, 2021)
    a, b = region("370211").pk, region("370212").pk
    assert result["districts"] == {a: 90.0, b: 100.0}
    assert result["chains"][team_chain.pk] == 110.0
    assert result["chains"][district_chain.pk] == 80.0
    # District A sees its own district, its chain and the city chain reaching into it; not district B's.
    mine = selectors.attainment(district_a_user, 2021)
    assert mine["districts"] == {a: 90.0}
    assert set(mine["chains"]) == {team_chain.pk, district_chain.pk}


@pytest.mark.django_db
def test_compute_actuals_from_the_platforms_data(db, team_chain):
    services.load_indicators()
    p1 = ProjectFactory(chain=team_chain, district=region("370211"), started_on=date(2023, 2, 1))
    ProjectFactory(district=region("370212"), started_on=date(2023, 5, 1))
    ReportFactory(project=p1, month=date(2023, 1, 1), completed_yi=Decimal("1.5"))
    ReportFactory(project=p1, month=date(2023, 2, 1), completed_yi=Decimal("2.5"))
    ReportFactory(project=p1, month=date(2023, 4, 1), completed_yi=Decimal("9"))
    # Problems due in 2023: one closed in time, one late, one open → 1 of 3 on time = 33.3 %.
    from django.utils import timezone

    def at(d):
        return timezone.make_aware(timezone.datetime(d.year, d.month, d.day, 12))

    ProblemFactory(chain=team_chain, deadline=date(2023, 2, 1), closed_at=at(date(2023, 1, 20)))
    ProblemFactory(chain=team_chain, deadline=date(2023, 2, 1), closed_at=at(date(2023, 2, 20)))
    ProblemFactory(chain=team_chain, deadline=date(2023, 2, 10))
    firm = EnterpriseFactory(region=region("370211"))
    PlacementFactory(enterprise=firm, segment=SegmentFactory(chain=team_chain))
    EnterpriseTier.objects.create(
        enterprise=firm, tier="specialised", level="provincial", year=2022
    )
    EnterpriseTier.objects.create(
        enterprise=EnterpriseFactory(region=region("370212")),
        tier="specialised",
        level="provincial",
        year=2022,
    )
    assert services.compute_actuals(2023, 3) > 0

    def value(code, **subject):
        return IndicatorValue.objects.get(
            indicator__code=code, year=2023, period=3, **subject
        ).value

    assert value("C01", chain=team_chain) == Decimal(
        "4"
    )  # January + February (April is after March)
    assert value("C01", region=region("370211")) == Decimal("4")
    assert value("C02", region=None, chain=None) == 1  # by March: p1 (February); p2 starts in May
    assert value("C03", chain=team_chain) == Decimal("33.3")
    # Run again: nothing changes. Yearly indicators are computed for the year (period 0) only.
    assert services.compute_actuals(2023, 3) == 0
    assert not IndicatorValue.objects.filter(indicator__code="C04", period=3).exists()
    services.compute_actuals(2023, 0)

    def year_value(code, **subject):
        return IndicatorValue.objects.get(
            indicator__code=code, year=2023, period=0, **subject
        ).value

    # 专精特新 by the registry: the city 2, district A 1, the team's chain 1 (its placed firm).
    assert year_value("C04", region=None, chain=None) == 2
    assert year_value("C04", region=region("370211")) == 1
    assert year_value("C04", chain=team_chain) == 1
    assert year_value("C01", region=None, chain=None) == Decimal(
        "13"
    )  # the whole year: 1.5 + 2.5 + 9
