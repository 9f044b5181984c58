"""The pages, driven through their forms: a challenge from its draft to acceptance, a scene with its suggested
suppliers, a lab, a diagnosis whose recommendation becomes an upgrade project; the lists with their filters,
sort and Excel exports (opened back with openpyxl); what a firm account sees and may do."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from chainleader.challenges import services
from chainleader.challenges.models import (
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)
from chainleader.projects.models import Project

from .conftest import deadline, pdf

pytestmark = pytest.mark.django_db


def _sheet(response, index=0):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book.worksheets[index]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_a_challenge_through_its_pages(client, office_user, firm_user, setting):
    client.force_login(office_user)
    today = timezone.localdate().isoformat()
    r = client.post(
        reverse("challenges:challenge_add"),
        {
            "title": "变频压缩机噪声控制",
            "publisher_firm": setting["master"].pk,
            "chain": setting["chain"].pk,
            "segment": setting["segment"].pk,
            "need": "整机噪声降到 38 分贝以下",
            "requirements": "量产可行",
            "budget_wan": "300",
            "deadline": deadline().isoformat(),
        },
    )
    ch = Challenge.objects.get()
    assert r.status_code == 302 and r["Location"] == ch.get_absolute_url()
    assert client.get(reverse("challenges:challenge_edit", args=[ch.pk])).status_code == 200
    r = client.post(
        reverse("challenges:challenge_edit", args=[ch.pk]),
        {
            "title": "变频压缩机噪声控制（修订）",
            "publisher_firm": setting["master"].pk,
            "chain": setting["chain"].pk,
            "need": "整机噪声降到 38 分贝以下",
            "budget_wan": "320",
            "deadline": deadline().isoformat(),
            "version": 1,
        },
    )
    assert r.status_code == 302
    assert client.get(reverse("challenges:challenge_history", args=[ch.pk])).status_code == 200
    step = reverse("challenges:challenge_step", args=[ch.pk])
    assert client.get(step).status_code == 200
    assert client.post(step, {"step": "publish", "version": 2}).status_code == 302
    ch.refresh_from_db()
    assert ch.status == "published" and ch.budget_wan == Decimal("320")

    # The firm applies through the page, with its proposal file.
    client.force_login(firm_user)
    page = client.get(ch.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="apply"' in page.content.decode()
    apply = reverse("challenges:challenge_apply", args=[ch.pk])
    assert client.get(apply).status_code == 200
    r = client.post(
        apply, {"proposal": "主动降噪算法", "asked_wan": "280", "attachment": pdf("方案.pdf")}
    )
    assert r.status_code == 302
    app = ChallengeApplication.objects.get()
    assert app.solver_firm == setting["solver"] and app.attachment
    assert client.get(reverse("challenges:application_file", args=[app.pk])).status_code == 200
    listing = client.get(reverse("challenges:application_list"))
    assert "变频压缩机噪声控制" in listing.content.decode()
    # The firm may not move the office's challenge on: the step page says so, nothing changes.
    r = client.post(step, {"step": "close"})
    assert r.status_code == 200
    ch.refresh_from_db()
    assert ch.status == "published"

    client.force_login(office_user)
    assert client.post(step, {"step": "close", "version": 3}).status_code == 302
    score = reverse("challenges:application_score", args=[app.pk])
    assert client.get(score).status_code == 200
    r = client.post(
        score, {"c_technology": "50", "c_team": "20", "c_price": "15", "c_schedule": "10"}
    )
    assert (
        r.status_code == 200 and not app.scores.exists()
    )  # over the maximum: the form error, no write
    r = client.post(
        score, {"c_technology": "36", "c_team": "20", "c_price": "15", "c_schedule": "10"}
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.score == Decimal("81.00")
    assert client.get(app.get_absolute_url()).status_code == 200
    select = reverse("challenges:challenge_select", args=[ch.pk])
    assert client.get(select).status_code == 200
    assert client.post(select, {"application": app.pk, "contract_wan": "270"}).status_code == 302
    milestone = reverse("challenges:challenge_milestone", args=[ch.pk])
    assert client.get(milestone).status_code == 200
    assert (
        client.post(milestone, {"title": "样机", "due_on": deadline().isoformat()}).status_code
        == 302
    )
    m = Milestone.objects.get()

    # The selected solver reports the milestone with its evidence.
    client.force_login(firm_user)
    done = reverse("challenges:milestone_done", args=[m.pk])
    assert client.get(done).status_code == 200
    assert client.post(done, {"done_on": today, "evidence": pdf("样机.pdf")}).status_code == 302
    assert client.get(reverse("challenges:milestone_file", args=[m.pk])).status_code == 200

    client.force_login(office_user)
    accept = reverse("challenges:challenge_accept", args=[ch.pk])
    assert client.get(accept).status_code == 200
    r = client.post(accept, {"on": today, "verdict": "passed"})
    assert r.status_code == 200  # a pass needs the evidence
    r = client.post(accept, {"on": today, "verdict": "passed", "evidence": pdf()})
    assert r.status_code == 302
    ch.refresh_from_db()
    assert ch.status == "accepted"
    assert (
        client.get(reverse("challenges:acceptance_file", args=[ch.acceptance.pk])).status_code
        == 200
    )
    page = client.get(ch.get_absolute_url()).content.decode()
    assert 'data-testid="acceptance"' in page

    # Per chain, on the page and in its export.
    summary = reverse("challenges:challenge_summary")
    assert setting["chain"].name in client.get(summary).content.decode()
    rows = _sheet(client.get(summary + "?export=xlsx"))
    assert rows[1][:5] == [setting["chain"].name, 1, 1, 1, 1]
    assert rows[1][5:] == [320, 270]


def test_lists_search_filter_sort_and_export(client, office_user, firm_user, setting):
    open_ = services.challenge_create(
        actor=office_user,
        data={
            "publisher_firm": setting["master"],
            "chain": setting["chain"],
            "title": "焊缝视觉识别",
            "need": "识别焊缝",
            "budget_wan": Decimal(80),
            "deadline": deadline(),
        },
    )
    services.challenge_step(challenge=open_, actor=office_user, step="publish")
    services.challenge_create(
        actor=office_user,
        data={
            "publisher_firm": setting["master"],
            "chain": setting["chain"],
            "title": "草稿榜单",
            "need": "x",
            "budget_wan": Decimal(10),
            "deadline": deadline(),
        },
    )
    client.force_login(office_user)
    url = reverse("challenges:challenge_list")
    page = client.get(url + "?q=焊缝&status=published&sort=-budget_wan").content.decode()
    assert "焊缝视觉识别" in page and "草稿榜单" not in page
    rows = _sheet(client.get(url + "?export=xlsx&sort=title"))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {"焊缝视觉识别", "草稿榜单"}
    # A firm sees the published challenge, not the office's draft.
    client.force_login(firm_user)
    page = client.get(url).content.decode()
    assert "焊缝视觉识别" in page and "草稿榜单" not in page
    assert client.get(reverse("challenges:challenge_add")).status_code == 200  # it publishes too


def test_a_scene_with_suggested_suppliers(client, office_user, firm_user, setting):
    client.force_login(office_user)
    r = client.post(
        reverse("challenges:scene_add"),
        {
            "title": "总装车间机器人视觉检测",
            "publisher_firm": setting["master"].pk,
            "chain": setting["chain"].pk,
            "sought": "工业机器人与视觉检测设备",
            "budget_wan": "500",
        },
    )
    scene = Scene.objects.get()
    assert r.status_code == 302
    page = client.get(scene.get_absolute_url()).content.decode()
    assert 'data-testid="suggestions"' in page and setting["solver"].name in page
    assert client.get(reverse("challenges:scene_edit", args=[scene.pk])).status_code == 200
    step = reverse("challenges:scene_step", args=[scene.pk])
    assert client.get(step).status_code == 200
    assert client.post(step, {"step": "publish", "version": 1}).status_code == 302
    # The office records a suggested supplier's application.
    apply = reverse("challenges:scene_apply", args=[scene.pk])
    assert client.get(apply + f"?supplier={setting['solver'].pk}").status_code == 200
    assert (
        client.post(apply, {"supplier": setting["solver"].pk, "offer": "整线方案"}).status_code
        == 302
    )
    sa = SceneApplication.objects.get()
    assert sa.score and sa.score > 0
    answer = reverse("challenges:scene_answer", args=[sa.pk])
    assert client.get(answer).status_code == 200
    assert client.post(answer, {"accept": "yes", "version": 1}).status_code == 302
    sa.refresh_from_db()
    assert sa.status == "accepted"
    rows = _sheet(client.get(reverse("challenges:scene_list") + "?export=xlsx"))
    assert rows[1][0] == "总装车间机器人视觉检测"
    # A firm reads the published scene, sees no suggestions, and may apply.
    client.force_login(firm_user)
    page = client.get(scene.get_absolute_url()).content.decode()
    assert 'data-testid="suggestions"' not in page and 'data-testid="scene-apply"' in page


def test_labs_and_titles(client, office_user, firm_user, setting):
    client.force_login(office_user)
    r = client.post(
        reverse("challenges:lab_add"),
        {
            "name": "智能家电场景实验室",
            "kind": "scene",
            "host": setting["master"].pk,
            "segment": setting["segment"].pk,
            "funding_wan": "1200",
            "results": "两项成果转化",
            "recognised_on": "2022-06-01",
        },
    )
    lab = Lab.objects.get()
    assert r.status_code == 302
    assert client.get(lab.get_absolute_url()).status_code == 200
    assert client.get(reverse("challenges:lab_edit", args=[lab.pk])).status_code == 200
    rows = _sheet(client.get(reverse("challenges:lab_list") + "?export=xlsx&kind=scene"))
    assert rows[1][0] == "智能家电场景实验室"
    r = client.post(
        reverse("challenges:title_add"),
        {
            "enterprise": setting["solver"].pk,
            "kind": "smart_factory",
            "level": "provincial",
            "year": 2021,
        },
    )
    title = DigitalTitle.objects.get()
    assert r.status_code == 302
    assert client.get(reverse("challenges:title_edit", args=[title.pk])).status_code == 200
    assert client.get(reverse("challenges:title_list") + "?kind=smart_factory").status_code == 200
    funnel = client.get(reverse("challenges:funnel")).content.decode()
    assert 'data-testid="titles"' in funnel
    # A firm reads its own title and lab rows but may not add any.
    client.force_login(firm_user)
    assert client.get(reverse("challenges:lab_add")).status_code == 403
    assert client.get(reverse("challenges:title_list")).status_code == 200


def test_a_diagnosis_becomes_an_upgrade_project_linked_both_ways(
    client, office_user, firm_user, setting
):
    client.force_login(office_user)
    dims = {
        "strategy": 3,
        "equipment": 2,
        "production": 2,
        "management": 3,
        "products": 2,
        "data": 1,
    }
    r = client.post(
        reverse("challenges:diagnosis_add"),
        {
            "enterprise": setting["solver"].pk,
            "provider": "卡奥斯赋能中心",
            "diagnosed_on": timezone.localdate().isoformat(),
            **dims,
        },
    )
    diag = Diagnosis.objects.get()
    assert r.status_code == 302 and diag.level == Decimal("2.2")
    assert client.get(reverse("challenges:diagnosis_edit", args=[diag.pk])).status_code == 200
    assert client.get(reverse("challenges:diagnosis_history", args=[diag.pk])).status_code == 200
    rec_url = reverse("challenges:diagnosis_recommend", args=[diag.pk])
    assert client.get(rec_url).status_code == 200
    r = client.post(
        rec_url, {"text": "建设数字化车间", "dimension": "production", "estimated_wan": "1500"}
    )
    assert r.status_code == 302
    rec = Recommendation.objects.get()
    convert = reverse("challenges:recommendation_convert", args=[rec.pk])
    assert client.get(convert).status_code == 200
    r = client.post(convert, {"chain": setting["chain"].pk, "version": 1})
    project = Project.objects.get()
    assert r.status_code == 302 and r["Location"] == project.get_absolute_url()
    assert project.kind == Project.Kind.UPGRADE
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="project-origin"' in page and diag.get_absolute_url() in page
    assert project.get_absolute_url() in client.get(diag.get_absolute_url()).content.decode()
    funnel = reverse("challenges:funnel")
    assert client.get(funnel).status_code == 200
    chain_rows = _sheet(client.get(funnel + "?export=xlsx"), 0)
    district_rows = _sheet(client.get(funnel + "?export=xlsx"), 1)
    assert chain_rows[1][:6] == [setting["chain"].name, 1, 1, 1, 1, 0]
    assert district_rows[1][:6] == [setting["solver"].region.name, 1, 1, 1, 1, 0]
    rows = _sheet(client.get(reverse("challenges:diagnosis_list") + "?export=xlsx&converted=true"))
    assert len(rows) == 2
    # The firm sees its diagnosis read-only.
    client.force_login(firm_user)
    assert client.get(diag.get_absolute_url()).status_code == 200
    assert client.get(convert).status_code == 200  # the page says the step is not theirs
    assert client.post(convert, {"chain": setting["chain"].pk}).status_code == 200
    assert Project.objects.count() == 1
