"""Demo: two 摘星夺旗 schemes of the current year (the city chains for stars, the districts for flags), each
computed on the demo's own figures and published, so the cockpit shows the city's published rankings.

Synthetic: the schemes (their items, weights and awards are an example, not a published assessment method) and so
their rankings; each scheme's note says so. Idempotent: a scheme of that name and year is made once, and a run is
computed and published only while the scheme has no published run.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from chainleader.accounts.models import Role, User
from chainleader.cockpit.models import AssessmentRun, AssessmentScheme
from chainleader.cockpit.services import assessment as services

NOTE = "演示方案（synthetic）：指标、权重与授星/旗数为示例，不是正式考核办法。"
ITEMS: list[dict[str, Any]] = [
    {"metric": "investment_completed", "weight": 40, "method": "best"},
    {"metric": "projects_started", "weight": 20, "method": "rank"},
    {"metric": "big_projects_signed", "weight": 20, "method": "ratio", "target": 2, "cap": 1.5},
    {"metric": "problems_on_time", "weight": 10, "method": "ratio", "target": 1, "cap": 1},
    {"metric": "indicator_attainment", "weight": 10, "method": "ratio", "target": 1, "cap": 1.2},
]
SCHEMES = (
    ("摘星夺旗·产业链摘星（演示）", "chain", 5),
    ("摘星夺旗·区市夺旗（演示）", "district", 3),
)


def load_assessment_demo() -> dict[str, int]:
    """{"schemes": made, "runs": published} (zeros on a second load)."""
    office = (
        User.objects.filter(username="office", role=Role.OFFICE).first()
        or User.objects.filter(role=Role.OFFICE, is_active=True).order_by("pk").first()
    )
    out = {"schemes": 0, "runs": 0}
    if office is None:
        return out
    year = timezone.localdate().year
    for name, kind, awards in SCHEMES:
        scheme = AssessmentScheme.objects.filter(name=name, year=year).first()
        if scheme is None:
            scheme = services.scheme_save(
                actor=office,
                data={
                    "name": name,
                    "year": year,
                    "period": "year",
                    "subject_kind": kind,
                    "awards": awards,
                    "items": ITEMS,
                    "note": NOTE,
                },
            )
            out["schemes"] += 1
        if not scheme.runs.filter(status=AssessmentRun.Status.PUBLISHED).exists():
            run = services.run_compute(actor=office, scheme=scheme, note=NOTE)
            run = services.run_review_open(actor=office, run=run)
            services.run_publish(actor=office, run=run)
            out["runs"] += 1
    return out
