"""The demo's policy library: load_demo publishes the synthetic policy, runs its items on the latest published
evaluation year, finds firms with a reason per condition, pays a few (synthetic), and makes the measure rules;
a second load changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from chainleader.policies.models import (
    EligibilityResult,
    EligibilityRun,
    MeasureRule,
    Payment,
    Policy,
)

pytestmark = pytest.mark.django_db


def test_the_demo_runs_eligibility_and_is_idempotent():
    call_command("load_demo", stdout=StringIO())
    policy = Policy.objects.get(is_synthetic=True)
    assert policy.status == "published" and "20个方面、41个小项" in policy.title
    runs = EligibilityRun.objects.filter(item__policy=policy)
    assert runs.count() == 3
    eligible = EligibilityResult.objects.filter(run__in=runs, eligible=True)
    assert eligible.exists()
    found = eligible.first()
    assert found.reasons and all("reason" in r for r in found.reasons)
    assert Payment.objects.filter(is_synthetic=True).exists()
    assert MeasureRule.objects.filter(grade="D", min_years=2).exists()
    counts = (Policy.objects.count(), EligibilityRun.objects.count(), Payment.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (
        Policy.objects.count(),
        EligibilityRun.objects.count(),
        Payment.objects.count(),
    ) == counts
