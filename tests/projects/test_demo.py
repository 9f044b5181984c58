"""The demo's project data: every stage on the West Coast's and the city's chains, the map's districts, lagging
projects with reasons, problems in every state, a 集中开工 batch, all four lists, idempotent; a chain brief
downloads with the right totals; the four demo roles take a problem from raised to 销号."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from chainleader.accounts.models import OrgUnit, User
from chainleader.chains.models import Chain
from chainleader.projects import services
from chainleader.projects.models import STAGE_ORDER, MonthlyReport, Problem, Project, StartBatch
from chainleader.worklists.models import WorkItem

MODELS = (Project, MonthlyReport, Problem, StartBatch, WorkItem)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    saved = os.environ.pop("DEMO_PASSWORD", None)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
    if saved is not None:
        os.environ["DEMO_PASSWORD"] = saved


pytestmark = pytest.mark.django_db


def test_the_west_coast_and_the_city_chains_have_projects_in_every_stage(demo):
    for level in ("city", "district"):
        stages = set(Project.objects.filter(chain__level=level).values_list("stage", flat=True))
        assert stages == set(STAGE_ORDER), level
    appliances = Chain.objects.get(level="city", name="智能家电")
    assert set(appliances.projects.values_list("stage", flat=True)) == set(STAGE_ORDER)
    assert not Project.objects.filter(is_synthetic=False).exists()
    assert (
        Project.objects.values("district").distinct().count() == 10
    )  # the map shows every district


def test_lagging_projects_carry_their_reasons_and_problems_are_in_every_state(demo):
    lagging = Project.objects.filter(is_lagging=True)
    assert lagging.count() >= 10
    assert not lagging.filter(lagging_reason="").exists()
    assert set(Problem.objects.values_list("status", flat=True)) == {
        s for s, _l in Problem.Status.choices
    }
    assert Problem.objects.filter(escalated_at__isnull=False).exists()
    assert {k for k, _l in WorkItem.Kind.choices} == set(
        WorkItem.objects.values_list("kind", flat=True)
    )
    # every kind of event, each with its projects: 集中开工, 签约仪式 (on site and 屏对屏), 竣工投产
    for kind in ("start", "signing", "completion"):
        for event in StartBatch.objects.filter(kind=kind):
            assert event.projects.count() >= 3, event.name
    assert (
        StartBatch.objects.filter(kind="start", region__code="370211").get().projects.count() >= 5
    )
    assert StartBatch.objects.filter(kind="signing", online=True).exists()
    leading = Project.objects.filter(is_leading=True)
    assert leading.exists() and leading.filter(total_investment_yi__lt=20).exists()
    assert (
        MonthlyReport.objects.filter(month__year=2025).exists()
        and MonthlyReport.objects.filter(month__year=2026).exists()
    )


def test_loading_twice_creates_nothing_more(demo):
    before = [m.objects.count() for m in MODELS]
    call_command("load_demo", stdout=StringIO())
    assert [m.objects.count() for m in MODELS] == before


def test_a_chain_brief_downloads_with_the_right_totals(demo):
    client = Client()
    client.force_login(User.objects.get(username="office"))
    chain = Chain.objects.get(level="district", name="智能家电")
    today = timezone.localdate()
    resp = client.post(
        f"/projects/chains/{chain.pk}/brief/",
        {
            "period_start": today.replace(month=1, day=1).isoformat(),
            "period_end": today.isoformat(),
        },
    )
    assert resp.status_code == 200
    document = docx.Document(io.BytesIO(resp.content))
    values = [row.cells[1].text for row in list(document.tables[0].rows)[1:]]
    total = chain.projects.aggregate(s=Sum("total_investment_yi"))["s"]
    assert values[0] == str(chain.projects.count())
    assert values[1] == f"{Decimal(total).quantize(Decimal('0.01')):,}"


def test_the_four_demo_roles_take_a_problem_from_raised_to_closed(demo):
    district, office, department = (
        User.objects.get(username=u) for u in ("district", "office", "department")
    )
    project = (
        Project.objects.for_user(district, write=True)
        .filter(chain__lead_department=department.org_unit)
        .first()
    )
    project = project or Project.objects.for_user(district, write=True).first()
    problem = services.problem_raise(
        actor=district, chain=project.chain, project=project, title="演示：用地问题"
    )
    dept_unit = OrgUnit.objects.get(name="市工业和信息化局")
    services.problem_assign(
        problem=problem,
        actor=office,
        department=dept_unit,
        deadline=timezone.localdate() + timedelta(days=10),
    )
    services.problem_answer(problem=problem, actor=department, answer="已协调")
    services.problem_verify(problem=problem, actor=office, accepted=True)
    services.problem_close(problem=problem, actor=office)
    problem.refresh_from_db()
    assert problem.status == "closed"
