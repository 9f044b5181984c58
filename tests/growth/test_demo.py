"""The demo's 倍增 plans: the eight of source 000 (three named there), synthetic, some lagging and some on pace,
each with measures; loading twice writes nothing more; the pages show them."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from chainleader.accounts.models import User
from chainleader.growth import selectors
from chainleader.growth.models import GrowthPlan, Measure


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    saved = os.environ.pop("DEMO_PASSWORD", None)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
    if saved is not None:
        os.environ["DEMO_PASSWORD"] = saved


@pytest.mark.django_db
def test_eight_synthetic_doubling_plans_some_lagging(demo, client):
    plans = GrowthPlan.objects.all()
    assert plans.count() == 8 and not plans.filter(is_synthetic=False).exists()
    names = set(plans.values_list("enterprise__name", flat=True))
    assert {"双星集团有限责任公司", "澳柯玛股份有限公司", "青岛明月海藻集团有限公司"} <= names
    assert all(p.enterprise.region.code.startswith("370211") for p in plans)
    assert Measure.objects.filter(plan__in=plans).count() >= 16
    office = User.objects.get(username="office")
    lagging = selectors.lagging_ids(plans, office, True)
    on_pace = selectors.lagging_ids(plans, office, False)
    assert lagging and on_pace, (lagging, on_pace)
    call_command("load_demo", stdout=StringIO())
    assert GrowthPlan.objects.count() == 8
    client.force_login(office)
    assert client.get(reverse("growth:plan_list")).status_code == 200
    assert client.get(reverse("growth:plan_detail", args=[lagging[0]])).status_code == 200
    resp = client.get(reverse("growth:echelons"))
    assert resp.status_code == 200 and resp.context["table"].rows
