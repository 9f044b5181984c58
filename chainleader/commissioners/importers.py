"""Excel imports of assignments and visits: column maps and the all-or-nothing import services (decision 0013's
pipeline; decision 0023).

Assignments: a row names the firm (credit code, else exact name), the commissioner (account name), the kind of
firm, the start, the visit interval and notes. The firm's current commissioner named again updates the kind,
interval and notes; another commissioner ends the current assignment the day before the row's start and starts a
new one (the assign service's rule). Visits: every row is one visit to a firm with a current (or, by its date,
past) assignment; the same firm, date and visitor twice (in the file, or already logged) is an error. A file with
any bad row writes nothing; every error names its row and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.core.excel import ExcelColumn
from chainleader.core.exceptions import ServiceError
from chainleader.core.imports import ImportJob, ImportPlan, Lookup, import_service
from chainleader.enterprises.lookups import FirmResolver

from . import services
from .models import Assignment, Visit

KIND_CHOICES: dict[str, str] = {
    "链主/重点企业": Assignment.Kind.KEY,
    "链主企业": Assignment.Kind.KEY,
    "重点企业": Assignment.Kind.KEY,
    "链主": Assignment.Kind.KEY,
    "梯队企业": Assignment.Kind.TIERED,
    "梯队": Assignment.Kind.TIERED,
    "包抓规下企业": Assignment.Kind.SMALL,
    "包抓企业": Assignment.Kind.SMALL,
    "包抓": Assignment.Kind.SMALL,
    "规下": Assignment.Kind.SMALL,
    # The English labels the pages show before the Chinese catalogue has them.
    "chain master or key firm": Assignment.Kind.KEY,
    "tiered firm": Assignment.Kind.TIERED,
    "small firm under 包抓": Assignment.Kind.SMALL,
}
FORM_CHOICES: dict[str, str] = {
    "实地走访": Visit.Form.ON_SITE,
    "实地": Visit.Form.ON_SITE,
    "上门": Visit.Form.ON_SITE,
    "电话": Visit.Form.PHONE,
    "电话走访": Visit.Form.PHONE,
    "线上": Visit.Form.ONLINE,
    "视频": Visit.Form.ONLINE,
    "线上走访": Visit.Form.ONLINE,
    "on site": Visit.Form.ON_SITE,
    "by phone": Visit.Form.PHONE,
    "online": Visit.Form.ONLINE,
}

_FIRM = [
    ExcelColumn(
        "统一社会信用代码",
        "enterprise_uscc",
        max_length=18,
        normalize="code",
        aliases=("信用代码", "统一代码"),
        help=cast(
            str, gettext_lazy("The firm's credit code; or leave it empty and give the name.")
        ),
    ),
    ExcelColumn(
        "企业名称",
        "enterprise_name",
        max_length=200,
        aliases=("单位名称", "公司名称"),
        help=cast(str, gettext_lazy("Exact name of the firm (when the credit code is empty).")),
    ),
]

ASSIGNMENT_COLUMNS = [
    *_FIRM,
    ExcelColumn(
        "服务专员账号",
        "commissioner",
        required=True,
        max_length=150,
        aliases=("专员账号", "包抓干部账号", "账号"),
        help=cast(str, gettext_lazy("The commissioner's account name (username) on the platform.")),
    ),
    ExcelColumn(
        "企业类别",
        "kind",
        kind="choice",
        required=True,
        choices=KIND_CHOICES,
        help=cast(str, gettext_lazy("链主/重点企业, 梯队企业 or 包抓规下企业.")),
    ),
    ExcelColumn(
        "包抓起始日期",
        "since",
        kind="date",
        aliases=("起始日期", "开始日期"),
        help=cast(str, gettext_lazy("Empty: today.")),
    ),
    ExcelColumn(
        "走访周期（天）",
        "visit_interval_days",
        kind="int",
        aliases=("走访周期(天)", "走访周期"),
        help=cast(str, gettext_lazy("Days between visits; empty: the default (90).")),
    ),
    ExcelColumn("备注", "notes", max_length=2000),
]
ASSIGNMENT_EXAMPLES = [
    ["91370200163562681G", "链主集团有限公司", "zhangwei", "链主/重点企业", "2026-01-05", 90, ""]
]

VISIT_COLUMNS = [
    *_FIRM,
    ExcelColumn("走访日期", "on", kind="date", required=True, aliases=("日期",)),
    ExcelColumn(
        "走访方式",
        "form",
        kind="choice",
        choices=FORM_CHOICES,
        help=cast(str, gettext_lazy("实地走访, 电话 or 线上; empty: 实地走访.")),
    ),
    ExcelColumn(
        "走访人账号",
        "visitor",
        max_length=150,
        help=cast(str, gettext_lazy("Empty: the firm's commissioner.")),
    ),
    ExcelColumn("走访情况", "notes", max_length=4000, aliases=("走访记录", "备注")),
]
VISIT_EXAMPLES = [
    ["91370200163562681G", "链主集团有限公司", "2026-03-15", "实地走访", "", "了解用地需求"]
]

ASSIGNMENT_HEADERS = {c.field: c.header for c in ASSIGNMENT_COLUMNS}
FIELD_HEADER = {
    "enterprise": "企业名称",
    "commissioner": "服务专员账号",
    "kind": "企业类别",
    "since": "包抓起始日期",
    "visit_interval_days": "走访周期（天）",
    "notes": "备注",
    "on": "走访日期",
    "form": "走访方式",
    "visitor": "走访人账号",
    "requests": "走访情况",
}


class CommissionerLookup(Lookup[Any]):
    """An account that may be a commissioner, by its exact account name (username)."""

    def __init__(self, words: Iterable[Any]) -> None:
        super().__init__()
        names = {str(w or "").strip() for w in words} - {""}
        self.names: dict[int, str] = {}
        for user in services.commissioner_candidates().filter(username__in=names):
            self.add(0, user.username, user)
            self.names[user.pk] = user.username

    def unknown(self) -> str:
        return _(
            "Unknown account, or one that cannot be a commissioner (a firm's or an administrator's)."
        )


def _firm(job: ImportJob[Any], firms: FirmResolver, row: Any) -> Any:
    uscc = str(row.values.get("enterprise_uscc") or "").strip()
    name = str(row.values.get("enterprise_name") or "").strip()
    if uscc:
        return job.resolve(firms, row, "统一社会信用代码", uscc)
    if name:
        return job.resolve(firms, row, "企业名称", name)
    job.error(row.row, "企业名称", "", _("Name the enterprise."))
    return None


@import_service(Assignment)
def assignment_import(job: ImportJob[Assignment]) -> ImportPlan:
    """Import assignments (a firm's commissioner named or changed); all-or-nothing."""
    actor, rows = job.actor, job.rows
    firms = FirmResolver.for_user(
        actor, [r.values.get(f) for r in rows for f in ("enterprise_uscc", "enterprise_name")]
    )
    people = CommissionerLookup(r.values.get("commissioner") for r in rows)
    current = {
        a.enterprise_id: a
        for a in Assignment.objects.current()
        .filter(enterprise__in=[f.pk for f in firms.found])
        .select_related("commissioner")
    }
    today = timezone.localdate()
    for row in rows:
        v = row.values
        firm = _firm(job, firms, row)
        if firm is None:
            continue
        if not job.first(
            row,
            firm.pk,
            column="企业名称",
            value=firm.name,
            message=gettext_lazy("The same firm is also in row %(row)s."),
        ):
            continue
        person = job.resolve(people, row, "服务专员账号", v.get("commissioner"))
        if person is None:
            continue
        kind = v.get("kind")
        if kind is None:
            continue  # the reader reported the empty or unknown kind on this row
        interval = v.get("visit_interval_days")
        since: date = v.get("since") or today
        held = current.get(firm.pk)
        label = f"{firm.name} · {person.full_name or person.username}"
        try:
            if held is not None and held.commissioner_id == person.pk:
                if v.get("since") and v["since"] != held.since:
                    job.error(
                        row.row,
                        "包抓起始日期",
                        v["since"],
                        _(
                            "The start of a current assignment does not change: end it and assign "
                            "anew."
                        ),
                    )
                    continue
                given = job.present(
                    {
                        "kind": kind,
                        "visit_interval_days": interval
                        if interval is not None
                        else held.visit_interval_days,
                        "notes": v.get("notes") or "",
                    }
                )
                version = held.version
                if job.update(
                    row, held, given, label=label, headers=ASSIGNMENT_HEADERS, bulk=False
                ):
                    services.assignment_update(
                        actor=actor, assignment=held, data=given, expected_version=version
                    )
            else:
                services.assign(
                    actor=actor,
                    enterprise=firm,
                    commissioner=person,
                    kind=kind,
                    since=since,
                    visit_interval_days=interval,
                    notes=v.get("notes") or "",
                )
                job.create(row, Assignment(enterprise=firm, commissioner=person), label, bulk=False)
        except ServiceError as exc:
            column = FIELD_HEADER.get(exc.field or "", "企业名称")
            job.error(row.row, column, v.get(_source(exc.field)) or firm.name, exc.message)
    job.commit()
    return job.record()


def _source(field: str | None) -> str:
    return {"enterprise": "enterprise_name"}.get(field or "", field or "")


@import_service(Visit)
def visit_import(job: ImportJob[Visit]) -> ImportPlan:
    """Import visits (one new visit per row); all-or-nothing."""
    actor, rows = job.actor, job.rows
    firms = FirmResolver.for_user(
        actor, [r.values.get(f) for r in rows for f in ("enterprise_uscc", "enterprise_name")]
    )
    people = CommissionerLookup(r.values.get("visitor") for r in rows)
    assignments: dict[int, list[Assignment]] = {}
    for a in (
        Assignment.objects.for_user(actor)
        .filter(enterprise__in=[f.pk for f in firms.found])
        .select_related("commissioner")
        .order_by("-since")
    ):
        assignments.setdefault(a.enterprise_id, []).append(a)
    logged = set(
        Visit.objects.filter(assignment__enterprise__in=[f.pk for f in firms.found]).values_list(
            "assignment__enterprise_id", "on", "visitor_id"
        )
    )
    for row in rows:
        v = row.values
        firm = _firm(job, firms, row)
        if firm is None:
            continue
        on = v.get("on")
        if on is None:
            job.error(row.row, "走访日期", "", _("Give the visit date."))
            continue
        visitor = None
        if v.get("visitor"):
            visitor = job.resolve(people, row, "走访人账号", v["visitor"])
            if visitor is None:
                continue
        held = next(
            (
                a
                for a in assignments.get(firm.pk, [])
                if a.since <= on and (a.until is None or on <= a.until)
            ),
            None,
        )
        if held is None:
            job.error(
                row.row,
                "走访日期",
                on,
                _(
                    "The firm had no service commissioner on this date (or it is outside your data scope)."
                ),
            )
            continue
        visitor = visitor or held.commissioner
        key = (firm.pk, on, visitor.pk)
        if not job.first(
            row,
            key,
            column="走访日期",
            value=on,
            message=gettext_lazy("The same firm, date and visitor are also in row %(row)s."),
        ):
            continue
        if key in logged:
            job.error(row.row, "走访日期", on, _("This visit is already logged."))
            continue
        form = v.get("form") or Visit.Form.ON_SITE
        try:
            services.visit_log(
                actor=actor,
                assignment=held,
                on=on,
                form=form,
                notes=v.get("notes") or "",
                visitor=visitor,
            )
        except ServiceError as exc:
            job.error(row.row, FIELD_HEADER.get(exc.field or "", "走访日期"), on, exc.message)
            continue
        job.create(
            row, Visit(assignment=held, on=on), f"{firm.name} · {on.isoformat()}", bulk=False
        )
    job.commit()
    return job.record()
