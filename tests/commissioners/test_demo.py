"""The demo's commissioners: chain masters, tiered firms and 包抓 firms served by plausible cadres, with visits,
some overdue; everything flagged synthetic, the coverage page says so; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from chainleader.accounts.models import User
from chainleader.chains.models import Placement
from chainleader.commissioners.models import Assignment, Visit


@pytest.fixture(autouse=True)
def clock():
    """The real clock: the demo counts its dates back from the day it is loaded (conftest freezes time)."""
    return


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_the_demo_serves_masters_tiered_and_small_firms(demo, client):
    masters = set(Placement.objects.filter(role="master").values_list("enterprise_id", flat=True))
    current = Assignment.objects.current()
    assert masters and masters <= set(current.values_list("enterprise_id", flat=True))
    kinds = {k: current.filter(kind=k).count() for k in ("key", "tiered", "small")}
    assert kinds["tiered"] == 40 and kinds["small"] == 20
    assert not Assignment.objects.filter(is_synthetic=False).exists()
    assert not Visit.objects.filter(is_synthetic=False).exists()
    overdue = current.overdue().count()
    assert 0 < overdue < current.count()
    assert Visit.objects.count() > current.count()
    cadre = User.objects.get(username="cadre_wangjg")
    assert cadre.full_name == "王建国" and cadre.org_unit.name == "市工业和信息化局"
    assert current.filter(commissioner=cadre).exists()
    client.force_login(User.objects.get(username="office"))
    page = client.get(reverse("commissioners:coverage"))
    assert page.status_code == 200 and 'data-testid="synthetic"' in page.text
    client.force_login(cadre)
    mine = client.get(reverse("commissioners:my_firms"))
    assert mine.status_code == 200 and mine.context["assignments"]


@pytest.mark.django_db
def test_a_second_run_adds_no_assignment(demo):
    before = (Assignment.objects.count(), Visit.objects.count(), User.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Assignment.objects.count(), Visit.objects.count(), User.objects.count()) == before
