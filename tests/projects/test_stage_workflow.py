"""The stage workflow 签约 → 备案 → 开工 → 在建 → 竣工 → 投产 → 纳统: every allowed and every forbidden move."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.projects import services
from chainleader.projects.models import STAGE_ORDER, Project, StageChange

from .factories import ProjectFactory

PAIRS = list(itertools.product(STAGE_ORDER, STAGE_ORDER))
FORWARD = {(a, b) for a, b in itertools.pairwise(STAGE_ORDER)}
BACK = {(b, a) for a, b in FORWARD}
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 11, 24), tick=False):
        yield


def project_in(stage: str, chain) -> Project:
    return ProjectFactory(chain=chain, stage=stage)


def snapshot(project: Project) -> tuple:
    project.refresh_from_db()
    return (project.stage, project.version, *(project.actual_on(s) for s in STAGE_ORDER))


def test_the_table_of_moves_has_six_forward_and_six_back():
    assert len(FORWARD) == 6 and len(BACK) == 6
    assert dict(FORWARD) == services.FORWARD and dict(BACK) == services.BACK


@pytest.mark.parametrize(("current", "target"), sorted(FORWARD))
def test_each_allowed_forward_move_succeeds_and_records_who_when_and_evidence(
    office_user, team_chain, current, target
):
    project = project_in(current, team_chain)
    moved = services.project_advance_stage(
        project=project,
        actor=office_user,
        to_stage=target,
        happened_on=date(2026, 11, 20),
        evidence="青发改备〔2026〕12号",
    )
    assert moved.stage == target and moved.actual_on(target) == date(2026, 11, 20)
    change = StageChange.objects.get(project=project)
    assert (change.from_stage, change.to_stage, change.direction) == (current, target, "forward")
    assert (
        change.actor == office_user
        and change.evidence == "青发改备〔2026〕12号"
        and change.created_at
    )
    assert (
        AuditEvent.objects.filter(event_type="stage_advance", object_id=str(project.pk)).count()
        == 1
    )
    assert moved.history.count() >= 1


@pytest.mark.parametrize(("current", "target"), sorted(BACK))
def test_each_allowed_back_move_needs_a_reason_and_clears_the_stage_date(
    office_user, team_chain, current, target
):
    project = project_in(current, team_chain)
    setattr(project, f"{current}_on", date(2026, 11, 1))
    project.save()
    with pytest.raises(ServiceError) as refused:
        services.project_move_back(project=project, actor=office_user, to_stage=target, reason="  ")
    assert refused.value.field == "reason"
    moved = services.project_move_back(
        project=project, actor=office_user, to_stage=target, reason="误报开工"
    )
    assert moved.stage == target and moved.actual_on(current) is None
    change = StageChange.objects.get(project=project)
    assert (change.direction, change.reason, change.actor) == ("back", "误报开工", office_user)


@pytest.mark.parametrize(
    ("current", "target"), [p for p in PAIRS if p not in FORWARD and p not in BACK]
)
def test_every_forbidden_move_is_refused_and_changes_nothing(
    office_user, team_chain, current, target
):
    project = project_in(current, team_chain)
    before = snapshot(project)
    with pytest.raises(WorkflowConflict):
        services.project_change_stage(
            project=project,
            actor=office_user,
            to_stage=target,
            happened_on=None,
            evidence="证明",
            reason="原因",
        )
    assert snapshot(project) == before
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(("current", "target"), sorted(BACK))
def test_a_back_target_is_not_a_forward_move(office_user, team_chain, current, target):
    project = project_in(current, team_chain)
    with pytest.raises(WorkflowConflict):
        services.project_advance_stage(
            project=project, actor=office_user, to_stage=target, happened_on=None, evidence="证明"
        )


def test_forward_needs_evidence_and_a_date_not_in_the_future(office_user, team_chain):
    project = project_in("registered", team_chain)
    with pytest.raises(ServiceError) as no_evidence:
        services.project_advance_stage(
            project=project, actor=office_user, to_stage="started", happened_on=None, evidence=""
        )
    assert no_evidence.value.field == "evidence"
    with pytest.raises(ServiceError) as future:
        services.project_advance_stage(
            project=project,
            actor=office_user,
            to_stage="started",
            happened_on=date(2026, 12, 1),
            evidence="开工令",
        )
    assert future.value.field == "happened_on"
    assert snapshot(project)[0] == "registered"


def test_a_stale_version_is_refused(office_user, team_chain):
    project = project_in("signed", team_chain)
    with pytest.raises(StaleEdit):
        services.project_advance_stage(
            project=project,
            actor=office_user,
            to_stage="registered",
            happened_on=None,
            evidence="备案",
            expected_version=project.version + 1,
        )


def test_roles_without_write_access_may_not_move_a_stage(
    department_user, firm_user, district_b_user, team_chain
):
    project = project_in("signed", team_chain)
    for user in (department_user, firm_user, district_b_user):
        with pytest.raises(WorkflowForbidden):
            services.project_advance_stage(
                project=project,
                actor=user,
                to_stage="registered",
                happened_on=None,
                evidence="备案",
            )
    assert snapshot(project)[0] == "signed"


def test_the_district_moves_its_own_project_and_the_team_moves_its_chain(
    district_a_user, chain_team_user, team_chain
):
    project = project_in("signed", team_chain)  # district 370211
    services.project_advance_stage(
        project=project,
        actor=district_a_user,
        to_stage="registered",
        happened_on=None,
        evidence="备案",
    )
    services.project_advance_stage(
        project=project,
        actor=chain_team_user,
        to_stage="started",
        happened_on=None,
        evidence="开工",
    )
    assert snapshot(project)[0] == "started"


def test_the_page_shows_a_wrong_move_as_a_form_error(client, office_user, team_chain):
    project = project_in("signed", team_chain)
    client.force_login(office_user)
    url = reverse("projects:project_stage", args=[project.pk])
    resp = client.post(url, {"to_stage": "started", "evidence": "开工", "version": project.version})
    assert resp.status_code == 200
    assert resp.context["form"].errors
    assert snapshot(project)[0] == "signed"


def test_the_page_records_a_move_with_an_evidence_file(client, office_user, team_chain):
    project = project_in("signed", team_chain)
    client.force_login(office_user)
    pdf = SimpleUploadedFile("备案.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    resp = client.post(
        reverse("projects:project_stage", args=[project.pk]),
        {
            "to_stage": "registered",
            "happened_on": "2026-11-20",
            "evidence": "备案证明",
            "evidence_file": pdf,
            "version": project.version,
        },
    )
    assert resp.status_code == 302
    change = StageChange.objects.get(project=project)
    assert change.evidence_file.name.endswith(".pdf") and "备案" not in change.evidence_file.name
    download = client.get(reverse("projects:stage_file", args=[project.pk, change.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 evidence"


def test_an_evidence_file_must_be_what_its_name_says(client, office_user, team_chain):
    project = project_in("signed", team_chain)
    client.force_login(office_user)
    fake = SimpleUploadedFile("备案.pdf", b"MZ\x90\x00 not a pdf")
    resp = client.post(
        reverse("projects:project_stage", args=[project.pk]),
        {
            "to_stage": "registered",
            "evidence": "备案证明",
            "evidence_file": fake,
            "version": project.version,
        },
    )
    assert resp.status_code == 200 and "evidence_file" in resp.context["form"].errors
    assert snapshot(project)[0] == "signed"
    script = SimpleUploadedFile("x.html", b"<script>alert(1)</script>")
    resp = client.post(
        reverse("projects:project_stage", args=[project.pk]),
        {
            "to_stage": "registered",
            "evidence": "备案证明",
            "evidence_file": script,
            "version": project.version,
        },
    )
    assert "evidence_file" in resp.context["form"].errors
