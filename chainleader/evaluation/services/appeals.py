"""Appeals (申诉): submitted by the firm or its district, checked by the district, decided by the office."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.models import Role
from chainleader.accounts.policy import firm_of, is_office
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.enterprises.models import Enterprise, YearFigure

from .. import evidence as evidence_files
from ..models import (
    Appeal,
    EvaluationResult,
    EvaluationRun,
)
from .common import APPEAL_FIELD_NAMES, AS, S, _check_version, _require_office, _role
from .runs import _rescore


def _district_of(actor: Any, enterprise_id: int) -> bool:
    """A district user whose territory holds the firm (its writable scope: no city chains)."""
    return (
        _role(actor) == Role.DISTRICT
        and Enterprise.objects.for_user(actor, write=True).filter(pk=enterprise_id).exists()
    )


def _the_firm(actor: Any, enterprise_id: int) -> bool:
    return firm_of(actor) == enterprise_id


def may_appeal(result: EvaluationResult, user: Any) -> bool:
    """Whether the page offers the appeal form (the service decides again)."""
    return result.run.status == S.REVIEWING and (
        _the_firm(user, result.enterprise_id) or _district_of(user, result.enterprise_id)
    )


def appeal_actions(appeal: Appeal, user: Any) -> list[str]:
    if appeal.result.run.status != S.REVIEWING:
        return []
    if appeal.status == AS.SUBMITTED and _district_of(user, appeal.enterprise_id):
        return ["check"]
    if appeal.status == AS.DISTRICT_CHECKED and is_office(user):
        return ["decide"]
    return []


def _figure_value(field: str, value: Any) -> Any:
    """``value`` as the YearFigure field stores it; ServiceError when it does not fit the field."""
    model_field: Any = YearFigure._meta.get_field(field)
    number = Decimal(str(value))
    if field == "employees":
        if number != number.to_integral_value() or number < 0:
            raise ServiceError(_("Give a whole number of employees."), field="claimed_value")
        number = Decimal(int(number))
    else:
        if number < 0 and field != "tax_wan":  # tax may be negative (refunds), as in the import
            raise ServiceError(_("Must not be negative."), field="claimed_value")
        places = Decimal(10) ** -model_field.decimal_places
        if number.quantize(places) != number:
            raise ServiceError(
                _("Give at most %(places)s decimal places.")
                % {"places": model_field.decimal_places},
                field="claimed_value",
            )
        number = number.quantize(places)  # 1500.000 (as the appeal stores it) is 1500.00
    try:
        return model_field.clean(int(number) if field == "employees" else number, None)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="claimed_value") from None


@transaction.atomic
def appeal_submit(
    *,
    result: EvaluationResult,
    actor: Any,
    field: str,
    claimed_value: Decimal,
    evidence: Any,
    note: str = "",
) -> Appeal:
    """A firm, or its district, appeals one input figure of the firm's result with evidence (申诉)."""
    if not EvaluationResult.objects.for_user(actor).filter(pk=result.pk).exists():
        raise WorkflowForbidden(_("This result is outside your data scope."))
    result = EvaluationResult.objects.select_related("run", "enterprise").get(pk=result.pk)
    if not (_the_firm(actor, result.enterprise_id) or _district_of(actor, result.enterprise_id)):
        raise WorkflowForbidden(_("Only the firm itself or its district may appeal its result."))
    if result.run.status != S.REVIEWING:
        raise WorkflowConflict(_("Appeals are taken only while the run is in review."))
    if field not in APPEAL_FIELD_NAMES:
        raise ServiceError(_("Choose one of the evaluation's figures."), field="field")
    if evidence is None:
        raise ServiceError(_("Attach the evidence."), field="evidence")
    problem = evidence_files.evidence_problem(evidence)
    if problem:
        raise ServiceError(problem, field="evidence")
    if Appeal.objects.filter(result=result, field=field).exclude(status=AS.DECIDED).exists():
        raise WorkflowConflict(_("This figure already has an open appeal."))
    figure = YearFigure.objects.filter(
        enterprise_id=result.enterprise_id, year=result.run.year
    ).first()
    if figure is None:
        raise ServiceError(_("The firm has no figures for the run's year any more."))
    claimed = _figure_value(field, claimed_value)
    current = getattr(figure, field)
    if current is not None and Decimal(str(current)) == Decimal(str(claimed)):
        raise ServiceError(_("The claimed value is the value already used."), field="claimed_value")
    name, original = evidence_files.store(evidence)
    appeal = Appeal(
        result=result,
        enterprise_id=result.enterprise_id,
        field=field,
        current_value=current,
        claimed_value=claimed,
        evidence_name=original,
        note=(note or "").strip(),
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=timezone.now(),
        score_before=result.score,
        grade_before=result.grade,
    )
    appeal.evidence.name = name
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        raise WorkflowConflict(_("This figure already has an open appeal.")) from None
    audit.record(
        actor=actor,
        event_type="appeal_submit",
        obj=appeal,
        detail={"run": result.run_id, "result": result.pk, "field": field},
    )
    return appeal


