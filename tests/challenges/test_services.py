"""The 揭榜挂帅 workflow, scenes, labs and diagnoses through their services: states, roles, audit, versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from chainleader.challenges import selectors, services
from chainleader.challenges.models import (
    ApplicationScore,
    Challenge,
    ChallengeApplication,
    Diagnosis,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.projects.models import Project

from .conftest import deadline, pdf

pytestmark = pytest.mark.django_db

FULL = {"technology": 36, "team": 20, "price": 18, "schedule": 12}


def _challenge(actor, setting, **extra):
    data = {
        "publisher_firm": setting["master"],
        "chain": setting["chain"],
        "segment": setting["segment"],
        "title": "变频压缩机噪声控制",
        "need": "整机噪声降到 38 分贝以下",
        "budget_wan": Decimal("300"),
        "deadline": deadline(),
        **extra,
    }
    return services.challenge_create(actor=actor, data=data)


def test_a_challenge_goes_from_draft_to_acceptance(office_user, firm_user, setting):
    ch = _challenge(office_user, setting)
    assert ch.status == Challenge.Status.DRAFT
    ch = services.challenge_step(
        challenge=ch, actor=office_user, step="publish", expected_version=1
    )
    assert ch.status == "published" and ch.published_on == timezone.localdate()
    app = services.application_submit(
        actor=firm_user,
        challenge=ch,
        data={
            "proposal": "主动降噪算法",
            "asked_wan": Decimal("280"),
            "solver_firm": setting["other"],
        },
    )
    # A firm account applies as itself, whatever it names.
    assert app.solver_firm == setting["solver"]
    uni = services.application_submit(
        actor=office_user,
        challenge=ch,
        data={
            "solver_name": "中国海洋大学声学实验室",
            "contact": "李老师",
            "proposal": "声学包",
            "asked_wan": 250,
        },
    )
    ch = services.challenge_step(challenge=ch, actor=office_user, step="close")
    services.application_score(application=app, actor=office_user, scores=FULL)
    services.application_score(
        application=uni,
        actor=office_user,
        scores={"technology": 30, "team": 20, "price": 20, "schedule": 10},
    )
    app.refresh_from_db()
    assert app.score == Decimal("86.00")
    ch = services.challenge_select(
        challenge=ch, actor=office_user, application=app, contract_wan=None
    )
    assert ch.status == "in_progress" and ch.contract_wan == Decimal("280")
    uni.refresh_from_db()
    assert uni.status == ChallengeApplication.Status.NOT_SELECTED
    m = services.milestone_add(challenge=ch, actor=office_user, title="样机", due_on=deadline())
    with pytest.raises(WorkflowConflict):  # a milestone open: no pass
        services.challenge_accept(
            challenge=ch,
            actor=office_user,
            on=timezone.localdate(),
            verdict="passed",
            evidence=pdf(),
        )
    # The selected solver reports its milestone.
    m = services.milestone_done(
        milestone=m, actor=firm_user, done_on=timezone.localdate(), evidence=pdf("样机.pdf")
    )
    assert m.done_on and m.evidence
    ch = services.challenge_accept(
        challenge=ch, actor=office_user, on=timezone.localdate(), verdict="passed", evidence=pdf()
    )
    assert ch.status == Challenge.Status.ACCEPTED
    assert ch.acceptance.evidence
    events = list(
        AuditEvent.objects.filter(object_type="challenges.challenge", object_id=str(ch.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert events == [
        "create",
        "challenge_publish",
        "challenge_close",
        "challenge_select",
        "challenge_accept",
    ]
    rows = selectors.chain_summary(office_user)
    assert rows == [
        {
            "chain_id": setting["chain"].pk,
            "chain": setting["chain"].name,
            "published": 1,
            "applications": 2,
            "taken": 1,
            "accepted": 1,
            "budget_wan": Decimal("300.00"),
            "contract_wan": Decimal("280.00"),
        }
    ]


def test_wrong_state_role_and_stale_version_change_nothing(
    office_user, firm_user, department_user, district_b_user, setting
):
    ch = _challenge(office_user, setting)
    with pytest.raises(WorkflowForbidden):  # a draft is not the firm's to see
        services.application_submit(
            actor=firm_user, challenge=ch, data={"proposal": "x", "asked_wan": 1}
        )
    with pytest.raises(WorkflowConflict):  # not open for applications yet
        services.application_submit(
            actor=office_user,
            challenge=ch,
            data={"solver_name": "大学", "proposal": "x", "asked_wan": 1},
        )
    with pytest.raises(WorkflowForbidden):
        services.challenge_step(challenge=ch, actor=firm_user, step="publish")
    with pytest.raises(StaleEdit):
        services.challenge_step(challenge=ch, actor=office_user, step="publish", expected_version=9)
    with pytest.raises(WorkflowConflict):
        services.challenge_step(challenge=ch, actor=office_user, step="close")
    ch = services.challenge_step(challenge=ch, actor=office_user, step="publish")
    # A district outside the chain's and the publisher's territory reads it but manages nothing.
    assert Challenge.objects.for_user(district_b_user).filter(pk=ch.pk).exists()
    with pytest.raises(WorkflowForbidden):
        services.challenge_step(challenge=ch, actor=district_b_user, step="close")
    with pytest.raises(ServiceError) as err:
        services.challenge_step(challenge=ch, actor=office_user, step="withdraw", reason=" ")
    assert err.value.field == "reason"
    ch.refresh_from_db()
    assert ch.status == "published" and ch.version == 2


def test_a_firm_publishes_as_itself_and_manages_only_its_own(firm_user, office_user, setting):
    ch = services.challenge_create(
        actor=firm_user,
        data={
            "publisher_firm": setting["master"],  # ignored: the firm account speaks for itself
            "chain": setting["chain"],
            "title": "焊接机器人视觉",
            "need": "焊缝识别",
            "budget_wan": Decimal(50),
            "deadline": deadline(),
        },
    )
    assert ch.publisher_firm == setting["solver"]
    services.challenge_step(challenge=ch, actor=firm_user, step="publish")
    other = _challenge(office_user, setting)
    with pytest.raises(WorkflowForbidden):
        services.challenge_step(challenge=other, actor=firm_user, step="publish")
    with pytest.raises(ServiceError):  # the publisher does not take its own challenge
        services.application_submit(
            actor=firm_user, challenge=ch, data={"proposal": "x", "asked_wan": 1}
        )


def test_bad_scores_name_the_criterion(office_user, firm_user, setting):
    ch = _challenge(office_user, setting)
    services.challenge_step(challenge=ch, actor=office_user, step="publish")
    app = services.application_submit(
        actor=firm_user, challenge=ch, data={"proposal": "方案", "asked_wan": 10}
    )
    with pytest.raises(WorkflowConflict):  # not selecting yet
        services.application_score(application=app, actor=office_user, scores=FULL)
    services.challenge_step(challenge=ch, actor=office_user, step="close")
    with pytest.raises(ServiceError) as err:
        services.application_score(
            application=app, actor=office_user, scores={**FULL, "technology": 41}
        )
    assert err.value.field == "technology"
    with pytest.raises(ServiceError) as err:
        services.application_score(application=app, actor=office_user, scores={"team": 1})
    assert err.value.field == "technology"
    with pytest.raises(WorkflowForbidden):  # the solver does not score
        services.application_score(application=app, actor=firm_user, scores=FULL)
    assert not ApplicationScore.objects.exists()
    # A second scoring by the same reviewer replaces the first.
    services.application_score(application=app, actor=office_user, scores=FULL)
    services.application_score(
        application=app, actor=office_user, scores={**FULL, "technology": 40}
    )
    app.refresh_from_db()
    assert ApplicationScore.objects.count() == 1 and app.score == Decimal("90.00")


def test_failed_acceptance_and_withdrawal(office_user, firm_user, setting):
    ch = _challenge(office_user, setting)
    services.challenge_step(challenge=ch, actor=office_user, step="publish")
    app = services.application_submit(
        actor=firm_user, challenge=ch, data={"proposal": "方案", "asked_wan": 10}
    )
    services.challenge_step(challenge=ch, actor=office_user, step="close")
    ch = services.challenge_select(
        challenge=ch, actor=office_user, application=app, contract_wan=Decimal(8)
    )
    ch = services.challenge_accept(
        challenge=ch, actor=office_user, on=timezone.localdate(), verdict="failed", note="未达标"
    )
    assert ch.status == Challenge.Status.FAILED
    other = _challenge(office_user, setting)
    other = services.challenge_step(
        challenge=other, actor=office_user, step="withdraw", reason="需求已解决"
    )
    assert other.status == "withdrawn" and other.closed_reason == "需求已解决"


def test_scenes_rank_suppliers_by_their_products(office_user, firm_user, setting):
    scene = services.scene_create(
        actor=office_user,
        data={
            "publisher_firm": setting["master"],
            "chain": setting["chain"],
            "title": "总装车间机器人视觉检测",
            "sought": "工业机器人与视觉检测设备，用于外观缺陷检测",
        },
    )
    rows = selectors.suggestions(scene, office_user)
    assert rows[0]["enterprise_id"] == setting["solver"].pk
    assert rows[0]["score"] > 0
    assert setting["master"].pk not in [r["enterprise_id"] for r in rows]
    with pytest.raises(WorkflowForbidden):  # a draft: the firm does not see it
        services.scene_apply(actor=firm_user, scene=scene, supplier=None, offer="报价")
    with pytest.raises(WorkflowConflict):
        services.scene_apply(
            actor=office_user, scene=scene, supplier=setting["solver"], offer="报价"
        )
    services.scene_step(scene=scene, actor=office_user, step="publish")
    app = services.scene_apply(actor=firm_user, scene=scene, supplier=None, offer="整线方案")
    assert app.supplier == setting["solver"] and app.score == rows[0]["score"]
    with pytest.raises(WorkflowForbidden):  # the supplier does not answer itself
        services.scene_answer(application=app, actor=firm_user, accept=True)
    app = services.scene_answer(application=app, actor=office_user, accept=True)
    assert app.status == SceneApplication.Status.ACCEPTED
    assert Scene.objects.for_user(firm_user).filter(pk=scene.pk).exists()


def test_a_recommendation_becomes_an_upgrade_project(office_user, firm_user, setting):
    diag = services.diagnosis_create(
        actor=office_user,
        data={
            "enterprise": setting["solver"],
            "provider": "卡奥斯赋能中心",
            "diagnosed_on": timezone.localdate(),
            "strategy": 3,
            "equipment": 2,
            "production": 2,
            "management": 3,
            "products": 2,
            "data": 1,
        },
        recommendations=[
            {"text": "建设数字化车间", "dimension": "production", "estimated_wan": Decimal(1500)}
        ],
    )
    assert diag.level == Decimal("2.2")
    rec = diag.recommendations.get()
    with pytest.raises(WorkflowForbidden):
        services.recommendation_convert(
            recommendation=rec, actor=firm_user, data={"chain": setting["chain"]}
        )
    project = services.recommendation_convert(
        recommendation=rec, actor=office_user, data={"chain": setting["chain"]}
    )
    assert project.kind == Project.Kind.UPGRADE
    assert project.investor == setting["solver"]
    assert project.district == setting["solver"].region
    assert project.total_investment_yi == Decimal("0.1500")
    rec.refresh_from_db()
    assert rec.project == project
    with pytest.raises(WorkflowConflict):
        services.recommendation_convert(
            recommendation=rec, actor=office_user, data={"chain": setting["chain"]}
        )
    assert selectors.project_origins(office_user, project)[0]["url"].endswith(
        f"/diagnoses/{diag.pk}/"
    )
    # The firm sees its own diagnosis and where the project came from.
    assert Diagnosis.objects.for_user(firm_user).filter(pk=diag.pk).exists()
    funnel = selectors.funnel_totals(office_user)
    assert funnel == {
        "firms": 1,
        "diagnoses": 1,
        "recommendations": 1,
        "projects": 1,
        "completed": 0,
    }
    by_chain = selectors.funnel_by_chain(office_user)
    assert [(r["name"], r["firms"], r["projects"]) for r in by_chain] == [
        (setting["chain"].name, 1, 1)
    ]


def test_bad_diagnosis_scores_are_refused(office_user, setting):
    with pytest.raises(ServiceError) as err:
        services.diagnosis_create(
            actor=office_user,
            data={
                "enterprise": setting["solver"],
                "provider": "x",
                "diagnosed_on": timezone.localdate(),
                "strategy": 3,
                "equipment": 6,
                "production": 2,
                "management": 3,
                "products": 2,
                "data": 1,
            },
        )
    assert err.value.field == "equipment"
    assert not Diagnosis.objects.exists() and not Recommendation.objects.exists()
    assert not Milestone.objects.exists()
