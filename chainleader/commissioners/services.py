"""Writes of service commissioners: assign, change, unassign, log a visit; each in one transaction with its
audit row (decision 0023).

| step       | who                                                          | rule                                  |
|------------|--------------------------------------------------------------|---------------------------------------|
| assign     | an editor with the firm in its writable scope                | ends the firm's current assignment    |
| update     | an editor with the assignment in its writable scope          | kind, interval, notes; version check  |
| unassign   | the same                                                     | current only; the end date not before |
|            |                                                              | the start, not in the future          |
| visit_log  | the assignment's commissioner, or an editor as for update    | dated within the assignment, not in   |
|            |                                                              | the future; requests of that firm     |

A firm account writes nothing here (it reads its own assignment and visits). A wrong role is WorkflowForbidden
(403), a wrong state WorkflowConflict (409); either way nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.models import User
from chainleader.accounts.policy import can_write, can_write_as_holder, is_editor
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import attachment_problem
from chainleader.enterprises.models import Enterprise
from chainleader.projects.models import Problem

from .models import Assignment, Visit, default_interval
from .querysets import NOT_COMMISSIONER_ROLES

UPDATABLE = ("kind", "visit_interval_days", "notes")


def due_date(start: date, last_visit: date | None, interval_days: int) -> date:
    """The day the next visit is due: the last visit (or the start, when none) + the interval."""
    base = max(last_visit, start) if last_visit is not None else start
    return base + timedelta(days=int(interval_days))


def refresh_due(assignment: Assignment) -> date | None:
    """Store the assignment's next visit due date (None once it ended); the one place it is computed."""
    if assignment.until is not None:
        due = None
    else:
        last = assignment.visits.aggregate(last=Max("on"))["last"]
        due = due_date(assignment.since, last, assignment.visit_interval_days)
    Assignment.objects.filter(pk=assignment.pk).update(due_on=due)
    assignment.due_on = due
    return due


def commissioner_problem(user: Any) -> str:
    """Why ``user`` cannot be a service commissioner ("" when they can)."""
    if user is None or not getattr(user, "is_active", False):
        return _("The commissioner must be an active account.")
    if not user.role or user.role in NOT_COMMISSIONER_ROLES:
        return _("A service commissioner is a cadre: not a firm's or an administrator's account.")
    return ""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _check_interval(value: Any) -> int:
    if value is None or value == "":
        return default_interval()
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ServiceError(
            _("The visit interval is a number of days."), field="visit_interval_days"
        ) from None
    if not 1 <= days <= 366:
        raise ServiceError(
            _("The visit interval is between 1 and 366 days."), field="visit_interval_days"
        )
    return days


def _check_kind(kind: Any) -> str:
    if kind not in Assignment.Kind.values:
        raise ServiceError(_("Unknown kind of firm."), field="kind")
    return str(kind)


def _require_editor(actor: Any) -> None:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not assign service commissioners."))


def _locked(assignment: Assignment, expected_version: int | None) -> Assignment:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    return locked


@transaction.atomic
def assign(
    *,
    actor: Any,
    enterprise: Enterprise,
    commissioner: Any,
    kind: str,
    since: date | None = None,
    visit_interval_days: int | None = None,
    notes: str = "",
    is_synthetic: bool = False,
) -> Assignment:
    """Name ``commissioner`` the firm's service commissioner from ``since`` (default today). A current
    assignment to someone else ends the day before; to the same person it is a conflict (change it instead)."""
    _require_editor(actor)
    if not Enterprise.objects.for_user(actor, write=True).filter(pk=enterprise.pk).exists():
        raise ServiceError(core_services.outside_scope_message(), field="enterprise")
    problem = commissioner_problem(commissioner)
    if problem:
        raise ServiceError(problem, field="commissioner")
    kind = _check_kind(kind)
    interval = _check_interval(visit_interval_days)
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="since")
    current = (
        Assignment.objects.select_for_update()
        .filter(enterprise=enterprise, until__isnull=True)
        .first()
    )
    replaced = None
    if current is not None:
        if current.commissioner_id == commissioner.pk:
            raise WorkflowConflict(
                _("%(name)s is already this firm's service commissioner.") % {"name": commissioner}
            )
        if since <= current.since:
            raise ServiceError(
                _("The new assignment must start after the current one (%(date)s).")
                % {"date": current.since.isoformat()},
                field="since",
            )
        current.until = since - timedelta(days=1)
        current.version += 1
        current.save(update_fields=["until", "version", "updated_at"])
        refresh_due(current)
        replaced = current.pk
    assignment = Assignment.objects.create(
        enterprise=enterprise,
        commissioner=commissioner,
        kind=kind,
        since=since,
        visit_interval_days=interval,
        notes=notes or "",
        is_synthetic=is_synthetic,
    )
    refresh_due(assignment)
    audit.record(
        actor=actor,
        event_type="commissioner_assign",
        obj=assignment,
        detail={
            "enterprise": enterprise.pk,
            "commissioner": commissioner.username,
            "kind": kind,
            "since": since.isoformat(),
            "interval": interval,
            "replaced": replaced,
        },
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    actor: Any,
    assignment: Assignment,
    data: dict[str, Any],
    expected_version: int | None,
) -> Assignment:
    """Change an assignment's kind, visit interval or notes (the firm, the commissioner and the dates change by
    assigning anew or ending it)."""
    _require_editor(actor)
    if not can_write(actor, assignment):
        raise ServiceError(core_services.outside_scope_message())
    unknown = set(data) - set(UPDATABLE)
    if unknown:
        raise ServiceError(
            _("Only the kind, the visit interval and the notes change here."),
            field=sorted(unknown)[0],
        )
    clean = dict(data)
    if "kind" in clean:
        clean["kind"] = _check_kind(clean["kind"])
    if "visit_interval_days" in clean:
        clean["visit_interval_days"] = _check_interval(clean["visit_interval_days"])
    if "notes" in clean:
        clean["notes"] = clean["notes"] or ""
    updated = core_services.object_update(
        instance=assignment, actor=actor, data=clean, expected_version=expected_version
    )
    refresh_due(updated)
    return updated


