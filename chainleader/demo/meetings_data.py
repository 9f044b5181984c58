"""Demo chain meetings (链长制工作会议, issue 16 item 6; decision 0028), synthetic: each city chain held one
meeting on 2026-09-15 chaired by its chain leader's post, with two decisions that became key tasks on its list —
one due before the demo's reference date (closed out on half of the chains, overdue on the others), one due later.
Idempotent: a chain that has its demo meeting is left alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.worklists.models import ChainMeeting, MeetingDecision, WorkItem

HELD_ON = date(2026, 9, 15)
TITLE = "{chain}产业链链长制工作会议（演示）"
DECISIONS = (
    ("梳理{chain}产业链断链短板环节，形成补链清单", date(2026, 10, 31)),
    ("走访{chain}产业链链主企业，协调配套企业落地", date(2026, 12, 31)),
)


def load_meetings(loader: Any) -> None:
    office = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("pk").first()
    have = set(ChainMeeting.objects.filter(is_synthetic=True).values_list("chain_id", flat=True))
    made = 0
    chains = Chain.objects.filter(level="city").select_related("lead_department", "team")
    for n, chain in enumerate(chains.order_by("order", "pk")):
        if chain.pk in have:
            continue
        owner = chain.lead_department or chain.team or office
        if owner is None:
            continue
        meeting = ChainMeeting.objects.create(
            chain=chain,
            title=TITLE.format(chain=chain.name),
            held_on=HELD_ON,
            place="市政府会议室（演示）",
            host_unit=chain.team,
            chair_name=f"{chain.leader_post}（链长）" if chain.leader_post else "链长",
            attendees="产业链专班、牵头部门、各区（市）（演示）",
            agenda="1. 上次会议议定事项落实情况\n2. 待协调问题\n3. 滞后项目\n4. 议定事项",
            minutes="演示数据：会议纪要为虚构。",
            status=ChainMeeting.Status.HELD,
            is_synthetic=True,
        )
        for i, (text, deadline) in enumerate(DECISIONS):
            closed = i == 0 and n % 2 == 0
            item = WorkItem.objects.create(
                kind=WorkItem.Kind.TASK,
                chain=chain,
                year=HELD_ON.year,
                title=text.format(chain=chain.name),
                description=f"{meeting}议定。演示数据。",
                owner_unit=owner,
                deadline=deadline,
                status=WorkItem.Status.CLOSED if closed else WorkItem.Status.OPEN,
                closed_at=timezone.now() if closed else None,
                is_synthetic=True,
            )
            MeetingDecision.objects.create(
                meeting=meeting,
                text=text.format(chain=chain.name),
                owner_unit=owner,
                deadline=deadline,
                item=item,
            )
        made += 1
    loader.out.created["ChainMeeting"] += made
