"""Writes on projects: create and edit, the stage workflow (签约 → … → 纳统), monthly reports, 集中开工 batches."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chainleader.accounts.policy import can_write, is_editor
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import (
    ServiceError,
    StaleEdit,
    WorkflowConflict,
    WorkflowForbidden,
)

from ..models import (
    STAGE_ORDER,
    MonthlyReport,
    Project,
    Stage,
    StageChange,
    StartBatch,
    stage_index,
)
from .dates import month_start, today
from .lagging import projects_refresh_lagging

# The only moves the workflow allows: one stage forward (with evidence) or one stage back (with a reason).
FORWARD: dict[str, str] = dict(itertools.pairwise(STAGE_ORDER))
BACK: dict[str, str] = {after: before for before, after in FORWARD.items()}


def require_project_writer(project: Project, actor: Any) -> None:
    """Stage moves and reports: an editor role with the project in its writable scope."""
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change projects."))
    if not can_write(actor, project):
        raise WorkflowForbidden(_("This project is outside your data scope."))


def next_code(year: int) -> str:
    """XM<year>-<n>: the next free project code of the year."""
    prefix = f"XM{year}-"
    last = Project.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:05d}"


# --------------------------------------------------------------------------------------------- projects


@transaction.atomic
def project_create(*, actor: Any, data: dict[str, Any]) -> Project:
    """Register a project (项目入库) in stage 签约; the stage then moves only through the workflow."""
    data = dict(data)
    if not data.get("code"):
        data["code"] = next_code(today().year)
    data["stage"] = Stage.SIGNED
    signed_on = data.get("signed_on")
    if signed_on is not None and signed_on > today():
        raise ServiceError(_("The signing date cannot be in the future."), field="signed_on")
    project = core_services.object_create(model=Project, actor=actor, data=data)
    projects_refresh_lagging(project_ids=[project.pk])
    return project


def project_update(
    *, project: Project, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Project:
    """Change a project's registry data; stage and actual dates are not part of `data` (workflow only)."""
    blocked = {"stage", *(f"{s}_on" for s in STAGE_ORDER if s != Stage.SIGNED)} & set(data)
    if blocked:
        raise ServiceError(_("The stage changes only through the stage workflow."))
    if data.get("signed_on") and data["signed_on"] > today():
        raise ServiceError(_("The signing date cannot be in the future."), field="signed_on")
    updated = core_services.object_update(
        instance=project, actor=actor, data=data, expected_version=expected_version
    )
    projects_refresh_lagging(project_ids=[updated.pk])
    return updated


def _locked(project: Project, expected_version: int | None) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    return locked


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


@transaction.atomic
def project_advance_stage(
    *,
    project: Project,
    actor: Any,
    to_stage: str,
    happened_on: date | None,
    evidence: str,
    evidence_file: Any = None,
    expected_version: int | None = None,
) -> Project:
    """Move a project one stage forward (e.g. 备案 → 开工), recording who, when and the evidence."""
    require_project_writer(project, actor)
    locked = _locked(project, expected_version)
    if FORWARD.get(locked.stage) != to_stage:
        raise WorkflowConflict(
            _("A project in stage %(current)s cannot move forward to %(target)s.")
            % {"current": _stage_label(locked.stage), "target": _stage_label(to_stage)},
            field="to_stage",
        )
    if not (evidence or "").strip():
        raise ServiceError(
            _("Give the evidence for this stage (document number, inspection, photo ...)."),
            field="evidence",
        )
    happened_on = happened_on or today()
    if happened_on > today():
        raise ServiceError(_("The date cannot be in the future."), field="happened_on")
    previous = locked.actual_on(locked.stage)
    if previous is not None and happened_on < previous:
        raise ServiceError(
            _("The date cannot be before the date of the previous stage (%(date)s).")
            % {"date": previous},
            field="happened_on",
        )
    from_stage = locked.stage
    locked.stage = to_stage
    setattr(locked, f"{to_stage}_on", happened_on)
    locked.version += 1
    locked.save()
    change = StageChange(
        project=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        direction=StageChange.Direction.FORWARD,
        happened_on=happened_on,
        evidence=evidence.strip(),
        actor=actor,
        actor_name=audit.actor_name(actor),
    )
    if evidence_file:
        change.evidence_file = evidence_file
    change.save()
    audit.record(
        actor=actor,
        event_type="stage_advance",
        obj=locked,
        detail={
            "from": from_stage,
            "to": to_stage,
            "date": happened_on,
            "evidence": evidence.strip()[:200],
            "file": bool(evidence_file),
        },
    )
    projects_refresh_lagging(project_ids=[locked.pk])
    return locked


