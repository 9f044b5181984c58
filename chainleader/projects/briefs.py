"""Chain-meeting briefs (链长会议简报): the figures of one chain (or all chains) for a period, as a Word file.

`brief_data()` reads (scoped, a fixed number of grouped queries whatever the number of projects);
`render_docx()` only lays the data out; `services.brief_generate()` records the snapshot and the audit row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from chainleader.chainmap.selectors import gap_rows
from chainleader.chains.models import Chain

from . import charts, hooks, selectors
from .models import (
    BAND_BIG_YI,
    BIG_PROJECTS_TARGET_PER_CHAIN,
    MonthlyReport,
    Problem,
    Project,
    Stage,
    StageChange,
)
from .querysets import overdue_q

LIST_LIMIT = 100  # rows per table in the brief; the rest is counted, not listed


@dataclass
class BriefData:
    title: str
    chain: Chain | None
    start: date
    end: date
    generated_at: datetime
    since: datetime | None
    headline: dict[str, Any]
    stages: list[dict[str, Any]]
    changes: list[StageChange]
    lagging: list[Project]
    lagging_total: int
    problems: dict[str, Any]
    open_problems: list[Problem]
    worklists: list[dict[str, Any]]
    chains: list[dict[str, Any]]
    monthly: list[dict[str, Any]]
    next_steps: list[str] = field(default_factory=list)
    map_gaps: list[dict[str, Any]] = field(default_factory=list)  # the chain map's leaves to act on
    # What became of the decisions of the chain's last meeting (hooks.meeting_outcomes), or None.
    meeting: dict[str, Any] | None = None

    def snapshot(self) -> dict[str, Any]:
        """What the next brief compares with: counts per stage and the headline figures."""
        return {
            "stages": {r["stage"]: r["count"] for r in self.stages},
            "count": self.headline["count"],
            "total_yi": str(self.headline["total_yi"]),
            "lagging": self.headline["lagging"],
        }


def yi(value: Any, places: int = 2) -> str:
    return number_format(
        Decimal(value or 0).quantize(Decimal(10) ** -places),
        decimal_pos=places,
        force_grouping=True,
    )


def brief_data(
    user: Any, chain: Chain | None, start: date, end: date, previous: Any = None
) -> BriefData:
    today = timezone.localdate()
    projects = Project.objects.for_user(user)
    problems = Problem.objects.for_user(user)
    if chain is not None:
        projects, problems = projects.filter(chain=chain), problems.filter(chain=chain)
    totals = selectors.totals(projects, today.year)
    period = (
        MonthlyReport.objects.filter(
            project__in=projects.values("pk"), month__gte=start.replace(day=1), month__lte=end
        )
        .order_by()
        .aggregate(
            planned=Coalesce(Sum("planned_yi"), selectors.ZERO),
            completed=Coalesce(Sum("completed_yi"), selectors.ZERO),
        )
    )
    chain_count = 1 if chain is not None else Chain.objects.for_user(user).count()
    # 20亿元以上项目或行业引领性项目: one project counts once.
    big_signed = (
        projects.filter(signed_on__year=today.year)
        .filter(Q(total_investment_yi__gte=BAND_BIG_YI) | Q(is_leading=True))
        .count()
    )
    headline = {
        **totals,
        "planned_period_yi": period["planned"],
        "completed_period_yi": period["completed"],
        "rate": (period["completed"] / period["planned"] * 100) if period["planned"] else None,
        "big_signed": big_signed,
        "big_target": BIG_PROJECTS_TARGET_PER_CHAIN * chain_count,
    }
    before = (previous.snapshot or {}).get("stages", {}) if previous is not None else None
    stages = selectors.stage_rows(projects)
    for row in stages:
        row["delta"] = None if before is None else row["count"] - int(before.get(row["stage"], 0))
    since = previous.created_at if previous is not None else None
    changes_from = since or timezone.make_aware(datetime.combine(start, datetime.min.time()))
    changes = list(
        StageChange.objects.for_user(user)
        .filter(project__in=projects.values("pk"), created_at__gte=changes_from)
        .select_related("project")
        .order_by("-created_at")[:LIST_LIMIT]
    )
    lagging_qs = projects.filter(is_lagging=True)
    lagging = list(
        lagging_qs.select_related("district", "chain").order_by("-total_investment_yi", "pk")[
            :LIST_LIMIT
        ]
    )
    problem_figures = problems.order_by().aggregate(
        raised=Count("pk", filter=Q(raised_on__gte=start, raised_on__lte=end)),
        solved=Count(
            "pk",
            filter=Q(
                status=Problem.Status.CLOSED, closed_at__date__gte=start, closed_at__date__lte=end
            ),
        ),
        open=Count("pk", filter=~Q(status=Problem.Status.CLOSED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    open_problems = list(
        selectors.problems_overdue_first(
            problems.exclude(status=Problem.Status.CLOSED).select_related("department", "chain"),
            today,
        )[:LIST_LIMIT]
    )
    worklists = hooks.list_status(user, chain=chain)
    chains = [] if chain is not None else chain_rows(user, projects, problems, start, end, today)
    title = (
        (_("%(chain)s chain: chain-meeting brief") % {"chain": chain})
        if chain is not None
        else _("All chains: brief for the general chain leader")
    )
    data = BriefData(
        title=title,
        chain=chain,
        start=start,
        end=end,
        generated_at=timezone.now(),
        since=since,
        headline=headline,
        stages=stages,
        changes=changes,
        lagging=lagging,
        lagging_total=lagging_qs.count(),
        problems=problem_figures,
        open_problems=open_problems,
        worklists=worklists,
        chains=chains,
        # The chart shows the year's months up to the period's end, whatever the period (a month's brief too).
        monthly=selectors.monthly_series(projects, date(end.year, 1, 1), end),
    )
    if chain is not None:
        data.map_gaps = [r for r in gap_rows(user, chain) if r["status"] != "strong"]
        data.meeting = hooks.meeting_outcomes(user, chain=chain, until=end)
    data.next_steps = next_steps(data, projects, end)
    return data


def chain_rows(
    user: Any, projects: Any, problems: Any, start: date, end: date, today: date
) -> list[dict[str, Any]]:
    """One row per chain for the all-chains brief (grouped queries, not one per chain)."""
    rows = {
        r["chain"]: r
        for r in projects.order_by()
        .values("chain", "chain__name")
        .annotate(
            count=Count("pk"),
            total_yi=Coalesce(Sum("total_investment_yi"), selectors.ZERO),
            lagging=Count("pk", filter=Q(is_lagging=True)),
            big_signed=Count(
                "pk",
                filter=Q(signed_on__year=today.year)
                & (Q(total_investment_yi__gte=BAND_BIG_YI) | Q(is_leading=True)),
            ),
        )
    }
    done = dict(
        MonthlyReport.objects.filter(
            project__in=projects.values("pk"), month__gte=start.replace(day=1), month__lte=end
        )
        .order_by()
        .values("project__chain")
        .annotate(s=Sum("completed_yi"))
        .values_list("project__chain", "s")
    )
    open_problems = dict(
        problems.exclude(status=Problem.Status.CLOSED)
        .order_by()
        .values("chain")
        .annotate(n=Count("pk"))
        .values_list("chain", "n")
    )
    out = []
    for chain in Chain.objects.for_user(user).order_by("level", "order", "pk"):
        r = rows.get(chain.pk, {"count": 0, "total_yi": Decimal(0), "lagging": 0, "big_signed": 0})
        out.append(
            {
                "chain": chain,
                "count": r["count"],
                "total_yi": r["total_yi"],
                "lagging": r["lagging"],
                "big_signed": r["big_signed"],
                "completed_period_yi": done.get(chain.pk) or Decimal(0),
                "open_problems": open_problems.get(chain.pk, 0),
            }
        )
    return out


def next_steps(data: BriefData, projects: Any, end: date) -> list[str]:
    """Suggested next steps from the figures: lagging projects, overdue problems, coming starts, the target."""
    steps = []
    for p in data.lagging[:5]:
        steps.append(
            _("Push %(name)s (%(district)s) forward: %(reason)s")
            % {"name": p.name, "district": p.district.name, "reason": p.lagging_reason}
        )
    if data.problems["overdue"]:
        steps.append(
            _(
                "Settle the %(n)s overdue problems with their departments; they are escalated to the chain "
                "leader."
            )
            % {"n": data.problems["overdue"]}
        )
    coming = projects.filter(
        stage__in=[Stage.SIGNED, Stage.REGISTERED],
        planned_started_on__gt=end,
        planned_started_on__lte=end + timedelta(days=45),
    ).order_by("planned_started_on")[:5]
    for p in coming:
        steps.append(
            _("Prepare the start of %(name)s (planned %(date)s).")
            % {"name": p.name, "date": p.planned_started_on.isoformat()}
        )
    missing = data.headline["big_target"] - data.headline["big_signed"]
    if missing > 0:
        steps.append(
            _(
                "Sign %(n)s more projects of at least 2 billion yuan (or industry-leading) this year to "
                "reach the target of %(target)s."
            )
            % {"n": missing, "target": data.headline["big_target"]}
        )
    if data.meeting and data.meeting["overdue"]:
        steps.append(
            _("Follow up the %(n)s overdue decisions of %(meeting)s.")
            % {"n": data.meeting["overdue"], "meeting": data.meeting["meeting"]}
        )
    overdue_items = sum(r["overdue"] for r in data.worklists)
    if overdue_items:
        steps.append(
            _("Follow up the %(n)s overdue items on the four lists.") % {"n": overdue_items}
        )
    if not steps:
        steps.append(
            _(
                "No lagging project, overdue problem or overdue item: keep the monthly reporting going."
            )
        )
    return steps


# --------------------------------------------------------------------------------------------- Word


def _set_fonts(document: Any) -> None:
    """Chinese text needs an East Asian font set on the style, or Word falls back to a Latin face."""
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = document.styles[style_name]
        except KeyError:
            continue
        style.font.name = "Microsoft YaHei"
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), "Microsoft YaHei")
    document.styles["Normal"].font.size = Pt(10.5)


def _table(document: Any, headers: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    document.add_paragraph()


def _delta(value: int | None) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


def render_meeting_outcomes(document: Any, meeting: dict[str, Any], number: int) -> None:
    """The section on the last chain meeting's decisions: each one's list item, its status, closed or overdue."""
    document.add_heading(_("%(n)s. Decisions of the last chain meeting") % {"n": number}, level=1)
    document.add_paragraph(
        _(
            "%(meeting)s: %(total)s decisions; closed out: %(closed)s; in progress: %(open)s, of which "
            "overdue: %(overdue)s."
        )
        % meeting
    )
    if meeting["rows"]:
        _table(
            document,
            [_("Decision"), _("Owner unit"), _("Deadline"), _("Status"), _("Overdue")],
            [
                [
                    r["text_short"],
                    r["owner_unit"],
                    r["deadline"].isoformat(),
                    r["status_label"],
                    _("yes") if r["overdue"] else "",
                ]
                for r in meeting["rows"][:LIST_LIMIT]
            ],
        )


def render_docx(data: BriefData) -> bytes:
    document = Document()
    _set_fonts(document)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    heading = document.add_heading(data.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(
        _("Period: %(start)s to %(end)s · generated %(at)s")
        % {
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
            "at": timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M"),
        }
    )
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.runs[0].font.color.rgb = RGBColor(0x66, 0x66, 0x66)

    h = data.headline
    document.add_heading(_("1. Headline figures"), level=1)
    rate = f"{h['rate']:.1f}%" if h["rate"] is not None else "—"
    _table(
        document,
        [_("Indicator"), _("Value")],
        [
            [_("Projects"), h["count"]],
            [_("Total investment (100 million yuan)"), yi(h["total_yi"])],
            [_("Projects of 100 million yuan or more"), h["above_100m"]],
            [_("Projects of 2 billion yuan or more"), h["big"]],
            [_("Planned investment in the period (100 million yuan)"), yi(h["planned_period_yi"])],
            [
                _("Completed investment in the period (100 million yuan)"),
                yi(h["completed_period_yi"]),
            ],
            [_("Completion rate in the period"), rate],
            [_("Completed investment this year (100 million yuan)"), yi(h["completed_year_yi"])],
            [
                _(
                    "Projects of 2 billion yuan or more, or industry-leading, signed this year / target"
                ),
                f"{h['big_signed']} / {h['big_target']}",
            ],
            [_("Lagging projects"), h["lagging"]],
        ],
    )
    if data.monthly:
        png = charts.monthly_bars(
            [r["month"].strftime("%Y-%m") for r in data.monthly],
            [float(r["planned"]) for r in data.monthly],
            [float(r["completed"]) if r["completed"] is not None else None for r in data.monthly],
            title=_("Planned and completed investment per month"),
            planned_label=_("planned"),
            completed_label=_("completed investment"),
            unit=_("100 million yuan"),
        )
        document.add_picture(io.BytesIO(png), width=Cm(16))

    document.add_heading(_("2. Projects by stage"), level=1)
    since = timezone.localtime(data.since).strftime("%Y-%m-%d") if data.since else None
    delta_header = (
        (_("Change since the brief of %(date)s") % {"date": since})
        if since
        else _("Change since the last brief")
    )
    _table(
        document,
        [_("Stage"), _("Projects"), _("Investment (100 million yuan)"), delta_header],
        [[r["label"], r["count"], yi(r["total_yi"]), _delta(r["delta"])] for r in data.stages],
    )
    if data.changes:
        document.add_paragraph(
            _("Stage changes since the last brief:") if since else _("Stage changes in the period:")
        )
        for c in data.changes:
            document.add_paragraph(
                f"{c.project.name}：{Stage(c.from_stage).label} → {Stage(c.to_stage).label}"
                f"（{(c.happened_on or timezone.localtime(c.created_at).date()).isoformat()}，{c.actor_name}）"
                + (f" {_('reason')}：{c.reason}" if c.reason else ""),
                style="List Bullet",
            )

    document.add_heading(_("3. Lagging projects and why"), level=1)
    if data.lagging:
        _table(
            document,
            [_("Project"), _("District"), _("Stage"), _("Investment (100 million yuan)"), _("Why")],
            [
                [
                    p.name,
                    p.district.name,
                    p.get_stage_display(),
                    yi(p.total_investment_yi),
                    p.lagging_reason,
                ]
                for p in data.lagging
            ],
        )
        if data.lagging_total > len(data.lagging):
            document.add_paragraph(
                _("… and %(n)s more.") % {"n": data.lagging_total - len(data.lagging)}
            )
    else:
        document.add_paragraph(_("No project is lagging."))

    document.add_heading(_("4. Problems"), level=1)
    pr = data.problems
    document.add_paragraph(
        _(
            "Raised in the period: %(raised)s; solved (closed out) in the period: %(solved)s; open now: %(open)s, "
            "of which overdue: %(overdue)s."
        )
        % pr
    )
    if data.open_problems:
        _table(
            document,
            [_("Problem"), _("Status"), _("Department"), _("Deadline")],
            [
                [
                    p.title,
                    p.get_status_display(),
                    p.department.name if p.department else "—",
                    p.deadline.isoformat() if p.deadline else "—",
                ]
                for p in data.open_problems
            ],
        )

    document.add_heading(_("5. The four lists"), level=1)
    _table(
        document,
        [
            _("List"),
            _("Items"),
            _("In progress"),
            _("Close-out requested"),
            _("Closed out"),
            _("Overdue"),
        ],
        [
            [r["label"], r["total"], r["open"], r["requested"], r["closed"], r["overdue"]]
            for r in data.worklists
        ],
    )

    if data.map_gaps:
        document.add_heading(_("6. Chain map: segments to act on"), level=1)
        _table(
            document,
            [_("Segment"), _("Status"), _("Action"), _("Reason"), _("Candidate firms")],
            [
                [
                    r["name"] + (" ⚑" if r.get("strategic") else ""),
                    r["status_label"],
                    r.get("action", ""),
                    r.get("reason", ""),
                    "、".join(c["name"] for c in r.get("candidates", [])[:3]) or "—",
                ]
                for r in data.map_gaps[:LIST_LIMIT]
            ],
        )

    if data.chains:
        document.add_heading(_("6. Chains"), level=1)
        _table(
            document,
            [
                _("Chain"),
                _("Projects"),
                _("Investment (100 million yuan)"),
                _("Completed in the period"),
                _("Lagging"),
                _("Open problems"),
                _("Signed ≥ 2 billion yuan or leading / target"),
            ],
            [
                [
                    str(r["chain"]),
                    r["count"],
                    yi(r["total_yi"]),
                    yi(r["completed_period_yi"]),
                    r["lagging"],
                    r["open_problems"],
                    f"{r['big_signed']} / {BIG_PROJECTS_TARGET_PER_CHAIN}",
                ]
                for r in data.chains
            ],
        )

    numbered = 6 if not (data.map_gaps or data.chains) else 7
    if data.meeting is not None:
        render_meeting_outcomes(document, data.meeting, numbered)
        numbered += 1
    document.add_heading(
        _("%(n)s. Next steps") % {"n": numbered}
        if numbered > 7
        else (_("6. Next steps") if numbered == 6 else _("7. Next steps")),
        level=1,
    )
    for step in data.next_steps:
        document.add_paragraph(step, style="List Number")
    document.add_paragraph(
        _("Figures cover the data visible to the person who generated this brief.")
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
