"""Reads of the policy pages: the firms a class measure applies to, a firm's own eligibility and payments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainleader.core.querysets import scope_for
from chainleader.evaluation.models import EvaluationResult, EvaluationRun

from . import facts
from .models import EligibilityResult, MeasureRule, Payment, Policy


@dataclass(frozen=True)
class MeasureFirm:
    enterprise: Any
    grade: str
    years_running: int


def figures_visible(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and scope_for(user).confidential


def class_years(user: Any) -> list[int]:
    """The years with a published evaluation the user sees (classes are confidential: evaluation.querysets)."""
    return sorted(
        set(
            EvaluationRun.objects.for_user(user)
            .filter(status="published")
            .values_list("year", flat=True)
        ),
        reverse=True,
    )


def measure_firms(rule: MeasureRule, year: int, user: Any) -> list[MeasureFirm]:
    """The firms in the user's scope that the rule applies to in `year`: in the rule's class that year and
    for at least `min_years` years running (the published runs). Nothing for a scope without the
    confidential grant, as the evaluation results themselves."""
    results = (
        EvaluationResult.objects.for_user(user)
        .filter(run__status="published", run__year=year, graded=True, grade=rule.grade)
        .select_related("enterprise__region", "enterprise__industry")
        .order_by("enterprise__name_sort", "pk")
    )
    rows = list(results)
    if not rows:
        return []
    grades = facts.classes_by_firm(year, [r.enterprise_id for r in rows])
    out = []
    for r in rows:
        running = facts.engine.streak(grades.get(r.enterprise_id, {}), year, rule.grade)
        if running >= rule.min_years:
            out.append(MeasureFirm(r.enterprise, rule.grade, running))
    return out


def firm_results(user: Any) -> Any:
    """A user's view of results: their scope's (a firm account: its own)."""
    return EligibilityResult.objects.for_user(user).select_related(
        "enterprise", "run__item__policy", "run__item_version"
    )


def firm_payments(user: Any) -> Any:
    return Payment.objects.for_user(user).select_related("enterprise", "result__run__item__policy")


def published_policies(user: Any) -> Any:
    return Policy.objects.for_user(user).filter(status=Policy.Status.PUBLISHED)


@dataclass(frozen=True)
class Preview:
    item: Any
    passed: bool
    reasons: list[dict[str, Any]]


def firm_preview(user: Any, firm_id: int) -> tuple[int | None, list[Preview]]:
    """A firm's own check against every published item's current conditions, with the facts of its latest year
    with figures: the items that may apply to it, before any run (its own data only)."""
    from chainleader.enterprises.models import YearFigure

    from .models import PolicyItem

    year = (
        YearFigure.objects.for_user(user)
        .filter(enterprise_id=firm_id)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if year is None:
        return None, []
    own = facts.build(year, [firm_id]).get(firm_id)
    if own is None:
        return year, []
    items = (
        PolicyItem.objects.for_user(user)
        .filter(policy__status=Policy.Status.PUBLISHED)
        .select_related("policy")
        .order_by("policy__title", "number")[:100]
    )
    out = []
    for item in items:
        if facts.engine.check(item.conditions or {"all": []}):
            continue
        outcome = facts.engine.evaluate(item.conditions or {"all": []}, own, facts.value_names())
        out.append(Preview(item, outcome.passed, outcome.reasons))
    out.sort(key=lambda p: not p.passed)
    return year, out
