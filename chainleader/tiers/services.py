"""Writes of the tier pipeline: candidates and their steps, the city's targets, the import of applications and
results. Each write is one transaction with its audit row; who may write is accounts.policy's.

| step      | from                 | to         | rule                                                              |
|-----------|----------------------|------------|-------------------------------------------------------------------|
| apply     | candidate            | applied    | an editor with the firm in its writable scope; the date applied   |
| recognise | applied              | recognised | the result date; the title is recorded on the firm (EnterpriseTier; 升规: 规上) |
| reject    | applied              | rejected   | the result date and why                                           |
| withdraw  | candidate, applied   | withdrawn  | why                                                               |

A wrong role is WorkflowForbidden (403), a wrong state WorkflowConflict (409); either way nothing changes.
The verdict stored on a candidate is the engine's on every figure the registry holds (not on what the writer may
see), so that it does not depend on who added the firm; the criteria page works it out again for its reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.accounts.policy import can_write, is_editor, is_office
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import attachment_problem
from chainleader.core.imports import ImportJob, ImportPlan, headers_of, import_service
from chainleader.engines import tier_criteria as engine
from chainleader.engines.tier_rules import RULES
from chainleader.enterprises.lookups import FirmResolver
from chainleader.enterprises.models import Enterprise, EnterpriseTier

from . import selectors
from .importers import CANDIDATE_COLUMNS
from .models import Tier, TierCandidate, TierTarget, rule_key

Status = TierCandidate.Status
STEPS: dict[str, tuple[str, ...]] = {
    Status.APPLIED: (Status.CANDIDATE,),
    Status.RECOGNISED: (Status.APPLIED,),
    Status.REJECTED: (Status.APPLIED,),
    Status.WITHDRAWN: (Status.CANDIDATE, Status.APPLIED),
}
# Tiers whose recognition is a title in the registry (EnterpriseTier); 升规 sets the firm's 规上 flag instead.
TITLE_TIERS = {c.value for c in EnterpriseTier.Tier}


def _require_writer(actor: Any, candidate: TierCandidate | None = None) -> None:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change the tier pipeline."))
    if candidate is not None and not can_write(actor, candidate):
        raise WorkflowForbidden(_("This candidate is outside your data scope."))


def _check_rule(tier: str, level: str) -> None:
    if rule_key(tier, level) not in RULES:
        raise ServiceError(
            _("The pipeline has no criteria for %(tier)s at this level.")
            % {"tier": Tier(tier).label if tier in Tier.values else tier},
            field="level",
        )


def system_verdict(candidate: TierCandidate) -> engine.Verdict:
    """The engine's verdict on every figure the registry holds (the stored one)."""
    facts = selectors.facts_for(
        None, [candidate.enterprise], candidate.year, {candidate.enterprise_id: candidate}
    )
    return engine.evaluate(candidate.rule_key, facts[candidate.enterprise_id])


def _store_verdict(candidate: TierCandidate) -> None:
    verdict = system_verdict(candidate)
    candidate.verdict = verdict.outcome
    candidate.verdict_summary = verdict.summary()[:2000]
    candidate.checked_at = timezone.now()


@transaction.atomic
def candidate_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    tier: str,
    level: str,
    year: int,
    data: dict[str, Any] | None = None,
) -> TierCandidate:
    """Add a firm to the pipeline of one tier and year (status 候选), with the engine's verdict."""
    _require_writer(actor)
    if not Enterprise.objects.for_user(actor, write=True).filter(pk=enterprise.pk).exists():
        raise ServiceError(_("This enterprise is outside your data scope."), field="enterprise")
    _check_rule(tier, level)
    data = {
        k: v for k, v in (data or {}).items() if k not in {"status", "verdict", "verdict_summary"}
    }
    if TierCandidate.objects.filter(
        enterprise=enterprise, tier=tier, level=level, year=year
    ).exists():
        raise ServiceError(_("This firm is already in the pipeline for this tier and year."))
    candidate = TierCandidate(
        enterprise=enterprise,
        tier=tier,
        level=level,
        year=year,
        owner=actor if getattr(actor, "pk", None) else None,
        **data,
    )
    _store_verdict(candidate)
    fields = {
        f.name: getattr(candidate, f.name)
        for f in TierCandidate._meta.concrete_fields
        if not f.primary_key and f.name not in ("version", "created_at", "updated_at")
    }
    return core_services.object_create(model=TierCandidate, actor=actor, data=fields)


def candidates_add(
    *, actor: Any, key: str, year: int, enterprise_ids: Iterable[int]
) -> list[TierCandidate]:
    """找候选 → 加入: add the chosen firms as candidates of ``key`` (tier:level) for ``year``; firms already in
    the pipeline for it are skipped."""
    _require_writer(actor)
    tier, level = selectors.split_rule(key)
    _check_rule(tier, level)
    ids = list(dict.fromkeys(int(i) for i in enterprise_ids))[:500]
    firms = Enterprise.objects.for_user(actor, write=True).filter(pk__in=ids)
    taken = set(
        TierCandidate.objects.filter(
            tier=tier, level=level, year=year, enterprise_id__in=ids
        ).values_list("enterprise_id", flat=True)
    )
    added = []
    with transaction.atomic():
        for firm in firms.select_related("industry"):
            if firm.pk in taken:
                continue
            added.append(
                candidate_create(actor=actor, enterprise=firm, tier=tier, level=level, year=year)
            )
    return added