@transaction.atomic
def unassign(
    *,
    actor: Any,
    assignment: Assignment,
    until: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Assignment:
    """End a current assignment on ``until`` (default today)."""
    _require_editor(actor)
    if not can_write(actor, assignment):
        raise ServiceError(core_services.outside_scope_message())
    locked = _locked(assignment, expected_version)
    if locked.until is not None:
        raise WorkflowConflict(_("This assignment has already ended."))
    until = until or timezone.localdate()
    if until > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="until")
    if until < locked.since:
        raise ServiceError(
            _("The end cannot be before the start (%(date)s).")
            % {"date": locked.since.isoformat()},
            field="until",
        )
    locked.until = until
    locked.version += 1
    locked.save(update_fields=["until", "version", "updated_at"])
    refresh_due(locked)
    audit.record(
        actor=actor,
        event_type="commissioner_unassign",
        obj=locked,
        detail={"until": until.isoformat(), "reason": reason[:500]},
    )
    return locked


def may_log_visit(actor: Any, assignment: Assignment) -> bool:
    """The assignment's commissioner, or an editor with the assignment in its writable scope."""
    return can_write_as_holder(actor, assignment.commissioner_id, assignment)


def visit_problems(
    *, assignment: Assignment, on: date | None, form: str, request_ids: Iterable[int] = ()
) -> list[tuple[str, str]]:
    """Every (field, message) that refuses a visit; the page, the API and the import share them."""
    out: list[tuple[str, str]] = []
    if on is None:
        out.append(("on", _("Give the visit date.")))
    elif on > timezone.localdate():
        out.append(("on", _("The date cannot be in the future.")))
    elif on < assignment.since or (assignment.until is not None and on > assignment.until):
        out.append(
            (
                "on",
                _("The visit date must fall within the assignment (from %(since)s%(until)s).")
                % {
                    "since": assignment.since.isoformat(),
                    "until": f" {_('to')} {assignment.until.isoformat()}"
                    if assignment.until
                    else "",
                },
            )
        )
    if form not in Visit.Form.values:
        out.append(("form", _("Unknown form of visit.")))
    ids = {int(i) for i in request_ids}
    if ids:
        found = set(
            Problem.objects.filter(
                pk__in=ids, source=Problem.Source.FIRM, enterprise_id=assignment.enterprise_id
            ).values_list("pk", flat=True)
        )
        if found != ids:
            out.append(("requests", _("A request raised must be one of this firm's requests.")))
    return out


@transaction.atomic
def visit_log(
    *,
    actor: Any,
    assignment: Assignment,
    on: date | None,
    form: str = Visit.Form.ON_SITE,
    notes: str = "",
    visitor: Any = None,
    requests: Iterable[Any] = (),
    is_synthetic: bool = False,
    attachment: Any = None,
) -> Visit:
    """Log one visit to the assignment's firm, with an optional evidence file; the next visit's due date moves
    with it."""
    if not may_log_visit(actor, assignment):
        raise WorkflowForbidden(_("Only the firm's commissioner or an editor logs its visits."))
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    request_ids = [getattr(r, "pk", r) for r in requests]
    problems = visit_problems(assignment=locked, on=on, form=form, request_ids=request_ids)
    if problems or on is None:
        field, message = problems[0] if problems else ("on", _("Give the visit date."))
        raise ServiceError(message, field=field)
    if attachment:
        problem = attachment_problem(attachment)
        if problem:
            raise ServiceError(problem, field="attachment")
    visitor = visitor or _user(actor) or locked.commissioner
    if visitor.pk != locked.commissioner_id:
        problem = commissioner_problem(visitor)
        if problem:
            raise ServiceError(problem, field="visitor")
    visit = Visit.objects.create(
        assignment=locked,
        on=on,
        form=form,
        notes=notes or "",
        visitor=visitor,
        is_synthetic=is_synthetic,
        created_by=_user(actor),
        **({"attachment": attachment} if attachment else {}),
    )
    if request_ids:
        visit.requests.set(request_ids)
    refresh_due(locked)
    audit.record(
        actor=actor,
        event_type="commissioner_visit",
        obj=locked,
        detail={
            "visit": visit.pk,
            "on": on.isoformat() if on else "",
            "form": form,
            "requests": sorted(request_ids),
        },
    )
    return visit


def commissioner_candidates() -> Any:
    """The accounts that may be named commissioner (form choices, the import's lookup)."""
    return User.objects.filter(is_active=True).exclude(role__in=[*NOT_COMMISSIONER_ROLES, ""])
