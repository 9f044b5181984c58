"""Writes of challenges (揭榜挂帅), scenes, labs and diagnoses. Each write is one transaction with its audit row;
who may write is accounts.policy's.

Challenge workflow:

| step     | from                          | to          | rule                                                    |
|----------|-------------------------------|-------------|---------------------------------------------------------|
| publish  | draft                         | published   | the publisher: its firm's account, or an editor in scope|
| close    | published                     | selecting   | the same (applications close, scoring opens)            |
| select   | selecting                     | in_progress | the same; one submitted application; the contract amount|
| accept   | in_progress                   | accepted / failed | the same; 验收 date, verdict, evidence; a pass needs every milestone done |
| withdraw | draft, published, selecting   | withdrawn   | the same; why                                           |

Solvers apply while a challenge is published and its deadline has not passed: a firm account for its own firm, an
editor for a firm in its scope or for a named university or lab. Reviewers (the challenge's managers) score the
submitted applications while it is selecting. A wrong role is WorkflowForbidden (403), a wrong state
WorkflowConflict (409), a stale version StaleEdit (409); nothing changes then.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.models import OrgUnit
from chainleader.accounts.policy import can_write, can_write_for_firm, firm_of, is_editor
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.audit import actor_name
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import attachment_problem
from chainleader.engines import innovation as engine
from chainleader.enterprises.models import Enterprise
from chainleader.projects.models import Project
from chainleader.projects.services.projects import project_create

from .models import (
    CRITERIA,
    DIMENSIONS,
    Acceptance,
    ApplicationScore,
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)

S = Challenge.Status
A = ChallengeApplication.Status
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((S.DRAFT,), S.PUBLISHED),
    "close": ((S.PUBLISHED,), S.SELECTING),
    "withdraw": ((S.DRAFT, S.PUBLISHED, S.SELECTING), S.WITHDRAWN),
}
CRITERIA_MAX = {name: top for name, _label, top in CRITERIA}
OPEN_EDIT = (S.DRAFT, S.PUBLISHED)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _stale(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )


def _check_file(upload: Any, field: str) -> None:
    if upload:
        problem = attachment_problem(upload)
        if problem:
            raise ServiceError(problem, field=field)


# --- publishers (challenges and scenes share them) ---------------------------------------------------------


def may_publish(actor: Any) -> bool:
    """Who creates challenges and scenes: the editor roles, and a firm account (for its own firm)."""
    return is_editor(actor) or firm_of(actor) is not None


def may_manage(actor: Any, obj: Challenge | Scene) -> bool:
    """The publisher firm's account, or an editor with the record in its writable scope."""
    return can_write_for_firm(actor, [obj.publisher_firm_id], obj)


def _publisher_data(data: dict[str, Any], actor: Any) -> dict[str, Any]:
    data = dict(data)
    firm = firm_of(actor)
    if firm is not None:
        # A firm account publishes as its own firm, whatever the form said.
        data["publisher_firm"] = Enterprise.objects.get(pk=firm)
        data["publisher_unit"] = None
    elif not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not publish."))
    firm_obj, unit = data.get("publisher_firm"), data.get("publisher_unit")
    if (firm_obj is None) == (unit is None):
        raise ServiceError(
            _("Name the publisher: a firm or a department, not both."), field="publisher_firm"
        )
    if unit is not None and unit.kind != OrgUnit.Kind.DEPARTMENT:
        raise ServiceError(_("The publishing unit must be a department."), field="publisher_unit")
    chain, segment = data.get("chain"), data.get("segment")
    if chain is None:
        raise ServiceError(_("Name the chain."), field="chain")
    if segment is not None and segment.chain_id != chain.pk:
        raise ServiceError(_("The segment belongs to another chain."), field="segment")
    return data


def _managed(actor: Any, obj: Challenge | Scene) -> None:
    if not may_manage(actor, obj):
        raise WorkflowForbidden(_("Only the publisher and the editors in scope manage this."))


# --- challenges ----------------------------------------------------------------------------------------------


