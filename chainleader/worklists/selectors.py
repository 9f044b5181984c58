"""Reads of the four lists: status counts per list (for chain and district pages, briefs) and the
overdue-first ordering of every list page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.projects.models import Problem

from .models import ChainMeeting, MeetingDecision, WorkItem


def overdue_first(qs: QuerySet[Any], today: date) -> QuerySet[Any]:
    """Overdue items first, then by deadline (the order every list page uses)."""
    ordered: QuerySet[Any] = qs.annotate(
        overdue=Case(
            When(~Q(status=WorkItem.Status.CLOSED) & Q(deadline__lt=today), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-overdue", "deadline", "pk")
    return ordered


def list_status(
    user: Any, *, chain: Any = None, region_code: str | None = None
) -> list[dict[str, Any]]:
    """One row per list (the three item lists and the problem ledger): total, open, requested, closed, overdue."""
    today = timezone.localdate()
    items = WorkItem.objects.for_user(user)
    problems = Problem.objects.for_user(user)
    if chain is not None:
        items, problems = items.filter(chain=chain), problems.filter(chain=chain)
    if region_code:
        items = items.filter(
            Q(owner_unit__region__code__startswith=region_code)
            | Q(project__district__code__startswith=region_code)
        )
        problems = problems.filter(region__code__startswith=region_code)
    counts = {
        r["kind"]: r
        for r in items.order_by()
        .values("kind")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=WorkItem.Status.OPEN)),
            requested=Count(
                "pk", filter=Q(status__in=[WorkItem.Status.REQUESTED, WorkItem.Status.REVIEWED])
            ),
            closed=Count("pk", filter=Q(status=WorkItem.Status.CLOSED)),
            overdue=Count("pk", filter=~Q(status=WorkItem.Status.CLOSED) & Q(deadline__lt=today)),
        )
    }
    base = reverse("worklists:item_list")
    suffix = f"&chain={chain.pk}" if chain is not None else ""
    rows = []
    for kind, label in WorkItem.Kind.choices:
        c = counts.get(kind, {})
        rows.append(
            {
                "kind": kind,
                "label": label,
                "url": f"{base}?kind={kind}{suffix}",
                **{k: c.get(k, 0) for k in ("total", "open", "requested", "closed", "overdue")},
            }
        )
    p = problems.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=[Problem.Status.RAISED, Problem.Status.ASSIGNED])),
        requested=Count(
            "pk", filter=Q(status__in=[Problem.Status.ANSWERED, Problem.Status.VERIFIED])
        ),
        closed=Count("pk", filter=Q(status=Problem.Status.CLOSED)),
        overdue=Count("pk", filter=Q(status=Problem.Status.ASSIGNED, deadline__lt=today)),
    )
    problem_url = reverse("projects:problem_list") + (
        f"?chain={chain.pk}" if chain is not None else ""
    )
    rows.append({"kind": "problem", "label": _("coordination problems"), "url": problem_url, **p})
    return rows


# --------------------------------------------------------------------------------------------- chain meetings

AGENDA_ROWS = 8  # rows per agenda heading; the rest is counted


def _more(total: int, shown: int) -> list[str]:
    return [_("   … and %(n)s more.") % {"n": total - shown}] if total > shown else []


def meeting_agenda(user: Any, chain: Any, held_on: date | None = None) -> str:
    """The agenda of a chain meeting built from what the chain's brief reads (projects.briefs, the same scoped
    querysets and orders): what became of the last meeting's decisions, open problems overdue first, lagging
    projects, open list items overdue first. Plain text, one line per point, for the chair to edit."""
    from chainleader.projects.models import Project
    from chainleader.projects.selectors import problems_overdue_first

    today = held_on or timezone.localdate()
    lines: list[str] = []
    n = 0

    def heading(text: str) -> None:
        nonlocal n
        n += 1
        lines.append(f"{n}. {text}")

    last = meeting_outcomes(user, chain=chain, until=today, before=today)
    if last is not None and last["rows"]:
        heading(
            _("What became of the decisions of %(meeting)s (%(closed)s of %(total)s closed out)")
            % {"meeting": last["meeting"], "closed": last["closed"], "total": last["total"]}
        )
        for r in last["rows"][:AGENDA_ROWS]:
            lines.append(
                f"   - {r['text_short']}（{r['owner_unit']}，{r['status_label']}"
                + (f"，{_('overdue')}" if r["overdue"] else "")
                + "）"
            )
        lines += _more(len(last["rows"]), AGENDA_ROWS)
    problems = problems_overdue_first(
        Problem.objects.for_user(user)
        .filter(chain=chain)
        .exclude(status=Problem.Status.CLOSED)
        .select_related("department"),
        today,
    )
    problem_rows = list(problems[:AGENDA_ROWS])
    if problem_rows:
        heading(_("Problems to coordinate"))
        for p in problem_rows:
            dept = p.department.name if p.department else _("not yet assigned")
            due = f"，{_('deadline')} {p.deadline:%Y-%m-%d}" if p.deadline else ""
            lines.append(f"   - {p.title}（{dept}{due}）")
        lines += _more(problems.count(), len(problem_rows))
    lagging = Project.objects.for_user(user).filter(chain=chain, is_lagging=True)
    lagging_rows = list(
        lagging.select_related("district").order_by("-total_investment_yi", "pk")[:AGENDA_ROWS]
    )
    if lagging_rows:
        heading(_("Lagging projects"))
        for proj in lagging_rows:
            lines.append(f"   - {proj.name}（{proj.district.name}）：{proj.lagging_reason}")
        lines += _more(lagging.count(), len(lagging_rows))
    items = overdue_first(
        WorkItem.objects.for_user(user)
        .filter(chain=chain)
        .exclude(status=WorkItem.Status.CLOSED)
        .select_related("owner_unit"),
        today,
    )
    item_rows = list(items[:AGENDA_ROWS])
    if item_rows:
        heading(_("Open items on the four lists"))
        for item in item_rows:
            late = f"，{_('overdue')}" if item.deadline < today else ""
            lines.append(
                f"   - {item.title}（{item.owner_unit.name}，{_('deadline')} "
                f"{item.deadline:%Y-%m-%d}{late}）"
            )
        lines += _more(items.count(), len(item_rows))
    heading(_("Decisions: owners and deadlines"))
    return "\n".join(lines)


def meeting_outcomes(
    user: Any, *, chain: Any, until: date | None = None, before: date | None = None
) -> dict[str, Any] | None:
    """What became of the decisions of the chain's last held meeting (on or before ``until``, strictly before
    ``before``): each decision's item with its status, closed or overdue, and the counts. None when the chain
    has had no meeting the user sees. The brief shows it (projects.hooks.meeting_outcomes)."""
    today = timezone.localdate()
    meetings = ChainMeeting.objects.for_user(user).filter(
        chain=chain, status=ChainMeeting.Status.HELD
    )
    if until is not None:
        meetings = meetings.filter(held_on__lte=until)
    if before is not None:
        meetings = meetings.filter(held_on__lt=before)
    meeting = meetings.order_by("-held_on", "-pk").first()
    if meeting is None:
        return None
    rows = []
    for d in (
        MeetingDecision.objects.filter(meeting=meeting)
        .select_related("item", "owner_unit", "owner_user")
        .order_by("pk")
    ):
        item = d.item
        rows.append(
            {
                "text": d.text,
                "text_short": d.text.splitlines()[0][:80],
                "owner_unit": d.owner_unit.name,
                "owner_user": str(d.owner_user) if d.owner_user else "",
                "deadline": d.deadline,
                "status": item.status,
                "status_label": WorkItem.Status(item.status).label,
                "closed": item.status == WorkItem.Status.CLOSED,
                "closed_at": item.closed_at,
                "overdue": item.is_overdue(today),
                "url": item.get_absolute_url(),
            }
        )
    return {
        "meeting": meeting,
        "url": meeting.get_absolute_url(),
        "rows": rows,
        "total": len(rows),
        "closed": sum(r["closed"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "open": sum(not r["closed"] for r in rows),
    }


def meetings_chaired(
    user: Any, chain_ids: Iterable[int], *, year: int | None = None
) -> dict[int, int]:
    """Held chain meetings per chain (those with a chair: an account or a name), in the user's scope; for the
    chain leader's record and the cockpit. Chains without a meeting are absent (read as 0). One query."""
    qs = ChainMeeting.objects.for_user(user).filter(
        chain__in=list(chain_ids), status=ChainMeeting.Status.HELD
    )
    qs = qs.filter(Q(chair__isnull=False) | ~Q(chair_name=""))
    if year is not None:
        qs = qs.filter(held_on__year=year)
    return {
        row["chain"]: row["n"]
        for row in qs.order_by().values("chain").annotate(n=Count("pk")).values("chain", "n")
    }
