"""Every page of both apps renders for the office with one record of each kind (no template error, no 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import (
    BatchFactory,
    ProblemFactory,
    ProjectFactory,
    ReportFactory,
    StageChangeFactory,
    WorkItemFactory,
    WorkItemNoteFactory,
)

PLAIN = [
    "projects:project_list",
    "projects:project_add",
    "projects:project_import",
    "projects:project_summary",
    "projects:project_map",
    "projects:chain_kpi",
    "projects:report_list",
    "projects:report_import",
    "projects:problem_list",
    "projects:problem_add",
    "projects:batch_list",
    "projects:batch_add",
    "projects:all_brief",
    "projects:notification_list",
    "worklists:item_list",
    "worklists:my_items",
    "worklists:item_add",
    "worklists:item_import",
]
BY_PROJECT = [
    "projects:project_detail",
    "projects:project_edit",
    "projects:project_delete",
    "projects:project_history",
    "projects:project_stage",
]
BY_PROBLEM = [
    "projects:problem_detail",
    "projects:problem_history",
    "projects:problem_assign",
    "projects:problem_answer",
    "projects:problem_verify",
    "projects:problem_close",
]
BY_BATCH = [
    "projects:batch_detail",
    "projects:batch_edit",
    "projects:batch_history",
    "projects:batch_delete",
]
BY_CHAIN = ["projects:chain_dashboard", "projects:chain_brief", "worklists:chain_lists"]
BY_ITEM = [
    "worklists:item_detail",
    "worklists:item_edit",
    "worklists:item_history",
    "worklists:item_note",
    "worklists:item_request_close",
    "worklists:item_review",
    "worklists:item_close",
    "worklists:item_delete",
]


@pytest.fixture
def records(team_chain):
    project = ProjectFactory(chain=team_chain)
    ReportFactory(project=project)
    StageChangeFactory(project=project)
    batch = BatchFactory()
    batch.projects.add(project)
    item = WorkItemFactory(chain=team_chain)
    WorkItemNoteFactory(item=item)
    return {
        "project": project,
        "problem": ProblemFactory(chain=team_chain, project=project),
        "batch": batch,
        "chain": team_chain,
        "item": item,
    }


def urls(r):
    yield from (reverse(n) for n in PLAIN)
    for names, key in (
        (BY_PROJECT, "project"),
        (BY_PROBLEM, "problem"),
        (BY_BATCH, "batch"),
        (BY_CHAIN, "chain"),
        (BY_ITEM, "item"),
    ):
        yield from (reverse(n, args=[r[key].pk]) for n in names)
    yield reverse("projects:report_add", args=[r["project"].pk])
    yield reverse("projects:project_problem_add", args=[r["project"].pk])
    yield reverse("projects:district_dashboard", args=["370211"])


def test_every_page_renders_for_the_office(client, office_user, records):
    client.force_login(office_user)
    for url in urls(records):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", PLAIN)
def test_pages_need_a_login(client, db, name):
    resp = client.get(reverse(name))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_an_unknown_district_code_is_404(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("projects:district_dashboard", args=["999999"])).status_code == 404
