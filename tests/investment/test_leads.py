"""Leads (招商线索): 线索 → 接洽 → 考察 → 洽谈 → 签约 (creates the project, linked both ways) → 落地 (the project
has started), or closed with a reason; optimistic locking, audit rows, scopes, the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.investment import services
from chainleader.investment.models import Lead, Target
from chainleader.projects.models import Project
from tests.factories import ChainFactory, region


@pytest.fixture
def lead(ranked, office_user):
    return services.lead_from_target(
        actor=office_user, target=Target.objects.get(company__name="海立股份")
    )


def test_a_lead_moves_on_signs_into_a_linked_project_and_lands_when_it_starts(lead, office_user):
    today = timezone.localdate()
    lead = services.lead_advance(
        lead=lead,
        actor=office_user,
        to_stage="contact",
        on=today,
        note="电话接洽",
    )
    # a site visit is not always made: 接洽 → 洽谈 directly
    lead = services.lead_advance(lead=lead, actor=office_user, to_stage="negotiate", on=today)
    with pytest.raises(ServiceError) as missing:
        services.lead_advance(lead=lead, actor=office_user, to_stage="signed")
    assert missing.value.field == "expected_investment_yi"
    lead = services.lead_update(
        lead=lead,
        actor=office_user,
        data={"expected_investment_yi": Decimal("12.5"), "district": region("370211")},
        expected_version=lead.version,
    )
    lead = services.lead_advance(lead=lead, actor=office_user, to_stage="signed", note="签约仪式")
    project = lead.project
    assert project is not None and project.kind == Project.Kind.ATTRACTED
    assert project.total_investment_yi == Decimal("12.5") and project.signed_on == today
    assert project.chain_id == lead.chain_id and project.segment_id == lead.segment_id
    assert Project.objects.get(pk=project.pk).lead == lead
    with pytest.raises(WorkflowConflict):
        services.lead_advance(lead=lead, actor=office_user, to_stage="landed")
    Project.objects.filter(pk=project.pk).update(started_on=today, stage="started")
    lead.refresh_from_db()
    lead = services.lead_advance(lead=lead, actor=office_user, to_stage="landed")
    assert [s.stage for s in lead.steps.all()] == [
        "lead",
        "contact",
        "negotiate",
        "signed",
        "landed",
    ]
    assert AuditEvent.objects.filter(event_type="lead_advance", object_id=str(lead.pk)).count() == 4
    with pytest.raises(WorkflowConflict):
        services.lead_close(lead=lead, actor=office_user, reason="不再跟进")


def test_a_step_cannot_be_dated_before_the_previous_one(lead, office_user):
    with pytest.raises(ServiceError) as early:
        services.lead_advance(
            lead=lead, actor=office_user, to_stage="contact", on=lead.stage_on - timedelta(days=1)
        )
    assert early.value.field == "on"


def test_backward_moves_future_dates_stale_versions_and_closed_leads_are_refused(lead, office_user):
    services.lead_advance(lead=lead, actor=office_user, to_stage="visit")
    with pytest.raises(WorkflowConflict):
        services.lead_advance(lead=lead, actor=office_user, to_stage="contact")
    with pytest.raises(ServiceError):
        services.lead_advance(
            lead=lead,
            actor=office_user,
            to_stage="negotiate",
            on=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(StaleEdit):
        services.lead_advance(
            lead=lead, actor=office_user, to_stage="negotiate", expected_version=1
        )
    with pytest.raises(ServiceError):
        services.lead_close(lead=lead, actor=office_user, reason="  ")
    closed = services.lead_close(lead=lead, actor=office_user, reason="企业已在他地布局")
    assert closed.stage == "closed" and closed.close_reason == "企业已在他地布局"
    with pytest.raises(WorkflowConflict):
        services.lead_advance(lead=closed, actor=office_user, to_stage="negotiate")
    # a closed row may be made a lead again
    again = services.lead_from_target(actor=office_user, target=closed.target)
    assert again.pk != closed.pk


def test_scopes_a_district_sees_its_leads_a_firm_none_a_reader_cannot_write(
    client, lead, office_user, district_a_user, firm_user, department_user
):
    other_chain = ChainFactory(name="轨道交通装备", level="district", region=region("370214"))
    far = services.lead_create(
        actor=office_user,
        data={"chain": other_chain, "firm_name": "某轨道公司", "district": region("370214")},
    )
    services.lead_update(
        lead=lead,
        actor=office_user,
        data={"district": region("370211")},
        expected_version=lead.version,
    )
    assert set(Lead.objects.for_user(district_a_user)) == {lead}
    assert not Lead.objects.for_user(firm_user).exists()
    client.force_login(firm_user)
    assert client.get(reverse("investment:lead_detail", args=[lead.pk])).status_code == 404
    assert client.get("/api/leads/").json()["count"] == 0
    client.force_login(district_a_user)
    assert client.get(reverse("investment:lead_detail", args=[far.pk])).status_code == 404
    with pytest.raises(WorkflowForbidden):
        services.lead_advance(lead=lead, actor=department_user, to_stage="contact")


def test_the_api_moves_a_lead_and_answers_conflicts_with_409(client, lead, office_user):
    client.force_login(office_user)
    url = f"/api/leads/{lead.pk}/advance/"
    ok = client.post(url, {"to_stage": "contact"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["stage"] == "contact"
    back = client.post(url, {"to_stage": "contact"}, content_type="application/json")
    assert back.status_code == 409
    bad = client.post(url, {"to_stage": "flying"}, content_type="application/json")
    assert bad.status_code == 400
    sign = client.post(url, {"to_stage": "signed"}, content_type="application/json")
    assert sign.status_code == 400 and "expected_investment_yi" in str(sign.json())
    schema = client.get("/api/schema/")
    text = schema.content.decode()
    assert "/api/leads/{id}/advance/" in text and "/api/investment-targets/" in text


def test_the_lead_pages_show_steps_and_the_project_links_back(client, lead, office_user):
    lead = services.lead_update(
        lead=lead,
        actor=office_user,
        data={"expected_investment_yi": Decimal("3"), "district": region("370211")},
        expected_version=lead.version,
    )
    lead = services.lead_advance(lead=lead, actor=office_user, to_stage="signed")
    client.force_login(office_user)
    page = client.get(reverse("investment:lead_detail", args=[lead.pk])).content.decode()
    assert lead.project.get_absolute_url() in page
    project_page = client.get(lead.project.get_absolute_url()).content.decode()
    assert lead.get_absolute_url() in project_page
    listing = client.get(reverse("investment:lead_list"))
    assert lead.firm_name in listing.content.decode()
    (source,) = listing.context["counts"]["by_source"]
    assert (source["source"], source["n"], source["landed"]) == ("target_list", 1, 1)


def test_a_key_investment_item_points_at_its_lead(client, lead, office_user, department_unit):
    from chainleader.core.exceptions import ServiceError as Refused
    from chainleader.worklists import services as lists

    lead = services.lead_update(
        lead=lead,
        actor=office_user,
        data={"expected_investment_yi": Decimal("8")},
        expected_version=lead.version,
    )
    base = {
        "kind": "investment",
        "chain": lead.chain,
        "year": 2026,
        "title": "引进压缩机配套项目",
        "owner_unit": department_unit,
        "deadline": timezone.localdate() + timedelta(days=90),
    }
    item = lists.item_create(actor=office_user, data={**base, "lead": lead})
    assert item.target_firm == lead.firm_name and item.investment_yi == Decimal("8")
    client.force_login(office_user)
    page = client.get(item.get_absolute_url()).content.decode()
    assert lead.get_absolute_url() in page
    other = services.lead_create(
        actor=office_user,
        data={
            "chain": ChainFactory(name="集成电路", level="city", region=region("3702")),
            "firm_name": "某芯片公司",
        },
    )
    with pytest.raises(Refused):
        lists.item_create(actor=office_user, data={**base, "lead": other})
    with pytest.raises(Refused):
        lists.item_create(actor=office_user, data={**base, "kind": "task", "lead": lead})


def test_the_api_opens_a_lead_from_a_target_row_and_closes_it_with_its_reason(
    client, ranked, office_user
):
    client.force_login(office_user)
    target = Target.objects.get(company__name="海立股份")
    opened = client.post(
        f"/api/investment-targets/{target.pk}/lead/", content_type="application/json"
    )
    assert opened.status_code == 200 and opened.json()["stage"] == "lead"
    again = client.post(
        f"/api/investment-targets/{target.pk}/lead/", content_type="application/json"
    )
    assert again.json()["id"] == opened.json()["id"]  # the open lead, not a second one
    lead_id = opened.json()["id"]
    blank = client.post(
        f"/api/leads/{lead_id}/close/", {"reason": " "}, content_type="application/json"
    )
    assert blank.status_code == 400 and Lead.objects.get(pk=lead_id).stage == "lead"
    closed = client.post(
        f"/api/leads/{lead_id}/close/",
        {"reason": "企业已在他地布局"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"
    assert Lead.objects.get(pk=lead_id).close_reason == "企业已在他地布局"
    assert AuditEvent.objects.filter(event_type="lead_close", object_id=str(lead_id)).exists()
