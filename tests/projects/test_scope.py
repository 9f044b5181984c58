"""Data scope of project data, per model × persona (SECURITY.md AC1, AC2). The route matrix over every projects:
and worklists: route with an object id is tests/core/test_scope_matrix.py, on tests/scope_harness.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from chainleader.accounts.models import OrgUnit, Role
from chainleader.projects import selectors
from chainleader.projects.models import (
    MonthlyReport,
    Problem,
    ProblemEvent,
    Project,
    StageChange,
    StartBatch,
)
from chainleader.worklists.models import WorkItem, WorkItemNote
from tests.factories import ChainFactory, OrgUnitFactory, region

from .factories import (
    BatchFactory,
    ProblemFactory,
    ProjectFactory,
    ReportFactory,
    StageChangeFactory,
    WorkItemFactory,
    WorkItemNoteFactory,
)

ROLES = ["office", "district_a", "district_b", "team", "department", "firm", "system_admin"]


@pytest.fixture
def w(
    office_user,
    district_a_user,
    district_b_user,
    chain_team_user,
    department_user,
    firm_user,
    system_admin,
    team_chain,
    department_unit,
    district_a_unit,
    firm,
):
    team_chain.lead_department = department_unit
    team_chain.save()
    chain_b = ChainFactory(name="崂山链", level="district", region=region("370212"))
    finance = OrgUnitFactory(name="市财政局", kind=OrgUnit.Kind.DEPARTMENT)
    x = SimpleNamespace(
        users={
            "office": office_user,
            "district_a": district_a_user,
            "district_b": district_b_user,
            "team": chain_team_user,
            "department": department_user,
            "firm": firm_user,
            "system_admin": system_admin,
        }
    )
    x.p_a = ProjectFactory(
        name="黄岛项目",
        chain=team_chain,
        district=region("370211"),
        total_investment_yi=Decimal("10"),
    )
    x.p_b = ProjectFactory(
        name="崂山项目",
        chain=chain_b,
        district=region("370212"),
        investor=firm,
        total_investment_yi=Decimal("20"),
    )
    x.p_c = ProjectFactory(
        name="城阳项目",
        chain=team_chain,
        district=region("370214"),
        total_investment_yi=Decimal("40"),
    )
    for p in (x.p_a, x.p_b, x.p_c):
        ReportFactory(project=p, month=date(2026, 1, 1), completed_yi=p.total_investment_yi / 10)
        StageChangeFactory(project=p)
    x.prob_a = ProblemFactory(
        chain=team_chain, project=x.p_a, region=region("370211"), raised_by_unit=district_a_unit
    )
    x.prob_b = ProblemFactory(
        chain=chain_b,
        project=x.p_b,
        region=region("370212"),
        department=department_unit,
        status="assigned",
        deadline=date(2026, 12, 1),
    )
    x.prob_c = ProblemFactory(chain=team_chain, title="链级问题")
    for p in (x.prob_a, x.prob_b, x.prob_c):
        ProblemEvent.objects.create(
            problem=p,
            action="raise",
            to_status="raised",
            note="提出",
            attachment=StageChangeFactory.evidence_file.evaluate(None, None, {}),
        )
    x.batch_a = BatchFactory(region=region("370211"))
    x.batch_a.projects.add(x.p_a)
    x.batch_city = BatchFactory(region=region("3702"))
    x.batch_city.projects.add(x.p_c)
    x.item_a = WorkItemFactory(chain=team_chain, owner_unit=district_a_unit)
    x.item_b = WorkItemFactory(chain=chain_b, owner_unit=department_unit)
    x.item_c = WorkItemFactory(chain=team_chain, owner_unit=finance)
    for item in (x.item_a, x.item_b, x.item_c):
        WorkItemNoteFactory(item=item)
    return x


EXPECTED = {
    # role: (projects, problems, batches, items)
    "office": (
        {"p_a", "p_b", "p_c"},
        {"prob_a", "prob_b", "prob_c"},
        {"batch_a", "batch_city"},
        {"item_a", "item_b", "item_c"},
    ),
    "district_a": ({"p_a"}, {"prob_a"}, {"batch_a", "batch_city"}, {"item_a"}),
    "district_b": ({"p_b"}, {"prob_b"}, {"batch_city"}, set()),
    "team": ({"p_a", "p_c"}, {"prob_a", "prob_c"}, {"batch_a", "batch_city"}, {"item_a", "item_c"}),
    # The department leads the team chain and has prob_b (on p_b) assigned to it.
    "department": (
        {"p_a", "p_b", "p_c"},
        {"prob_b"},
        {"batch_a", "batch_city"},
        {"item_a", "item_b", "item_c"},
    ),
    "firm": ({"p_b"}, set(), set(), set()),
    "system_admin": (set(), set(), set(), set()),
}


def names(w, qs, prefix):
    by_pk = {getattr(w, n).pk: n for n in vars(w) if n.startswith(prefix)}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True) if pk in by_pk}


@pytest.mark.parametrize("role", ROLES)
def test_each_persona_sees_exactly_its_projects_problems_batches_and_items(w, role):
    user = w.users[role]
    projects, problems, batches, items = EXPECTED[role]
    assert names(w, Project.objects.for_user(user), "p_") == projects
    assert names(w, Problem.objects.for_user(user), "prob_") == problems
    assert names(w, StartBatch.objects.for_user(user), "batch_") == batches
    assert names(w, WorkItem.objects.for_user(user), "item_") == items
    # Children follow their parents.
    visible = set(Project.objects.for_user(user).values_list("pk", flat=True))
    assert set(MonthlyReport.objects.for_user(user).values_list("project", flat=True)) == visible
    assert set(StageChange.objects.for_user(user).values_list("project", flat=True)) == visible
    assert set(WorkItemNote.objects.for_user(user).values_list("item", flat=True)) == set(
        WorkItem.objects.for_user(user).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("role", ROLES)
def test_totals_are_the_sums_over_the_scoped_set(w, role):
    user = w.users[role]
    totals = selectors.totals(Project.objects.for_user(user), 2026)
    mine = [getattr(w, n) for n in EXPECTED[role][0]]
    assert totals["count"] == len(mine)
    assert totals["total_yi"] == sum((p.total_investment_yi for p in mine), Decimal(0))
    assert totals["completed_year_yi"] == sum(
        (p.total_investment_yi / 10 for p in mine), Decimal(0)
    )


def test_a_district_reads_a_city_batch_but_does_not_change_it(w):
    user = w.users["district_a"]
    assert StartBatch.objects.for_user(user).filter(pk=w.batch_city.pk).exists()
    assert not StartBatch.objects.for_user(user, write=True).filter(pk=w.batch_city.pk).exists()
    assert StartBatch.objects.for_user(user, write=True).filter(pk=w.batch_a.pk).exists()


def test_the_list_page_totals_are_the_district_s_own(client, w):
    client.force_login(w.users["district_a"])
    resp = client.get(reverse("projects:project_list"))
    assert resp.context["totals"]["count"] == 1 and resp.context["totals"]["total_yi"] == Decimal(
        "10"
    )
    assert "崂山项目" not in resp.content.decode()


def test_the_department_role_is_read_only_on_projects_but_answers_its_problems(client, w):
    client.force_login(w.users["department"])
    assert client.get(reverse("projects:project_edit", args=[w.p_a.pk])).status_code == 403
    assert (
        client.get(reverse("projects:problem_answer", args=[w.prob_b.pk])).context["allowed"]
        is True
    )
    assert Role.DEPARTMENT not in settings.CHAINLEADER_EDITOR_ROLES