CHALLENGE_FIELDS = {
    "publisher_firm",
    "publisher_unit",
    "chain",
    "segment",
    "title",
    "need",
    "requirements",
    "budget_wan",
    "deadline",
    "is_synthetic",
}


def challenge_create(*, actor: Any, data: dict[str, Any]) -> Challenge:
    """A chain master (its own account, or an editor for it) or a department publishes a 榜单, first as a draft."""
    extra = set(data) - CHALLENGE_FIELDS
    if extra:
        raise ServiceError(_("The status changes only through the workflow steps."))
    data = _publisher_data(data, actor)
    if data.get("budget_wan") is None:
        raise ServiceError(_("Give the budget."), field="budget_wan")
    return core_services.object_create(model=Challenge, actor=actor, data=data)


def challenge_update(
    *, challenge: Challenge, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Challenge:
    """Change a draft or published challenge's text, budget or deadline (not once selection began)."""
    _managed(actor, challenge)
    extra = set(data) - CHALLENGE_FIELDS
    if extra:
        raise ServiceError(_("The status changes only through the workflow steps."))
    if challenge.status not in OPEN_EDIT:
        raise WorkflowConflict(_("A challenge is edited only before selection begins."))
    merged = {
        "publisher_firm": challenge.publisher_firm,
        "publisher_unit": challenge.publisher_unit,
        "chain": challenge.chain,
        "segment": challenge.segment,
        **data,
    }
    checked = _publisher_data(merged, actor)
    return core_services.object_update(
        instance=challenge,
        actor=actor,
        data={k: checked[k] for k in data},
        expected_version=expected_version,
    )


def _locked_challenge(challenge: Challenge, actor: Any, expected_version: int | None) -> Challenge:
    if not Challenge.objects.for_user(actor).filter(pk=challenge.pk).exists():
        raise WorkflowForbidden(_("This challenge is outside your data scope."))
    locked = Challenge.objects.select_for_update(of=("self",)).get(pk=challenge.pk)
    _managed(actor, locked)
    _stale(locked, expected_version)
    return locked


def allowed_steps(challenge: Challenge, actor: Any) -> list[str]:
    """The steps ``actor`` may take on ``challenge`` now (the page's buttons)."""
    if not may_manage(actor, challenge):
        return []
    steps = [s for s, (sources, _to) in STEPS.items() if challenge.status in sources]
    if challenge.status == S.SELECTING:
        steps.append("select")
    if challenge.status == S.IN_PROGRESS:
        steps += ["milestone", "accept"]
    return steps


@transaction.atomic
def challenge_step(
    *,
    challenge: Challenge,
    actor: Any,
    step: str,
    expected_version: int | None = None,
    reason: str = "",
) -> Challenge:
    """Publish (发榜), close the applications (截止, selection opens) or withdraw (撤榜, with a reason)."""
    if step not in STEPS:
        raise ServiceError(_("Unknown step."))
    locked = _locked_challenge(challenge, actor, expected_version)
    sources, target = STEPS[step]
    if locked.status not in sources:
        raise WorkflowConflict(
            _("A challenge in status “%(status)s” cannot move to “%(target)s”.")
            % {"status": S(locked.status).label, "target": S(target).label}
        )
    if step == "withdraw":
        if not (reason or "").strip():
            raise ServiceError(_("Say why the challenge is withdrawn."), field="reason")
        locked.closed_reason = reason.strip()[:500]
    if step == "publish":
        locked.published_on = timezone.localdate()
    before = locked.status
    locked.status = target
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type=f"challenge_{step}",
        obj=locked,
        detail={"from": before, "to": target},
    )
    return locked


