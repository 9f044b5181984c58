"""The demo's chain meetings: one per city chain, synthetic, two decisions each that are list items; a second run
writes nothing."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from chainleader.accounts.models import OrgUnit
from chainleader.demo.meetings_data import load_meetings
from chainleader.worklists.models import ChainMeeting, MeetingDecision, WorkItem
from tests.factories import ChainFactory, OrgUnitFactory, region

pytestmark = pytest.mark.django_db


def test_each_city_chain_gets_a_synthetic_meeting_once():
    OrgUnitFactory(kind=OrgUnit.Kind.OFFICE, name="青岛市链长制办公室")
    for name in ("智能家电", "新能源汽车"):
        ChainFactory(name=name, level="city", region=region("3702"), leader_post="副市长")
    ChainFactory(name="区级链", level="district", region=region("370211"))
    loader = SimpleNamespace(out=SimpleNamespace(created=Counter()))
    load_meetings(loader)
    assert ChainMeeting.objects.count() == 2 and loader.out.created["ChainMeeting"] == 2
    assert not ChainMeeting.objects.filter(is_synthetic=False).exists()
    assert MeetingDecision.objects.count() == 4
    assert WorkItem.objects.filter(is_synthetic=True, meeting_decision__isnull=False).count() == 4
    assert ChainMeeting.objects.filter(chair_name="副市长（链长）").count() == 2
    load_meetings(loader)
    assert ChainMeeting.objects.count() == 2 and WorkItem.objects.count() == 4
