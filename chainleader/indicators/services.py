"""Writes of the indicator system (decision 0026): the library (the office), targets and values (editors for the
subjects in their writable scope), the value import (all-or-nothing), the computed actuals, the chain targets'
counterparts, relocation flags, and the early warnings (raise, confirm into a four-list item, dismiss).

Every write checks the role and scope, runs in one transaction and leaves an audit row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.accounts.policy import can_write, is_editor, is_office
from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import attachment_problem
from chainleader.core.imports import ImportJob, ImportPlan, headers_of, import_service
from chainleader.engines import indicators as engine
from chainleader.enterprises.models import Enterprise, EnterpriseTier, YearFigure
from chainleader.evaluation.models import EvaluationResult, EvaluationRun
from chainleader.projects.models import MonthlyReport, Problem, Project
from chainleader.projects.services.notifications import chain_people, district_people, notify
from chainleader.reference.lookups import RegionResolver
from chainleader.reference.models import Region
from chainleader.worklists import services as worklist_services
from chainleader.worklists.models import WorkItem

from .importers import VALUE_COLUMNS
from .models import (
    ComputedKey,
    Direction,
    Frequency,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    RelocationFlag,
    Source,
    Warning,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "indicators.json"
VALUE_HEADERS = headers_of(VALUE_COLUMNS)
# Chain risk settings (decision 0026): an HHI above this on a leaf is concentrated supply (the usual
# "highly concentrated" line of 2500); a big project is one of at least 20亿; stalled is no completed investment
# over the last three monthly reports.
HHI_LEVEL = 2500.0
BIG_PROJECT_YI = Decimal("20")
STALLED_REPORTS = 3
MASTER_FALL_PCT = 0.0
LIBRARY_FIELDS = [
    "name",
    "group",
    "unit",
    "direction",
    "frequency",
    "kind",
    "level",
    "source",
    "computed_key",
    "formula",
    "reference",
    "order",
]


# --- the library --------------------------------------------------------------------------------------------


def _require_office(actor: Any) -> None:
    if not is_office(actor):
        raise WorkflowForbidden(_("Only the chain-leader office changes the indicator library."))


def indicator_create(*, actor: Any, data: dict[str, Any]) -> Indicator:
    _require_office(actor)
    return core_services.object_create(model=Indicator, actor=actor, data=data)


def indicator_update(
    *, indicator: Indicator, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Indicator:
    _require_office(actor)
    return core_services.object_update(
        instance=indicator, actor=actor, data=data, expected_version=expected_version
    )


def indicator_delete(*, indicator: Indicator, actor: Any) -> None:
    _require_office(actor)
    core_services.object_delete(instance=indicator, actor=actor)


def _dec(text: Any) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


@transaction.atomic
def load_indicators(path: Path | None = None, *, actor: Any = None) -> dict[str, int]:
    """Load the library and its targets from the data file written from the seeds (idempotent: by code, and by
    indicator, subject and target year). Returns counts of what was created and updated."""
    doc = json.loads((path or DATA_FILE).read_text(encoding="utf-8"))
    regions = {r.code: r for r in Region.objects.all()}
    counts = {"indicators": 0, "updated": 0, "targets": 0}
    for row in doc["indicators"]:
        fields = {f: row.get(f, "") for f in LIBRARY_FIELDS}
        fields["order"] = row.get("order", 0)
        ind, created = Indicator.objects.get_or_create(code=row["code"], defaults=fields)
        if not created:
            changed = [f for f, v in fields.items() if getattr(ind, f) != v]
            if changed:
                for f in changed:
                    setattr(ind, f, fields[f])
                ind.version += 1
                ind.save()
                counts["updated"] += 1
        else:
            counts["indicators"] += 1
        for t in row.get("targets", []):
            subject = t.get("subject", "city")
            region = None if subject == "city" else regions.get(subject)
            if subject != "city" and region is None:
                continue  # the region table does not hold this district (a test database)
            _target, made = IndicatorTarget.objects.update_or_create(
                indicator=ind,
                region=region,
                chain=None,
                target_year=t["target_year"],
                defaults={
                    "base_year": t.get("base_year"),
                    "base_value": _dec(t.get("base_value")),
                    "target_value": _dec(t.get("target_value")),
                    "note": t.get("note", "")[:200],
                },
            )
            counts["targets"] += int(made)
    if counts["indicators"] or counts["updated"] or counts["targets"]:
        audit.record(
            actor=actor,
            event_type="indicators_load",
            object_type="indicators.indicator",
            detail=counts,
            username="" if actor else "system",
        )
    return counts


# --- the chain targets' counterparts -------------------------------------------------------------------------


def _chain_indicator(name: str, unit: str, taken: set[str]) -> Indicator:
    found = Indicator.objects.filter(name=name).order_by("pk").first()
    if found is not None:
        return found
    n = 1
    while f"T{n:02d}" in taken:
        n += 1
    code = f"T{n:02d}"
    taken.add(code)
    return Indicator.objects.create(
        code=code,
        name=name[:100],
        group="产业链目标",
        unit=unit,
        level="chain",
        reference="chains.ChainTarget",
    )


@transaction.atomic
def sync_chain_targets(*, actor: Any = None, chain_ids: Iterable[int] | None = None) -> int:
    """Give each chain target (chains.ChainTarget) an indicator target of its chain: the indicator of the same
    name (made when missing, group 产业链目标), target year and value. ChainTarget stays the chain pages' record;
    this is its copy in the indicator system, with actuals from the indicator values. Returns rows written."""
    qs = ChainTarget.objects.all()
    if chain_ids is not None:
        qs = qs.filter(chain_id__in=list(chain_ids))
    taken = set(Indicator.objects.values_list("code", flat=True))
    written = 0
    for ct in qs.order_by("pk"):
        ind = _chain_indicator(ct.indicator, ct.unit, taken)
        current = IndicatorTarget.objects.filter(chain_target=ct).first()
        if current is None:
            current = IndicatorTarget.objects.filter(
                indicator=ind, chain_id=ct.chain_id, target_year=ct.year
            ).first()
        values = {
            "indicator": ind,
            "chain_id": ct.chain_id,
            "region": None,
            "target_year": ct.year,
            "target_value": ct.value,
            "chain_target": ct,
            "note": ct.note[:200],
        }
        if current is None:
            IndicatorTarget.objects.create(**values)
            written += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.version += 1
            current.save()
            written += 1
    if written:
        audit.record(
            actor=actor,
            event_type="indicators_chain_targets",
            object_type="indicators.indicatortarget",
            detail={"written": written},
            username="" if actor else "system",
        )
    return written


# --- targets and values ------------------------------------------------------------------------------------


def _require_editor(actor: Any) -> None:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change indicator targets or values."))


def _check_subject(actor: Any, region: Region | None, chain: Chain | None) -> None:
    if region is not None and chain is not None:
        raise ServiceError(
            _("A subject is the city, a district or a chain, not two."), field="chain"
        )
    if (
        chain is not None
        and not Chain.objects.for_user(actor, write=True).filter(pk=chain.pk).exists()
    ):
        raise ServiceError(_("This chain is outside your data scope."), field="chain")


def target_save(
    *,
    actor: Any,
    data: dict[str, Any],
    instance: IndicatorTarget | None = None,
    expected_version: int | None = None,
) -> IndicatorTarget:
    """Add or change a target of a subject the actor writes (the office: any, the city's included)."""
    _require_editor(actor)
    if instance is not None and not can_write(actor, instance):
        raise WorkflowForbidden(_("This target is outside your data scope."))
    merged = {
        "region": instance.region if instance else None,
        "chain": instance.chain if instance else None,
        **data,
    }
    _check_subject(actor, merged.get("region"), merged.get("chain"))
    if instance is None:
        return core_services.object_create(model=IndicatorTarget, actor=actor, data=data)
    return core_services.object_update(
        instance=instance, actor=actor, data=data, expected_version=expected_version
    )


def _check_manual(indicator: Indicator) -> None:
    if indicator.source == Source.COMPUTED:
        raise ServiceError(
            _("This indicator is computed from the platform's data, not entered."),
            field="indicator",
        )


def value_save(
    *,
    actor: Any,
    data: dict[str, Any],
    instance: IndicatorValue | None = None,
    expected_version: int | None = None,
) -> IndicatorValue:
    """Enter or correct one value (versioned: a stale edit is refused; audited)."""
    _require_editor(actor)
    if instance is not None and not can_write(actor, instance):
        raise WorkflowForbidden(_("This value is outside your data scope."))
    indicator = data.get("indicator") or (instance.indicator if instance else None)
    if indicator is not None:
        _check_manual(indicator)
    merged = {
        "region": instance.region if instance else None,
        "chain": instance.chain if instance else None,
        **data,
    }
    _check_subject(actor, merged.get("region"), merged.get("chain"))
    data = {**data, "source": Source.MANUAL}
    if instance is None:
        return core_services.object_create(model=IndicatorValue, actor=actor, data=data)
    return core_services.object_update(
        instance=instance, actor=actor, data=data, expected_version=expected_version
    )


def value_delete(*, value: IndicatorValue, actor: Any) -> None:
    _require_editor(actor)
    if not can_write(actor, value):
        raise WorkflowForbidden(_("This value is outside your data scope."))
    core_services.object_delete(instance=value, actor=actor)


def _period_top(frequency: str) -> int:
    tops: dict[str, int] = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4}
    return tops.get(frequency, 0)


