"""兑现核查: a signed lead whose project produces is set against what the firm promised at signing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from chainleader.enterprises.models import YearFigure
from chainleader.evaluation.models import EvaluationResult, EvaluationRun
from chainleader.evaluation.services import scheme_current
from chainleader.investment import services
from chainleader.investment.models import Target
from chainleader.projects.models import MonthlyReport, Project
from tests.factories import EnterpriseFactory, region


@pytest.fixture
def producing(ranked, office_user):
    lead = services.lead_from_target(
        actor=office_user, target=Target.objects.get(company__name="海立股份")
    )
    lead = services.lead_update(
        lead=lead,
        actor=office_user,
        data={
            "expected_investment_yi": Decimal("10"),
            "district": region("370211"),
            "promised_intensity_wan_per_mu": Decimal("500"),
            "promised_tax_wan_per_mu": Decimal("40"),
            "promised_jobs": 300,
        },
        expected_version=lead.version,
    )
    lead = services.lead_advance(lead=lead, actor=office_user, to_stage="signed")
    investor = EnterpriseFactory(name="海立（青岛）压缩机有限公司", region=region("370211"))
    Project.objects.filter(pk=lead.project_id).update(
        investor=investor, producing_on=date(2026, 6, 1), stage="producing"
    )
    MonthlyReport.objects.create(
        project_id=lead.project_id, month=date(2026, 3, 1), planned_yi=5, completed_yi=Decimal("6")
    )
    run = EvaluationRun.objects.create(
        year=2025, scheme=scheme_current(), status=EvaluationRun.Status.PUBLISHED
    )
    EvaluationResult.objects.create(run=run, enterprise=investor, land_mu=100.0, tax_wan=1500.0)
    YearFigure.objects.create(enterprise=investor, year=2025, employees=320)
    return lead


def test_results_are_set_against_promises_and_shortfalls_flagged(client, producing, office_user):
    from chainleader.investment.selectors import promise_rows

    (row,) = promise_rows(office_user)
    assert row["checks"]["investment"] == (6.0, 10.0)
    assert row["checks"]["intensity"] == (600.0, 500.0)  # 6 亿元 on 100 mu = 600 万元/亩
    assert row["checks"]["tax_per_mu"] == (15.0, 40.0)
    assert row["checks"]["jobs"] == (320, 300)
    assert set(row["shortfalls"]) == {"investment", "tax_per_mu"}
    client.force_login(office_user)
    page = client.get(reverse("investment:promises"))
    assert page.status_code == 200 and 'data-testid="shortfall"' in page.content.decode()
    export = client.get(reverse("investment:promises"), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [c.value for c in ws[2]]
    assert (
        15 in values and 40 in values and 37.5 in values
    )  # tax per mu: actual, promised, achieved %
    api = client.get("/api/leads/promises/").json()
    assert api[0]["shortfalls"] == row["shortfalls"]


def test_tax_per_mu_is_hidden_from_scopes_without_confidential_figures(producing, department_user):
    from chainleader.investment.selectors import promise_rows

    producing.chain.lead_department = department_user.org_unit
    producing.chain.save()
    rows = promise_rows(department_user)
    assert rows, "the department leads the chain and sees its leads"
    assert rows[0]["checks"]["tax_per_mu"] == (None, None)
    assert "tax_per_mu" not in rows[0]["shortfalls"]


def test_a_lead_whose_project_is_not_producing_is_not_checked(producing, office_user):
    from chainleader.investment.selectors import promise_rows

    Project.objects.filter(pk=producing.project_id).update(producing_on=None)
    assert promise_rows(office_user) == []
