"""The API: a challenge through its actions, applications with scores, scenes with suggestions, labs, diagnoses
converted into upgrade projects, digital titles; what a firm account sees and may do; the schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from chainleader.challenges.models import Challenge, ChallengeApplication, Diagnosis
from chainleader.projects.models import Project

from .conftest import deadline, pdf

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_challenge_through_the_api(office_user, firm_user, district_b_user, setting):
    office, firm = _client(office_user), _client(firm_user)
    body = {
        "title": "变频压缩机噪声控制",
        "publisher_firm": setting["master"].pk,
        "chain": setting["chain"].pk,
        "need": "整机噪声降到 38 分贝以下",
        "budget_wan": "300.00",
        "deadline": deadline().isoformat(),
    }
    r = office.post(reverse("api:challenge-list"), body, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert _ids(firm.get(reverse("api:challenge-list"))) == set()  # a draft
    r = office.post(reverse("api:challenge-move", args=[pk]), {"step": "publish", "version": 1})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert _ids(firm.get(reverse("api:challenge-list"))) == {pk}
    assert _ids(_client(district_b_user).get(reverse("api:challenge-list"))) == {pk}
    # The firm may not move it; a stale version is 409.
    assert firm.post(reverse("api:challenge-move", args=[pk]), {"step": "close"}).status_code == 403
    r = office.post(reverse("api:challenge-move", args=[pk]), {"step": "close", "version": 1})
    assert r.status_code == 409
    r = firm.post(
        reverse("api:challengeapplication-list"),
        {"challenge": pk, "proposal": "主动降噪", "asked_wan": "280"},
        format="json",
    )
    assert r.status_code == 201, r.content
    app = r.json()["id"]
    assert r.json()["solver_firm"] == setting["solver"].pk
    assert _ids(firm.get(reverse("api:challengeapplication-list"))) == {app}
    office.post(reverse("api:challenge-move", args=[pk]), {"step": "close"})
    r = office.post(
        reverse("api:challengeapplication-score", args=[app]),
        {"scores": {"technology": 41, "team": 20, "price": 15, "schedule": 10}},
        format="json",
    )
    assert r.status_code == 400 and "technology" in r.json()
    r = office.post(
        reverse("api:challengeapplication-score", args=[app]),
        {"scores": {"technology": 36, "team": 20, "price": 15, "schedule": 10}},
        format="json",
    )
    assert r.status_code == 200 and r.json()["score"] == "81.00"
    r = office.post(reverse("api:challenge-select", args=[pk]), {"application": app})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert r.json()["contract_wan"] == "280.00"
    r = office.post(
        reverse("api:challenge-milestone", args=[pk]),
        {"title": "样机", "due_on": deadline().isoformat()},
    )
    milestone = r.json()["milestones"][0]["id"]
    today = timezone.localdate().isoformat()
    r = firm.post(
        reverse("api:challenge-milestone-done", args=[pk]),
        {"milestone": milestone, "done_on": today, "evidence": pdf()},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    assert r.json()["milestones"][0]["done_on"] == today
    r = office.post(
        reverse("api:challenge-accept", args=[pk]),
        {"on": today, "verdict": "passed", "evidence": pdf()},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted" and r.json()["acceptance"]["verdict"] == "passed"
    assert office.get(reverse("api:challenge-detail", args=[pk])).status_code == 200
    assert office.get(reverse("api:challengeapplication-detail", args=[app])).status_code == 200


def test_withdraw_an_application(office_user, firm_user, setting):
    ch = Challenge.objects.create(
        publisher_firm=setting["master"],
        chain=setting["chain"],
        title="t",
        need="n",
        budget_wan=1,
        deadline=deadline(),
        status="published",
    )
    app = ChallengeApplication.objects.create(
        challenge=ch, solver_firm=setting["solver"], proposal="p", asked_wan=1
    )
    r = _client(firm_user).post(reverse("api:challengeapplication-withdraw", args=[app.pk]))
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_scenes_suggestions_and_answers(office_user, firm_user, setting):
    office, firm = _client(office_user), _client(firm_user)
    r = office.post(
        reverse("api:scene-list"),
        {
            "title": "机器人视觉检测",
            "publisher_firm": setting["master"].pk,
            "chain": setting["chain"].pk,
            "sought": "工业机器人与视觉检测设备",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = office.get(reverse("api:scene-suggestions", args=[pk]))
    assert r.status_code == 200 and r.json()[0]["enterprise_id"] == setting["solver"].pk
    office.post(reverse("api:scene-move", args=[pk]), {"step": "publish"})
    assert firm.get(reverse("api:scene-suggestions", args=[pk])).json() == []
    r = firm.post(
        reverse("api:sceneapplication-list"), {"scene": pk, "offer": "整线方案"}, format="json"
    )
    assert r.status_code == 201, r.content
    sa = r.json()["id"]
    assert r.json()["score"] > 0
    assert (
        firm.post(reverse("api:sceneapplication-answer", args=[sa]), {"accept": True}).status_code
        == 403
    )
    r = office.post(reverse("api:sceneapplication-answer", args=[sa]), {"accept": True})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert office.get(reverse("api:scene-detail", args=[pk])).status_code == 200
    assert office.get(reverse("api:sceneapplication-detail", args=[sa])).status_code == 200


def test_labs_titles_and_diagnoses(office_user, firm_user, setting):
    office, firm = _client(office_user), _client(firm_user)
    r = office.post(
        reverse("api:lab-list"),
        {
            "name": "场景实验室",
            "kind": "scene",
            "host": setting["master"].pk,
            "segment": setting["segment"].pk,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert office.get(reverse("api:lab-detail", args=[r.json()["id"]])).status_code == 200
    assert firm.post(reverse("api:lab-list"), {"name": "x"}, format="json").status_code == 403
    r = office.post(
        reverse("api:digitaltitle-list"),
        {
            "enterprise": setting["solver"].pk,
            "kind": "smart_factory",
            "level": "city",
            "year": 2022,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert _ids(firm.get(reverse("api:digitaltitle-list"))) == {r.json()["id"]}
    assert firm.get(reverse("api:digitaltitle-detail", args=[r.json()["id"]])).status_code == 200
    dims = {
        "strategy": 3,
        "equipment": 2,
        "production": 2,
        "management": 3,
        "products": 2,
        "data": 1,
    }
    r = office.post(
        reverse("api:diagnosis-list"),
        {
            "enterprise": setting["solver"].pk,
            "provider": "赋能中心",
            "diagnosed_on": timezone.localdate().isoformat(),
            **dims,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["level"] == "2.2"
    pk = r.json()["id"]
    r = office.post(
        reverse("api:diagnosis-recommend", args=[pk]),
        {"text": "建设数字化车间", "estimated_wan": "1500"},
        format="json",
    )
    assert r.status_code == 200
    rec = r.json()["recommendations"][0]["id"]
    assert firm.get(reverse("api:diagnosis-detail", args=[pk])).status_code == 200
    assert (
        firm.post(
            reverse("api:diagnosis-convert", args=[pk]),
            {"recommendation": rec, "chain": setting["chain"].pk},
        ).status_code
        == 403
    )
    r = office.post(
        reverse("api:diagnosis-convert", args=[pk]),
        {"recommendation": rec, "chain": setting["chain"].pk},
        format="json",
    )
    assert r.status_code == 200, r.content
    project = Project.objects.get(pk=r.json()["project"])
    assert project.kind == "upgrade" and project.total_investment_yi == Decimal("0.15")
    assert r.json()["recommendation"]["project"] == project.pk
    r = office.patch(
        reverse("api:diagnosis-detail", args=[pk]), {"data": 5, "version": 1}, format="json"
    )
    assert r.status_code == 200 and r.json()["level"] == "2.8"
    assert Diagnosis.objects.get().level == Decimal("2.8")


def test_the_schema_documents_the_endpoints(client, office_user):
    client.force_login(office_user)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    text = schema.content.decode()
    for path in (
        "/api/challenges/{id}/select/",
        "/api/challenges/{id}/accept/",
        "/api/challenge-applications/{id}/score/",
        "/api/scenes/{id}/suggestions/",
        "/api/diagnoses/{id}/convert/",
        "/api/labs/",
        "/api/digital-titles/",
    ):
        assert path in text