@import_service(IndicatorValue)
def values_import(job: ImportJob[IndicatorValue]) -> ImportPlan:
    """Import values (one period per row: indicator code, district or chain or neither for the city, year,
    period, value). All-or-nothing: every row and field error named, nothing written on any."""
    actor, rows = job.actor, job.rows
    if not is_editor(actor):
        job.error(None, "", "", _("Your role may not change indicator targets or values."))
        job.check()
    indicators = {i.code: i for i in Indicator.objects.for_user(actor)}
    chains: dict[str, list[Chain]] = defaultdict(list)
    for c in Chain.objects.for_user(actor, write=True).select_related("region"):
        chains[c.name].append(c)
        chains[str(c)].append(c)
    resolver = RegionResolver(counties_only=True)
    prepared: list[tuple[Any, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        ind = indicators.get(v["code"])
        if ind is None:
            job.error(row.row, VALUE_HEADERS["code"], v["code"], _("No indicator with this code."))
            continue
        if ind.source == Source.COMPUTED:
            job.error(
                row.row,
                VALUE_HEADERS["code"],
                v["code"],
                _("This indicator is computed from the platform's data, not entered."),
            )
            continue
        region_id = chain_id = None
        if v.get("region") and v.get("chain"):
            job.error(
                row.row,
                VALUE_HEADERS["chain"],
                v["chain"],
                _("A subject is the city, a district or a chain, not two."),
            )
            continue
        if v.get("region"):
            region_id = job.resolve(resolver, row, VALUE_HEADERS["region"], v["region"])
            if region_id is None:
                continue
        if v.get("chain"):
            found = list({c.pk: c for c in chains.get(v["chain"].strip(), [])}.values())
            if len(found) != 1:
                job.error(
                    row.row,
                    VALUE_HEADERS["chain"],
                    v["chain"],
                    _("No chain of this name in your scope.")
                    if not found
                    else _("Several chains have this name: give the one with its district."),
                )
                continue
            chain_id = found[0].pk
        year, period = v["year"], v.get("period") or 0
        if not 2000 <= year <= 2100:
            job.error(row.row, VALUE_HEADERS["year"], year, _("The year must be 2000–2100."))
            continue
        top = _period_top(ind.frequency)
        if not 0 <= period <= top:
            job.error(
                row.row,
                VALUE_HEADERS["period"],
                period,
                _("The period must be between 0 and %(top)s.") % {"top": top},
            )
            continue
        key = (ind.pk, region_id, chain_id, year, period)
        if not job.first(
            row,
            key,
            column=VALUE_HEADERS["code"],
            value=v["code"],
            message=gettext_lazy("The same indicator, subject and period is also in row %(row)s."),
        ):
            continue
        prepared.append(
            (
                row,
                {
                    "indicator_id": ind.pk,
                    "region_id": region_id,
                    "chain_id": chain_id,
                    "year": year,
                    "period": period,
                    "value": v["value"],
                    "note": v.get("note") or "",
                },
            )
        )
    job.check()
    existing = {
        (o.indicator_id, o.region_id, o.chain_id, o.year, o.period): o
        for o in IndicatorValue.objects.filter(
            indicator_id__in={d["indicator_id"] for _r, d in prepared},
            year__in={d["year"] for _r, d in prepared},
        )
    }
    codes = {i.pk: i.code for i in indicators.values()}
    for row, d in prepared:
        key = (d["indicator_id"], d["region_id"], d["chain_id"], d["year"], d["period"])
        label = f"{codes[d['indicator_id']]} {d['year']}/{d['period']}"
        obj = existing.get(key)
        if obj is None:
            job.create(row, IndicatorValue(source=Source.MANUAL, **d), label)
        else:
            job.update(
                row,
                obj,
                job.present({"value": d["value"], "note": d["note"], "source": Source.MANUAL}),
                label=label,
                headers=VALUE_HEADERS,
            )
    job.commit(scope=_scope_check())
    return job.record()


def _scope_check() -> Any:
    from chainleader.core.imports import ScopeCheck

    return ScopeCheck(column=VALUE_HEADERS["region"], fields=("region", "chain", "code"))


# --- computed actuals -------------------------------------------------------------------------------------


def _period_end(year: int, period: int, frequency: str) -> date:
    if frequency == Frequency.MONTHLY and period:
        month = period
    elif frequency == Frequency.QUARTERLY and period:
        month = period * 3
    else:
        month = 12
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


Subject = tuple[int | None, int | None]  # (region id, chain id)


def _district_of(codes: dict[str, int], code: str | None) -> int | None:
    """The district (a county region id) a region code lies in."""
    if not code:
        return None
    return codes.get(code[:6])


def _by_subject(
    rows: Iterable[tuple[int | None, str | None, Any]], codes: dict[str, int]
) -> dict[Subject, list[Any]]:
    """(chain id, region code, item) → items per subject: the city, each district, each chain."""
    out: dict[Subject, list[Any]] = defaultdict(list)
    for chain_id, code, item in rows:
        out[(None, None)].append(item)
        district = _district_of(codes, code)
        if district is not None:
            out[(district, None)].append(item)
        if chain_id is not None:
            out[(None, chain_id)].append(item)
    return out


def _firm_rows(enterprise_ids: Iterable[int]) -> list[tuple[int | None, str | None, int]]:
    """(chain id, region code, firm id) per firm and chain it is placed in (and once without a chain)."""
    ids = set(enterprise_ids)
    codes = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "region__code"))
    placed = defaultdict(set)
    for ent, chain in Placement.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "segment__chain_id"
    ):
        placed[ent].add(chain)
    rows: list[tuple[int | None, str | None, int]] = []
    for ent in ids:
        rows.append((None, codes.get(ent), ent))
        for chain in placed[ent]:
            rows.append((chain, None, ent))
    return rows


