"""DP2 at rest for the evaluation's copies of a firm's figures (docs/decisions/0021-encryption-at-rest.md): a
result's land, tax, indicators and inputs and an appeal's values are sealed in their columns; the district
亩均税收 chart, now summed in Python, gives Σ tax / Σ land of the graded 规上 firms, as the SQL sum did."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from chainleader.enterprises.models import YearFigure
from chainleader.evaluation import selectors, services
from chainleader.evaluation.models import Appeal, EvaluationResult

from .conftest import pdf


def raw(table: str, pk: int, *columns: str) -> tuple:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def test_results_hold_land_tax_indicators_and_inputs_sealed(world, reviewing_2024):
    results = list(EvaluationResult.objects.filter(run=reviewing_2024, land_mu__isnull=False))
    assert results
    for result in results:
        stored = raw(
            "evaluation_evaluationresult", result.pk, "land_mu", "tax_wan", "indicators", "inputs"
        )
        for value in stored:
            assert value is None or value.startswith("g1:"), value
        assert not any(value is not None and str(result.tax_wan) in value for value in stored), (
            "a clear tax figure in a result column"
        )
        figure = YearFigure.objects.get(enterprise_id=result.enterprise_id, year=2024)
        assert result.inputs["tax_wan"] == pytest.approx(float(figure.tax_wan))
        assert result.tax_wan == pytest.approx(float(figure.tax_wan))


def test_the_district_chart_sums_in_python_what_sql_summed(world, reviewing_2024, office_user):
    data = selectors.tax_per_mu_by_district(reviewing_2024, office_user)
    graded = EvaluationResult.objects.filter(run=reviewing_2024, graded=True, group="规上")
    expected: dict[str, list[float]] = {}
    for r in graded.select_related("enterprise__region"):
        if r.land_mu and r.land_mu > 0:
            sums = expected.setdefault(r.enterprise.region.code, [0.0, 0.0, 0])
            sums[0] += r.tax_wan or 0.0
            sums[1] += r.land_mu
            sums[2] += 1
    assert [d["code"] for d in data["districts"]] == sorted(expected)
    for d in data["districts"]:
        tax, land, firms = expected[d["code"]]
        assert (d["tax_wan"], d["land_mu"], d["firms"]) == (
            pytest.approx(tax),
            pytest.approx(land),
            firms,
        )
        assert d["tax_per_mu"] == pytest.approx(tax / land)


def test_an_appeals_values_are_sealed(world, district_a_user, reviewing_2024):
    result = EvaluationResult.objects.get(run=reviewing_2024, enterprise=world.a1)
    appeal = services.appeal_submit(
        result=result,
        actor=district_a_user,
        field="tax_wan",
        claimed_value=Decimal("1543.21"),
        evidence=pdf(),
        note="完税证明",
    )
    current, claimed = raw("evaluation_appeal", appeal.pk, "current_value", "claimed_value")
    assert current.startswith("g1:") and claimed.startswith("g1:")
    assert "1543" not in claimed
    again = Appeal.objects.get(pk=appeal.pk)
    assert again.claimed_value == Decimal("1543.21")
    assert again.current_value == YearFigure.objects.get(enterprise=world.a1, year=2024).tax_wan
