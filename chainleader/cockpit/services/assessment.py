"""摘星夺旗 assessment: schemes, bonus and deduction items, runs (compute → review → publish). The office alone
writes; every step is one transaction with its audit row. Published runs are never changed: a correction is a
new run of the scheme (docs/decisions/0027)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.policy import is_office
from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.engines import assessment as engine
from chainleader.reference.models import Region

from .. import metrics
from ..models import (
    Adjustment,
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    Period,
    SubjectKind,
)

S = AssessmentRun.Status


def _require_office(actor: Any) -> None:
    if not is_office(actor):
        raise WorkflowForbidden(_("Only the office runs the assessment."))


def _check_version(obj: Any, expected_version: int | None) -> None:
    from chainleader.core.exceptions import StaleEdit

    if expected_version is not None and int(expected_version) != obj.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )


def clean_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items as stored: known metrics, each once, weights not negative, at least one weighted."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in items:
        try:
            item = engine.Item.from_json(raw)
            item.check(list(metrics.METRICS))
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceError(
                _("Item %(item)s: %(error)s") % {"item": raw.get("metric", "?"), "error": exc},
                field="items",
            ) from exc
        if item.metric in seen:
            raise ServiceError(
                _("Item %(item)s is listed twice.") % {"item": item.metric}, field="items"
            )
        seen.add(item.metric)
        if item.weight > 0:
            out.append(item.to_json())
    if not out:
        raise ServiceError(_("Give at least one item a weight above 0."), field="items")
    return out


def _check_scheme_data(data: dict[str, Any]) -> dict[str, Any]:
    year = int(data.get("year") or 0)
    if not 2000 <= year <= 2100:
        raise ServiceError(_("Give a year between 2000 and 2100."), field="year")
    if data.get("period") not in Period.values:
        raise ServiceError(_("Choose a period."), field="period")
    if data.get("subject_kind") not in SubjectKind.values:
        raise ServiceError(_("Choose chains or districts."), field="subject_kind")
    if not str(data.get("name") or "").strip():
        raise ServiceError(_("Give the scheme a name."), field="name")
    return {
        "name": str(data["name"]).strip(),
        "year": year,
        "period": data["period"],
        "subject_kind": data["subject_kind"],
        "items": clean_items(list(data.get("items") or [])),
        "awards": max(int(data.get("awards") or 0), 0),
        "note": str(data.get("note") or ""),
    }


@transaction.atomic
def scheme_save(
    *,
    actor: Any,
    data: dict[str, Any],
    scheme: AssessmentScheme | None = None,
    expected_version: int | None = None,
) -> AssessmentScheme:
    """Create a scheme, or change one that has no published run (a published one stays as it was scored)."""
    _require_office(actor)
    values = _check_scheme_data(data)
    if scheme is None:
        scheme = AssessmentScheme.objects.create(created_by=actor, **values)
        audit.record(actor=actor, event_type="assessment_scheme_create", obj=scheme, detail=values)
        return scheme
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    _check_version(scheme, expected_version)
    if scheme.runs.filter(status=S.PUBLISHED).exists():
        raise WorkflowConflict(
            _("This scheme has a published run: make a new scheme for another assessment.")
        )
    for k, v in values.items():
        setattr(scheme, k, v)
    scheme.version += 1
    scheme.save()
    audit.record(actor=actor, event_type="assessment_scheme_update", obj=scheme, detail=values)
    return scheme


@transaction.atomic
def adjustment_add(
    *,
    actor: Any,
    scheme: AssessmentScheme,
    points: Decimal,
    reason: str,
    chain: Chain | None = None,
    region: Region | None = None,
    evidence: str = "",
    evidence_file: Any = None,
) -> Adjustment:
    """A bonus (points > 0) or deduction (< 0) for one subject of the scheme, with its reason."""
    _require_office(actor)
    if not reason.strip():
        raise ServiceError(_("Give the reason."), field="reason")
    if points == 0:
        raise ServiceError(
            _("Give the points: above 0 for a bonus, below 0 for a deduction."), field="points"
        )
    if scheme.subject_kind == SubjectKind.CHAIN:
        if chain is None or chain.level != Chain.Level.CITY:
            raise ServiceError(_("Choose one of the city's chains."), field="chain")
        region = None
    else:
        keys = {k for k, _label in metrics.subjects(SubjectKind.DISTRICT)}
        if region is None or region.code not in keys:
            raise ServiceError(_("Choose one of the city's districts."), field="region")
        chain = None
    adj = Adjustment(
        scheme=scheme,
        chain=chain,
        region=region,
        points=points,
        reason=reason.strip(),
        evidence=evidence,
        created_by=actor,
    )
    if evidence_file:
        from chainleader.core.files import attachment_problem

        problem = attachment_problem(evidence_file)
        if problem:
            raise ServiceError(problem, field="evidence_file")
        adj.evidence_file = evidence_file
    adj.save()
    audit.record(
        actor=actor,
        event_type="assessment_adjustment_add",
        obj=adj,
        detail={
            "scheme": scheme.pk,
            "subject": adj.subject_label,
            "points": points,
            "reason": reason,
        },
    )
    return adj


def _subject_fk(kind: str, key: str, regions: dict[str, int]) -> dict[str, Any]:
    if kind == SubjectKind.CHAIN:
        return {"chain_id": int(key)}
    return {"region_id": regions[key]}


@transaction.atomic
def run_compute(*, actor: Any, scheme: AssessmentScheme, note: str = "") -> AssessmentRun:
    """Score every subject of the scheme on the period's figures: a draft run with each subject's breakdown."""
    _require_office(actor)
    items = scheme.engine_items()
    kind = scheme.subject_kind
    subjects = metrics.subjects(kind)
    if not subjects:
        raise ServiceError(_("There is nothing to assess: no city chains or districts."))
    cols = metrics.columns(kind, scheme.year, scheme.period, [i.metric for i in items], actor=actor)
    adjustments = [
        engine.Adjustment(subject=a.subject_key, points=float(a.points), reason=a.reason)
        for a in scheme.adjustments.select_related("region").order_by("pk")
    ]
    try:
        scores = engine.score(subjects, cols, items, adjustments, awards=scheme.awards)
    except engine.SchemeError as exc:
        raise ServiceError(str(exc)) from exc
    start, end = metrics.period_range(scheme.year, scheme.period)
    run = AssessmentRun.objects.create(
        scheme=scheme,
        scheme_json={
            "name": scheme.name,
            "year": scheme.year,
            "period": scheme.period,
            "subject_kind": kind,
            "items": [i.to_json() for i in items],
            "awards": scheme.awards,
        },
        period_start=start,
        period_end=end,
        computed_at=timezone.now(),
        created_by=actor,
        note=note,
    )
    regions = (
        dict(Region.objects.filter(code__in=[k for k, _l in subjects]).values_list("code", "pk"))
        if kind == SubjectKind.DISTRICT
        else {}
    )
    AssessmentScore.objects.bulk_create(
        [
            AssessmentScore(
                run=run,
                subject_kind=kind,
                label=s.label,
                total=s.total,
                rank=s.rank,
                awarded=s.award,
                breakdown=s.breakdown(),
                **_subject_fk(kind, s.subject, regions),
            )
            for s in scores
        ]
    )
    audit.record(
        actor=actor,
        event_type="assessment_run_compute",
        obj=run,
        detail={"scheme": scheme.pk, "subjects": len(scores)},
    )
    return run


@transaction.atomic
def run_review_open(*, actor: Any, run: AssessmentRun) -> AssessmentRun:
    _require_office(actor)
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != S.DRAFT:
        raise WorkflowConflict(_("Only a draft run goes to review."))
    run.status, run.review_opened_at = S.REVIEWING, timezone.now()
    run.save(update_fields=["status", "review_opened_at"])
    audit.record(actor=actor, event_type="assessment_run_review", obj=run)
    return run


@transaction.atomic
def run_publish(*, actor: Any, run: AssessmentRun) -> AssessmentRun:
    """Publish a run in review: districts and chain leaders then read its ranking; it is never changed again."""
    _require_office(actor)
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != S.REVIEWING:
        raise WorkflowConflict(_("Only a run in review is published."))
    run.status, run.published_at, run.published_by = S.PUBLISHED, timezone.now(), actor
    run.save(update_fields=["status", "published_at", "published_by"])
    audit.record(actor=actor, event_type="assessment_run_publish", obj=run)
    return run


@transaction.atomic
def run_discard(*, actor: Any, run: AssessmentRun) -> None:
    """Delete a draft or a run in review (a published run is history and stays)."""
    _require_office(actor)
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status == S.PUBLISHED:
        raise WorkflowConflict(_("A published run is kept: compute a new run to correct it."))
    audit.record(actor=actor, event_type="assessment_run_discard", obj=run)
    run.delete()