def _computed(key: str, year: int, end: date, codes: dict[str, int]) -> dict[Subject, Decimal]:
    start = date(year, 1, 1)
    if key == ComputedKey.INVESTMENT_COMPLETED:
        reports = MonthlyReport.objects.filter(
            month__gte=start, month__lte=end, completed_yi__isnull=False
        ).values_list("project__chain_id", "project__district__code", "completed_yi")
        sums = _by_subject(reports, codes)
        return {k: sum(v, Decimal(0)) for k, v in sums.items()}
    if key == ComputedKey.PROJECTS_STARTED:
        started = Project.objects.filter(started_on__gte=start, started_on__lte=end).values_list(
            "chain_id", "district__code", "pk"
        )
        return {k: Decimal(len(set(v))) for k, v in _by_subject(started, codes).items()}
    if key == ComputedKey.PROBLEMS_ON_TIME:
        due = Problem.objects.filter(
            deadline__gte=start, deadline__lte=min(end, timezone.localdate())
        ).values_list("chain_id", "region__code", "deadline", "closed_at")
        items = [
            (
                chain,
                code,
                bool(closed and deadline and timezone.localtime(closed).date() <= deadline),
            )
            for chain, code, deadline, closed in due
        ]
        out: dict[Subject, Decimal] = {}
        for k, flags in _by_subject(items, codes).items():
            if flags:
                out[k] = (Decimal(sum(flags)) * 100 / len(flags)).quantize(Decimal("0.1"))
        return out
    if key in (ComputedKey.FIRMS_SPECIALISED, ComputedKey.FIRMS_LITTLE_GIANT):
        tier = (
            EnterpriseTier.Tier.SPECIALISED
            if key == ComputedKey.FIRMS_SPECIALISED
            else EnterpriseTier.Tier.LITTLE_GIANT
        )
        ids = EnterpriseTier.objects.filter(tier=tier, year__lte=year).values_list(
            "enterprise_id", flat=True
        )
        rows = _firm_rows(ids)
        return {k: Decimal(len(set(v))) for k, v in _by_subject(rows, codes).items()}
    if key.startswith("mu_class_"):
        grade = key[-1].upper()
        run = (
            EvaluationRun.objects.filter(year=year, status=EvaluationRun.Status.PUBLISHED)
            .order_by("-pk")
            .first()
        )
        if run is None:
            return {}
        graded = EvaluationResult.objects.filter(run=run, grade=grade).values_list(
            "enterprise_id", flat=True
        )
        rows = _firm_rows(graded)
        return {k: Decimal(len(set(v))) for k, v in _by_subject(rows, codes).items()}
    return {}


