"""The demo's firm requests (企业诉求): synthetic, in every state, the demo firm account sees its own only."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from chainleader.accounts.models import User
from chainleader.projects.models import Problem


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    saved = os.environ.pop("DEMO_PASSWORD", None)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
    if saved is not None:
        os.environ["DEMO_PASSWORD"] = saved


pytestmark = pytest.mark.django_db


def test_the_demo_has_synthetic_firm_requests_in_every_state(demo):
    requests = Problem.objects.filter(source="firm")
    assert requests.count() >= 6
    assert not requests.filter(is_synthetic=False).exists()
    assert set(requests.values_list("status", flat=True)) >= {
        "raised",
        "assigned",
        "answered",
        "verified",
        "closed",
    }
    assert requests.filter(events__action="reopen").exists()
    assert requests.filter(rating__isnull=False).exists()
    assert requests.filter(escalated_at__isnull=False).exists()  # the overdue one went up


def test_the_demo_firm_sees_only_its_own_requests(demo):
    firm_user = User.objects.get(username="firm")
    mine = Problem.objects.for_user(firm_user)
    assert mine.exists()
    assert set(mine.values_list("enterprise_id", flat=True)) == {firm_user.org_unit.enterprise_id}


def test_loading_twice_adds_no_request(demo):
    before = Problem.objects.filter(source="firm").count()
    call_command("load_demo", stdout=StringIO())
    assert Problem.objects.filter(source="firm").count() == before
