"""All-or-nothing Excel imports of projects and monthly reports (SECURITY.md RL2): every bad cell is listed with
its row and column, and a file with any error writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.chains.lookups import ChainResolver
from chainleader.chains.models import Chain
from chainleader.core.excel import ParsedRow
from chainleader.core.imports import Existing, ImportJob, ImportPlan, ScopeCheck, import_service
from chainleader.enterprises.lookups import FirmResolver
from chainleader.enterprises.models import Enterprise
from chainleader.parks.lookups import ParkResolver
from chainleader.parks.models import Park
from chainleader.reference.lookups import RegionResolver
from chainleader.reference.models import Region

from ..importers import PLANNED_HEADERS, PROJECT_COLUMNS, REPORT_COLUMNS, STAGE_WORDS, parse_month
from ..lookups import ProjectResolver
from ..models import MonthlyReport, Project, Stage
from .dates import today
from .lagging import projects_refresh_lagging
from .projects import check_report_values, next_code

MAX_YI = Decimal("9999999999")  # Decimal(14, 4)
HEADER = {c.field: c.header for c in REPORT_COLUMNS}
DUPLICATE_CODE = gettext_lazy("Duplicate project code: also in row %(row)s.")
OUTSIDE = gettext_lazy("This project is outside your data scope.")


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


@import_service(Project)
def project_import(job: ImportJob[Project]) -> ImportPlan:
    """Import projects, upserting by project code; new ones may start in any stage, existing ones keep theirs.

    Returns the plan; a project whose row changes nothing is not written."""
    actor, rows = job.actor, job.rows
    # The name as pages and exports show it (智能家电, 智能家电（西海岸新区）), region code:name, or the bare name.
    chains = ChainResolver.for_user(actor)
    districts = RegionResolver(counties_only=True)
    parks = ParkResolver.for_user(actor)
    codes = [str(r.values.get("code") or "").strip() for r in rows]
    existing = Existing.by(Project.objects.all(), actor, "code", codes)
    firms = FirmResolver.for_user(actor, [r.values.get("investor") for r in rows])
    names = _display_names(
        actor,
        {p.investor_id for p in existing.records.values() if p.investor_id}
        | {f.pk for f in firms.found},
    )
    for row, code in zip(rows, codes, strict=True):
        v = row.values
        if code and not (
            job.first(row, code, column="项目编号", value=code, message=DUPLICATE_CODE)
            and job.writable(row, existing, code, column="项目编号", value=code, message=OUTSIDE)
        ):
            continue
        project = existing.records.get(code)
        chain = job.resolve(chains, row, "产业链", v["chain"])
        district = job.resolve(districts, row, "所在区（市）", v["district"])
        park = job.resolve(parks, row, "所属园区", v["park"]) if v.get("park") else None
        investor = None
        if v.get("investor"):
            # A credit code, or a name: the project's own investor when several firms have it (an exported
            # list names investors as the pages do), else the one firm of that name.
            current = project.investor_id if project is not None else None
            investor = job.resolve(firms, row, "投资方", v["investor"], prefer=current)
        total = v["total_investment_yi"]
        if total is not None and not (0 <= total <= MAX_YI):
            job.error(row.row, "总投资（亿元）", total, _("Investment cannot be negative."))
        if v.get("signed_on") and v["signed_on"] > today():
            job.error(
                row.row, "签约日期", v["signed_on"], _("The signing date cannot be in the future.")
            )
        if chain is None or district is None:
            continue
        data = {
            "name": v["name"],
            "chain_id": chain.pk,
            "district_id": district,
            "park_id": park.pk if park is not None else None,
            "investor_id": investor.pk if investor is not None else None,
            "kind": v["kind"],
            "total_investment_yi": total,
            "is_leading": bool(v.get("is_leading")),
            "signed_on": v.get("signed_on"),
            "description": v.get("description") or "",
            **{f: v.get(f) for f in PLANNED_HEADERS},
        }
        stage = v.get("stage")
        if project is None:
            shown = code or _("(new code)")  # outside the f-string, where makemessages finds it
            label = f"{shown} {data['name']}"
            job.create(row, Project(code=code, stage=stage or Stage.SIGNED, **data), label)
        elif stage and stage != project.stage:
            job.error(
                row.row,
                "阶段",
                STAGE_WORDS.get(stage, stage),
                _("The stage of an existing project changes only through the stage workflow."),
            )
        else:
            given = job.present(data, PROJECT_SOURCES)
            label = f"{code} {data['name']}"
            job.update(row, project, given, label=label, headers=PROJECT_HEADERS, names=names)
    job.check()
    year = today().year
    number = int(next_code(year).rsplit("-", 1)[1])
    for _row, new in job.creates:
        if not new.code:
            new.code = f"XM{year}-{number:05d}"
            number += 1
    # Every row written must end inside the user's writable scope (a district imports on its territory only).
    job.commit(scope=ScopeCheck("所在区（市）", ("district",)))
    projects_refresh_lagging(project_ids=job.written_ids())
    return job.record()


@import_service(MonthlyReport)
def report_import(job: ImportJob[MonthlyReport]) -> ImportPlan:
    """Import monthly reports (the office's template), upserting by project code and month."""
    actor, rows = job.actor, job.rows
    projects = ProjectResolver.for_user(actor, [r.values["code"] for r in rows], write=True)
    prepared: list[tuple[ParsedRow, Project, date, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        project = job.resolve(projects, row, HEADER["code"], str(v["code"]).strip())
        month = parse_month(v["month"])
        if month is None:
            job.error(
                row.row,
                HEADER["month"],
                v["month"],
                _("月份 must be a year and month, e.g. 2026-03."),
            )
        planned, done = v.get("planned_yi"), v.get("completed_yi")
        if planned is None and done is None:
            job.error(
                row.row,
                HEADER["planned_yi"],
                "",
                _("Give the planned or the completed investment."),
            )
        for value, field in ((planned, "planned_yi"), (done, "completed_yi")):
            if value is not None and value > MAX_YI:
                job.error(
                    row.row,
                    HEADER[field],
                    value,
                    _("%(column)s is too large.") % {"column": HEADER[field]},
                )
        if month is not None:
            for field, message in check_report_values(
                month=month, planned_yi=planned, completed_yi=done
            ):
                job.error(row.row, HEADER[field], v.get(field), message)
        if project is None or month is None:
            continue
        duplicate = gettext_lazy("This project and month are also in row %(row)s.")
        if not job.first(
            row, (project.pk, month), column=HEADER["month"], value=v["month"], message=duplicate
        ):
            continue
        note = v.get("note") or ""
        prepared.append(
            (row, project, month, {"planned_yi": planned, "completed_yi": done, "note": note})
        )
    job.check()
    reporter = actor if getattr(actor, "pk", None) else None
    current = {
        (r.project_id, r.month): r
        for r in MonthlyReport.objects.filter(
            project_id__in={p.pk for _r, p, _m, _d in prepared},
            month__in={m for _r, _p, m, _d in prepared},
        )
    }
    for row, project, month, data in prepared:
        report = current.get((project.pk, month))
        label = f"{project.code} {month:%Y-%m}"
        if report is None:
            new = MonthlyReport(
                project_id=project.pk,
                month=month,
                reported_by=reporter,
                planned_yi=data["planned_yi"] if data["planned_yi"] is not None else Decimal(0),
                completed_yi=data["completed_yi"],
                note=data["note"],
            )
            job.create(row, new, label)
            continue
        # A blank cell keeps the stored figure: a plan sheet does not erase completed figures, and back.
        given = {k: val for k, val in data.items() if val is not None and val != ""}
        if job.update(row, report, given, label=label, headers=HEADER):
            report.reported_by = reporter
    job.commit(extra_fields=("reported_by",))
    projects_refresh_lagging(project_ids=sorted({p.pk for _r, p, _m, _d in prepared}))
    return job.record()