@transaction.atomic
def compute_actuals(year: int, period: int = 0, *, actor: Any = None) -> int:
    """Fill the computed indicators for one period (0: the year) from the platform's own data: investment
    completed, projects started, problems closed on time, firms by tier, 亩均 classes, for the city, each
    district and each chain. Values listed per subject, no confidential figure read. Returns values written."""
    codes = dict(Region.objects.filter(level=Region.Level.COUNTY).values_list("code", "pk"))
    written = 0
    for ind in Indicator.objects.filter(source=Source.COMPUTED).exclude(computed_key=""):
        top = _period_top(ind.frequency)
        if period > top:
            continue
        end = _period_end(year, period, ind.frequency)
        values = _computed(ind.computed_key, year, end, codes)
        current = {
            (v.region_id, v.chain_id): v
            for v in IndicatorValue.objects.filter(indicator=ind, year=year, period=period)
        }
        for (region_id, chain_id), value in values.items():
            obj = current.get((region_id, chain_id))
            if obj is None:
                IndicatorValue.objects.create(
                    indicator=ind,
                    region_id=region_id,
                    chain_id=chain_id,
                    year=year,
                    period=period,
                    value=value,
                    source=Source.COMPUTED,
                )
                written += 1
            elif obj.value != value:
                obj.value = value
                obj.version += 1
                obj.save(update_fields=["value", "version", "updated_at"])
                written += 1
    audit.record(
        actor=actor,
        event_type="indicators_compute",
        object_type="indicators.indicatorvalue",
        detail={"year": year, "period": period, "written": written},
        username="" if actor else "system",
    )
    return written