@transaction.atomic
def challenge_select(
    *,
    challenge: Challenge,
    actor: Any,
    application: ChallengeApplication,
    contract_wan: Decimal | None,
    expected_version: int | None = None,
) -> Challenge:
    """揭榜: choose one submitted application; the others are not selected; the work begins (攻关中)."""
    locked = _locked_challenge(challenge, actor, expected_version)
    if locked.status != S.SELECTING:
        raise WorkflowConflict(_("A solver is selected only while the challenge is selecting."))
    app = (
        ChallengeApplication.objects.select_for_update(of=("self",))
        .filter(pk=application.pk)
        .first()
    )
    if app is None or app.challenge_id != locked.pk or app.status != A.SUBMITTED:
        raise ServiceError(
            _("Choose a submitted application to this challenge."), field="application"
        )
    if contract_wan is None:
        contract_wan = app.asked_wan
    if contract_wan < 0:
        raise ServiceError(_("The amount cannot be negative."), field="contract_wan")
    others = list(
        ChallengeApplication.objects.filter(challenge=locked, status=A.SUBMITTED).exclude(pk=app.pk)
    )
    for other in others:
        other.status = A.NOT_SELECTED
        other.version += 1
        other.save()
    app.status = A.SELECTED
    app.version += 1
    app.save()
    locked.selected = app
    locked.contract_wan = contract_wan
    locked.status = S.IN_PROGRESS
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="challenge_select",
        obj=locked,
        detail={"application": app.pk, "solver": app.solver, "contract_wan": str(contract_wan)},
    )
    return locked


@transaction.atomic
def challenge_accept(
    *,
    challenge: Challenge,
    actor: Any,
    on: date,
    verdict: str,
    evidence: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Challenge:
    """验收: record the verdict with its date and evidence; passed → 已验收, failed → 未通过."""
    locked = _locked_challenge(challenge, actor, expected_version)
    if locked.status != S.IN_PROGRESS:
        raise WorkflowConflict(_("Only a challenge in progress is accepted."))
    if verdict not in Acceptance.Verdict.values:
        raise ServiceError(_("Choose the verdict."), field="verdict")
    if on is None or on > timezone.localdate():
        raise ServiceError(_("The acceptance date cannot be in the future."), field="on")
    _check_file(evidence, "evidence")
    if verdict == Acceptance.Verdict.PASSED:
        open_ = Milestone.objects.filter(challenge=locked, done_on__isnull=True).count()
        if open_:
            raise WorkflowConflict(
                _("%(n)s milestone(s) are not done: a pass needs every milestone done.")
                % {"n": open_}
            )
        if not evidence:
            raise ServiceError(_("Attach the acceptance evidence."), field="evidence")
    acceptance = Acceptance(
        challenge=locked, on=on, verdict=verdict, note=(note or "").strip(), actor=_user(actor)
    )
    if evidence:
        acceptance.evidence = evidence
    acceptance.save()
    before = locked.status
    locked.status = S.ACCEPTED if verdict == Acceptance.Verdict.PASSED else S.FAILED
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="challenge_accept",
        obj=locked,
        detail={"from": before, "to": locked.status, "on": on.isoformat(), "file": bool(evidence)},
    )
    return locked


# --- milestones ------------------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, challenge: Challenge, actor: Any, title: str, due_on: date) -> Milestone:
    locked = _locked_challenge(challenge, actor, None)
    if locked.status != S.IN_PROGRESS:
        raise WorkflowConflict(_("Milestones are set while the challenge is in progress."))
    if not (title or "").strip():
        raise ServiceError(_("Name the milestone."), field="title")
    if due_on is None:
        raise ServiceError(_("Give the due date."), field="due_on")
    milestone = Milestone.objects.create(challenge=locked, title=title.strip()[:200], due_on=due_on)
    audit.record(
        actor=actor,
        event_type="milestone_add",
        obj=milestone,
        detail={"challenge": locked.pk, "due_on": due_on.isoformat()},
    )
    return milestone


def may_report_milestone(actor: Any, milestone: Milestone) -> bool:
    """The challenge's managers, and the selected solver firm's account."""
    challenge = milestone.challenge
    solver = challenge.selected.solver_firm_id if challenge.selected_id else None  # type: ignore[union-attr]
    firm = firm_of(actor)
    if firm is not None:
        return firm in {challenge.publisher_firm_id, solver}
    return can_write(actor, challenge)


