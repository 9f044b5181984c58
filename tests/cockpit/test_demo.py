"""The demo's 摘星夺旗 schemes: made once, computed and published, read by a district's cockpit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.accounts.models import Role
from chainleader.cockpit.models import AssessmentRun, AssessmentScheme
from chainleader.demo.assessment_data import load_assessment_demo
from tests.factories import ChainFactory, UserFactory, region

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_ranking_once(client, district_a_user):
    UserFactory(username="office", role=Role.OFFICE)
    ChainFactory(name="智能家电", level="city", region=region("3702"))
    assert load_assessment_demo() == {"schemes": 2, "runs": 2}
    assert load_assessment_demo() == {"schemes": 0, "runs": 0}
    assert AssessmentScheme.objects.count() == 2
    assert set(AssessmentRun.objects.values_list("status", flat=True)) == {"published"}
    assert all("synthetic" in s.note for s in AssessmentScheme.objects.all())
    client.force_login(district_a_user)
    rankings = client.get(reverse("cockpit:home")).context["d"]["rankings"]
    assert [s["label"] for s in rankings["chain"]["scores"]] == ["智能家电"]
    assert len(rankings["district"]["scores"]) >= 10  # every district of the city