# --- relocation flags ---------------------------------------------------------------------------------------


@transaction.atomic
def relocation_flag_create(
    *, actor: Any, enterprise: Enterprise, note: str, evidence: Any = None
) -> RelocationFlag:
    """A district (or another editor with the firm in its writable scope) flags a firm that may move away."""
    _require_editor(actor)
    if not Enterprise.objects.for_user(actor, write=True).filter(pk=enterprise.pk).exists():
        raise ServiceError(_("This enterprise is outside your data scope."), field="enterprise")
    if not (note or "").strip():
        raise ServiceError(_("Say what points to the move."), field="note")
    flag = RelocationFlag(enterprise=enterprise, note=note.strip(), flagged_by=actor)
    if evidence is not None:
        problem = attachment_problem(evidence)
        if problem:
            raise ServiceError(problem, field="evidence")
        flag.evidence_name = Path(str(evidence.name)).name[:200]
        flag.evidence.save(evidence.name, evidence, save=False)
    flag.save()
    audit.record(
        actor=actor,
        event_type="relocation_flag",
        obj=flag,
        detail={"enterprise": enterprise.pk, "evidence": bool(flag.evidence)},
    )
    return flag


@transaction.atomic
def relocation_flag_clear(*, flag: RelocationFlag, actor: Any) -> RelocationFlag:
    _require_editor(actor)
    if not can_write(actor, flag):
        raise WorkflowForbidden(_("This flag is outside your data scope."))
    locked = RelocationFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.status != RelocationFlag.Status.OPEN:
        raise WorkflowConflict(_("This flag is already cleared."))
    locked.status = RelocationFlag.Status.CLEARED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, event_type="relocation_clear", obj=locked, detail={})
    return locked


# --- early warnings ------------------------------------------------------------------------------------------


@dataclass
class Raised:
    kind: str
    key: str
    message: str
    level: str = Warning.Level.YELLOW
    indicator_id: int | None = None
    chain_id: int | None = None
    region_id: int | None = None
    enterprise_id: int | None = None
    project_id: int | None = None
    owner_unit_id: int | None = None
    confidential: bool = False


def _level(gap: float) -> str:
    if gap >= 20:
        return Warning.Level.RED
    if gap >= 10:
        return Warning.Level.ORANGE
    return Warning.Level.YELLOW


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _latest_values(ind: Indicator, running: int) -> dict[Subject, dict[int, tuple[int, Decimal]]]:
    """subject → year → (period, value) of the latest period of each year.

    A whole-year figure (period 0) of a year not yet over is a part of a year: set against last year's whole
    year or against the pace of a whole year it would read as a fall; the warnings leave it out.
    """
    out: dict[Subject, dict[int, tuple[int, Decimal]]] = defaultdict(dict)
    for region, chain, year, period, value in ind.values.values_list(
        "region_id", "chain_id", "year", "period", "value"
    ):
        if period == 0 and year >= running:
            continue
        rank = 99 if period == 0 else period
        cur = out[(region, chain)].get(year)
        if cur is None or rank > (99 if cur[0] == 0 else cur[0]):
            out[(region, chain)][year] = (period, value)
    return out


def _subject_name(region: int | None, chain: int | None, names: dict[str, dict[int, str]]) -> str:
    if chain:
        return names["chain"].get(chain, "")
    if region:
        return names["region"].get(region, "")
    return "全市"


def _period_fraction(period: int, frequency: str) -> float:
    if period == 0:
        return 1.0
    return period / (12 if frequency == Frequency.MONTHLY else 4)


