"""Chain meetings (issue 16 item 6): an agenda built from the chain's figures, decisions that become key tasks on
the chain's list (linked both ways), the next brief reporting what became of them, minutes as Word, the list
with its Excel export, the API, and who sees which meeting."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.accounts.models import OrgUnit
from chainleader.core.exceptions import ServiceError, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.projects import hooks
from chainleader.worklists import selectors, services
from chainleader.worklists.minutes import minutes_text
from chainleader.worklists.models import ChainMeeting, MeetingDecision, WorkItem
from tests.factories import ChainFactory, OrgUnitFactory
from tests.projects.factories import ProblemFactory, ProjectFactory, WorkItemFactory


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def meeting(team_chain, office_user):
    return services.meeting_create(
        actor=office_user,
        data={
            "chain": team_chain,
            "title": "智能家电产业链链长制工作会议",
            "held_on": date(2026, 10, 10),
            "place": "市政府第一会议室",
            "chair_name": "副市长 张三",
            "attendees": "市工信局、黄岛区",
            "status": ChainMeeting.Status.HELD,
        },
    )


def decide(meeting, actor, unit, text="协调海尔新工厂用地指标", deadline=date(2026, 11, 30)):
    return services.decision_record(
        meeting=meeting, actor=actor, text=text, owner_unit=unit, deadline=deadline
    )


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


# --- services -------------------------------------------------------------------------------------------


def test_the_agenda_is_built_from_the_chains_open_problems_lagging_projects_and_items(
    team_chain, office_user, department_unit
):
    ProblemFactory(
        chain=team_chain, title="用地指标不足", status="assigned", department=department_unit
    )
    ProblemFactory(chain=team_chain, title="已销号问题", status="closed")
    ProjectFactory(
        chain=team_chain, name="滞后项目甲", is_lagging=True, lagging_reason="未按期开工"
    )
    WorkItemFactory(chain=team_chain, title="编制招商图谱", deadline=date(2026, 10, 1))
    WorkItemFactory(chain=ChainFactory(), title="别的链事项")
    m = services.meeting_create(
        actor=office_user,
        data={"chain": team_chain, "title": "会商", "held_on": date(2026, 11, 24)},
    )
    assert "用地指标不足" in m.agenda and "已销号问题" not in m.agenda
    assert "滞后项目甲" in m.agenda and "未按期开工" in m.agenda
    assert "编制招商图谱" in m.agenda and "别的链事项" not in m.agenda
    assert m.status == ChainMeeting.Status.DRAFT


def test_a_decision_becomes_a_key_task_linked_both_ways_with_audit_rows(
    meeting, office_user, department_unit
):
    d = decide(meeting, office_user, department_unit)
    item = d.item
    assert item.kind == WorkItem.Kind.TASK and item.chain == meeting.chain
    assert item.owner_unit == department_unit and item.deadline == date(2026, 11, 30)
    assert item.title == "协调海尔新工厂用地指标" and item.year == 2026
    assert item.meeting_decision == d and d.meeting == meeting
    assert AuditEvent.objects.filter(event_type="meeting_decision").count() == 1
    assert AuditEvent.objects.filter(object_type="worklists.workitem", event_type="create").exists()


def test_bad_decisions_write_nothing(meeting, office_user, department_unit):
    with pytest.raises(ServiceError):
        decide(meeting, office_user, department_unit, text="  ")
    with pytest.raises(ServiceError):
        decide(meeting, office_user, department_unit, deadline=date(2026, 1, 1))
    firm_unit = OrgUnitFactory(kind=OrgUnit.Kind.ENTERPRISE)
    with pytest.raises(ServiceError):
        decide(meeting, office_user, firm_unit)
    assert not MeetingDecision.objects.exists() and not WorkItem.objects.exists()


def test_a_department_and_a_firm_record_no_decisions(
    meeting, department_user, firm_user, department_unit
):
    for user in (department_user, firm_user):
        with pytest.raises(WorkflowForbidden):
            decide(meeting, user, department_unit)
    assert not WorkItem.objects.exists()


def test_a_meeting_in_the_future_is_not_held(team_chain, office_user):
    with pytest.raises(ServiceError):
        services.meeting_create(
            actor=office_user,
            data={
                "chain": team_chain,
                "title": "会商",
                "held_on": date(2026, 12, 24),
                "status": "held",
            },
        )


def test_outcomes_report_closed_and_overdue_decisions(
    meeting, office_user, department_unit, department_user, chain_team_user
):
    done = decide(
        meeting, office_user, department_unit, text="印发图谱", deadline=date(2026, 11, 1)
    )
    decide(meeting, office_user, department_unit, text="协调用地", deadline=date(2026, 11, 1))
    decide(meeting, office_user, department_unit, text="走访企业", deadline=date(2026, 12, 31))
    services.item_request_close(item=done.item, actor=department_user, text="已印发")
    services.item_review(item=done.item, actor=chain_team_user, approved=True)
    services.item_close(item=done.item, actor=office_user)
    out = hooks.meeting_outcomes(office_user, chain=meeting.chain, until=date(2026, 11, 24))
    assert out["meeting"] == meeting
    assert (out["total"], out["closed"], out["open"], out["overdue"]) == (3, 1, 2, 1)
    rows = {r["text"]: r for r in out["rows"]}
    assert rows["印发图谱"]["closed"] and not rows["印发图谱"]["overdue"]
    assert rows["协调用地"]["overdue"] and not rows["走访企业"]["overdue"]
    # The next meeting's agenda starts with them.
    nxt = services.meeting_create(
        actor=office_user,
        data={"chain": meeting.chain, "title": "第二次会商", "held_on": date(2026, 11, 24)},
    )
    assert "协调用地" in nxt.agenda and "1 / 3" not in nxt.agenda
    # A meeting before the brief's period end only: none before 10 October.
    assert hooks.meeting_outcomes(office_user, chain=meeting.chain, until=date(2026, 10, 9)) is None


def test_meetings_chaired_counts_held_meetings_with_a_chair_per_chain(
    meeting, team_chain, office_user, chain_team_user
):
    other = ChainFactory()
    services.meeting_create(
        actor=office_user,
        data={
            "chain": team_chain,
            "title": "无主持",
            "held_on": date(2026, 9, 1),
            "status": "held",
        },
    )
    services.meeting_create(
        actor=office_user,
        data={
            "chain": team_chain,
            "title": "计划中",
            "held_on": date(2026, 12, 1),
            "chair": office_user,
        },
    )
    services.meeting_create(
        actor=office_user,
        data={
            "chain": other,
            "title": "别链",
            "held_on": date(2026, 9, 1),
            "status": "held",
            "chair_name": "李四",
        },
    )
    assert selectors.meetings_chaired(office_user, [team_chain.pk, other.pk]) == {
        team_chain.pk: 1,
        other.pk: 1,
    }
    assert selectors.meetings_chaired(chain_team_user, [team_chain.pk, other.pk]) == {
        team_chain.pk: 1
    }
    assert selectors.meetings_chaired(office_user, [team_chain.pk], year=2025) == {}


# --- scope ----------------------------------------------------------------------------------------------


def test_who_sees_which_meeting(
    meeting,
    office_user,
    chain_team_user,
    district_a_user,
    district_b_user,
    district_a_unit,
    department_user,
    firm_user,
):
    district_meeting = services.meeting_create(
        actor=district_a_user,
        data={
            "chain": meeting.chain,
            "title": "黄岛区链长会商",
            "held_on": date(2026, 11, 2),
            "host_unit": district_a_unit,
        },
    )

    def seen(user):
        return set(ChainMeeting.objects.for_user(user).values_list("pk", flat=True))

    assert seen(office_user) == {meeting.pk, district_meeting.pk}
    assert seen(chain_team_user) == {meeting.pk, district_meeting.pk}  # the chain's team
    assert seen(district_a_user) == {district_meeting.pk}  # its own
    assert seen(district_b_user) == set()
    assert seen(firm_user) == set()


def test_a_district_cannot_convene_for_another_district(
    team_chain, district_a_user, district_b_unit
):
    with pytest.raises(ServiceError):
        services.meeting_create(
            actor=district_a_user,
            data={
                "chain": team_chain,
                "title": "越界",
                "held_on": date(2026, 11, 2),
                "host_unit": district_b_unit,
            },
        )
    assert not ChainMeeting.objects.exists()


# --- pages ----------------------------------------------------------------------------------------------


def test_the_pages_create_a_meeting_record_a_decision_and_show_its_item(
    client, team_chain, chain_team_user, department_unit
):
    ProblemFactory(
        chain=team_chain, title="用地指标不足", status="assigned", department=department_unit
    )
    client.force_login(chain_team_user)
    form = client.get(reverse("worklists:meeting_add") + f"?chain={team_chain.pk}")
    assert form.status_code == 200 and "用地指标不足" in form.content.decode()
    resp = client.post(
        reverse("worklists:meeting_add"),
        {
            "chain": team_chain.pk,
            "title": "智能家电链长会商",
            "held_on": "2026-11-20",
            "place": "市工信局",
            "chair_name": "链长 王五",
            "status": "held",
            "agenda": "",
        },
    )
    assert resp.status_code == 302
    m = ChainMeeting.objects.get()
    assert "用地指标不足" in m.agenda
    decide_url = reverse("worklists:meeting_decide", args=[m.pk])
    assert client.get(decide_url).status_code == 200
    resp = client.post(
        decide_url,
        {"text": "协调用地指标", "owner_unit": department_unit.pk, "deadline": "2026-12-20"},
    )
    assert resp.status_code == 302
    item = WorkItem.objects.get()
    detail = client.get(reverse("worklists:meeting_detail", args=[m.pk])).content.decode()
    assert "协调用地指标" in detail and item.get_absolute_url() in detail
    item_page = client.get(item.get_absolute_url()).content.decode()
    assert m.get_absolute_url() in item_page  # linked both ways
    edit = client.get(reverse("worklists:meeting_edit", args=[m.pk]))
    assert edit.status_code == 200
    resp = client.post(
        reverse("worklists:meeting_edit", args=[m.pk]),
        {
            "title": "智能家电链长会商",
            "held_on": "2026-11-20",
            "minutes": "会议听取了汇报",
            "status": "held",
            "agenda": m.agenda,
            "version": m.version + 1,  # the decision moved the version on
        },
    )
    assert resp.status_code == 302
    m.refresh_from_db()
    assert m.minutes == "会议听取了汇报"


def test_a_bad_decision_form_says_why_and_writes_nothing(
    client, meeting, office_user, department_unit
):
    client.force_login(office_user)
    resp = client.post(
        reverse("worklists:meeting_decide", args=[meeting.pk]),
        {"text": "协调", "owner_unit": department_unit.pk, "deadline": "2026-01-01"},
    )
    assert resp.status_code == 200 and not WorkItem.objects.exists()


def test_the_list_searches_filters_and_exports(client, meeting, office_user, department_unit):
    decide(meeting, office_user, department_unit)
    other = services.meeting_create(
        actor=office_user,
        data={
            "chain": ChainFactory(name="新能源汽车"),
            "title": "汽车链会商",
            "held_on": date(2025, 5, 1),
        },
    )
    client.force_login(office_user)
    url = reverse("worklists:meeting_list")
    page = client.get(url).content.decode()
    assert meeting.title in page and other.title in page
    page = client.get(url, {"year": 2025}).content.decode()
    assert other.title in page and meeting.title not in page
    page = client.get(url, {"q": "第一会议室", "sort": "-held_on"}).content.decode()
    assert meeting.title in page and other.title not in page
    page = client.get(url, {"chain": meeting.chain_id}).content.decode()
    assert other.title not in page
    resp = client.get(url, {"export": "xlsx", "chain": meeting.chain_id})
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert meeting.title in rows[1] and meeting.chair_name in rows[1]
    assert 1 in rows[1]  # one decision


def test_the_minutes_open_back_as_word_with_the_decisions(
    client, meeting, office_user, department_unit
):
    decide(meeting, office_user, department_unit, deadline=date(2026, 11, 1))
    client.force_login(office_user)
    resp = client.get(reverse("worklists:meeting_minutes", args=[meeting.pk]))
    assert resp.status_code == 200
    text = minutes_text(resp.content)
    assert meeting.title in text and "副市长 张三" in text and "市政府第一会议室" in text
    assert (
        "协调海尔新工厂用地指标" in text and department_unit.name in text and "2026-11-01" in text
    )


def test_the_next_brief_reports_the_decisions_in_word_and_on_its_page(
    client, meeting, office_user, department_unit
):
    decide(meeting, office_user, department_unit, text="协调用地指标", deadline=date(2026, 11, 1))
    client.force_login(office_user)
    url = reverse("projects:chain_brief", args=[meeting.chain_id])
    page = client.get(url).content.decode()
    assert "协调用地指标" in page and 'data-testid="brief-meeting"' in page
    resp = client.post(url, {"period_start": "2026-10-01", "period_end": "2026-11-24"})
    assert resp.status_code == 200
    text = docx_text(resp.content)
    assert "协调用地指标" in text and department_unit.name in text
    assert meeting.title in text


def test_pages_out_of_scope_answer_404_and_a_firm_sees_no_meeting(
    client, meeting, district_b_user, firm_user
):
    for user in (district_b_user, firm_user):
        client.force_login(user)
        assert client.get(reverse("worklists:meeting_detail", args=[meeting.pk])).status_code == 404
        assert (
            client.get(reverse("worklists:meeting_minutes", args=[meeting.pk])).status_code == 404
        )
        assert meeting.title not in client.get(reverse("worklists:meeting_list")).content.decode()


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_creates_a_meeting_records_a_decision_and_lists_it(
    team_chain, chain_team_user, department_unit, district_b_user
):
    api = APIClient()
    api.force_authenticate(chain_team_user)
    resp = api.post(
        "/api/chain-meetings/",
        {"chain": team_chain.pk, "title": "会商", "held_on": "2026-11-20", "status": "held"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    resp = api.post(
        f"/api/chain-meetings/{pk}/decide/",
        {"text": "协调用地", "owner_unit": department_unit.pk, "deadline": "2026-12-31"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["item_status"] == "open" and WorkItem.objects.get().pk == body["item"]
    listed = api.get("/api/meeting-decisions/", {"meeting": pk}).json()
    assert [d["text"] for d in listed["results"]] == ["协调用地"]
    bad = api.post(
        f"/api/chain-meetings/{pk}/decide/",
        {"text": "协调", "owner_unit": department_unit.pk, "deadline": "2020-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and WorkItem.objects.count() == 1
    api.force_authenticate(district_b_user)
    assert api.get(f"/api/chain-meetings/{pk}/").status_code == 404
    assert api.get("/api/meeting-decisions/").json()["results"] == []
