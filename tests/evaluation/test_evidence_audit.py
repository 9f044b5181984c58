"""An appeal's evidence download writes exactly one `download` row (the download audits itself now)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.evaluation.models import Appeal

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_the_evidence_download_is_audited_once(client, world, district_a_user, reviewing_2024):
    result = reviewing_2024.results.get(enterprise=world.a2)
    client.force_login(district_a_user)
    client.post(
        reverse("evaluation:result_appeal", args=[result.pk]),
        {"field": "tax_wan", "claimed_value": "1500", "note": "完税证明", "evidence": pdf()},
    )
    appeal = Appeal.objects.get()
    resp = client.get(reverse("evaluation:appeal_evidence", args=[appeal.pk]))
    assert resp.status_code == 200
    rows = AuditEvent.objects.filter(event_type="download")
    assert [(r.user, r.object_type, r.object_id, r.detail) for r in rows] == [
        (district_a_user, "evaluation.appeal", str(appeal.pk), {"what": "evidence"})
    ]
