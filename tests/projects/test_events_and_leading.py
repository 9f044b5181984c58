"""Events on the chain, district and city pages (集中开工, 签约仪式 incl. 屏对屏, 竣工投产: events, projects and their
investment in the year, over the page's scoped projects) and the 行业引领性 flag that counts toward the chain's
两个 a year with the ≥ 20亿 projects (一个项目只算一次)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from chainleader.projects import selectors
from chainleader.projects.models import Project, StartBatch
from tests.factories import ChainFactory, region

from .factories import BatchFactory, ProjectFactory


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def by_kind(rows):
    return {r["kind"]: (r["events"], r["projects"], r["online"], r["total_yi"]) for r in rows}


def test_event_totals_count_events_projects_and_investment_over_the_pages_projects(
    office_user, team_chain
):
    other = ChainFactory(name="新能源汽车")
    a = ProjectFactory(chain=team_chain, total_investment_yi=Decimal("22"))
    b = ProjectFactory(chain=team_chain, total_investment_yi=Decimal("3"))
    c = ProjectFactory(chain=other, total_investment_yi=Decimal("7"))
    signing = BatchFactory(kind=StartBatch.Kind.SIGNING, name="集中签约", held_on=date(2026, 1, 28))
    signing.projects.add(a, b, c)
    online = BatchFactory(
        kind=StartBatch.Kind.SIGNING, name="云签约", held_on=date(2026, 6, 16), online=True
    )
    online.projects.add(c)
    done = BatchFactory(kind=StartBatch.Kind.COMPLETION, name="竣工投产", held_on=date(2026, 9, 26))
    done.projects.add(a)
    old = BatchFactory(kind=StartBatch.Kind.SIGNING, name="去年签约", held_on=date(2025, 12, 30))
    old.projects.add(a, b)

    city = by_kind(selectors.event_totals(office_user, Project.objects.all(), 2026))
    assert city["signing"] == (2, 4, 1, Decimal("39"))  # c is counted at both signings
    assert city["completion"] == (1, 1, 0, Decimal("22"))
    assert city["start"] == (0, 0, 0, Decimal("0"))
    chain = by_kind(
        selectors.event_totals(office_user, Project.objects.filter(chain=team_chain), 2026)
    )
    # the online signing holds none of this chain's projects: it does not count for the chain
    assert chain["signing"] == (1, 2, 0, Decimal("25"))
    assert by_kind(selectors.event_totals(office_user, Project.objects.all(), 2025))["signing"][
        :2
    ] == (1, 2)


def test_the_chain_district_and_summary_pages_show_the_events(
    client, office_user, district_a_user, team_chain
):
    mine = ProjectFactory(chain=team_chain, district=region("370211"))
    theirs = ProjectFactory(chain=team_chain, district=region("370214"), total_investment_yi=9)
    signing = BatchFactory(kind=StartBatch.Kind.SIGNING, name="集中签约", region=region("3702"))
    signing.projects.add(mine, theirs)
    client.force_login(office_user)
    for url in (
        reverse("projects:chain_dashboard", args=[team_chain.pk]),
        reverse("projects:project_summary"),
    ):
        page = client.get(url)
        assert by_kind(page.context["events"])["signing"][:2] == (1, 2), url
        assert 'data-event="signing"' in page.content.decode()
    client.force_login(district_a_user)
    page = client.get(reverse("projects:district_dashboard", args=["370211"]))
    # the district sees the event through its own project only
    assert by_kind(page.context["events"])["signing"] == (1, 1, 0, Decimal("5"))


def test_an_industry_leading_project_counts_toward_the_two_a_year_once(
    client, office_user, team_chain
):
    ProjectFactory(chain=team_chain, total_investment_yi=Decimal("8"), signed_on=date(2026, 3, 1))
    leading = ProjectFactory(
        chain=team_chain,
        total_investment_yi=Decimal("8"),
        signed_on=date(2026, 4, 1),
        is_leading=True,
    )
    ProjectFactory(
        chain=team_chain,
        total_investment_yi=Decimal("30"),
        signed_on=date(2026, 5, 1),
        is_leading=True,
    )
    ProjectFactory(
        chain=team_chain,
        total_investment_yi=Decimal("9"),
        signed_on=date(2025, 5, 1),
        is_leading=True,
    )
    client.force_login(office_user)
    kpi = next(
        k
        for k in client.get(reverse("projects:chain_kpi")).context["kpis"]
        if k.chain == team_chain
    )
    # big: the 30亿 one; leading: the 8亿 and the 30亿 ones; counted once each: 2 → met
    assert (kpi.big_signed, kpi.leading_signed, kpi.counted, kpi.met) == (1, 2, 2, True)
    Project.objects.filter(pk=leading.pk).update(is_leading=False)
    kpi = next(
        k
        for k in client.get(reverse("projects:chain_kpi")).context["kpis"]
        if k.chain == team_chain
    )
    assert (kpi.counted, kpi.met) == (1, False)
    detail = client.get(reverse("projects:chain_dashboard", args=[team_chain.pk])).content.decode()
    assert "引领性" in detail or "industry-leading" in detail


def test_the_leading_flag_goes_through_the_api(client, office_user, team_chain):
    project = ProjectFactory(chain=team_chain)
    client.force_login(office_user)
    got = client.get(f"/api/projects/{project.pk}/").json()
    assert got["is_leading"] is False
    changed = client.patch(
        f"/api/projects/{project.pk}/",
        {"is_leading": True, "version": got["version"]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    project.refresh_from_db()
    assert project.is_leading
