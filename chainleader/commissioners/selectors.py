"""Reads of service commissioners: the coverage figures (per district, per department or unit), a
commissioner's own firms, and what a firm's page shows. Every read starts from the user's scoped querysets."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Placement
from chainleader.enterprises.hooks import PANEL_ROWS, Panel, PanelRow
from chainleader.enterprises.models import Enterprise, EnterpriseTier
from chainleader.projects.models import Problem
from chainleader.reference.models import Region

from .models import Assignment, Visit

# Roles that see no coverage (firm accounts, the three administrators: TP1).
NO_COVERAGE_ROLES = ("enterprise", "system_admin", "security_admin", "audit_admin")

# Firm requests still waiting on the government or the firm (not closed).
OPEN_REQUEST_EXCLUDE = ("closed",)


def key_firms_q() -> Q:
    """The key firms a commissioner should serve (企业服务专员: 链主 and 梯队 firms; 包抓 规下 firms): chain
    masters (a 链主 placement or title), firms holding a tier title (专精特新, 小巨人, 单项冠军 …), and any firm with
    a current assignment (a 包抓 firm is key because it was assigned)."""
    masters = Placement.objects.filter(role=Placement.Role.MASTER).values("enterprise_id")
    tiered = EnterpriseTier.objects.values("enterprise_id")
    held = Assignment.objects.filter(until__isnull=True).values("enterprise_id")
    return Q(pk__in=masters) | Q(pk__in=tiered) | Q(pk__in=held)


def key_firms(user: Any) -> QuerySet[Enterprise]:
    inner = Enterprise.objects.filter(key_firms_q()).values("pk")
    return Enterprise.objects.for_user(user).filter(pk__in=inner)


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def coverage_by_district(user: Any, year: int, today: date | None = None) -> list[dict[str, Any]]:
    """Per district (the firm's county): key firms, assigned (with a current commissioner), coverage %, visits
    in the year, overdue assignments. A district sees its own row; the office every district."""
    today = today or timezone.localdate()
    firms = dict(key_firms(user).values_list("pk", "region_id"))
    current = Assignment.objects.for_user(user).current()
    assigned = set(current.filter(enterprise_id__in=firms).values_list("enterprise_id", flat=True))
    overdue: dict[int, int] = defaultdict(int)
    for region_id in current.overdue(today).values_list("enterprise__region_id", flat=True):
        overdue[region_id] += 1
    visits: dict[int, int] = defaultdict(int)
    for row in (
        Visit.objects.for_user(user)
        .filter(on__year=year)
        .values("assignment__enterprise__region_id")
        .annotate(n=Count("pk"))
    ):
        visits[row["assignment__enterprise__region_id"]] += row["n"]
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, region_id in firms.items():
        counts[region_id][0] += 1
        counts[region_id][1] += pk in assigned
    ids = set(counts) | set(visits) | set(overdue)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=ids)}
    rows = []
    for region_id in sorted(ids, key=lambda i: regions[i].code if i in regions else ""):
        key, done = counts[region_id]
        rows.append(
            {
                "region": regions.get(region_id),
                "key_firms": key,
                "assigned": done,
                "coverage": _ratio(done, key),
                "visits": visits[region_id],
                "overdue": overdue[region_id],
            }
        )
    return rows


def coverage_by_unit(user: Any, year: int, today: date | None = None) -> list[dict[str, Any]]:
    """Per the commissioners' unit (department, district, office, team): commissioners, firms held, firms
    visited in the year and their share, visits in the year, overdue assignments."""
    today = today or timezone.localdate()
    current = Assignment.objects.for_user(user).current()
    held: dict[int | None, set[int]] = defaultdict(set)
    people: dict[int | None, set[int]] = defaultdict(set)
    for unit_id, firm_id, person in current.values_list(
        "commissioner__org_unit_id", "enterprise_id", "commissioner_id"
    ):
        held[unit_id].add(firm_id)
        people[unit_id].add(person)
    overdue: dict[int | None, int] = defaultdict(int)
    for unit_id in current.overdue(today).values_list("commissioner__org_unit_id", flat=True):
        overdue[unit_id] += 1
    visits: dict[int | None, int] = defaultdict(int)
    visited: dict[int | None, set[int]] = defaultdict(set)
    for unit_id, firm_id in (
        Visit.objects.for_user(user)
        .filter(on__year=year)
        .values_list("assignment__commissioner__org_unit_id", "assignment__enterprise_id")
    ):
        visits[unit_id] += 1
        visited[unit_id].add(firm_id)
    ids = set(held) | set(visits)
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[i for i in ids if i])}
    rows = []
    for unit_id in sorted(
        ids, key=lambda i: (units[i].kind, units[i].name_sort) if i in units else ("~", "")
    ):
        firms = held[unit_id]
        seen = visited[unit_id] & firms
        rows.append(
            {
                "unit": units.get(unit_id) if unit_id is not None else None,
                "unit_name": str(units[unit_id])
                if unit_id is not None and unit_id in units
                else _("no unit"),
                "commissioners": len(people[unit_id]),
                "firms": len(firms),
                "visited": len(seen),
                "visited_share": _ratio(len(seen), len(firms)),
                "visits": visits[unit_id],
                "overdue": overdue[unit_id],
            }
        )
    return rows


def open_requests(firm_ids: Any) -> QuerySet[Problem]:
    """The firms' requests (企业诉求) not closed out. Read through an assignment the reader sees: a commissioner
    serves the firm, so sees what it asked for (titles, status, deadlines) even where the request pages are
    outside their role's scope (a department cadre); the request pages keep projects' scope."""
    return (
        Problem.objects.filter(source=Problem.Source.FIRM, enterprise_id__in=firm_ids)
        .exclude(status__in=OPEN_REQUEST_EXCLUDE)
        .order_by("deadline", "pk")
    )


def totals(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: sum(r[k] for r in rows) for k in keys}


def my_firms(user: Any, today: date | None = None) -> dict[str, Any]:
    """The logged-in commissioner's current firms (overdue first), with their last visit and open requests."""
    today = today or timezone.localdate()
    mine = (
        Assignment.objects.for_user(user)
        .current()
        .filter(commissioner=user)
        .select_related("enterprise__region")
        .annotate(last_visit=Max("visits__on"))
        .order_by("due_on", "enterprise__name_sort", "pk")
    )
    assignments = list(mine)
    firm_ids = [a.enterprise_id for a in assignments]
    requests = list(open_requests(firm_ids).select_related("enterprise"))
    open_by_firm: dict[int | None, int] = defaultdict(int)
    for r in requests:
        open_by_firm[r.enterprise_id] += 1
    for a in assignments:
        a.open_requests = open_by_firm[a.enterprise_id]
        a.overdue = a.is_overdue(today)
    return {
        "assignments": assignments,
        "overdue": [a for a in assignments if a.overdue],
        "requests": requests,
    }


def for_enterprise(enterprise: Any, user: Any) -> dict[str, Any] | None:
    """What a firm's page shows: its current commissioner and last visit (None when the user sees none)."""
    assignment = (
        Assignment.objects.for_user(user)
        .current()
        .filter(enterprise=enterprise)
        .select_related("commissioner__org_unit")
        .first()
    )
    if assignment is None:
        return None
    last = Visit.objects.for_user(user).filter(assignment=assignment).order_by("-on", "-pk").first()
    return {"assignment": assignment, "last_visit": last, "overdue": assignment.is_overdue()}


# --- the firm's page (enterprises.hooks.enterprise_panels; issue 15 item 5) ---------------------------------------


def enterprise_visits_panel(enterprise: Any, user: Any) -> Panel:
    """The visits to the firm the user sees, latest first (the notes stay on the assignment's page)."""
    qs = Visit.objects.for_user(user).filter(assignment__enterprise=enterprise)
    rows = [
        PanelRow(
            f"{v.on:%Y-%m-%d} · {v.get_form_display()}",
            v.get_absolute_url(),
            str(v.visitor.full_name or v.visitor.username) if v.visitor_id else "",
        )
        for v in qs.select_related("visitor").order_by("-on", "-pk")[:PANEL_ROWS]
    ]
    url = reverse("commissioners:assignment_list") + "?" + urlencode({"q": enterprise.uscc})
    return Panel("visits", _("Visits"), qs.count(), rows, url)
