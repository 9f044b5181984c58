"""Writes on the four lists: items, progress notes, and close-out (销号) by request → review → closed; chain
meetings, whose decisions become key tasks on the lists (the end of this module).

| step    | from      | to        | who                                                                   |
|---------|-----------|-----------|-----------------------------------------------------------------------|
| request | open      | requested | the owner, a user of the owner unit, or an editor with the item in scope |
| review  | requested | reviewed  | the office, or the chain's leader / special team (sent back: → open)  |
| close   | reviewed  | closed    | the office                                                            |

A wrong role is WorkflowForbidden (403), a wrong state WorkflowConflict (409); either way nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.lookups import UnitResolver
from chainleader.accounts.models import OrgUnit, Role
from chainleader.accounts.policy import can_write, is_editor, is_office
from chainleader.chains.lookups import ChainResolver
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.imports import ImportJob, ImportPlan, ScopeCheck, import_service
from chainleader.investment.models import Lead
from chainleader.projects.lookups import ProjectResolver
from chainleader.projects.models import Project

from .models import ChainMeeting, MeetingDecision, WorkItem, WorkItemNote

S = WorkItem.Status
ACTIONS = ("request", "review", "close")


def _owner(actor: Any, item: WorkItem) -> bool:
    if item.owner_user_id is not None and item.owner_user_id == getattr(actor, "pk", None):
        return True
    unit_id = getattr(actor, "org_unit_id", None)
    return unit_id is not None and unit_id == item.owner_unit_id


def _may_work(actor: Any, item: WorkItem) -> bool:
    """Owners report progress and ask for close-out; so may an editor who can change the item."""
    if _owner(actor, item):
        return True
    return can_write(actor, item)


def _may_review(actor: Any, item: WorkItem) -> bool:
    if is_office(actor):
        return True
    return (
        getattr(actor, "role", "") in (Role.CHAIN_LEADER, Role.TEAM_MEMBER)
        and actor.chains.filter(pk=item.chain_id).exists()
    )


def _may_close(actor: Any, item: WorkItem) -> bool:
    return is_office(actor)


ROLE_CHECKS: dict[str, Callable[[Any, WorkItem], bool]] = {
    "request": _may_work,
    "review": _may_review,
    "close": _may_close,
}
FROM_STATES = {"request": (S.OPEN,), "review": (S.REQUESTED,), "close": (S.REVIEWED,)}


def allowed_actions(item: WorkItem, user: Any) -> list[str]:
    actions = [a for a in ACTIONS if item.status in FROM_STATES[a] and ROLE_CHECKS[a](user, item)]
    if item.status != S.CLOSED and _may_work(user, item):
        actions.insert(0, "note")
    return actions


def _check_links(data: dict[str, Any], actor: Any) -> None:
    kind, chain, project = data.get("kind"), data.get("chain"), data.get("project")
    if kind == WorkItem.Kind.CONSTRUCTION:
        if project is None:
            raise ServiceError(_("A key construction project names its project."), field="project")
        if not Project.objects.for_user(actor).filter(pk=project.pk).exists():
            raise ServiceError(_("This project is outside your data scope."), field="project")
        if chain is not None and project.chain_id != chain.pk:
            raise ServiceError(_("The project belongs to another chain."), field="project")
    elif project is not None:
        raise ServiceError(_("Only key construction projects link a project."), field="project")
    lead = data.get("lead")
    if lead is not None:
        if kind != WorkItem.Kind.INVESTMENT:
            raise ServiceError(_("Only key investment projects link a lead."), field="lead")
        if not Lead.objects.for_user(actor).filter(pk=lead.pk).exists():
            raise ServiceError(_("This lead is outside your data scope."), field="lead")
        if chain is not None and lead.chain_id != chain.pk:
            raise ServiceError(_("The lead belongs to another chain."), field="lead")
        if not (data.get("target_firm") or "").strip():
            data["target_firm"] = lead.firm_name  # the list shows the lead's firm
    if kind == WorkItem.Kind.INVESTMENT and not (data.get("target_firm") or "").strip():
        raise ServiceError(_("Name the firm to attract, or link its lead."), field="target_firm")
    unit = data.get("owner_unit")
    if unit is not None and unit.kind not in (
        OrgUnit.Kind.DEPARTMENT,
        OrgUnit.Kind.DISTRICT,
        OrgUnit.Kind.TEAM,
        OrgUnit.Kind.OFFICE,
    ):
        raise ServiceError(
            _("The owner unit must be a department, a district, a special team or the office."),
            field="owner_unit",
        )
    owner = data.get("owner_user")
    if owner is not None and unit is not None and owner.org_unit_id not in (None, unit.pk):
        raise ServiceError(_("The owner must belong to the owner unit."), field="owner_user")


def item_create(*, actor: Any, data: dict[str, Any]) -> WorkItem:
    """Put an item on a chain's list (an editor, within its writable scope)."""
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change the lists."))
    _check_links(data, actor)
    data = {**data, "status": S.OPEN}
    return core_services.object_create(model=WorkItem, actor=actor, data=data)


