"""The cockpit: figures on the user's scope, the city's published rankings for districts, the cache's version,
the chain's page with the record (B8) and its exports, the API."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from chainleader.cockpit import selectors
from chainleader.cockpit.services import assessment as services
from chainleader.core.models import AuditEvent
from tests.factories import ChainFactory, region
from tests.projects.factories import ProblemFactory, ProjectFactory, ReportFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def city(team_chain):
    """Two city chains with projects in districts A (370211) and B (370212), reports and problems of 2026."""
    other = ChainFactory(name="新能源汽车", level="city", region=region("3702"))
    p1 = ProjectFactory(
        chain=team_chain,
        district=region("370211"),
        total_investment_yi=Decimal("30"),
        started_on=date(2026, 2, 1),
    )
    p2 = ProjectFactory(chain=other, district=region("370212"), total_investment_yi=Decimal("8"))
    ReportFactory(project=p1, month=date(2026, 1, 1), completed_yi=Decimal("2"))
    ReportFactory(project=p1, month=date(2026, 2, 1), completed_yi=Decimal("3"))
    ReportFactory(project=p2, month=date(2026, 1, 1), completed_yi=Decimal("7"))
    # Problems of the team chain closed in 2026: one by its deadline, one after it.
    ProblemFactory(
        chain=team_chain,
        project=p1,
        region=region("370211"),
        status="closed",
        deadline=date(2026, 3, 10),
        closed_at=datetime(2026, 3, 9, 8, tzinfo=UTC),
    )
    ProblemFactory(
        chain=team_chain,
        project=p1,
        region=region("370211"),
        status="closed",
        deadline=date(2026, 3, 10),
        closed_at=datetime(2026, 3, 20, 8, tzinfo=UTC),
    )
    return {"team": team_chain, "other": other, "p1": p1, "p2": p2}


def test_the_office_sees_chains_and_districts_ranked_by_investment_completed(
    client, office_user, city
):
    client.force_login(office_user)
    response = client.get(reverse("cockpit:home"), {"year": YEAR})
    assert response.status_code == 200
    d = response.context["d"]
    assert d["city"] is True
    # 新能源汽车 completed 7 亿 in 2026, 智能家电 2 + 3 = 5: ranked by completed, not by total investment.
    assert [(r["label"], r["completed_year_yi"], r["rank"]) for r in d["chains"]] == [
        ("新能源汽车", 7.0, 1),
        ("智能家电", 5.0, 2),
    ]
    assert [r["code"] for r in d["districts"]] == ["370212", "370211"]
    # One of the two problems closed in 2026 was on time.
    team = next(r for r in d["chains"] if r["label"] == "智能家电")
    assert (team["problems_closed"], team["on_time_share"]) == (2, 0.5)
    assert d["problems"]["share"] == 0.5
    assert d["totals"]["completed_year_yi"] == 12.0
    assert {s["stage"]: s["count"] for s in d["stages"]}["signed"] == 2
    assert d["map"]["series"][0]["type"] == "map"
    body = response.content.decode()
    assert reverse("cockpit:chain", args=[city["team"].pk]) in body
    assert 'id="cockpit-map"' in body and "<script>" not in body.replace("<script src", "")


def test_a_district_sees_its_own_figures_and_the_published_city_ranking(
    client, office_user, district_a_user, city, django_capture_on_commit_callbacks
):
    scheme = services.scheme_save(
        actor=office_user,
        data={
            "name": "摘星",
            "year": YEAR,
            "period": "year",
            "subject_kind": "chain",
            "awards": 1,
            "items": [{"metric": "investment_completed", "weight": 100, "method": "best"}],
        },
    )
    run = services.run_compute(actor=office_user, scheme=scheme)
    client.force_login(district_a_user)
    d = client.get(reverse("cockpit:home"), {"year": YEAR}).context["d"]
    assert d["city"] is False
    assert [r["code"] for r in d["districts"]] == ["370211"]
    assert [r["label"] for r in d["chains"]] == ["智能家电"]
    assert d["totals"]["completed_year_yi"] == 5.0
    assert d["rankings"]["chain"] is None  # a draft is the office's
    services.run_review_open(actor=office_user, run=run)
    with django_capture_on_commit_callbacks(execute=True):  # publishing bumps the cockpit's cache
        services.run_publish(actor=office_user, run=run)
    d = client.get(reverse("cockpit:home"), {"year": YEAR}).context["d"]
    # The whole city's ranking, published: 新能源汽车 7 of the best 7 → 100; 智能家电 100×5/7 = 71.43.
    assert [(s["label"], s["total"], s["awarded"]) for s in d["rankings"]["chain"]["scores"]] == [
        ("新能源汽车", 100.0, True),
        ("智能家电", 71.43, False),
    ]


def test_the_cache_is_bumped_by_a_write(office_user, city):
    first = selectors.summary(office_user, YEAR)
    assert selectors.summary(office_user, YEAR) == first
    ReportFactory(project=city["p2"], month=date(2026, 3, 1), completed_yi=Decimal("1"))
    selectors.bump_version()  # what the receiver does after the commit (tests run inside one transaction)
    assert selectors.summary(office_user, YEAR)["totals"]["completed_year_yi"] == 13.0


def test_a_report_saved_bumps_the_version(django_capture_on_commit_callbacks, city):
    before = selectors.cache_version()
    with django_capture_on_commit_callbacks(execute=True):
        ReportFactory(project=city["p2"], month=date(2026, 4, 1))
    assert selectors.cache_version() > before


@pytest.mark.parametrize("persona", ["firm_user", "department_user", "system_admin"])
def test_firms_departments_and_admins_are_refused(client, request, persona, city):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cockpit:home")).status_code == 403
    assert client.get(reverse("api:cockpit-chain-summary")).status_code == 403


def test_the_chain_page_shows_the_record_and_exports_it(client, office_user, chain_team_user, city):
    from chainleader.commissioners import services as commissioners
    from tests.factories import EnterpriseFactory, PlacementFactory, SegmentFactory

    firm = EnterpriseFactory(name="链上企业", region=region("370211"))
    PlacementFactory(segment=SegmentFactory(chain=city["team"]), enterprise=firm)
    assignment = commissioners.assign(
        actor=office_user,
        enterprise=firm,
        commissioner=office_user,
        kind="key",
        since=date(2026, 1, 5),
    )
    commissioners.visit_log(actor=office_user, assignment=assignment, on=date(2026, 2, 6))
    client.force_login(chain_team_user)
    url = reverse("cockpit:chain", args=[city["team"].pk])
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    counts = response.context["record"]["counts"]
    assert (
        counts["visits"],
        counts["problems_closed"],
        counts["problems_on_time"],
        counts["projects_started"],
    ) == (1, 2, 1, 1)
    assert response.context["record"]["people"][0]["name"]
    # Another chain is outside the team's scope: 404, as a missing id.
    assert client.get(reverse("cockpit:chain", args=[city["other"].pk])).status_code == 404
    xlsx = client.get(reverse("cockpit:chain_record_xlsx", args=[city["team"].pk]), {"year": YEAR})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    first = {r[0]: r[1] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert (
        first["走访链上企业次数"] == 1
        if "走访链上企业次数" in first
        else any(v == 1 for v in first.values())
    )
    assert [r[1] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)] == ["链上企业"]
    docx = client.get(reverse("cockpit:chain_record_docx", args=[city["team"].pk]), {"year": YEAR})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert (
        AuditEvent.objects.filter(event_type="export", object_id=str(city["team"].pk)).count() == 2
    )


def test_the_api_summary_and_record(client, office_user, city):
    client.force_login(office_user)
    summary = client.get(reverse("api:cockpit-chain-summary"), {"year": YEAR}).json()
    assert summary["chains"][0]["label"] == "新能源汽车"
    record = client.get(
        reverse("api:cockpit-chain-record"), {"chain": city["team"].pk, "year": YEAR}
    )
    assert record.status_code == 200
    assert record.json()["counts"]["problems_closed"] == 2
    other_scope = client.get(reverse("api:cockpit-chain-record"), {"chain": 99_999_999})
    assert other_scope.status_code == 404
    assert client.get(reverse("api:cockpit-chain-record")).status_code == 400
    detail = client.get(reverse("api:cockpit-chain-detail", args=[city["team"].pk])).json()
    assert detail["name"] == "智能家电"
    listed = client.get(reverse("api:cockpit-chain-list")).json()
    assert {c["name"] for c in listed["results"]} >= {"智能家电", "新能源汽车"}
    # The router's format suffix reaches the list actions too (the sentinel crawl found a 500 there).
    as_json = client.get("/api/cockpit/chains/summary.json", {"year": YEAR})
    assert as_json.status_code == 200 and as_json.json()["chains"][0]["label"] == "新能源汽车"
    record_json = client.get(
        "/api/cockpit/chains/record.json", {"chain": city["team"].pk, "year": YEAR}
    )
    assert record_json.status_code == 200


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("office_user", True),
        ("chain_team_user", True),
        ("district_a_user", True),
        ("firm_user", False),
        ("department_user", False),
    ],
)
def test_the_nav_link_shows_to_the_cockpits_readers_only(client, request, persona, shown):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("core:home"), follow=True).content.decode()
    assert (f'href="{reverse("cockpit:home")}"' in body) is shown


def test_indicator_attainment_comes_from_the_indicators_app(client, office_user, city, monkeypatch):
    """The cockpit's attainment column and the assessment's metric read indicators.selectors.attainment
    (percent, per chain id and district region id) as ratios."""
    from chainleader.indicators import selectors as indicators

    a = region("370211")
    monkeypatch.setattr(
        indicators,
        "attainment",
        lambda user, year: {"chains": {city["team"].pk: 88.0}, "districts": {a.pk: 110.0}},
    )
    client.force_login(office_user)
    d = client.get(reverse("cockpit:home"), {"year": 2031}).context["d"]  # a year not cached yet
    assert d["attainment_available"] is True
    team = next(r for r in d["chains"] if r["label"] == "智能家电")
    assert team["attainment"] == 0.88
    assert next(r for r in d["districts"] if r["code"] == "370211")["attainment"] == 1.1
    scheme = services.scheme_save(
        actor=office_user,
        data={
            "name": "指标",
            "year": YEAR,
            "period": "year",
            "subject_kind": "chain",
            "awards": 1,
            "items": [
                {"metric": "indicator_attainment", "weight": 50, "method": "ratio", "cap": 1}
            ],
        },
    )
    run = services.run_compute(actor=office_user, scheme=scheme)
    scores = {s.label: s for s in run.scores.all()}
    # 智能家电: 50 × min(0.88 / 1, 1) = 44; 新能源汽车 has no attainment: 0, and its breakdown says so (None).
    assert scores["智能家电"].total == 44
    assert scores["新能源汽车"].breakdown["items"][0]["value"] is None


def test_meetings_chaired_count_in_the_record_and_the_cockpit(client, office_user, city):
    """Held chain meetings with a chair (worklists) count for the chain's record and its cockpit row; a draft
    meeting and one of another year do not."""
    from chainleader.worklists.models import ChainMeeting

    for held_on, status in (
        (date(2026, 3, 1), "held"),
        (date(2026, 6, 1), "held"),
        (date(2026, 7, 1), "draft"),
        (date(2025, 3, 1), "held"),
    ):
        ChainMeeting.objects.create(
            chain=city["team"], title="链长会议", held_on=held_on, status=status, chair_name="链长"
        )
    client.force_login(office_user)
    response = client.get(reverse("cockpit:chain", args=[city["team"].pk]), {"year": YEAR})
    assert response.context["record"]["counts"]["meetings"] == 2
    d = client.get(reverse("cockpit:home"), {"year": 2032}).context["d"]
    assert d["chains"] and all(r["meetings"] == 0 for r in d["chains"])  # 2032: none held
    d = selectors.compute_summary(office_user, YEAR)
    assert next(r for r in d["chains"] if r["label"] == "智能家电")["meetings"] == 2
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("cockpit:chain_record_xlsx", args=[city["team"].pk]), {"year": YEAR}
            ).content
        )
    )
    assert book.sheetnames[-1] in ("链长会议", "Meetings")
    assert len(list(book.worksheets[-1].iter_rows(min_row=2))) == 2
