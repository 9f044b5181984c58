"""摘星夺旗 assessment in the platform: schemes, bonus and deduction items, runs computed on the platform's figures,
review then publish (published runs immutable; a correction is a new run), pages, API, scopes, audit rows."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from chainleader.cockpit.models import AssessmentRun, AssessmentScheme
from chainleader.cockpit.services import assessment as services
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from tests.factories import region
from tests.projects.factories import ProjectFactory, ReportFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "2026年摘星夺旗（区市）",
    "year": 2026,
    "period": "q1",
    "subject_kind": "district",
    "awards": 2,
    "note": "",
    "weight_investment_completed": 60,
    "method_investment_completed": "best",
    "target_investment_completed": 1,
    "cap_investment_completed": 1,
    "weight_projects_started": 40,
    "method_projects_started": "rank",
    "target_projects_started": 1,
    "cap_projects_started": 1,
}
for key in ("big_projects_signed", "problems_on_time", "indicator_attainment"):
    FORM |= {f"weight_{key}": 0, f"method_{key}": "ratio", f"target_{key}": 1, f"cap_{key}": 1}


@pytest.fixture
def figures(team_chain):
    """Q1 2026: 黄岛 (370211) completes 6 亿 and starts one project; 崂山 (370212) completes 3 亿, starts two;
    a report of April (outside Q1) does not count."""
    a = ProjectFactory(chain=team_chain, district=region("370211"), started_on=date(2026, 2, 1))
    b1 = ProjectFactory(chain=team_chain, district=region("370212"), started_on=date(2026, 1, 9))
    b2 = ProjectFactory(chain=team_chain, district=region("370212"), started_on=date(2026, 3, 9))
    ReportFactory(project=a, month=date(2026, 1, 1), completed_yi=Decimal("6"))
    ReportFactory(project=a, month=date(2026, 4, 1), completed_yi=Decimal("50"))
    ReportFactory(project=b1, month=date(2026, 2, 1), completed_yi=Decimal("3"))
    return a, b1, b2


def test_the_office_builds_a_scheme_computes_reviews_and_publishes(client, office_user, figures):
    client.force_login(office_user)
    assert client.get(reverse("cockpit:scheme_add")).status_code == 200
    response = client.post(reverse("cockpit:scheme_add"), FORM)
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and response["Location"] == scheme.get_absolute_url()
    assert [i["metric"] for i in scheme.items] == ["investment_completed", "projects_started"]
    # A bonus for 崂山 with its reason.
    response = client.post(
        reverse("cockpit:adjustment_add", args=[scheme.pk]),
        {
            "region": region("370212").pk,
            "points": "5",
            "reason": "集中开工成效突出",
            "evidence": "市政府通报",
        },
    )
    assert response.status_code == 302
    assert client.get(scheme.get_absolute_url()).status_code == 200
    response = client.post(reverse("cockpit:run_compute", args=[scheme.pk]))
    run = AssessmentRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    scores = {s.label: s for s in run.scores.all()}
    # 黄岛: investment 60×6/6 = 60 (April's 50 is outside Q1); started 1, second to 崂山's 2 (the other districts
    # started none and rank below): 40×(n − 1)/n with n the city's districts. 崂山: investment 60×3/6 = 30, started
    # first → 40, and the bonus +5: 75. With n = 10 黄岛 has 60 + 36 = 96 and leads.
    n = run.scores.count()
    huangdao, laoshan = scores["黄岛区"], scores["崂山区"]
    assert huangdao.breakdown["items"][0]["points"] == 60
    assert huangdao.breakdown["items"][1]["points"] == round(40 * (n - 1) / n, 2)
    assert huangdao.total == round(60 + 40 * (n - 1) / n, 2)
    assert laoshan.breakdown["items"][0]["points"] == 30
    assert laoshan.breakdown["items"][1]["points"] == 40
    assert laoshan.total == 75
    assert (huangdao.rank, laoshan.rank) == (1, 2) and huangdao.awarded and laoshan.awarded
    assert not any(s.awarded for s in run.scores.filter(rank__gt=2))
    assert laoshan.breakdown["adjustments"] == [{"points": 5.0, "reason": "集中开工成效突出"}]
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200 and "集中开工成效突出" in page.content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cockpit:run_export", args=[run.pk])).content)
    )
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert rows[1][:3] == (2, "崂山区", 75)
    assert client.post(reverse("cockpit:run_review", args=[run.pk])).status_code == 302
    assert client.post(reverse("cockpit:run_publish", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == "published" and run.published_by == office_user
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {
        "assessment_scheme_create",
        "assessment_adjustment_add",
        "assessment_run_compute",
        "assessment_run_review",
        "assessment_run_publish",
    } <= events
    # History kept: a published run is neither discarded nor changed; the scheme is frozen; a new run is made.
    client.post(reverse("cockpit:run_discard", args=[run.pk]))
    assert AssessmentRun.objects.filter(pk=run.pk).exists()
    with pytest.raises(WorkflowConflict):
        services.scheme_save(actor=office_user, data={**FORM, "items": scheme.items}, scheme=scheme)
    second = services.run_compute(actor=office_user, scheme=scheme)
    assert AssessmentRun.objects.count() == 2 and second.status == "draft"
    client.post(reverse("cockpit:run_discard", args=[second.pk]))
    assert not AssessmentRun.objects.filter(pk=second.pk).exists()


def test_the_list_and_the_edit_page(client, office_user):
    scheme = services.scheme_save(
        actor=office_user,
        data={**FORM, "items": [{"metric": "projects_started", "weight": 10, "method": "rank"}]},
    )
    client.force_login(office_user)
    assert scheme.name in client.get(reverse("cockpit:scheme_list")).content.decode()
    assert client.get(reverse("cockpit:scheme_edit", args=[scheme.pk])).status_code == 200
    response = client.post(
        reverse("cockpit:scheme_edit", args=[scheme.pk]),
        {**FORM, "name": "改名", "version": scheme.version},
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "改名" and scheme.version == 2
    assert AuditEvent.objects.filter(event_type="assessment_scheme_update").exists()


def test_bad_input_names_the_field_and_writes_nothing(client, office_user):
    client.force_login(office_user)
    no_weight = {**FORM, "weight_investment_completed": 0, "weight_projects_started": 0}
    response = client.post(reverse("cockpit:scheme_add"), no_weight)
    assert response.status_code == 400
    assert "至少" in response.content.decode() or "at least one" in response.content.decode()
    assert not AssessmentScheme.objects.exists()
    with pytest.raises(ServiceError, match=r"twice|重复"):
        services.clean_items([{"metric": "projects_started", "weight": 1}] * 2)
    with pytest.raises(ServiceError):
        services.clean_items([{"metric": "made_up", "weight": 1}])
    scheme = services.scheme_save(
        actor=office_user,
        data={**FORM, "items": [{"metric": "projects_started", "weight": 10, "method": "rank"}]},
    )
    response = client.post(
        reverse("cockpit:adjustment_add", args=[scheme.pk]),
        {"region": region("370212").pk, "points": "0", "reason": "x"},
    )
    assert response.status_code == 400 and not scheme.adjustments.exists()


def test_only_the_office_writes(client, district_a_user, chain_team_user, office_user):
    with pytest.raises(WorkflowForbidden):
        services.scheme_save(actor=district_a_user, data={**FORM, "items": []})
    scheme = services.scheme_save(
        actor=office_user,
        data={**FORM, "items": [{"metric": "projects_started", "weight": 10, "method": "rank"}]},
    )
    for user in (district_a_user, chain_team_user):
        client.force_login(user)
        assert client.get(reverse("cockpit:scheme_add")).status_code == 403
        assert client.post(reverse("cockpit:run_compute", args=[scheme.pk])).status_code == 403
    assert not AssessmentRun.objects.exists()


def test_drafts_are_the_offices_published_runs_everyones_readers(
    client, office_user, district_a_user, firm_user
):
    scheme = services.scheme_save(
        actor=office_user,
        data={**FORM, "items": [{"metric": "projects_started", "weight": 10, "method": "rank"}]},
    )
    run = services.run_compute(actor=office_user, scheme=scheme)
    client.force_login(district_a_user)
    assert client.get(run.get_absolute_url()).status_code == 404
    assert client.get(scheme.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:assessment-run-list")).json()["count"] == 0
    services.run_review_open(actor=office_user, run=run)
    services.run_publish(actor=office_user, run=run)
    assert client.get(run.get_absolute_url()).status_code == 200
    assert client.get(scheme.get_absolute_url()).status_code == 200
    assert client.get(reverse("api:assessment-run-list")).json()["count"] == 1
    assert client.get(reverse("api:assessment-scheme-list")).json()["count"] == 1
    scores = client.get(reverse("api:assessment-run-scores", args=[run.pk])).json()
    assert len(scores) == run.scores.count() and "breakdown" in scores[0]
    detail = client.get(reverse("api:assessment-run-detail", args=[run.pk])).json()
    assert detail["status"] == "published"
    assert client.get(reverse("api:assessment-scheme-detail", args=[scheme.pk])).status_code == 200
    client.force_login(firm_user)
    assert client.get(run.get_absolute_url()).status_code == 403
    assert client.get(reverse("api:assessment-run-list")).json()["count"] == 0