def _indicator_warnings(today: date) -> list[Raised]:
    names = {
        "chain": {c.pk: str(c) for c in Chain.objects.select_related("region")},
        "region": {
            r.pk: r.alias or r.name for r in Region.objects.filter(level=Region.Level.COUNTY)
        },
    }
    out: list[Raised] = []
    targets: dict[tuple[int, Subject], list[IndicatorTarget]] = defaultdict(list)
    for t in IndicatorTarget.objects.filter(target_value__isnull=False):
        targets[(t.indicator_id, (t.region_id, t.chain_id))].append(t)
    for ind in Indicator.objects.all():
        latest = _latest_values(ind, today.year)
        for subject, years in latest.items():
            if not years:
                continue
            year = max(years)
            period, value = years[year]
            who = _subject_name(*subject, names)
            base: dict[str, Any] = {
                "indicator_id": ind.pk,
                "region_id": subject[0],
                "chain_id": subject[1],
                "owner_unit_id": ind.owner_id,
            }
            tag = f"{ind.pk}:{subject[0] or 0}:{subject[1] or 0}:{year}:{period}"
            # pace: against each target running in this year with a base
            for t in targets.get((ind.pk, subject), []):
                if t.base_year is None or t.base_value is None or t.target_value is None:
                    continue
                if not t.base_year < year <= t.target_year:
                    continue
                when = year - 1 + _period_fraction(period, ind.frequency)
                found = engine.pace(
                    base=t.base_value,
                    target=t.target_value,
                    t0=t.base_year,
                    t1=t.target_year,
                    t=when,
                    actual=value,
                    direction=ind.direction,
                    tolerance_pct=ind.tolerance_pct,
                )
                if found:
                    out.append(
                        Raised(
                            Warning.Kind.PACE,
                            f"pace:{tag}:{t.pk}",
                            f"{who}“{ind.name}”{year}年"
                            f"{'' if period == 0 else f'第{period}期'}实际{_fmt(found.actual)}{ind.unit}，"
                            f"按{t.target_year}年目标{_fmt(float(t.target_value))}的进度应达"
                            f"{_fmt(found.expected)}{ind.unit}，落后{_fmt(found.gap_pct)}%",
                            _level(found.gap_pct),
                            **base,
                        )
                    )
            # a fall year on year (the same period a year before)
            before = years.get(year - 1)
            if before is not None and before[0] == period:
                found = engine.yoy_fall(
                    current=value,
                    previous=before[1],
                    direction=ind.direction,
                    tolerance_pct=ind.tolerance_pct,
                )
                if found:
                    out.append(
                        Raised(
                            Warning.Kind.YOY_FALL,
                            f"yoy:{tag}",
                            f"{who}“{ind.name}”{year}年{_fmt(found.actual)}{ind.unit}，"
                            f"比上年同期{_fmt(found.expected)}{ind.unit}差{_fmt(found.gap_pct)}%",
                            _level(found.gap_pct),
                            **base,
                        )
                    )
            if ind.threshold is not None:
                found = engine.threshold(value=value, limit=ind.threshold, direction=ind.direction)
                if found:
                    word = "低于" if ind.direction == Direction.UP else "高于"
                    out.append(
                        Raised(
                            Warning.Kind.THRESHOLD,
                            f"threshold:{tag}",
                            f"{who}“{ind.name}”{year}年{_fmt(found.actual)}{ind.unit}，"
                            f"{word}预警线{_fmt(found.expected)}{ind.unit}",
                            Warning.Level.ORANGE,
                            **base,
                        )
                    )
    return out


def _lead_unit(chains: dict[int, Chain], chain_id: int | None) -> int | None:
    chain = chains.get(chain_id) if chain_id else None
    return chain.lead_department_id if chain else None


def _figures(enterprise_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int], Any]:
    """(firm, year) → the yearly figures (sealed fields decrypted in Python; never filtered in SQL)."""
    return {
        (f.enterprise_id, f.year): f
        for f in YearFigure.objects.filter(
            enterprise_id__in=set(enterprise_ids), year__in=set(years)
        )
    }


