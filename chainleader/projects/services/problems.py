"""The problem ledger (问题台账): raise → assign → answer → verify → close out (销号), each step by its roles.

| step   | from               | to       | who                                                            |
|--------|--------------------|----------|----------------------------------------------------------------|
| raise  | —                  | raised   | an editor (office, chain leader, special team, district) in scope |
| assign | raised, assigned   | assigned | the office, or the chain's leader / special team               |
| answer | assigned           | answered | a user of the assigned department                              |
| verify | answered           | verified | the office (or, rejected, back to assigned)                    |
| close  | verified           | closed   | the office                                                     |

A wrong role is WorkflowForbidden (403), a wrong state WorkflowConflict (409); either way nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainleader.accounts.models import OrgUnit, Role
from chainleader.accounts.policy import is_editor, is_office
from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.exceptions import (
    ServiceError,
    StaleEdit,
    WorkflowConflict,
    WorkflowForbidden,
)

from ..models import SYSTEM_ACTOR, Problem, ProblemEvent, Project
from .notifications import chain_people, notify
from .projects import today

S = Problem.Status
ACTIONS = ("assign", "answer", "verify", "close")


def _chain_member(actor: Any, chain_id: int) -> bool:
    if getattr(actor, "role", "") not in (Role.CHAIN_LEADER, Role.TEAM_MEMBER):
        return False
    return bool(actor.chains.filter(pk=chain_id).exists())


def _may_assign(actor: Any, problem: Problem) -> bool:
    return is_office(actor) or _chain_member(actor, problem.chain_id)


def _may_answer(actor: Any, problem: Problem) -> bool:
    # Only the department the problem was assigned to answers it (a lookalike role in another unit may not).
    return (
        getattr(actor, "role", "") == Role.DEPARTMENT
        and problem.department_id is not None
        and getattr(actor, "org_unit_id", None) == problem.department_id
    )


def _may_verify(actor: Any, problem: Problem) -> bool:
    return is_office(actor)


ROLE_CHECKS: dict[str, Callable[[Any, Problem], bool]] = {
    "assign": _may_assign,
    "answer": _may_answer,
    "verify": _may_verify,
    "close": _may_verify,
}
FROM_STATES: dict[str, tuple[str, ...]] = {
    "assign": (S.RAISED, S.ASSIGNED),
    "answer": (S.ASSIGNED,),
    "verify": (S.ANSWERED,),
    "close": (S.VERIFIED,),
}


def allowed_actions(problem: Problem, user: Any) -> list[str]:
    """The steps this user may take on the problem now (buttons on its page); the services check again."""
    return [
        a for a in ACTIONS if problem.status in FROM_STATES[a] and ROLE_CHECKS[a](user, problem)
    ]


def _step(*, problem: Problem, actor: Any, action: str, expected_version: int | None) -> Problem:
    """Lock, then check role (403) before state (409): a wrong role learns nothing about the state."""
    if not Problem.objects.for_user(actor).filter(pk=problem.pk).exists():
        raise WorkflowForbidden(_("This problem is outside your data scope."))
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if not ROLE_CHECKS[action](actor, locked):
        raise WorkflowForbidden(_("Your role may not take this step on this problem."))
    if locked.status not in FROM_STATES[action]:
        raise WorkflowConflict(
            _("A problem in status “%(status)s” cannot be %(action)s.")
            % {"status": S(locked.status).label, "action": ProblemEvent.Action(action).label}
        )
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    return locked


def _finish(
    locked: Problem,
    *,
    actor: Any,
    action: str,
    from_status: str,
    note: str = "",
    attachment: Any = None,
    changed: list[str],
) -> Problem:
    locked.version += 1
    locked.save()
    event = ProblemEvent(
        problem=locked,
        action=action,
        from_status=from_status,
        to_status=locked.status,
        note=note,
        actor=actor,
        actor_name=audit.actor_name(actor),
    )
    if attachment:
        event.attachment = attachment
    event.save()
    audit.record(
        actor=actor,
        event_type=f"problem_{action}",
        obj=locked,
        detail={
            "from": from_status,
            "to": locked.status,
            "fields": changed,
            "file": bool(attachment),
        },
    )
    return locked


@transaction.atomic
def problem_raise(
    *,
    actor: Any,
    chain: Chain,
    project: Project | None = None,
    title: str,
    description: str = "",
    category: str = Problem.Category.OTHER,
    attachment: Any = None,
) -> Problem:
    """Raise a problem on a project or on a chain (by the special team, a district or the office)."""
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not raise problems."))
    if project is not None:
        if not Project.objects.for_user(actor, write=True).filter(pk=project.pk).exists():
            raise ServiceError(_("This project is outside your data scope."), field="project")
        chain = project.chain
    elif not Chain.objects.for_user(actor).filter(pk=chain.pk).exists():
        raise ServiceError(_("This chain is outside your data scope."), field="chain")
    if not (title or "").strip():
        raise ServiceError(_("Give the problem a title."), field="title")
    unit = getattr(actor, "org_unit", None)
    region = (
        project.district
        if project is not None
        else (unit.region if unit is not None and unit.kind == OrgUnit.Kind.DISTRICT else None)
    )
    problem = Problem.objects.create(
        chain=chain,
        project=project,
        region=region,
        title=title.strip(),
        description=description,
        category=category,
        raised_by=actor if getattr(actor, "pk", None) else None,
        raised_by_unit=unit,
        raised_on=today(),
    )
    event = ProblemEvent(
        problem=problem,
        action=ProblemEvent.Action.RAISE,
        to_status=S.RAISED,
        note=description[:2000],
        actor=actor,
        actor_name=audit.actor_name(actor),
    )
    if attachment:
        event.attachment = attachment
    event.save()
    if not Problem.objects.for_user(actor).filter(pk=problem.pk).exists():
        raise ServiceError(_("This record would be outside your data scope."))
    audit.record(
        actor=actor,
        event_type="problem_raise",
        obj=problem,
        detail={"chain": chain.pk, "project": project.pk if project else None},
    )
    return problem


@transaction.atomic
def problem_assign(
    *,
    problem: Problem,
    actor: Any,
    department: OrgUnit,
    deadline: date,
    note: str = "",
    expected_version: int | None = None,
) -> Problem:
    """Assign (or re-assign) a problem to a department with a deadline; the department is told in the app."""
    locked = _step(problem=problem, actor=actor, action="assign", expected_version=expected_version)
    if department is None or department.kind != OrgUnit.Kind.DEPARTMENT:
        raise ServiceError(_("Choose a department."), field="department")
    if deadline is None or deadline < today():
        raise ServiceError(_("The deadline cannot be in the past."), field="deadline")
    from_status = locked.status
    locked.department, locked.deadline, locked.status = department, deadline, S.ASSIGNED
    locked.escalated_at = None  # a new deadline starts the clock again
    _finish(
        locked,
        actor=actor,
        action="assign",
        from_status=from_status,
        note=note,
        changed=["department", "deadline"],
    )
    people = list(department.users.filter(is_active=True).values_list("pk", flat=True))
    text = _("Problem assigned to your department, due %(date)s: %(title)s") % {
        "date": deadline.isoformat(),
        "title": locked.title,
    }
    notify(
        [(uid, text, locked.get_absolute_url()) for uid in people]
    )  # same transaction: both or neither
    return locked


@transaction.atomic
def problem_answer(
    *,
    problem: Problem,
    actor: Any,
    answer: str,
    attachment: Any = None,
    expected_version: int | None = None,
) -> Problem:
    """The assigned department answers (what was done, what is planned)."""
    locked = _step(problem=problem, actor=actor, action="answer", expected_version=expected_version)
    if not (answer or "").strip():
        raise ServiceError(_("Write the answer."), field="answer")
    from_status = locked.status
    locked.answer, locked.answered_at, locked.status = answer.strip(), timezone.now(), S.ANSWERED
    return _finish(
        locked,
        actor=actor,
        action="answer",
        from_status=from_status,
        note=answer.strip(),
        attachment=attachment,
        changed=["answer"],
    )


@transaction.atomic
def problem_verify(
    *,
    problem: Problem,
    actor: Any,
    accepted: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Problem:
    """The office checks the answer: accepted → verified; not accepted → back to the department (with a note)."""
    locked = _step(problem=problem, actor=actor, action="verify", expected_version=expected_version)
    from_status = locked.status
    if accepted:
        locked.status, locked.verified_at = S.VERIFIED, timezone.now()
        return _finish(
            locked, actor=actor, action="verify", from_status=from_status, note=note, changed=[]
        )
    if not (note or "").strip():
        raise ServiceError(_("Say why the answer is not accepted."), field="note")
    locked.status = S.ASSIGNED
    return _finish(
        locked, actor=actor, action="reject", from_status=from_status, note=note, changed=[]
    )


@transaction.atomic
def problem_close(
    *, problem: Problem, actor: Any, note: str = "", expected_version: int | None = None
) -> Problem:
    """销号: close out a verified problem (the office only)."""
    locked = _step(problem=problem, actor=actor, action="close", expected_version=expected_version)
    from_status = locked.status
    locked.status, locked.closed_at = S.CLOSED, timezone.now()
    return _finish(
        locked, actor=actor, action="close", from_status=from_status, note=note, changed=[]
    )


@transaction.atomic
def problems_escalate_overdue(*, on: date | None = None) -> int:
    """Problems past their deadline unanswered go up to the chain leader (and the team), once per deadline."""
    on = on or today()
    overdue = list(
        Problem.objects.overdue(on).filter(escalated_at__isnull=True).select_related("chain")
    )
    if not overdue:
        return 0
    now = timezone.now()
    Problem.objects.filter(pk__in=[p.pk for p in overdue]).update(escalated_at=now)
    ProblemEvent.objects.bulk_create(
        [
            ProblemEvent(
                problem=p,
                action=ProblemEvent.Action.ESCALATE,
                from_status=p.status,
                to_status=p.status,
                note=str(p.deadline),
                actor_name=SYSTEM_ACTOR,
            )
            for p in overdue
        ]
    )
    people = chain_people({p.chain_id for p in overdue})
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for p in overdue:
            text = _("Overdue problem on chain %(chain)s (deadline %(date)s): %(title)s") % {
                "chain": p.chain.name,
                "date": p.deadline.isoformat() if p.deadline else "",
                "title": p.title,
            }
            messages += [(uid, text, p.get_absolute_url()) for uid in people.get(p.chain_id, ())]
    notify(messages)
    audit.record(
        actor=None,
        event_type="problem_escalate",
        object_type="projects.problem",
        detail={"count": len(overdue), "date": on.isoformat()},
    )
    return len(overdue)
