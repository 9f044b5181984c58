"""Writes on growth plans: plans, their years and measures (一企一策), and the all-or-nothing Excel import. Every
write checks the role and scope (accounts.policy), runs in one transaction and leaves an audit row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.accounts.models import OrgUnit
from chainleader.accounts.policy import can_write, is_editor
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.excel import ParsedRow
from chainleader.core.exceptions import ServiceError, WorkflowForbidden
from chainleader.core.imports import ImportJob, ImportPlan, headers_of, import_service
from chainleader.core.querysets import scope_for
from chainleader.enterprises.models import Enterprise

from .importers import MEASURE_COLUMNS, PLAN_COLUMNS
from .models import GrowthPlan, Measure, PlanYear

PLAN_FIELDS = [
    "kind",
    "target_year",
    "base_revenue_wan",
    "target_revenue_wan",
    "base_tax_wan",
    "target_tax_wan",
    "base_investment_wan",
    "target_investment_wan",
    "status",
    "notes",
]
PLAN_HEADERS = headers_of(PLAN_COLUMNS)
MEASURE_HEADERS = headers_of(MEASURE_COLUMNS)


def _require_writer(actor: Any, obj: Any = None) -> None:
    # Plans hold confidential figures: the editors who write them are those granted the figures.
    if not is_editor(actor) or not scope_for(actor).confidential:
        raise WorkflowForbidden(_("Your role may not change growth plans."))
    if obj is not None and not can_write(actor, obj):
        raise WorkflowForbidden(_("This growth plan is outside your data scope."))


def _check_firm(actor: Any, enterprise: Enterprise | None) -> None:
    if (
        enterprise is not None
        and not Enterprise.objects.for_user(actor, write=True).filter(pk=enterprise.pk).exists()
    ):
        raise ServiceError(_("This enterprise is outside your data scope."), field="enterprise")


def plan_create(*, actor: Any, data: dict[str, Any]) -> GrowthPlan:
    _require_writer(actor)
    _check_firm(actor, data.get("enterprise"))
    return core_services.object_create(model=GrowthPlan, actor=actor, data=data)


def plan_update(
    *, plan: GrowthPlan, actor: Any, data: dict[str, Any], expected_version: int | None
) -> GrowthPlan:
    _require_writer(actor, plan)
    if "enterprise" in data and data["enterprise"] != plan.enterprise:
        _check_firm(actor, data["enterprise"])
    return core_services.object_update(
        instance=plan, actor=actor, data=data, expected_version=expected_version
    )


def plan_delete(*, plan: GrowthPlan, actor: Any) -> None:
    _require_writer(actor, plan)
    core_services.object_delete(instance=plan, actor=actor)


def _check_year(plan: GrowthPlan, year: int | None) -> None:
    if year is not None and not plan.base_year < year <= plan.target_year:
        raise ServiceError(
            _("The year must be after the base year and no later than the target year."),
            field="year",
        )


def plan_year_save(
    *,
    plan: GrowthPlan,
    actor: Any,
    data: dict[str, Any],
    instance: PlanYear | None = None,
    expected_version: int | None = None,
) -> PlanYear:
    """Add or change one year's explicit targets (and the investment made that year)."""
    _require_writer(actor, plan)
    _check_year(plan, data.get("year", instance.year if instance else None))
    if instance is None:
        return core_services.object_create(model=PlanYear, actor=actor, data={"plan": plan, **data})
    return core_services.object_update(
        instance=instance, actor=actor, data=data, expected_version=expected_version
    )


def _check_unit(actor: Any, unit: OrgUnit | None) -> None:
    if unit is not None and unit.kind == OrgUnit.Kind.ENTERPRISE:
        raise ServiceError(
            _("The responsible unit must be a department, district, team or the office."),
            field="responsible_unit",
        )


def measure_save(
    *,
    plan: GrowthPlan,
    actor: Any,
    data: dict[str, Any],
    instance: Measure | None = None,
    expected_version: int | None = None,
) -> Measure:
    """Add or change a measure of 一企一策; marking it done dates it (today unless given)."""
    _require_writer(actor, plan)
    _check_unit(actor, data.get("responsible_unit"))
    if data.get("done") and not data.get("done_on"):
        data = {**data, "done_on": (instance.done_on if instance else None) or timezone.localdate()}
    if "done" in data and not data["done"]:
        data = {**data, "done_on": None}
    if instance is None:
        return core_services.object_create(model=Measure, actor=actor, data={"plan": plan, **data})
    return core_services.object_update(
        instance=instance, actor=actor, data=data, expected_version=expected_version
    )


@transaction.atomic
def measure_mark_done(*, measure: Measure, actor: Any, on: date | None = None) -> Measure:
    """Close a measure (一企一策 落实): done, with its date; one audit row."""
    _require_writer(actor, measure.plan)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if locked.done:
        raise ServiceError(_("This measure is already done."))
    locked.done = True
    locked.done_on = on or timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["done", "done_on", "version", "updated_at"])
    audit.record(
        actor=actor,
        event_type="growth_measure_done",
        obj=locked,
        detail={"plan": locked.plan_id, "on": locked.done_on.isoformat()},
    )
    return locked


