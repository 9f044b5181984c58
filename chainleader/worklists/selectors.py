"""Reads of the four lists: status counts per list (for chain and district pages, briefs) and the
overdue-first ordering of every list page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.projects.models import Problem

from .models import WorkItem


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
