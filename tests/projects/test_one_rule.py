"""One rule, one place (issue 12 item 5): an overdue problem is the same problem in the queryset, the model, the
list filter, the overdue-first ordering and the badge; a stage's overdue badge on the project page is the lagging
rule's verdict."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from chainleader.projects import lagging, selectors
from chainleader.projects.models import Problem

from .factories import ProblemFactory, ProjectFactory

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_every_place_agrees_on_which_problems_are_overdue(client, office_user, team_chain):
    cases = {
        "late": ProblemFactory(chain=team_chain, status="assigned", deadline=TODAY - timedelta(1)),
        "due today": ProblemFactory(chain=team_chain, status="assigned", deadline=TODAY),
        "no deadline": ProblemFactory(chain=team_chain, status="assigned", deadline=None),
        "answered late": ProblemFactory(
            chain=team_chain, status="answered", deadline=TODAY - timedelta(5)
        ),
    }
    expected = {"late"}
    by_queryset = {k for k, p in cases.items() if Problem.objects.overdue(TODAY).filter(pk=p.pk)}
    by_model = {k for k, p in cases.items() if p.is_overdue(TODAY)}
    ordered = selectors.problems_overdue_first(Problem.objects.all(), TODAY)
    by_annotation = {k for k, p in cases.items() if ordered.get(pk=p.pk).overdue}
    assert by_queryset == by_model == by_annotation == expected
    assert ordered.first().pk == cases["late"].pk
    client.force_login(office_user)
    listed = client.get(reverse("projects:problem_list"), {"overdue": "true"}).context["rows"]
    assert {o.pk for o, _c in listed} == {cases["late"].pk}
    page = client.get(reverse("projects:chain_dashboard", args=[team_chain.pk])).content.decode()
    badged = {
        k
        for k, p in cases.items()
        for row in page.split("<tr")
        if p.title in row and "bg-red-lt" in row
    }
    assert badged == expected
    assert selectors.problem_counts(Problem.objects.all(), TODAY)["overdue"] == 1


def test_the_stage_badge_is_the_lagging_rules_verdict(client, office_user, team_chain):
    project = ProjectFactory(
        chain=team_chain,
        stage="signed",
        planned_registered_on=TODAY,  # due today: on time
        planned_started_on=TODAY - timedelta(1),  # passed: missed
    )
    rows = {r[0]: r for r in project.stage_rows(TODAY)}
    assert rows["registered"][5] is False and rows["started"][5] is True
    assert rows["signed"][5] is False  # reached
    for value, _label, planned, _actual, reached, missed in project.stage_rows(TODAY):
        assert missed == lagging.stage_missed(planned, reached=reached, today=TODAY), value
    client.force_login(office_user)
    page = client.get(project.get_absolute_url()).content.decode()
    assert page.count("bg-red-lt") >= 1