@transaction.atomic
def milestone_done(
    *,
    milestone: Milestone,
    actor: Any,
    done_on: date,
    evidence: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Milestone:
    """A milestone reached: its date and evidence."""
    if not Milestone.objects.for_user(actor).filter(pk=milestone.pk).exists():
        raise WorkflowForbidden(_("This milestone is outside your data scope."))
    locked = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("challenge__selected")
        .get(pk=milestone.pk)
    )
    if not may_report_milestone(actor, locked):
        raise WorkflowForbidden(
            _("Only the publisher, the solver and the editors in scope report.")
        )
    _stale(locked, expected_version)
    if locked.challenge.status != S.IN_PROGRESS:
        raise WorkflowConflict(_("Milestones are reported while the challenge is in progress."))
    if locked.done_on is not None:
        raise WorkflowConflict(_("This milestone is already done."))
    if done_on is None or done_on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="done_on")
    _check_file(evidence, "evidence")
    locked.done_on = done_on
    locked.note = (note or "").strip()[:500]
    if evidence:
        locked.evidence = evidence
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="milestone_done",
        obj=locked,
        detail={
            "challenge": locked.challenge_id,
            "on": done_on.isoformat(),
            "file": bool(evidence),
        },
    )
    return locked


# --- applications ----------------------------------------------------------------------------------------


def may_apply(actor: Any) -> bool:
    return is_editor(actor) or firm_of(actor) is not None


@transaction.atomic
def application_submit(
    *, actor: Any, challenge: Challenge, data: dict[str, Any]
) -> ChallengeApplication:
    """揭榜: apply to a published challenge before its deadline."""
    if not Challenge.objects.for_user(actor).filter(pk=challenge.pk).exists():
        raise WorkflowForbidden(_("This challenge is outside your data scope."))
    locked = Challenge.objects.select_for_update(of=("self",)).get(pk=challenge.pk)
    if locked.status != S.PUBLISHED:
        raise WorkflowConflict(_("Applications are taken only while the challenge is published."))
    if locked.deadline < timezone.localdate():
        raise WorkflowConflict(_("The application deadline has passed."))
    data = {
        k: v
        for k, v in data.items()
        if k
        in {
            "solver_firm",
            "solver_name",
            "contact",
            "proposal",
            "asked_wan",
            "attachment",
            "is_synthetic",
        }
    }
    firm = firm_of(actor)
    if firm is not None:
        data["solver_firm"] = Enterprise.objects.get(pk=firm)
        data["solver_name"] = ""
    elif not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not apply."))
    solver, name = data.get("solver_firm"), (data.get("solver_name") or "").strip()
    if (solver is None) == (not name):
        raise ServiceError(
            _("Name the solver: a firm of the registry or a university or lab, not both."),
            field="solver_firm",
        )
    if (
        solver is not None
        and firm is None
        and not Enterprise.objects.for_user(actor).filter(pk=solver.pk).exists()
    ):
        raise ServiceError(_("This enterprise is outside your data scope."), field="solver_firm")
    if solver is not None and solver.pk == locked.publisher_firm_id:
        raise ServiceError(_("The publisher cannot take its own challenge."), field="solver_firm")
    if not (data.get("proposal") or "").strip():
        raise ServiceError(_("Describe the proposal."), field="proposal")
    if data.get("asked_wan") is None:
        raise ServiceError(_("Give the amount asked."), field="asked_wan")
    _check_file(data.get("attachment"), "attachment")
    clash = ChallengeApplication.objects.filter(challenge=locked).exclude(status=A.WITHDRAWN)
    if solver is not None and clash.filter(solver_firm=solver).exists():
        raise ServiceError(_("This solver has already applied."), field="solver_firm")
    if solver is None and clash.filter(solver_name=name).exists():
        raise ServiceError(_("This solver has already applied."), field="solver_name")
    app = ChallengeApplication(challenge=locked, **{**data, "solver_name": name})
    if not data.get("attachment"):
        app.attachment = ""
    app.full_clean()
    app.save()
    audit.record(
        actor=actor,
        event_type="challenge_apply",
        obj=app,
        detail={"challenge": locked.pk, "solver": app.solver, "asked_wan": str(app.asked_wan)},
    )
    return app