def _lock_appeal(appeal: Appeal, actor: Any) -> Appeal:
    if not Appeal.objects.for_user(actor).filter(pk=appeal.pk).exists():
        raise WorkflowForbidden(_("This appeal is outside your data scope."))
    return Appeal.objects.select_for_update().select_related("result__run").get(pk=appeal.pk)


@transaction.atomic
def appeal_district_check(
    *,
    appeal: Appeal,
    actor: Any,
    supports: bool,
    note: str,
    expected_version: int | None = None,
) -> Appeal:
    """The district checks the firm's data behind the appeal (区县核实) and gives its opinion."""
    locked = _lock_appeal(appeal, actor)
    if not _district_of(actor, locked.enterprise_id):
        raise WorkflowForbidden(_("Only the district of the firm's territory checks its appeal."))
    if locked.result.run.status != S.REVIEWING:
        raise WorkflowConflict(_("The run is no longer in review."))
    if locked.status != AS.SUBMITTED:
        raise WorkflowConflict(
            _("An appeal in status “%(status)s” cannot be checked.")
            % {"status": locked.get_status_display()}
        )
    _check_version(locked, expected_version)
    if not (note or "").strip():
        raise ServiceError(_("Say what the district found."), field="note")
    locked.status = AS.DISTRICT_CHECKED
    locked.checked_by = actor if getattr(actor, "pk", None) else None
    locked.checked_at = timezone.now()
    locked.district_supports = bool(supports)
    locked.check_note = note.strip()
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="appeal_check",
        obj=locked,
        detail={"from": AS.SUBMITTED, "to": AS.DISTRICT_CHECKED, "supports": bool(supports)},
    )
    return locked


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    actor: Any,
    accepted: bool,
    note: str,
    expected_version: int | None = None,
) -> Appeal:
    """The office decides (裁定). Accepted: the figure is changed and the run's year is re-scored."""
    locked = _lock_appeal(appeal, actor)
    _require_office(actor, _("Only the office decides appeals."))
    run = EvaluationRun.objects.select_for_update().get(pk=locked.result.run_id)
    if run.status == S.PUBLISHED:
        raise WorkflowConflict(
            _("The run is published: its classes are final and appeals can no longer be decided.")
        )
    if run.status != S.REVIEWING:
        raise WorkflowConflict(_("The run is not in review."))
    if locked.status != AS.DISTRICT_CHECKED:
        raise WorkflowConflict(
            _("An appeal in status “%(status)s” cannot be decided: the district checks it first.")
            % {"status": locked.get_status_display()}
        )
    _check_version(locked, expected_version)
    if not (note or "").strip():
        raise ServiceError(_("Give the reason for the decision."), field="note")
    result = EvaluationResult.objects.get(pk=locked.result_id)
    locked.score_before, locked.grade_before = result.score, result.grade
    if accepted:
        figure = YearFigure.objects.filter(
            enterprise_id=locked.enterprise_id, year=run.year
        ).first()
        if figure is None:
            raise ServiceError(_("The firm has no figures for the run's year any more."))
        # The enterprises' own update path: optimistic lock, history row and audit row.
        core_services.object_update(
            instance=figure,
            actor=actor,
            data={locked.field: _figure_value(locked.field, locked.claimed_value)},
            expected_version=figure.version,
        )
        _rescore(run=run, actor=actor, cause={"appeal": locked.pk, "field": locked.field})
        result.refresh_from_db()
    locked.status = AS.DECIDED
    locked.outcome = Appeal.Outcome.ACCEPTED if accepted else Appeal.Outcome.REJECTED
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.score_after, locked.grade_after = result.score, result.grade
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="appeal_decide",
        obj=locked,
        detail={
            "from": AS.DISTRICT_CHECKED,
            "to": AS.DECIDED,
            "outcome": locked.outcome,
            "class_before": locked.grade_before,
            "class_after": locked.grade_after,
        },
    )
    return locked
