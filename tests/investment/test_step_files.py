"""Evidence files on lead steps: a visit report or letter of intent uploaded with the step, checked before it is
stored (a renamed program is refused and nothing moves), served only through the lead's scope as a download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.investment import services
from chainleader.investment.models import Lead, LeadStep, Target
from tests.factories import ChainFactory, region


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead(ranked, office_user):
    return services.lead_from_target(
        actor=office_user, target=Target.objects.get(company__name="海立股份")
    )


def test_a_visit_report_goes_with_the_step_and_downloads_in_scope_only(
    client, lead, office_user, district_a_user
):
    client.force_login(office_user)
    url = reverse("investment:lead_advance", args=[lead.pk])
    report = SimpleUploadedFile("考察报告.pdf", b"%PDF-1.4 visit report")
    response = client.post(
        url,
        {
            "to_stage": "visit",
            "on": lead.stage_on.isoformat(),
            "note": "实地考察",
            "attachment": report,
            "version": lead.version,
        },
    )
    assert response.status_code == 302
    step = LeadStep.objects.get(lead=lead, stage="visit")
    assert (
        step.attachment.name.startswith("investment/steps/") and "考察" not in step.attachment.name
    )
    event = AuditEvent.objects.filter(event_type="lead_advance", object_id=str(lead.pk)).last()
    assert event.detail["file"] is True

    page = client.get(reverse("investment:lead_detail", args=[lead.pk])).content.decode()
    file_url = reverse("investment:lead_step_file", args=[lead.pk, step.pk])
    assert file_url in page
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 visit report"
    assert "attachment;" in download["Content-Disposition"]

    # a district outside a lead's chain and place does not see the lead, nor its files
    other = ChainFactory(name="轨道交通装备", level="district", region=region("370214"))
    far = services.lead_create(
        actor=office_user,
        data={"chain": other, "firm_name": "某轨道公司", "district": region("370214")},
    )
    far = services.lead_advance(
        lead=far,
        actor=office_user,
        to_stage="contact",
        attachment=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes"),
    )
    far_step = far.steps.get(stage="contact")
    far_url = reverse("investment:lead_step_file", args=[far.pk, far_step.pk])
    assert client.get(far_url).status_code == 200
    # a step of another lead is not reachable through this lead's address
    assert (
        client.get(reverse("investment:lead_step_file", args=[lead.pk, far_step.pk])).status_code
        == 404
    )
    client.force_login(district_a_user)
    assert client.get(file_url).status_code == 200  # the chain is the city's: in its scope
    assert client.get(far_url).status_code == 404


def test_a_renamed_program_is_refused_and_the_lead_does_not_move(client, lead, office_user):
    client.force_login(office_user)
    fake = SimpleUploadedFile("意向书.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        reverse("investment:lead_advance", args=[lead.pk]),
        {
            "to_stage": "contact",
            "on": lead.stage_on.isoformat(),
            "attachment": fake,
            "version": lead.version,
        },
    )
    assert response.status_code == 200
    assert "does not match" in response.content.decode() or "不符" in response.content.decode()
    lead.refresh_from_db()
    assert lead.stage == "lead" and not LeadStep.objects.filter(lead=lead, stage="contact").exists()


def test_the_service_checks_the_file_too(lead, office_user):
    from chainleader.core.exceptions import ServiceError

    with pytest.raises(ServiceError) as refused:
        services.lead_advance(
            lead=lead,
            actor=office_user,
            to_stage="contact",
            attachment=SimpleUploadedFile("a.exe", b"MZ"),
        )
    assert refused.value.field == "attachment"
    assert Lead.objects.get(pk=lead.pk).stage == "lead"