def may_withdraw_application(actor: Any, app: ChallengeApplication) -> bool:
    firm = firm_of(actor)
    if firm is not None:
        return firm == app.solver_firm_id
    return can_write(actor, app.challenge)


@transaction.atomic
def application_withdraw(
    *, application: ChallengeApplication, actor: Any, expected_version: int | None = None
) -> ChallengeApplication:
    if not ChallengeApplication.objects.for_user(actor).filter(pk=application.pk).exists():
        raise WorkflowForbidden(_("This application is outside your data scope."))
    locked = (
        ChallengeApplication.objects.select_for_update(of=("self",))
        .select_related("challenge")
        .get(pk=application.pk)
    )
    if not may_withdraw_application(actor, locked):
        raise WorkflowForbidden(_("Only the solver and the editors in scope withdraw it."))
    _stale(locked, expected_version)
    if locked.status != A.SUBMITTED:
        raise WorkflowConflict(_("Only a submitted application is withdrawn."))
    locked.status = A.WITHDRAWN
    locked.version += 1
    locked.save()
    audit.record(actor=actor, event_type="challenge_application_withdraw", obj=locked)
    return locked


@transaction.atomic
def application_score(
    *, application: ChallengeApplication, actor: Any, scores: dict[str, Any], note: str = ""
) -> ApplicationScore:
    """A reviewer (a manager of the challenge) scores a submitted application per criterion; a second scoring by
    the same reviewer replaces the first. The application's score is the mean of its reviewers' totals."""
    if not ChallengeApplication.objects.for_user(actor).filter(pk=application.pk).exists():
        raise WorkflowForbidden(_("This application is outside your data scope."))
    locked = (
        ChallengeApplication.objects.select_for_update(of=("self",))
        .select_related("challenge")
        .get(pk=application.pk)
    )
    _managed(actor, locked.challenge)
    if locked.challenge.status != S.SELECTING:
        raise WorkflowConflict(_("Applications are scored while the challenge is selecting."))
    if locked.status != A.SUBMITTED:
        raise WorkflowConflict(_("Only a submitted application is scored."))
    try:
        total = engine.score_total(scores, CRITERIA_MAX)
    except engine.ScoreError as exc:
        label = {n: lbl for n, lbl, _t in CRITERIA}.get(exc.field, exc.field)
        top = CRITERIA_MAX.get(exc.field)
        raise ServiceError(
            _("Score “%(criterion)s” from 0 to %(top)s.") % {"criterion": label, "top": top}
            if top is not None
            else _("Unknown criterion “%(criterion)s”.") % {"criterion": label},
            field=exc.field,
        ) from None
    clean = {k: str(Decimal(str(scores[k]))) for k in CRITERIA_MAX}
    row, _created = ApplicationScore.objects.update_or_create(
        application=locked,
        reviewer=_user(actor),
        defaults={
            "scores": clean,
            "total": total,
            "note": (note or "").strip()[:500],
            "reviewer_name": actor_name(actor),
        },
    )
    locked.score = engine.mean_total(
        ApplicationScore.objects.filter(application=locked).values_list("total", flat=True)
    )
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="challenge_score",
        obj=locked,
        detail={"total": str(total), "score": str(locked.score)},
    )
    return row


# --- scenes ------------------------------------------------------------------------------------------------

SCENE_FIELDS = {
    "publisher_firm",
    "publisher_unit",
    "chain",
    "segment",
    "title",
    "sought",
    "budget_wan",
    "note",
    "is_synthetic",
}


def scene_create(*, actor: Any, data: dict[str, Any]) -> Scene:
    if set(data) - SCENE_FIELDS:
        raise ServiceError(_("The status changes only through the workflow steps."))
    return core_services.object_create(model=Scene, actor=actor, data=_publisher_data(data, actor))


