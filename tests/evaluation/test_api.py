"""/api/evaluation-runs/, -results/ (read-only, audited) and -appeals/ (create and the workflow actions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import YearFigure
from chainleader.evaluation import services
from chainleader.evaluation.models import Appeal

from .conftest import pdf

pytestmark = pytest.mark.django_db


def appeal_by(result, user):
    return services.appeal_submit(
        result=result, actor=user, field="tax_wan", claimed_value=Decimal(1500), evidence=pdf()
    )


def test_runs_and_results_are_read_only_and_reads_are_audited(
    api, world, office_user, reviewing_2024
):
    client = api(office_user)
    runs = client.get("/api/evaluation-runs/").json()
    assert [r["year"] for r in runs["results"]] == [2024]
    assert runs["results"][0]["status"] == "reviewing"
    results = client.get(
        "/api/evaluation-results/", {"run": reviewing_2024.pk, "grade": "A"}
    ).json()
    assert {r["grade"] for r in results["results"]} == {"A"}
    one = client.get(f"/api/evaluation-results/{results['results'][0]['id']}/").json()
    assert set(one["indicators"]) and one["inputs"]["land_mu"] > 0
    assert client.post("/api/evaluation-results/", {}).status_code == 405
    assert client.delete(f"/api/evaluation-runs/{reviewing_2024.pk}/").status_code == 405
    assert (
        AuditEvent.objects.filter(
            event_type="view_confidential", object_type="evaluation.evaluationresult"
        ).count()
        == 2
    )


def test_an_appeal_through_the_api(
    api, world, office_user, firm_user, district_b_user, reviewing_2024
):
    own = reviewing_2024.results.get(enterprise=world.own)
    resp = api(firm_user).post(
        "/api/evaluation-appeals/",
        {
            "result": own.pk,
            "field": "land_mu",
            "claimed_value": "20",
            "evidence": pdf(),
            "note": "土地证面积为20亩",
            "status": "decided",  # read-only: ignored
        },
        format="multipart",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "submitted" and body["current_value"] == "30.000"
    appeal_id = body["id"]
    check = api(district_b_user).post(
        f"/api/evaluation-appeals/{appeal_id}/check/",
        {"supports": True, "note": "属实"},
        format="json",
    )
    assert check.status_code == 200 and check.json()["status"] == "district_checked"
    decide = api(office_user).post(
        f"/api/evaluation-appeals/{appeal_id}/decide/",
        {"accepted": True, "note": "采纳", "version": 2},
        format="json",
    )
    assert decide.status_code == 200 and decide.json()["outcome"] == "accepted"
    assert YearFigure.objects.get(enterprise=world.own, year=2024).land_mu == Decimal("20")


def test_wrong_state_is_409_and_wrong_role_403_over_the_api(
    api, world, office_user, district_a_user, firm_user, reviewing_2024
):
    appeal = appeal_by(reviewing_2024.results.get(enterprise=world.a2), district_a_user)
    decide = api(office_user).post(
        f"/api/evaluation-appeals/{appeal.pk}/decide/",
        {"accepted": True, "note": "x"},
        format="json",
    )
    assert decide.status_code == 409  # the district has not checked it yet
    check = api(office_user).post(
        f"/api/evaluation-appeals/{appeal.pk}/check/",
        {"supports": True, "note": "x"},
        format="json",
    )
    assert check.status_code == 403
    # Another district's firm: the appeal is out of scope, 404, and the figure is untouched.
    hidden = api(firm_user).post(
        f"/api/evaluation-appeals/{appeal.pk}/check/",
        {"supports": True, "note": "x"},
        format="json",
    )
    assert hidden.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SUBMITTED


def test_publish_then_decide_is_409_over_the_api(
    api, world, office_user, district_a_user, reviewing_2024
):
    result = reviewing_2024.results.get(enterprise=world.a2)
    appeal = appeal_by(result, district_a_user)
    services.appeal_district_check(appeal=appeal, actor=district_a_user, supports=True, note="ok")
    services.appeal_decide(appeal=appeal, actor=office_user, accepted=False, note="no")
    services.run_publish(run=reviewing_2024, actor=office_user)
    late = Appeal.objects.create(
        result=result,
        enterprise=world.a2,
        field="land_mu",
        claimed_value=Decimal(10),
        evidence="evaluation/evidence/x.pdf",
        status=Appeal.Status.DISTRICT_CHECKED,
        submitted_at=appeal.submitted_at,
    )
    resp = api(office_user).post(
        f"/api/evaluation-appeals/{late.pk}/decide/", {"accepted": True, "note": "x"}, format="json"
    )
    assert resp.status_code == 409
    submit = api(district_a_user).post(
        "/api/evaluation-appeals/",
        {
            "result": result.pk,
            "field": "rd_wan",
            "claimed_value": "5",
            "evidence": pdf(),
            "note": "x",
        },
        format="multipart",
    )
    assert submit.status_code == 409


def test_a_bad_evidence_file_is_a_400_with_the_field(api, world, district_a_user, reviewing_2024):
    result = reviewing_2024.results.get(enterprise=world.a2)
    resp = api(district_a_user).post(
        "/api/evaluation-appeals/",
        {
            "result": result.pk,
            "field": "tax_wan",
            "claimed_value": "1500",
            "evidence": pdf("a.pdf", b"MZ\x90\x00 program"),
            "note": "x",
        },
        format="multipart",
    )
    assert resp.status_code == 400 and "evidence" in resp.json()
    assert not Appeal.objects.exists()


def test_the_schema_documents_the_endpoints_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    text = (tmp_path / "s.yml").read_text()
    for path in (
        "/api/evaluation-runs/",
        "/api/evaluation-results/",
        "/api/evaluation-appeals/{id}/decide/",
    ):
        assert path in text
