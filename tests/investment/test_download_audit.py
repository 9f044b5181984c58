"""Every stored file's download is audited (AU1; issue 13 item 7): one `download` row naming the record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.investment import services
from chainleader.investment.models import LeadStep, Target


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_step_evidence_download_writes_one_download_row(client, ranked, office_user):
    lead = services.lead_from_target(
        actor=office_user, target=Target.objects.get(company__name="海立股份")
    )
    client.force_login(office_user)
    client.post(
        reverse("investment:lead_advance", args=[lead.pk]),
        {
            "to_stage": "visit",
            "on": lead.stage_on.isoformat(),
            "note": "实地考察",
            "attachment": SimpleUploadedFile("考察报告.pdf", b"%PDF-1.4 visit report"),
            "version": lead.version,
        },
    )
    step = LeadStep.objects.get(lead=lead, stage="visit")
    before = AuditEvent.objects.filter(event_type="download").count()
    resp = client.get(reverse("investment:lead_step_file", args=[lead.pk, step.pk]))
    assert resp.status_code == 200
    rows = AuditEvent.objects.filter(event_type="download").order_by("id")[before:]
    assert [(r.user, r.object_type, r.object_id, r.detail) for r in rows] == [
        (office_user, "investment.leadstep", str(step.pk), {"what": "attachment"})
    ]