@transaction.atomic
def project_move_back(
    *, project: Project, actor: Any, to_stage: str, reason: str, expected_version: int | None = None
) -> Project:
    """Move a project one stage back (a stage recorded by mistake); needs a reason; the stage's date is cleared."""
    require_project_writer(project, actor)
    locked = _locked(project, expected_version)
    if BACK.get(locked.stage) != to_stage:
        raise WorkflowConflict(
            _("A project in stage %(current)s cannot move back to %(target)s.")
            % {"current": _stage_label(locked.stage), "target": _stage_label(to_stage)},
            field="to_stage",
        )
    if not (reason or "").strip():
        raise ServiceError(_("Moving a project back needs a reason."), field="reason")
    from_stage = locked.stage
    cleared = locked.actual_on(from_stage)
    setattr(locked, f"{from_stage}_on", None)
    locked.stage = to_stage
    locked.version += 1
    locked.save()
    StageChange.objects.create(
        project=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        direction=StageChange.Direction.BACK,
        reason=reason.strip(),
        actor=actor,
        actor_name=audit.actor_name(actor),
    )
    audit.record(
        actor=actor,
        event_type="stage_back",
        obj=locked,
        detail={
            "from": from_stage,
            "to": to_stage,
            "reason": reason.strip()[:200],
            "cleared": cleared,
        },
    )
    projects_refresh_lagging(project_ids=[locked.pk])
    return locked


def project_change_stage(*, project: Project, actor: Any, to_stage: str, **kwargs: Any) -> Project:
    """The one form on the project page: forward when the target is later, back when it is earlier."""
    if to_stage not in Stage.values:
        raise WorkflowConflict(_("Unknown stage."), field="to_stage")
    if stage_index(to_stage) > stage_index(project.stage):
        kwargs.pop("reason", None)
        return project_advance_stage(project=project, actor=actor, to_stage=to_stage, **kwargs)
    return project_move_back(
        project=project,
        actor=actor,
        to_stage=to_stage,
        reason=kwargs.get("reason", ""),
        expected_version=kwargs.get("expected_version"),
    )


# --------------------------------------------------------------------------------------------- monthly reports


def check_report_values(
    *, month: date, planned_yi: Decimal | None, completed_yi: Decimal | None
) -> list[tuple[str, str]]:
    """(field, message) for each problem with one month's figures; shared by the form path and the import."""
    problems = []
    if planned_yi is not None and planned_yi < 0:
        problems.append(("planned_yi", _("Investment cannot be negative.")))
    if completed_yi is not None and completed_yi < 0:
        problems.append(("completed_yi", _("Investment cannot be negative.")))
    if completed_yi is not None and month_start(month) > month_start(today()):
        problems.append(
            (
                "completed_yi",
                _("Completed investment can only be reported for past or current months."),
            )
        )
    return problems


@transaction.atomic
def report_save(
    *,
    project: Project,
    actor: Any,
    month: date,
    planned_yi: Decimal | None,
    completed_yi: Decimal | None,
    note: str = "",
    expected_version: int | None = None,
    report: MonthlyReport | None = None,
) -> MonthlyReport:
    """Report one month's planned and completed investment (月度投资调度); one row per project and month.

    ``report`` is the report being edited (None: a new one). A month that already has another report is refused
    with a field error naming it, never overwritten: the existing report is edited as a versioned change."""
    require_project_writer(project, actor)
    month = month_start(month)
    for field, message in check_report_values(
        month=month, planned_yi=planned_yi, completed_yi=completed_yi
    ):
        raise ServiceError(message, field=field)
    data = {
        "planned_yi": planned_yi if planned_yi is not None else Decimal("0"),
        "completed_yi": completed_yi,
        "note": note or "",
        "reported_by": actor if getattr(actor, "pk", None) else None,
    }
    existing = MonthlyReport.objects.filter(project=project, month=month).first()
    if existing is not None and (report is None or existing.pk != report.pk):
        raise ServiceError(
            _(
                "%(project)s already has a report for %(month)s (planned %(planned)s, completed "
                "%(completed)s, 100 million yuan): edit that report instead."
            )
            % {
                "project": project.name,
                "month": f"{month:%Y-%m}",
                "planned": existing.planned_yi.normalize(),
                "completed": "—"
                if existing.completed_yi is None
                else existing.completed_yi.normalize(),
            },
            field="month",
        )
    if report is None:
        report = core_services.object_create(
            model=MonthlyReport, actor=actor, data={"project": project, "month": month, **data}
        )
    else:
        report = core_services.object_update(
            instance=report,
            actor=actor,
            data={"month": month, **data},
            expected_version=expected_version,
        )
    projects_refresh_lagging(project_ids=[project.pk])
    return report


# --------------------------------------------------------------------------------------------- 集中开工 batches


def batch_save(
    *,
    batch: StartBatch,
    actor: Any,
    data: dict[str, Any],
    projects: list[Project],
    expected_version: int | None,
) -> StartBatch:
    """Create or change a 集中开工 batch; its projects must be writable by the user (in its territory or chains)."""
    writable = set(
        Project.objects.for_user(actor, write=True)
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )
    if len(writable) != len({p.pk for p in projects}):
        raise ServiceError(_("Some projects are outside your data scope."), field="projects")
    if batch.pk:
        # Keep the projects the user cannot see: they replace only their own part of the batch.
        hidden = list(batch.projects.exclude(pk__in=Project.objects.for_user(actor).values("pk")))
        return core_services.object_update(
            instance=batch,
            actor=actor,
            data=data,
            expected_version=expected_version,
            m2m={"projects": [*projects, *hidden]},
        )
    return core_services.object_create(
        model=StartBatch, actor=actor, data=data, m2m={"projects": projects}
    )
