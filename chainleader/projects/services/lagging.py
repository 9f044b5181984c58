"""The daily lagging check (滞后预警): mark lagging projects with their reason and tell their owners in the app."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from chainleader.core import audit

from .. import lagging as rule
from ..models import STAGE_ORDER, MonthlyReport, Project, Stage
from .dates import month_start, today
from .notifications import notify, project_recipients

# A project lags when its completed investment is more than this share below plan (settings may override).
LAGGING_SHARE = Decimal("0.2")
PLANNED_FIELDS = tuple(f"planned_{s}_on" for s in STAGE_ORDER)


def lagging_share() -> Decimal:
    return Decimal(str(getattr(settings, "CHAINLEADER_LAGGING_SHARE", LAGGING_SHARE)))


def _yi(value: Decimal) -> str:
    return number_format(value.quantize(Decimal("0.01")), decimal_pos=2)


def reason_text(verdict: rule.Verdict, share: Decimal) -> str:
    """The reason as the office reads it, in the site's language (it is stored, then shown everywhere)."""
    parts = []
    if verdict.missed is not None:
        stage = Stage(STAGE_ORDER[verdict.missed.stage_index])
        parts.append(
            _("Planned to reach “%(stage)s” by %(date)s; not reached yet.")
            % {"stage": stage.label, "date": verdict.missed.planned_on.isoformat()}
        )
    if verdict.shortfall is not None:
        s = verdict.shortfall
        parts.append(
            _(
                "Completed investment %(done)s is %(gap)s%% below the planned %(plan)s (100 million yuan); "
                "more than %(share)s%% below plan counts as lagging."
            )
            % {
                "done": _yi(s.completed_yi),
                "plan": _yi(s.planned_yi),
                "gap": number_format((s.gap_share * 100).quantize(Decimal("0.1")), decimal_pos=1),
                "share": number_format((share * 100).quantize(Decimal("1")), decimal_pos=0),
            }
        )
    # Each part is a sentence with its own full stop: joined as sentences, never "。；".
    return "".join(p if p.endswith("。") else p + " " for p in parts).strip()


def _verdicts(project_ids: list[int] | None, on: date) -> dict[int, tuple[rule.Verdict, bool, str]]:
    """project id -> (verdict, was lagging, old reason); two queries whatever the number of projects."""
    projects = (
        Project.objects.all() if project_ids is None else Project.objects.filter(pk__in=project_ids)
    )
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=4))
    reports = MonthlyReport.objects.filter(month__lt=month_start(on))
    if project_ids is not None:
        reports = reports.filter(project_id__in=project_ids)
    sums = {
        pk: (planned or Decimal("0"), done or Decimal("0"))
        for pk, planned, done in reports.values("project")
        .order_by()
        .annotate(p=Sum("planned_yi"), c=Sum(Coalesce("completed_yi", zero)))
        .values_list("project", "p", "c")
    }
    share = lagging_share()
    out = {}
    for pk, stage, was, reason, *planned in projects.values_list(
        "pk", "stage", "is_lagging", "lagging_reason", *PLANNED_FIELDS
    ):
        planned_sum, done_sum = sums.get(pk, (Decimal("0"), Decimal("0")))
        verdict = rule.evaluate(
            stage_index=STAGE_ORDER.index(stage),
            planned_dates=tuple(planned),
            planned_sum_yi=Decimal(planned_sum),
            completed_sum_yi=Decimal(done_sum),
            today=on,
            share=share,
        )
        out[pk] = (verdict, was, reason)
    return out


def _apply(
    verdicts: dict[int, tuple[rule.Verdict, bool, str]], on: date
) -> tuple[list[int], list[int]]:
    """Store the flags that changed; (newly lagging ids, cleared ids)."""
    share = lagging_share()
    changed: list[Project] = []
    new: list[int] = []
    cleared: list[int] = []
    with translation.override(settings.LANGUAGE_CODE):
        for pk, (verdict, was, old_reason) in verdicts.items():
            reason = reason_text(verdict, share) if verdict.lagging else ""
            if verdict.lagging == was and reason == old_reason:
                continue
            # Lagging since the day after the missed plan date when a stage is overdue (however late the check
            # runs); since today for a shortfall, which is only known from this month's figures.
            since = (
                verdict.missed.planned_on + timedelta(days=1) if verdict.missed is not None else on
            )
            row = Project(
                pk=pk,
                is_lagging=verdict.lagging,
                lagging_reason=reason,
                lagging_since=None if not verdict.lagging else since,
            )
            if verdict.lagging and not was:
                new.append(pk)
            elif not verdict.lagging and was:
                cleared.append(pk)
            changed.append(row)
    # A computed flag, not an edit: no version bump (open edit forms stay valid) and no history row.
    new_ids = set(new)
    still = [
        p for p in changed if p.is_lagging and p.pk not in new_ids
    ]  # reason changed, since unchanged
    fresh = [p for p in changed if not p.is_lagging or p.pk in new_ids]
    Project.objects.bulk_update(
        fresh, ["is_lagging", "lagging_reason", "lagging_since"], batch_size=1000
    )
    Project.objects.bulk_update(still, ["lagging_reason"], batch_size=1000)  # keep lagging_since
    return new, cleared


@transaction.atomic
def projects_refresh_lagging(*, project_ids: list[int], on: date | None = None) -> None:
    """Re-judge a few projects after a stage move or a report, so the flag never waits for the night."""
    _apply(_verdicts(project_ids, on or today()), on or today())


@transaction.atomic
def projects_mark_lagging(*, on: date | None = None, actor: Any = None) -> dict[str, int]:
    """The daily check over every project: mark and clear flags, notify owners of newly lagging projects."""
    on = on or today()
    verdicts = _verdicts(None, on)
    new, cleared = _apply(verdicts, on)
    notified = 0
    if new:
        recipients = project_recipients(new)
        names = dict(Project.objects.filter(pk__in=new).values_list("pk", "name"))
        reasons = dict(Project.objects.filter(pk__in=new).values_list("pk", "lagging_reason"))
        messages = []
        with translation.override(settings.LANGUAGE_CODE):
            for pk in new:
                text = _("Project %(name)s is lagging: %(reason)s") % {
                    "name": names[pk],
                    "reason": reasons[pk],
                }
                link = Project(pk=pk).get_absolute_url()
                messages += [(user_id, text, link) for user_id in recipients.get(pk, ())]
        notified = notify(messages)
    lagging = sum(1 for v, _was, _r in verdicts.values() if v.lagging)
    summary = {
        "projects": len(verdicts),
        "lagging": lagging,
        "new": len(new),
        "cleared": len(cleared),
        "notified": notified,
    }
    audit.record(
        actor=actor,
        event_type="mark_lagging",
        object_type="projects.project",
        detail={**summary, "date": on.isoformat(), "share": str(lagging_share())},
    )
    return summary