def scene_update(
    *, scene: Scene, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Scene:
    _managed(actor, scene)
    if set(data) - SCENE_FIELDS:
        raise ServiceError(_("The status changes only through the workflow steps."))
    merged = {
        "publisher_firm": scene.publisher_firm,
        "publisher_unit": scene.publisher_unit,
        "chain": scene.chain,
        "segment": scene.segment,
        **data,
    }
    checked = _publisher_data(merged, actor)
    return core_services.object_update(
        instance=scene,
        actor=actor,
        data={k: checked[k] for k in data},
        expected_version=expected_version,
    )


SCENE_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((Scene.Status.DRAFT,), Scene.Status.PUBLISHED),
    "close": ((Scene.Status.PUBLISHED,), Scene.Status.CLOSED),
}


@transaction.atomic
def scene_step(
    *, scene: Scene, actor: Any, step: str, expected_version: int | None = None
) -> Scene:
    if step not in SCENE_STEPS:
        raise ServiceError(_("Unknown step."))
    if not Scene.objects.for_user(actor).filter(pk=scene.pk).exists():
        raise WorkflowForbidden(_("This scene is outside your data scope."))
    locked = Scene.objects.select_for_update(of=("self",)).get(pk=scene.pk)
    _managed(actor, locked)
    _stale(locked, expected_version)
    sources, target = SCENE_STEPS[step]
    if locked.status not in sources:
        raise WorkflowConflict(
            _("A scene in status “%(status)s” cannot move to “%(target)s”.")
            % {
                "status": Scene.Status(locked.status).label,
                "target": Scene.Status(target).label,
            }
        )
    before = locked.status
    locked.status = target
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor, event_type=f"scene_{step}", obj=locked, detail={"from": before, "to": target}
    )
    return locked


@transaction.atomic
def scene_apply(
    *,
    actor: Any,
    scene: Scene,
    supplier: Enterprise | None,
    offer: str,
    is_synthetic: bool = False,
) -> SceneApplication:
    """A supplier applies to a published scene (a firm account for itself; an editor for a firm in its scope);
    the match score of its products against the scene is stored with it."""
    from . import selectors

    if not Scene.objects.for_user(actor).filter(pk=scene.pk).exists():
        raise WorkflowForbidden(_("This scene is outside your data scope."))
    locked = Scene.objects.select_for_update(of=("self",)).get(pk=scene.pk)
    if locked.status != Scene.Status.PUBLISHED:
        raise WorkflowConflict(_("Applications are taken only while the scene is published."))
    firm = firm_of(actor)
    if firm is not None:
        supplier = Enterprise.objects.get(pk=firm)
    elif not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not apply."))
    if supplier is None:
        raise ServiceError(_("Name the supplier."), field="supplier")
    if firm is None and not Enterprise.objects.for_user(actor).filter(pk=supplier.pk).exists():
        raise ServiceError(_("This enterprise is outside your data scope."), field="supplier")
    if supplier.pk == locked.publisher_firm_id:
        raise ServiceError(_("The publisher cannot apply to its own scene."), field="supplier")
    if not (offer or "").strip():
        raise ServiceError(_("Describe the offer."), field="offer")
    if SceneApplication.objects.filter(scene=locked, supplier=supplier).exists():
        raise ServiceError(_("This supplier has already applied."), field="supplier")
    score = selectors.supplier_score(locked, supplier)
    app = SceneApplication.objects.create(
        scene=locked,
        supplier=supplier,
        offer=offer.strip(),
        score=score,
        is_synthetic=is_synthetic,
    )
    audit.record(
        actor=actor,
        event_type="scene_apply",
        obj=app,
        detail={"scene": locked.pk, "supplier": supplier.name, "score": score},
    )
    return app


