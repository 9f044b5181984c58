"""All-or-nothing Excel imports of projects and monthly reports (SECURITY.md RL2): every bad cell is listed with
its row and column, and a file with any error writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chainleader.chains.lookups import ChainResolver
from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.excel import ParsedRow, RowErrors
from chainleader.core.imports import (
    ImportPlan,
    ImportRun,
    RowChange,
    only_present,
    write_plan,
)
from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import Park
from chainleader.reference.lookups import RegionResolver
from chainleader.reference.models import Region

from ..importers import PLANNED_HEADERS, PROJECT_COLUMNS, REPORT_COLUMNS, STAGE_WORDS, parse_month
from ..models import MonthlyReport, Project, Stage
from .lagging import projects_refresh_lagging
from .projects import check_report_values, next_code, today

MAX_YI = Decimal("9999999999")  # Decimal(14, 4)
HEADER = {c.field: c.header for c in REPORT_COLUMNS}


def _display_names(actor: Any, investor_ids: set[int]) -> dict[str, dict[Any, str]]:
    """Words for the foreign keys and choices a preview shows (chain, district, park, investor, kind)."""
    return {
        "kind": {value: str(label) for value, label in Project.Kind.choices},
        "chain_id": {c.pk: str(c) for c in Chain.objects.for_user(actor).select_related("region")},
        "district_id": dict(
            Region.objects.filter(level=Region.Level.COUNTY).values_list("pk", "name")
        ),
        "park_id": dict(Park.objects.for_user(actor).values_list("pk", "name")),
        "investor_id": dict(
            Enterprise.objects.filter(pk__in=investor_ids).values_list("pk", "name")
        ),
    }


PROJECT_SOURCES = {
    "chain_id": "chain",
    "district_id": "district",
    "park_id": "park",
    "investor_id": "investor",
}
PROJECT_HEADERS = {
    **{c.field: c.header for c in PROJECT_COLUMNS},
    "chain_id": "产业链",
    "district_id": "所在区（市）",
    "park_id": "所属园区",
    "investor_id": "投资方",
    "total_investment_yi": "总投资（亿元）",
}


@transaction.atomic
def project_import(
    *,
    actor: Any,
    rows: list[ParsedRow],
    filename: str = "",
    sheet: str = "数据",
    run: ImportRun | None = None,
) -> ImportPlan:
    """Import projects, upserting by project code; new ones may start in any stage, existing ones keep theirs.

    Returns the plan; a project whose row changes nothing is not written."""
    errors = RowErrors(sheet)
    # The name as pages and exports show it (智能家电, 智能家电（西海岸新区）), region code:name, or the bare name.
    chains = ChainResolver(Chain.objects.for_user(actor).select_related("region"))
    districts = RegionResolver(counties_only=True)
    parks: dict[str, int] = {}
    for pk, name in Park.objects.for_user(actor).values_list("pk", "name"):
        parks.setdefault(name, pk)
    codes = [str(r.values.get("code") or "").strip() for r in rows]
    existing = {p.code: p for p in Project.objects.filter(code__in=[c for c in codes if c])}
    writable = set(
        Project.objects.for_user(actor, write=True)
        .filter(code__in=list(existing))
        .values_list("code", flat=True)
    )
    investors = [str(r.values.get("investor") or "").strip() for r in rows]
    firms: dict[str, list[int]] = {}
    for pk, uscc, name in (
        Enterprise.objects.for_user(actor)
        .filter(Q(uscc__in=investors) | Q(name__in=investors))
        .values_list("pk", "uscc", "name")
    ):
        firms[uscc] = [pk]
        firms.setdefault(name, []).append(pk)
    seen: dict[str, int] = {}
    creates: list[Project] = []
    updates: list[Project] = []
    pairs: list[tuple[ParsedRow, Project]] = []
    plan = ImportPlan()
    names = _display_names(
        actor,
        {p.investor_id for p in existing.values() if p.investor_id}
        | {pk for ids in firms.values() for pk in ids},
    )
    for row, code in zip(rows, codes, strict=True):
        v = row.values
        if code:
            if code in seen:
                errors.add(
                    row.row,
                    "项目编号",
                    code,
                    _("Duplicate project code: also in row %(row)s.") % {"row": seen[code]},
                )
                continue
            seen[code] = row.row
            if code in existing and code not in writable:
                errors.add(row.row, "项目编号", code, _("This project is outside your data scope."))
                continue
        chain, problem = chains.resolve(v["chain"])
        if chain is None:
            errors.add(row.row, "产业链", v["chain"], problem)
        district, problem = districts.resolve(v["district"])
        if district is None:
            errors.add(row.row, "所在区（市）", v["district"], problem)
        park = None
        if v.get("park"):
            park = parks.get(str(v["park"]).strip())
            if park is None:
                errors.add(
                    row.row, "所属园区", v["park"], _("Unknown park (or outside your data scope).")
                )
        investor = None
        if v.get("investor"):
            # A credit code, or a name: the project's own investor when several firms have it (an exported
            # list names investors as the pages do), else the one firm of that name.
            ids = firms.get(str(v["investor"]).strip(), [])
            current = existing[code].investor_id if code in existing else None
            investor = current if current in ids else ids[0] if len(ids) == 1 else None
            if investor is None:
                errors.add(
                    row.row,
                    "投资方",
                    v["investor"],
                    _("Several enterprises have this name: give the unified social credit code.")
                    if ids
                    else _("Unknown enterprise (or outside your data scope)."),
                )
        total = v["total_investment_yi"]
        if total is not None and not (0 <= total <= MAX_YI):
            errors.add(row.row, "总投资（亿元）", total, _("Investment cannot be negative."))
        if v.get("signed_on") and v["signed_on"] > today():
            errors.add(
                row.row, "签约日期", v["signed_on"], _("The signing date cannot be in the future.")
            )
        if chain is None or district is None:
            continue
        data = {
            "name": v["name"],
            "chain_id": chain.pk,
            "district_id": district,
            "park_id": park,
            "investor_id": investor,
            "kind": v["kind"],
            "total_investment_yi": total,
            "is_leading": bool(v.get("is_leading")),
            "signed_on": v.get("signed_on"),
            "description": v.get("description") or "",
            **{f: v.get(f) for f in PLANNED_HEADERS},
        }
        stage = v.get("stage")
        if code in existing:
            project = existing[code]
            if stage and stage != project.stage:
                errors.add(
                    row.row,
                    "阶段",
                    STAGE_WORDS.get(stage, stage),
                    _("The stage of an existing project changes only through the stage workflow."),
                )
                continue
            given = only_present(rows, data, PROJECT_SOURCES)
            label = f"{code} {data['name']}"
            if not plan.update(
                project, given, row=row.row, label=label, headers=PROJECT_HEADERS, names=names
            ):
                continue
            updates.append(project)
        else:
            project = Project(code=code, stage=stage or Stage.SIGNED, **data)
            creates.append(project)
            plan.created.append(RowChange(row.row, f"{code or _('(new code)')} {data['name']}"))
        pairs.append((row, project))
    errors.raise_if_any()
    year = today().year
    base = next_code(year)
    number = int(base.rsplit("-", 1)[1])
    for project in creates:
        if not project.code:
            project.code = f"XM{year}-{number:05d}"
            number += 1
    write_plan(Project, creates, updates, plan, actor=actor)
    # Every row written must end inside the user's writable scope (a district imports on its territory only).
    written = [p.code for _row, p in pairs]
    ok = set(
        Project.objects.for_user(actor, write=True)
        .filter(code__in=written)
        .values_list("code", flat=True)
    )
    for row, project in pairs:
        if project.code not in ok:
            errors.add(
                row.row,
                "所在区（市）",
                row.values["district"],
                _("This record would be outside your data scope."),
            )
    if errors:
        transaction.set_rollback(True)
        errors.raise_if_any()
    (run or ImportRun()).checkpoint(plan)  # a preview ends here: its transaction rolls back
    ids = list(Project.objects.filter(code__in=written).values_list("pk", flat=True))
    projects_refresh_lagging(project_ids=ids)
    audit.record(
        actor=actor,
        event_type="import",
        object_type="projects.project",
        detail={
            "file": filename,
            "rows": len(written),
            "created": len(creates),
            "updated": len(updates),
            "unchanged": len(plan.unchanged),
        },
    )
    return plan


@transaction.atomic
def report_import(
    *,
    actor: Any,
    rows: list[ParsedRow],
    filename: str = "",
    sheet: str = "数据",
    run: ImportRun | None = None,
) -> ImportPlan:
    """Import monthly reports (the office's template), upserting by project code and month."""
    errors = RowErrors(sheet)
    codes = {str(r.values["code"]).strip() for r in rows}
    projects = dict(
        Project.objects.for_user(actor, write=True).filter(code__in=codes).values_list("code", "pk")
    )
    seen: dict[tuple[int, date], int] = {}
    prepared: list[tuple[int, date, dict[str, Any]]] = []
    row_numbers: list[int] = []
    for row in rows:
        v = row.values
        code = str(v["code"]).strip()
        project_id = projects.get(code)
        if project_id is None:
            errors.add(
                row.row,
                HEADER["code"],
                code,
                _("Unknown project code (or outside your data scope)."),
            )
        month = parse_month(v["month"])
        if month is None:
            errors.add(
                row.row,
                HEADER["month"],
                v["month"],
                _("月份 must be a year and month, e.g. 2026-03."),
            )
        planned, done = v.get("planned_yi"), v.get("completed_yi")
        if planned is None and done is None:
            errors.add(
                row.row,
                HEADER["planned_yi"],
                "",
                _("Give the planned or the completed investment."),
            )
        for value, field in ((planned, "planned_yi"), (done, "completed_yi")):
            if value is not None and value > MAX_YI:
                errors.add(
                    row.row,
                    HEADER[field],
                    value,
                    _("%(column)s is too large.") % {"column": HEADER[field]},
                )
        if month is not None:
            for field, message in check_report_values(
                month=month, planned_yi=planned, completed_yi=done
            ):
                errors.add(row.row, HEADER[field], v.get(field), message)
        if project_id is None or month is None:
            continue
        key = (project_id, month)
        if key in seen:
            errors.add(
                row.row,
                HEADER["month"],
                v["month"],
                _("This project and month are also in row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row.row
        row_numbers.append(row.row)
        prepared.append(
            (
                project_id,
                month,
                {"planned_yi": planned, "completed_yi": done, "note": v.get("note") or ""},
            )
        )
    errors.raise_if_any()
    reporter = actor if getattr(actor, "pk", None) else None
    current = {
        (r.project_id, r.month): r
        for r in MonthlyReport.objects.filter(
            project_id__in={p for p, _m, _d in prepared}, month__in={m for _p, m, _d in prepared}
        )
    }
    creates, updates = [], []
    plan = ImportPlan()
    codes_by_pk = {pk: code for code, pk in projects.items()}
    for (project_id, month, data), row_number in zip(prepared, row_numbers, strict=True):
        report = current.get((project_id, month))
        label = f"{codes_by_pk.get(project_id, '')} {month:%Y-%m}"
        if report is None:
            plan.created.append(RowChange(row_number, label))
            creates.append(
                MonthlyReport(
                    project_id=project_id,
                    month=month,
                    reported_by=reporter,
                    planned_yi=data["planned_yi"] if data["planned_yi"] is not None else Decimal(0),
                    completed_yi=data["completed_yi"],
                    note=data["note"],
                )
            )
            continue
        # A blank cell keeps the stored figure: a plan sheet does not erase completed figures, and back.
        given = {k: val for k, val in data.items() if val is not None and val != ""}
        if plan.update(report, given, row=row_number, label=label, headers=HEADER):
            report.reported_by = reporter
            updates.append(report)
    (run or ImportRun()).checkpoint(plan)
    write_plan(MonthlyReport, creates, updates, plan, actor=actor, extra_fields=("reported_by",))
    projects_refresh_lagging(project_ids=sorted({p for p, _m, _d in prepared}))
    audit.record(
        actor=actor,
        event_type="import",
        object_type="projects.monthlyreport",
        detail={
            "file": filename,
            "rows": len(prepared),
            "created": len(creates),
            "updated": len(updates),
        },
    )
    return plan