def item_update(
    *, item: WorkItem, actor: Any, data: dict[str, Any], expected_version: int | None
) -> WorkItem:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change the lists."))
    if item.status == S.CLOSED:
        raise WorkflowConflict(_("A closed-out item cannot be changed."))
    checked = {"kind": item.kind, "chain": item.chain, **data}
    _check_links(checked, actor)
    if data.get("lead") is not None:
        data = {**data, "target_firm": checked["target_firm"]}
    return core_services.object_update(
        instance=item, actor=actor, data=data, expected_version=expected_version
    )


def _step(*, item: WorkItem, actor: Any, action: str, expected_version: int | None) -> WorkItem:
    if not WorkItem.objects.for_user(actor).filter(pk=item.pk).exists():
        raise WorkflowForbidden(_("This item is outside your data scope."))
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if not ROLE_CHECKS[action](actor, locked):
        raise WorkflowForbidden(_("Your role may not take this step on this item."))
    if locked.status not in FROM_STATES[action]:
        raise WorkflowConflict(
            _("An item in status “%(status)s” cannot take the step “%(action)s”.")
            % {
                "status": S(locked.status).label,
                "action": WorkItemNote.Action(
                    {"request": "request", "review": "approve", "close": "close"}[action]
                ).label,
            }
        )
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    return locked


def _record(
    locked: WorkItem, *, actor: Any, action: str, text: str, attachment: Any, from_status: str
) -> WorkItem:
    locked.version += 1
    locked.save()
    note = WorkItemNote(
        item=locked, action=action, text=text, author=actor, author_name=audit.actor_name(actor)
    )
    if attachment:
        note.attachment = attachment
    note.save()
    audit.record(
        actor=actor,
        event_type=f"item_{action}",
        obj=locked,
        detail={"from": from_status, "to": locked.status, "file": bool(attachment)},
    )
    return locked


@transaction.atomic
def item_add_note(*, item: WorkItem, actor: Any, text: str, attachment: Any = None) -> WorkItemNote:
    """A progress note (进展情况) with an optional attachment, by an owner or an editor in scope."""
    if not WorkItem.objects.for_user(actor).filter(pk=item.pk).exists() or not _may_work(
        actor, item
    ):
        raise WorkflowForbidden(
            _("Only the owners of the item and its editors add progress notes.")
        )
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if locked.status == S.CLOSED:
        raise WorkflowConflict(_("A closed-out item takes no more notes."))
    if not (text or "").strip():
        raise ServiceError(_("Write the progress."), field="text")
    note = WorkItemNote(
        item=locked,
        action=WorkItemNote.Action.NOTE,
        text=text.strip(),
        author=actor,
        author_name=audit.actor_name(actor),
    )
    if attachment:
        note.attachment = attachment
    note.save()
    audit.record(actor=actor, event_type="item_note", obj=locked, detail={"file": bool(attachment)})
    return note


@transaction.atomic
def item_request_close(
    *,
    item: WorkItem,
    actor: Any,
    text: str,
    attachment: Any = None,
    expected_version: int | None = None,
) -> WorkItem:
    """The owner asks to close the item out, saying what was achieved (with evidence)."""
    locked = _step(item=item, actor=actor, action="request", expected_version=expected_version)
    if not (text or "").strip():
        raise ServiceError(_("Say what was achieved."), field="text")
    from_status = locked.status
    locked.status, locked.requested_at = S.REQUESTED, timezone.now()
    return _record(
        locked,
        actor=actor,
        action=WorkItemNote.Action.REQUEST,
        text=text.strip(),
        attachment=attachment,
        from_status=from_status,
    )


