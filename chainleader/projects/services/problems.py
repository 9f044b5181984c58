"""The problem ledger (问题台账): raise → assign → answer → verify → close out (销号), each step by its roles.

| step   | from               | to       | who                                                            |
|--------|--------------------|----------|----------------------------------------------------------------|
| raise  | —                  | raised   | an editor (office, chain leader, special team, district) in scope |
| assign | raised, assigned   | assigned | the office, or the chain's leader / special team               |
| answer | assigned           | answered | a user of the assigned department                              |
| verify | answered           | verified | the office (or, rejected, back to assigned)                    |
| close  | verified           | closed   | the office                                                     |

Firm requests (企业诉求, decision 0020) are problems with source=firm, raised by a firm account for its own firm
(request_raise; a chain and project are optional). They go the same way, with two more steps for the firm:

| confirm | answered          | verified | the firm that raised it, with a rating 1–5                    |
| reopen  | answered          | assigned | the firm that raised it, with a reason: back to the department  |

销号 of a firm request needs the firm's confirmation or, when the office verified it instead, the office's
review note on the close step.

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

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.accounts.policy import firm_of, is_editor, is_office
from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.exceptions import (
    ServiceError,
    StaleEdit,
    WorkflowConflict,
    WorkflowForbidden,
)
from chainleader.enterprises.models import Enterprise

from ..models import SYSTEM_ACTOR, Problem, ProblemEvent, Project
from .notifications import chain_people, notify
from .projects import today

S = Problem.Status
ACTIONS = ("assign", "answer", "verify", "confirm", "reopen", "close")


def _chain_member(actor: Any, chain_id: int | None) -> bool:
    if chain_id is None or getattr(actor, "role", "") not in (Role.CHAIN_LEADER, Role.TEAM_MEMBER):
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


def _the_firm(actor: Any, problem: Problem) -> bool:
    # Only the firm that raised a request confirms or reopens it; other firms never even see it.
    firm = firm_of(actor)
    return (
        problem.source == Problem.Source.FIRM and firm is not None and firm == problem.enterprise_id
    )


ROLE_CHECKS: dict[str, Callable[[Any, Problem], bool]] = {
    "assign": _may_assign,
    "answer": _may_answer,
    "verify": _may_verify,
    "confirm": _the_firm,
    "reopen": _the_firm,
    "close": _may_verify,
}
FROM_STATES: dict[str, tuple[str, ...]] = {
    "assign": (S.RAISED, S.ASSIGNED),
    "answer": (S.ASSIGNED,),
    "verify": (S.ANSWERED,),
    "confirm": (S.ANSWERED,),
    "reopen": (S.ANSWERED,),
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
    """销号: close out a verified problem (the office only). A firm request the firm did not confirm closes only
    with the office's review note."""
    locked = _step(problem=problem, actor=actor, action="close", expected_version=expected_version)
    if (
        locked.source == Problem.Source.FIRM
        and locked.firm_confirmed_at is None
        and not (note or "").strip()
    ):
        raise ServiceError(
            _("The firm has not confirmed this request: write the office's review note."),
            field="note",
        )
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
    people = chain_people({p.chain_id for p in overdue if p.chain_id is not None})
    # A firm request with no chain goes up to the office, which routed it.
    office = list(
        User.objects.filter(role=Role.OFFICE, is_active=True).values_list("pk", flat=True)
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for p in overdue:
            if p.chain is None:
                text = _("Overdue firm request (deadline %(date)s): %(title)s") % {
                    "date": p.deadline.isoformat() if p.deadline else "",
                    "title": p.title,
                }
                messages += [(uid, text, p.get_absolute_url()) for uid in office]
                continue
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


FIRM_CATEGORIES = (
    Problem.Category.LAND,
    Problem.Category.FINANCE,
    Problem.Category.TALENT,
    Problem.Category.ENERGY,
    Problem.Category.APPROVAL,
    Problem.Category.MARKET,
    Problem.Category.POLICY,
    Problem.Category.OTHER,
)


@transaction.atomic
def request_raise(
    *,
    actor: Any,
    title: str,
    description: str = "",
    category: str = Problem.Category.OTHER,
    chain: Chain | None = None,
    project: Project | None = None,
    attachment: Any = None,
) -> Problem:
    """A firm raises a request (企业诉求) for itself; a linked chain or project makes it count there too."""
    firm = firm_of(actor)
    if firm is None:
        raise WorkflowForbidden(_("Only a firm account raises a firm request."))
    if category not in FIRM_CATEGORIES:
        raise ServiceError(_("Choose a category."), field="category")
    if not (title or "").strip():
        raise ServiceError(_("Give the request a title."), field="title")
    if not (description or "").strip():
        raise ServiceError(_("Describe the request."), field="description")
    if project is not None:
        # A firm links only a project it invests in (the projects it can see).
        if not Project.objects.for_user(actor).filter(pk=project.pk).exists():
            raise ServiceError(_("This project is outside your data scope."), field="project")
        chain = project.chain
    elif chain is not None and not Chain.objects.for_user(actor).filter(pk=chain.pk).exists():
        raise ServiceError(_("This chain is outside your data scope."), field="chain")
    enterprise = Enterprise.objects.select_related("region").get(pk=firm)
    return request_create(
        actor=actor,
        enterprise=enterprise,
        title=title,
        description=description,
        category=category,
        chain=chain,
        project=project,
        attachment=attachment,
    )


def request_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    title: str,
    description: str,
    category: str,
    chain: Chain | None,
    project: Project | None,
    attachment: Any = None,
) -> Problem:
    """Write a firm request whose raiser the caller has checked (request_raise, request_import): the row, its
    raise event, the problem_raise audit row and the office's reminder. Runs in the caller's transaction."""
    firm = enterprise.pk
    problem = Problem.objects.create(
        source=Problem.Source.FIRM,
        enterprise=enterprise,
        chain=chain,
        project=project,
        region=project.district if project is not None else enterprise.region,
        title=title.strip(),
        description=description.strip(),
        category=category,
        raised_by=actor if getattr(actor, "pk", None) else None,
        raised_by_unit=getattr(actor, "org_unit", None),
        raised_on=today(),
    )
    event = ProblemEvent(
        problem=problem,
        action=ProblemEvent.Action.RAISE,
        to_status=S.RAISED,
        note=description.strip()[:2000],
        actor=actor,
        actor_name=audit.actor_name(actor),
    )
    if attachment:
        event.attachment = attachment
    event.save()
    audit.record(
        actor=actor,
        event_type="problem_raise",
        obj=problem,
        detail={
            "source": Problem.Source.FIRM,
            "enterprise": firm,
            "chain": chain.pk if chain else None,
            "project": project.pk if project else None,
            "file": bool(attachment),
        },
    )
    office = User.objects.filter(role=Role.OFFICE, is_active=True).values_list("pk", flat=True)
    text = _("New firm request from %(firm)s: %(title)s") % {
        "firm": enterprise.name,
        "title": problem.title,
    }
    notify([(uid, text, problem.get_absolute_url()) for uid in office])
    return problem