@transaction.atomic
def scene_answer(
    *,
    application: SceneApplication,
    actor: Any,
    accept: bool,
    expected_version: int | None = None,
) -> SceneApplication:
    """The scene's publisher (or an editor in scope) accepts or declines a supplier."""
    if not SceneApplication.objects.for_user(actor).filter(pk=application.pk).exists():
        raise WorkflowForbidden(_("This application is outside your data scope."))
    locked = (
        SceneApplication.objects.select_for_update(of=("self",))
        .select_related("scene")
        .get(pk=application.pk)
    )
    _managed(actor, locked.scene)
    _stale(locked, expected_version)
    if locked.status != SceneApplication.Status.SUBMITTED:
        raise WorkflowConflict(_("This application was answered already."))
    locked.status = SceneApplication.Status.ACCEPTED if accept else SceneApplication.Status.DECLINED
    locked.version += 1
    locked.save()
    audit.record(actor=actor, event_type="scene_answer", obj=locked, detail={"to": locked.status})
    return locked


# --- labs and titles (editors; the generic writes) -----------------------------------------------------------


def _require_editor(actor: Any) -> None:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change this registry."))


def lab_save(
    *, actor: Any, data: dict[str, Any], lab: Lab | None = None, expected_version: int | None = None
) -> Lab:
    _require_editor(actor)
    segment = data.get("segment", lab.segment if lab else None)
    if segment is not None and segment.children.exists():
        raise ServiceError(_("Choose a leaf of the chain tree."), field="segment")
    host = data.get("host")
    if (
        host is not None
        and not Enterprise.objects.for_user(actor, write=True).filter(pk=host.pk).exists()
    ):
        raise ServiceError(_("This enterprise is outside your data scope."), field="host")
    if lab is None:
        return core_services.object_create(model=Lab, actor=actor, data=data)
    return core_services.object_update(
        instance=lab, actor=actor, data=data, expected_version=expected_version
    )


def title_save(
    *,
    actor: Any,
    data: dict[str, Any],
    title: DigitalTitle | None = None,
    expected_version: int | None = None,
) -> DigitalTitle:
    _require_editor(actor)
    if title is None:
        return core_services.object_create(model=DigitalTitle, actor=actor, data=data)
    return core_services.object_update(
        instance=title, actor=actor, data=data, expected_version=expected_version
    )


# --- diagnoses -----------------------------------------------------------------------------------------------

DIMENSION_NAMES = tuple(name for name, _label in DIMENSIONS)


def overall_level(data: dict[str, Any]) -> Decimal:
    try:
        return engine.overall_level([data.get(name) for name in DIMENSION_NAMES])  # type: ignore[misc]
    except engine.ScoreError as exc:
        field = DIMENSION_NAMES[int(exc.field)] if exc.field.isdigit() else None
        raise ServiceError(_("Score each dimension from 1 to 5."), field=field) from None


def _require_diagnosis_writer(actor: Any, enterprise: Enterprise | None) -> None:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not record diagnoses."))
    if enterprise is None:
        raise ServiceError(_("Name the enterprise."), field="enterprise")
    if not Enterprise.objects.for_user(actor, write=True).filter(pk=enterprise.pk).exists():
        raise ServiceError(_("This enterprise is outside your data scope."), field="enterprise")


@transaction.atomic
def diagnosis_create(
    *, actor: Any, data: dict[str, Any], recommendations: list[dict[str, Any]] | None = None
) -> Diagnosis:
    """Record a diagnosis with its scores (the overall level worked out) and its recommendations."""
    _require_diagnosis_writer(actor, data.get("enterprise"))
    data = {k: v for k, v in data.items() if k != "level"}
    data["level"] = overall_level(data)
    diagnosis = core_services.object_create(model=Diagnosis, actor=actor, data=data)
    for i, rec in enumerate(recommendations or []):
        try:
            recommendation_add(diagnosis=diagnosis, actor=actor, **rec)
        except ServiceError as exc:
            raise ServiceError(
                _("Recommendation %(n)s: %(message)s") % {"n": i + 1, "message": exc.message},
                field=exc.field,
            ) from exc
    return diagnosis