EDITABLE = {*TierCandidate.DECLARED_FIELDS, "note", "owner", "applied_on", "decided_on"}


@transaction.atomic
def candidate_update(
    *, candidate: TierCandidate, actor: Any, data: dict[str, Any], expected_version: int | None
) -> TierCandidate:
    """Change what an application declares, the note, the owner or the dates; the status moves only through
    the steps. The verdict is worked out again."""
    _require_writer(actor, candidate)
    extra = set(data) - EDITABLE
    if extra:
        raise ServiceError(_("The status changes only through the pipeline steps."))
    probe = TierCandidate(
        **{
            **{
                f.attname: getattr(candidate, f.attname)
                for f in TierCandidate._meta.concrete_fields
            },
            **data,
        }
    )
    _store_verdict(probe)
    data = {
        **data,
        "verdict": probe.verdict,
        "verdict_summary": probe.verdict_summary,
        "checked_at": probe.checked_at,
    }
    return core_services.object_update(
        instance=candidate, actor=actor, data=data, expected_version=expected_version
    )


@transaction.atomic
def candidate_recheck(*, candidate: TierCandidate, actor: Any) -> TierCandidate:
    """Work the verdict out again (after new figures came in)."""
    _require_writer(actor, candidate)
    locked = TierCandidate.objects.select_for_update().get(pk=candidate.pk)
    before = locked.verdict
    _store_verdict(locked)
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="tier_recheck",
        obj=locked,
        detail={"from": before, "to": locked.verdict},
    )
    return locked


def _locked(candidate: TierCandidate, expected_version: int | None) -> TierCandidate:
    locked = TierCandidate.objects.select_for_update().get(pk=candidate.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    return locked


@transaction.atomic
def candidate_step(
    *,
    candidate: TierCandidate,
    actor: Any,
    to_status: str,
    on: date | None = None,
    note: str = "",
    attachment: Any = None,
    expected_version: int | None = None,
) -> TierCandidate:
    """Move a candidate on: 申报, 认定 (records the title on the firm), 未通过, 撤回; the step may carry its
    evidence (the application, the published list), which replaces the candidate's evidence file."""
    _require_writer(actor, candidate)
    if attachment:
        problem = attachment_problem(attachment)
        if problem:
            raise ServiceError(problem, field="attachment")
    if to_status not in STEPS:
        raise ServiceError(_("Unknown step."), field="to_status")
    locked = _locked(candidate, expected_version)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="on")
    if locked.status not in STEPS[to_status]:
        raise WorkflowConflict(
            _("A candidate that is %(status)s cannot become %(to)s.")
            % {"status": locked.get_status_display(), "to": Status(to_status).label}
        )
    if to_status in (Status.REJECTED, Status.WITHDRAWN) and not note.strip():
        raise ServiceError(_("Say why."), field="note")
    if to_status == Status.RECOGNISED and locked.applied_on and on < locked.applied_on:
        raise ServiceError(
            _("The result cannot come before the application (%(date)s).")
            % {"date": locked.applied_on.isoformat()},
            field="on",
        )
    before = locked.status
    locked.status = to_status
    if to_status == Status.APPLIED:
        locked.applied_on = on
    elif to_status in (Status.RECOGNISED, Status.REJECTED):
        locked.decided_on = on
    if note.strip():
        stamp = f"[{on.isoformat()} {Status(to_status).label}] {note.strip()}"
        locked.note = f"{locked.note}\n{stamp}".strip()
    if attachment:
        locked.evidence = attachment
    locked.version += 1
    locked.save()
    if to_status == Status.RECOGNISED:
        _record_title(locked, actor)
    audit.record(
        actor=actor,
        event_type="tier_step",
        obj=locked,
        detail={"from": before, "to": to_status, "on": on.isoformat(), "file": bool(attachment)},
    )
    return locked


def _record_title(candidate: TierCandidate, actor: Any) -> None:
    """A recognised candidate's title goes into the registry: an EnterpriseTier row, or 规上 for 升规."""
    firm = candidate.enterprise
    if candidate.tier == Tier.ABOVE_SIZE:
        if not firm.above_size:
            core_services.object_update(
                instance=firm, actor=actor, data={"above_size": True}, expected_version=None
            )
        return
    if candidate.tier not in TITLE_TIERS:
        return
    exists = EnterpriseTier.objects.filter(
        enterprise=firm, tier=candidate.tier, level=candidate.level, year=candidate.year
    ).exists()
    if not exists:
        core_services.object_create(
            model=EnterpriseTier,
            actor=actor,
            data={
                "enterprise": firm,
                "tier": candidate.tier,
                "level": candidate.level,
                "year": candidate.year,
            },
        )


# ---------------------------------------------------------------------------------------------- targets