@transaction.atomic
def item_review(
    *,
    item: WorkItem,
    actor: Any,
    approved: bool,
    text: str = "",
    expected_version: int | None = None,
) -> WorkItem:
    """Review a close-out request: passed → reviewed (the office then closes it); sent back → open again."""
    locked = _step(item=item, actor=actor, action="review", expected_version=expected_version)
    from_status = locked.status
    if approved:
        locked.status, locked.reviewed_at = S.REVIEWED, timezone.now()
        return _record(
            locked,
            actor=actor,
            action=WorkItemNote.Action.APPROVE,
            text=text or _("Review passed."),
            attachment=None,
            from_status=from_status,
        )
    if not (text or "").strip():
        raise ServiceError(_("Say why the item goes back."), field="text")
    locked.status, locked.requested_at = S.OPEN, None
    return _record(
        locked,
        actor=actor,
        action=WorkItemNote.Action.REJECT,
        text=text.strip(),
        attachment=None,
        from_status=from_status,
    )


@transaction.atomic
def item_close(
    *, item: WorkItem, actor: Any, text: str = "", expected_version: int | None = None
) -> WorkItem:
    """销号: the office closes out a reviewed item."""
    locked = _step(item=item, actor=actor, action="close", expected_version=expected_version)
    from_status = locked.status
    locked.status, locked.closed_at = S.CLOSED, timezone.now()
    return _record(
        locked,
        actor=actor,
        action=WorkItemNote.Action.CLOSE,
        text=text or _("Closed out."),
        attachment=None,
        from_status=from_status,
    )


# --------------------------------------------------------------------------------------------- import

KIND_HEADER = "清单"
LINK_HEADERS = {
    "project": "项目编号",
    "target_firm": "目标企业",
    "owner_unit": "责任单位",
    "owner_user": "责任人",
}


@import_service(WorkItem)
def item_import(job: ImportJob[WorkItem]) -> ImportPlan:
    """Import list items (new ones only; they are then worked through the pages); all-or-nothing."""
    actor, rows = job.actor, job.rows
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change the lists."))
    chains = ChainResolver.for_user(actor)
    units = UnitResolver()
    projects = ProjectResolver.for_user(actor, [r.values.get("project") for r in rows])
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[str(r.values.get("owner_user") or "") for r in rows], is_active=True
        )
    }
    for row in rows:
        v = row.values
        chain = job.resolve(chains, row, "产业链", v["chain"])
        if chain is None:
            continue
        unit = job.resolve(units, row, "责任单位", v["owner_unit"])
        if unit is None:
            continue
        project = None
        if v.get("project"):
            project = job.resolve(projects, row, "项目编号", v["project"])
            if project is None:
                continue
        owner = None
        if v.get("owner_user"):
            owner = users.get(str(v["owner_user"]).strip())
            if owner is None:
                job.error(row.row, "责任人", v["owner_user"], _("Unknown user name."))
                continue
        amount = v.get("target_investment_yi")
        if amount is not None and amount < Decimal("0"):
            job.error(row.row, "计划投资（亿元）", amount, _("Investment cannot be negative."))
            continue
        data = {
            "kind": v["kind"],
            "chain": chain,
            "year": v.get("year") or timezone.localdate().year,
            "title": v["title"],
            "description": v.get("description") or "",
            "project": project,
            "target_firm": v.get("target_firm") or "",
            "target_investment_yi": amount,
            "owner_unit": unit,
            "owner_user": owner,
            "deadline": v["deadline"],
        }
        try:
            _check_links(data, actor)
        except ServiceError as exc:
            job.error(row.row, LINK_HEADERS.get(exc.field or "", KIND_HEADER), "", exc.message)
            continue
        job.create(row, WorkItem(**data), f"{chain} · {data['title']}")
    # Every item written must be inside the user's writable scope (a district lists items of its own units).
    job.commit(scope=ScopeCheck("责任单位", ("owner_unit",)))
    return job.record()


# --------------------------------------------------------------------------------------------- chain meetings

MEETING_FIELDS = (
    "chain",
    "title",
    "held_on",
    "place",
    "host_unit",
    "chair",
    "chair_name",
    "attendees",
    "agenda",
    "minutes",
    "status",
)