# --- imports ----------------------------------------------------------------------------------------------


def _firms(actor: Any, rows: Any) -> dict[str, int]:
    return dict(Enterprise.objects.for_user(actor, write=True).values_list("uscc", "pk"))


@import_service(GrowthPlan)
def plans_import(job: ImportJob[GrowthPlan]) -> ImportPlan:
    """Import plans (倍增计划) keyed by credit code and base year; all-or-nothing, every row error named."""
    actor, rows = job.actor, job.rows
    if not is_editor(actor) or not scope_for(actor).confidential:
        job.error(None, "", "", _("Your role may not change growth plans."))
        job.check()
    firms = _firms(actor, rows)
    prepared: list[tuple[ParsedRow, int, int, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        base_year, target_year = v["base_year"], v["target_year"]
        duplicate = gettext_lazy("Duplicate firm and base year: also in row %(row)s.")
        if not job.first(
            row,
            (v["uscc"], base_year),
            column=PLAN_HEADERS["base_year"],
            value=base_year,
            message=duplicate,
        ):
            continue
        ent = firms.get(v["uscc"])
        if ent is None:
            job.error(
                row.row,
                PLAN_HEADERS["uscc"],
                v["uscc"],
                _("No enterprise with this credit code in your scope."),
            )
            continue
        if target_year <= base_year:
            job.error(
                row.row,
                PLAN_HEADERS["target_year"],
                target_year,
                _("The target year must come after the base year."),
            )
        for f in GrowthPlan.CONFIDENTIAL_FIELDS:
            value = v.get(f)
            if value is not None and value < 0:
                job.error(row.row, PLAN_HEADERS[f], value, _("Must not be negative."))
        data = {f: v.get(f) for f in PLAN_FIELDS if f in v}
        for f, default in (
            ("kind", GrowthPlan.Kind.DOUBLING),
            ("status", GrowthPlan.Status.ACTIVE),
        ):
            if not data.get(f):
                data[f] = default
        data["notes"] = data.get("notes") or ""
        prepared.append((row, ent, base_year, data))
    job.check()
    current = {
        (p.enterprise_id, p.base_year): p
        for p in GrowthPlan.objects.filter(enterprise_id__in=[p[1] for p in prepared])
    }
    for row, ent, base_year, data in prepared:
        label = f"{row.values['uscc']} {base_year}"
        obj = current.get((ent, base_year))
        if obj is None:
            job.create(row, GrowthPlan(enterprise_id=ent, base_year=base_year, **data), label)
        else:
            job.update(row, obj, job.present(data), label=label, headers=PLAN_HEADERS)
    job.commit()
    return job.record(confidential=True)


@import_service(Measure)
def measures_import(job: ImportJob[Measure]) -> ImportPlan:
    """Import measures (一企一策) onto existing plans (credit code and base year); each row adds a measure, a
    row whose measure text the plan already has changes it. All-or-nothing."""
    actor, rows = job.actor, job.rows
    if not is_editor(actor) or not scope_for(actor).confidential:
        job.error(None, "", "", _("Your role may not change growth plans."))
        job.check()
    plans = {
        (uscc, base_year): pk
        for pk, uscc, base_year in GrowthPlan.objects.for_user(actor, write=True).values_list(
            "pk", "enterprise__uscc", "base_year"
        )
    }
    units = {u.name: u for u in OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)}
    existing = {(m.plan_id, m.text): m for m in Measure.objects.filter(plan_id__in=plans.values())}
    for row in rows:
        v = row.values
        plan = plans.get((v["uscc"], v["base_year"]))
        if plan is None:
            job.error(
                row.row,
                MEASURE_HEADERS["uscc"],
                v["uscc"],
                _("No growth plan of this firm and base year in your scope."),
            )
            continue
        text = (v.get("text") or "").strip()
        if not job.first(
            row,
            (plan, text),
            column=MEASURE_HEADERS["text"],
            value=text,
            message=gettext_lazy("Duplicate measure: also in row %(row)s."),
        ):
            continue
        unit = None
        if v.get("responsible_unit"):
            unit = units.get(v["responsible_unit"].strip())
            if unit is None:
                job.error(
                    row.row,
                    MEASURE_HEADERS["responsible_unit"],
                    v["responsible_unit"],
                    _("No unit of this name."),
                )
                continue
        done = bool(v.get("done"))
        data = {
            "responsible_unit": unit,
            "deadline": v.get("deadline"),
            "done": done,
            "done_on": v.get("done_on") if done else None,
        }
        obj = existing.get((plan, text))
        if obj is None:
            job.create(row, Measure(plan_id=plan, text=text, **data), text[:40])
        else:
            job.update(
                row,
                obj,
                job.present(data, {"responsible_unit": "responsible_unit"}),
                label=text[:40],
                headers=MEASURE_HEADERS,
            )
    job.commit()
    return job.record()