def _chain_risks(today: date) -> list[Raised]:
    chains = {c.pk: c for c in Chain.objects.select_related("region")}
    out: list[Raised] = []
    # Supply concentration: the output shares of the firms placed in each leaf segment.
    leaves = Segment.objects.filter(children__isnull=True).values_list("pk", "chain_id", "name")
    placed: dict[int, set[int]] = defaultdict(set)
    for seg, ent in Placement.objects.exclude(review="rejected").values_list(
        "segment_id", "enterprise_id"
    ):
        placed[seg].add(ent)
    year = today.year - 1
    firms = {e for s in placed.values() for e in s}
    figures = _figures(firms, [year, year - 1])
    for seg, chain_id, name in leaves:
        ents = placed.get(seg, set())
        amounts = [getattr(figures.get((e, year)), "output_wan", None) or Decimal(0) for e in ents]
        if sum(1 for a in amounts if a > 0) < 2:
            continue  # one producer or none: a gap in the map, not a concentration of supply
        index = engine.hhi(amounts)
        if index > HHI_LEVEL:
            out.append(
                Raised(
                    Warning.Kind.CONCENTRATION,
                    f"hhi:{seg}:{year}",
                    f"{chains[chain_id]}“{name}”环节{year}年供应集中度HHI为{_fmt(index)}，"
                    f"高于{_fmt(HHI_LEVEL)}",
                    Warning.Level.RED if index > 5000 else Warning.Level.ORANGE,
                    chain_id=chain_id,
                    owner_unit_id=_lead_unit(chains, chain_id),
                )
            )
    # A chain master's revenue falling year on year (sealed figures: compared in Python, no figure in the text).
    masters = list(Chain.masters.through.objects.values_list("chain_id", "enterprise_id"))
    figures = _figures({e for _c, e in masters}, [year, year - 1])
    ent_names = dict(
        Enterprise.objects.filter(pk__in={e for _c, e in masters}).values_list("pk", "name")
    )
    for chain_id, ent in masters:
        now, before = figures.get((ent, year)), figures.get((ent, year - 1))
        cur = getattr(now, "revenue_wan", None)
        prev = getattr(before, "revenue_wan", None)
        if cur is None or prev is None:
            continue
        found = engine.yoy_fall(current=cur, previous=prev, tolerance_pct=MASTER_FALL_PCT)
        if found:
            out.append(
                Raised(
                    Warning.Kind.MASTER_FALL,
                    f"master:{chain_id}:{ent}:{year}",
                    f"{chains[chain_id]}链主企业{ent_names.get(ent, '')}{year}年营业收入同比下降",
                    _level(found.gap_pct),
                    chain_id=chain_id,
                    enterprise_id=ent,
                    owner_unit_id=_lead_unit(chains, chain_id),
                    confidential=True,
                )
            )
    # Key firms flagged as relocating by their district.
    for flag in RelocationFlag.objects.filter(status=RelocationFlag.Status.OPEN).select_related(
        "enterprise__region", "flagged_by"
    ):
        firm = flag.enterprise
        chain_ids = sorted(
            set(
                Placement.objects.filter(enterprise=firm).values_list(
                    "segment__chain_id", flat=True
                )
            )
        )
        out.append(
            Raised(
                Warning.Kind.RELOCATION,
                f"relocation:{flag.pk}",
                f"重点企业{firm.name}有外迁风险：{flag.note[:120]}",
                Warning.Level.RED,
                chain_id=chain_ids[0] if chain_ids else None,
                region_id=_county(firm.region),
                enterprise_id=firm.pk,
                owner_unit_id=getattr(flag.flagged_by, "org_unit_id", None),
            )
        )
    # Big projects whose completed investment did not grow over the last monthly reports.
    big = Project.objects.filter(total_investment_yi__gte=BIG_PROJECT_YI).exclude(
        stage__in=("completed", "producing", "counted")
    )
    series: dict[int, list[Decimal]] = defaultdict(list)
    for pid, done in (
        MonthlyReport.objects.filter(project__in=big)
        .order_by("project_id", "month")
        .values_list("project_id", "completed_yi")
    ):
        series[pid].append(done or Decimal(0))
    for p in big.select_related("district"):
        monthly = series.get(p.pk, [])
        cumulative, total = [], Decimal(0)
        for v in monthly:
            total += v
            cumulative.append(total)
        if engine.stalled(cumulative, STALLED_REPORTS):
            out.append(
                Raised(
                    Warning.Kind.STALLED,
                    f"stalled:{p.pk}:{len(monthly)}",
                    f"重大项目{p.name}（总投资{_fmt(float(p.total_investment_yi))}亿元）"
                    f"近{STALLED_REPORTS}个月完成投资无增长",
                    Warning.Level.ORANGE,
                    chain_id=p.chain_id,
                    region_id=_county(p.district),
                    project_id=p.pk,
                    owner_unit_id=_lead_unit(chains, p.chain_id),
                )
            )
    return out


def _county(region: Region | None) -> int | None:
    if region is None:
        return None
    if region.level == Region.Level.COUNTY:
        return region.pk
    return (
        Region.objects.filter(level=Region.Level.COUNTY, code=region.code[:6])
        .values_list("pk", flat=True)
        .first()
    )


def _recipients(warnings: list[Warning]) -> list[tuple[int, str, str]]:
    """Who is told of each new warning: its chain's team and leader, its district's users, its owner unit's
    users (a sealed warning: only roles granted confidential figures, i.e. not departments)."""
    by_chain = chain_people({w.chain_id for w in warnings if w.chain_id})
    districts = district_people()
    region_codes = dict(
        Region.objects.filter(pk__in={w.region_id for w in warnings if w.region_id}).values_list(
            "pk", "code"
        )
    )
    unit_users: dict[int, set[int]] = defaultdict(set)
    for uid, unit in User.objects.filter(
        is_active=True, org_unit__in={w.owner_unit_id for w in warnings if w.owner_unit_id}
    ).values_list("pk", "org_unit_id"):
        unit_users[unit].add(uid)
    office = set(User.objects.filter(role=Role.OFFICE, is_active=True).values_list("pk", flat=True))
    dept = set(User.objects.filter(role=Role.DEPARTMENT).values_list("pk", flat=True))
    out: list[tuple[int, str, str]] = []
    for w in warnings:
        users = set(office)
        if w.chain_id:
            users |= by_chain.get(w.chain_id, set())
        code = region_codes.get(w.region_id or 0)
        if code:
            users |= {uid for prefix, uid in districts if code.startswith(prefix)}
        if w.owner_unit_id:
            users |= unit_users.get(w.owner_unit_id, set())
        if w.confidential:
            users -= dept
        text = f"预警：{w.message}"
        out.extend((uid, text, w.get_absolute_url()) for uid in users)
    return out