@transaction.atomic
def diagnosis_update(
    *, diagnosis: Diagnosis, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Diagnosis:
    _require_diagnosis_writer(actor, data.get("enterprise", diagnosis.enterprise))
    if not can_write(actor, diagnosis):
        raise WorkflowForbidden(_("This diagnosis is outside your data scope."))
    data = {k: v for k, v in data.items() if k != "level"}
    merged = {name: data.get(name, getattr(diagnosis, name)) for name in DIMENSION_NAMES}
    data["level"] = overall_level(merged)
    return core_services.object_update(
        instance=diagnosis, actor=actor, data=data, expected_version=expected_version
    )


@transaction.atomic
def recommendation_add(
    *,
    diagnosis: Diagnosis,
    actor: Any,
    text: str,
    dimension: str = "",
    estimated_wan: Decimal | None = None,
) -> Recommendation:
    if not is_editor(actor) or not can_write(actor, diagnosis):
        raise WorkflowForbidden(_("Your role may not change this diagnosis."))
    if not (text or "").strip():
        raise ServiceError(_("Write the recommendation."), field="text")
    if dimension and dimension not in DIMENSION_NAMES:
        raise ServiceError(_("Unknown dimension."), field="dimension")
    if estimated_wan is not None and estimated_wan < 0:
        raise ServiceError(_("The amount cannot be negative."), field="estimated_wan")
    rec = Recommendation.objects.create(
        diagnosis=diagnosis,
        text=text.strip()[:500],
        dimension=dimension or "",
        estimated_wan=estimated_wan,
    )
    audit.record(
        actor=actor,
        event_type="recommendation_add",
        obj=rec,
        detail={"diagnosis": diagnosis.pk},
    )
    return rec


@transaction.atomic
def recommendation_convert(
    *,
    recommendation: Recommendation,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Project:
    """A recommendation becomes an upgrade project (技改 / 数字化改造: Project.Kind.UPGRADE) in the project
    register, with the firm as investor, in the firm's district; the recommendation names the project."""
    if not Recommendation.objects.for_user(actor).filter(pk=recommendation.pk).exists():
        raise WorkflowForbidden(_("This recommendation is outside your data scope."))
    locked = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("diagnosis__enterprise__region")
        .get(pk=recommendation.pk)
    )
    if not is_editor(actor) or not can_write(actor, locked.diagnosis):
        raise WorkflowForbidden(_("Your role may not start projects for this firm."))
    _stale(locked, expected_version)
    if locked.project_id is not None:
        raise WorkflowConflict(_("This recommendation is already a project."))
    firm = locked.diagnosis.enterprise
    chain, segment = data.get("chain"), data.get("segment")
    if chain is None:
        raise ServiceError(_("Name the chain."), field="chain")
    if segment is not None and segment.chain_id != chain.pk:
        raise ServiceError(_("The segment belongs to another chain."), field="segment")
    investment = data.get("total_investment_yi")
    if investment is None:
        if locked.estimated_wan is None:
            raise ServiceError(_("Give the total investment."), field="total_investment_yi")
        investment = (locked.estimated_wan / Decimal(10000)).quantize(Decimal("0.0001"))
    name = (data.get("name") or "").strip() or _("%(firm)s digital upgrade: %(what)s") % {
        "firm": firm.name,
        "what": locked.text,
    }
    project = project_create(
        actor=actor,
        data={
            "name": name[:200],
            "chain": chain,
            "segment": segment,
            "district": data.get("district") or firm.region,
            "investor": firm,
            "kind": Project.Kind.UPGRADE,
            "total_investment_yi": investment,
            "owner": _user(actor),
            "description": _("From the digital diagnosis of %(date)s by %(provider)s: %(text)s")
            % {
                "date": locked.diagnosis.diagnosed_on.isoformat(),
                "provider": locked.diagnosis.provider,
                "text": locked.text,
            },
        },
    )
    locked.project = project
    locked.converted_at = timezone.now()
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="recommendation_convert",
        obj=locked,
        detail={"project": project.pk, "code": project.code},
    )
    return project