@transaction.atomic
def request_confirm(
    *,
    problem: Problem,
    actor: Any,
    rating: int,
    note: str = "",
    expected_version: int | None = None,
) -> Problem:
    """The firm accepts the department's answer and rates it 1–5; the office may then close it out."""
    locked = _step(
        problem=problem, actor=actor, action="confirm", expected_version=expected_version
    )
    if rating is None or not 1 <= int(rating) <= 5:
        raise ServiceError(_("Rate the answer from 1 to 5."), field="rating")
    from_status = locked.status
    now = timezone.now()
    locked.status, locked.verified_at, locked.firm_confirmed_at = S.VERIFIED, now, now
    locked.rating = int(rating)
    return _finish(
        locked,
        actor=actor,
        action="confirm",
        from_status=from_status,
        note=note,
        changed=["rating"],
    )


@transaction.atomic
def request_reopen(
    *, problem: Problem, actor: Any, note: str, expected_version: int | None = None
) -> Problem:
    """The firm does not accept the answer: the request goes back to the same department, with the reason."""
    locked = _step(problem=problem, actor=actor, action="reopen", expected_version=expected_version)
    if not (note or "").strip():
        raise ServiceError(_("Say why the answer does not settle the request."), field="note")
    from_status = locked.status
    locked.status = S.ASSIGNED
    locked.firm_confirmed_at, locked.rating = None, None
    _finish(
        locked,
        actor=actor,
        action="reopen",
        from_status=from_status,
        note=note.strip(),
        changed=[],
    )
    if locked.department_id is not None:
        people = User.objects.filter(org_unit_id=locked.department_id, is_active=True).values_list(
            "pk", flat=True
        )
        text = _("A firm reopened its request: %(title)s") % {"title": locked.title}
        notify([(uid, text, locked.get_absolute_url()) for uid in people])
    return locked