@transaction.atomic
def run_warnings(*, today: date | None = None, actor: Any = None) -> dict[str, int]:
    """Raise the warnings of the day: indicator rules (pace, a fall year on year, a threshold) and chain risks
    (supply concentration, a chain master's revenue falling, a key firm flagged as relocating, a big project's
    investment stalled). A warning already raised (same key) is not raised again, whatever its status. New
    warnings notify their owners. Returns counts per kind of the new ones."""
    today = today or timezone.localdate()
    raised = _indicator_warnings(today) + _chain_risks(today)
    known = set(
        Warning.objects.filter(key__in=[r.key for r in raised]).values_list("key", flat=True)
    )
    new: list[Warning] = []
    seen: set[str] = set()
    for r in raised:
        if r.key in known or r.key in seen:
            continue
        seen.add(r.key)
        new.append(
            Warning(
                kind=r.kind,
                key=r.key[:120],
                message=r.message[:300],
                level=r.level,
                indicator_id=r.indicator_id,
                chain_id=r.chain_id,
                region_id=r.region_id,
                enterprise_id=r.enterprise_id,
                project_id=r.project_id,
                owner_unit_id=r.owner_unit_id,
                confidential=r.confidential,
                raised_on=today,
            )
        )
    for w in new:
        w.save()
    counts: dict[str, int] = defaultdict(int)
    for w in new:
        counts[w.kind] += 1
    notified = notify(_recipients(new)) if new else 0
    audit.record(
        actor=actor,
        event_type="warnings_run",
        object_type="indicators.warning",
        detail={"new": len(new), "by_kind": dict(counts), "notified": notified},
        username="" if actor else "system",
    )
    return dict(counts)


def _decidable(actor: Any, warning: Warning) -> Warning:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not decide on warnings."))
    if not Warning.objects.for_user(actor, write=True).filter(pk=warning.pk).exists():
        # A district reads the warnings of the city chains reaching into it; their teams decide them.
        raise WorkflowForbidden(_("This warning is outside your data scope."))
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.status != Warning.Status.NEW:
        raise WorkflowConflict(_("This warning was already decided."))
    return locked


@transaction.atomic
def warning_confirm(
    *,
    warning: Warning,
    actor: Any,
    deadline: date,
    chain: Chain | None = None,
    owner_unit: OrgUnit | None = None,
    note: str = "",
) -> Warning:
    """Confirm a warning: it becomes a key task on its chain's four lists (worklists), linked both ways (the
    warning names the item; the item's description names the warning)."""
    locked = _decidable(actor, warning)
    chain = chain or locked.chain
    if chain is None:
        raise ServiceError(_("Choose the chain whose list takes this warning."), field="chain")
    unit = (
        owner_unit
        or locked.owner_unit
        or chain.lead_department
        or getattr(actor, "org_unit", None)
        or OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("pk").first()
    )
    if unit is None:
        raise ServiceError(_("Choose the unit that owns the item."), field="owner_unit")
    item = worklist_services.item_create(
        actor=actor,
        data={
            "kind": WorkItem.Kind.TASK,
            "chain": chain,
            "year": deadline.year,
            "title": locked.message[:200],
            "description": "\n".join(
                x for x in (f"来自预警 #{locked.pk}：{locked.get_absolute_url()}", note) if x
            ),
            "owner_unit": unit,
            "deadline": deadline,
        },
    )
    locked.status = Warning.Status.CONFIRMED
    locked.work_item = item
    locked.reason = note
    locked.decided_at = timezone.now()
    locked.version += 1
    locked.save(
        update_fields=["status", "work_item", "reason", "decided_at", "version", "updated_at"]
    )
    audit.record(
        actor=actor,
        event_type="warning_confirm",
        obj=locked,
        detail={"work_item": item.pk},
    )
    return locked


@transaction.atomic
def warning_dismiss(*, warning: Warning, actor: Any, reason: str) -> Warning:
    """Dismiss a warning, saying why (kept, so the daily run does not raise it again)."""
    if not (reason or "").strip():
        raise ServiceError(_("Say why the warning is dismissed."), field="reason")
    locked = _decidable(actor, warning)
    locked.status = Warning.Status.DISMISSED
    locked.reason = reason.strip()
    locked.decided_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "reason", "decided_at", "version", "updated_at"])
    audit.record(
        actor=actor, event_type="warning_dismiss", obj=locked, detail={"reason": locked.reason}
    )
    return locked