def _require_target_writer(actor: Any, region: Any) -> None:
    """The office sets the city's targets; a district editor its own district's."""
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change tier targets."))
    if region is None and not is_office(actor):
        raise WorkflowForbidden(_("Only the chain-leader office sets the city's targets."))


def target_create(*, actor: Any, data: dict[str, Any]) -> TierTarget:
    _require_target_writer(actor, data.get("region"))
    return core_services.object_create(model=TierTarget, actor=actor, data=data)


def target_update(
    *, target: TierTarget, actor: Any, data: dict[str, Any], expected_version: int | None
) -> TierTarget:
    _require_target_writer(actor, target.region)
    _require_target_writer(actor, data.get("region", target.region))
    return core_services.object_update(
        instance=target, actor=actor, data=data, expected_version=expected_version
    )


def target_delete(*, target: TierTarget, actor: Any) -> None:
    _require_target_writer(actor, target.region)
    core_services.object_delete(instance=target, actor=actor)


# ----------------------------------------------------------------------------------------------- import

USCC = "统一社会信用代码"
HEADERS = headers_of(CANDIDATE_COLUMNS)
IMPORT_FIELDS = ("status", "applied_on", "decided_on", "note", *TierCandidate.DECLARED_FIELDS)


@import_service(TierCandidate)
def candidates_import(job: ImportJob[TierCandidate]) -> ImportPlan:
    """申报与认定结果: one row per firm, tier, level and year; new rows join the pipeline with the status given,
    stored ones take the file's status, dates and declared facts. A row that becomes 已认定 records the title on
    the firm, as the step does. All-or-nothing."""
    actor, rows = job.actor, job.rows
    if not is_editor(actor):
        job.error(None, "", "", _("Your role may not change the tier pipeline."))
        job.check()
    firms = FirmResolver(
        Enterprise.objects.for_user(actor, write=True), [r.values.get("uscc") for r in rows]
    )
    prepared: list[tuple[Any, Enterprise, str, str, int, dict[str, Any]]] = []
    duplicate = gettext_lazy("The same firm, tier, level and year is also in row %(row)s.")
    for row in rows:
        v = row.values
        firm = job.resolve(firms, row, USCC, v.get("uscc"))
        tier, level = v["tier"], v["level"]
        status = v.get("status") or Status.CANDIDATE
        if rule_key(tier, level) not in RULES:
            job.error(
                row.row,
                HEADERS["level"],
                v.get("level"),
                _("The pipeline has no criteria for this tier at this level."),
            )
        year = int(v["year"])
        if not 2000 <= year <= 2100:
            job.error(row.row, HEADERS["year"], v["year"], _("A year between 2000 and 2100."))
        for name in ("main_business_pct", "product_pct", "rd_staff_pct", "debt_pct"):
            pct = v.get(name)
            if isinstance(pct, Decimal) and not 0 <= pct <= 100:
                job.error(row.row, HEADERS[name], pct, _("A percentage between 0 and 100."))
        score = v.get("assessment_score")
        if score is not None and not 0 <= score <= 100:
            job.error(row.row, HEADERS["assessment_score"], score, _("A score between 0 and 100."))
        applied_on, decided_on = v.get("applied_on"), v.get("decided_on")
        if applied_on and decided_on and decided_on < applied_on:
            job.error(
                row.row,
                HEADERS["decided_on"],
                decided_on,
                _("The result cannot come before the application."),
            )
        if status in (Status.RECOGNISED, Status.REJECTED) and not decided_on:
            job.error(row.row, HEADERS["decided_on"], "", _("Give the date of the result."))
        if firm is None:
            continue
        if not job.first(
            row, (firm.pk, tier, level, year), column=USCC, value=v.get("uscc"), message=duplicate
        ):
            continue
        data = {f: v.get(f) for f in IMPORT_FIELDS if f != "status"}
        data["status"] = status
        prepared.append((row, firm, tier, level, year, data))
    job.check()
    stored = {
        (c.enterprise_id, c.tier, c.level, c.year): c
        for c in TierCandidate.objects.filter(
            enterprise_id__in=[p[1].pk for p in prepared]
        ).select_related("enterprise")
    }
    sources = {f: f for f in IMPORT_FIELDS}
    recognised: list[tuple[Any, Enterprise, str, str, int]] = []
    for row, firm, tier, level, year, data in prepared:
        label = f"{firm.name} {Tier(tier).label} {year}"
        current = stored.get((firm.pk, tier, level, year))
        given = job.present(data, sources)
        given["status"] = data["status"]
        if current is None:
            fresh = TierCandidate(
                enterprise=firm, tier=tier, level=level, year=year, owner=_user(actor), **given
            )
            _store_verdict(fresh)
            job.create(row, fresh, label)
        else:
            job.update(row, current, given, label=label, headers=HEADERS)
        if data["status"] == Status.RECOGNISED and (
            current is None or current.status != Status.RECOGNISED
        ):
            recognised.append((row, firm, tier, level, year))
    job.commit()
    for _row, firm, tier, level, year in recognised:
        probe = TierCandidate(enterprise=firm, tier=tier, level=level, year=year)
        _record_title(probe, actor)
    return job.record(recognised=len(recognised))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None