def _check_meeting(data: dict[str, Any], actor: Any) -> None:
    from chainleader.chains.models import Chain

    chain = data.get("chain")
    if chain is not None and not Chain.objects.for_user(actor).filter(pk=chain.pk).exists():
        raise ServiceError(_("This chain is outside your data scope."), field="chain")
    unit = data.get("host_unit")
    if unit is not None and unit.kind == OrgUnit.Kind.ENTERPRISE:
        raise ServiceError(_("A firm does not convene chain meetings."), field="host_unit")
    held_on, status = data.get("held_on"), data.get("status")
    if (
        status == ChainMeeting.Status.HELD
        and held_on is not None
        and held_on > timezone.localdate()
    ):
        raise ServiceError(_("A meeting in the future cannot be held yet."), field="status")


@transaction.atomic
def meeting_create(*, actor: Any, data: dict[str, Any]) -> ChainMeeting:
    """Record a chain meeting (an editor, within its writable scope); an empty agenda is built from the chain's
    figures (selectors.meeting_agenda: the last meeting's decisions, open problems, lagging projects, open
    items)."""
    from . import selectors

    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not record chain meetings."))
    data = {k: v for k, v in data.items() if k in MEETING_FIELDS}
    data.setdefault("status", ChainMeeting.Status.DRAFT)
    _check_meeting(data, actor)
    if data.get("chain") is not None and not (data.get("agenda") or "").strip():
        data["agenda"] = selectors.meeting_agenda(actor, data["chain"], data.get("held_on"))
    return core_services.object_create(model=ChainMeeting, actor=actor, data=data)


def meeting_update(
    *, meeting: ChainMeeting, actor: Any, data: dict[str, Any], expected_version: int | None
) -> ChainMeeting:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not record chain meetings."))
    data = {k: v for k, v in data.items() if k in MEETING_FIELDS and k != "chain"}
    _check_meeting(
        {"held_on": meeting.held_on, "status": meeting.status, **data, "chain": meeting.chain},
        actor,
    )
    return core_services.object_update(
        instance=meeting, actor=actor, data=data, expected_version=expected_version
    )


@transaction.atomic
def decision_record(
    *,
    meeting: ChainMeeting,
    actor: Any,
    text: str,
    owner_unit: OrgUnit,
    deadline: Any,
    owner_user: Any = None,
) -> MeetingDecision:
    """Record a decision of the meeting (议定事项): it becomes a key task on the chain's list with its owner and
    deadline (item_create, the same checks and audit row as an item added by hand), and the two link both ways
    (decision.item, item.meeting_decision). Refused as a whole when the item is refused."""
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not record chain meetings."))
    if not ChainMeeting.objects.for_user(actor, write=True).filter(pk=meeting.pk).exists():
        raise WorkflowForbidden(_("This meeting is outside your data scope."))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the decision."), field="text")
    if owner_unit is None:
        raise ServiceError(_("Name the owner unit."), field="owner_unit")
    if deadline is None:
        raise ServiceError(_("Set the deadline."), field="deadline")
    if deadline < meeting.held_on:
        raise ServiceError(_("The deadline is before the meeting."), field="deadline")
    first_line = text.splitlines()[0]
    item = item_create(
        actor=actor,
        data={
            "kind": WorkItem.Kind.TASK,
            "chain": meeting.chain,
            "year": meeting.held_on.year,
            "title": first_line if len(first_line) <= 200 else first_line[:199] + "…",
            "description": _("Decided at %(meeting)s.") % {"meeting": meeting}
            + ("\n" + text if text != first_line or len(first_line) > 200 else ""),
            "owner_unit": owner_unit,
            "owner_user": owner_user,
            "deadline": deadline,
        },
    )
    decision = MeetingDecision.objects.create(
        meeting=meeting,
        text=text,
        owner_unit=owner_unit,
        owner_user=owner_user,
        deadline=deadline,
        item=item,
    )
    ChainMeeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
    meeting.refresh_from_db(fields=["version"])
    audit.record(
        actor=actor,
        event_type="meeting_decision",
        obj=meeting,
        detail={"decision": decision.pk, "item": item.pk, "owner_unit": owner_unit.pk},
    )
    return decision
