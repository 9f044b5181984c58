"""Runs (年度评价): create, compute (the task), re-score, review, publish."""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.policy import is_office
from chainleader.core import audit, crypto
from chainleader.core.exceptions import ServiceError, WorkflowConflict
from chainleader.core.fields import EncryptedJSONField, EncryptedMixin
from chainleader.core.jobs import job_create, refresh_planner_statistics
from chainleader.engines import mu_yield
from chainleader.enterprises.models import YearFigure

from .. import selectors
from ..models import (
    Appeal,
    EvaluationResult,
    EvaluationRun,
    Grade,
    SchemeVersion,
)
from .common import (
    AS,
    BATCH,
    REASON_NO_FIGURES,
    RESULT_FIELDS,
    YEAR_RANGE,
    Progress,
    S,
    _check_version,
    _require_office,
)


@transaction.atomic
def evaluation_run_create(
    *, year: int, scheme: SchemeVersion, actor: Any, job: Any = None, note: str = ""
) -> EvaluationRun:
    """A draft run of ``year`` with ``scheme`` (not computed yet)."""
    _require_office(actor, _("Only the office starts an evaluation run."))
    if not YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]:
        raise ServiceError(_("Give a year between 2000 and 2100."), field="year")
    if EvaluationRun.objects.filter(year=year, status__in=(S.REVIEWING, S.PUBLISHED)).exists():
        raise WorkflowConflict(
            _("The %(year)s evaluation is already in review or published.") % {"year": year}
        )
    if not YearFigure.objects.filter(year=year).exists():
        raise ServiceError(
            _("There are no yearly figures for %(year)s.") % {"year": year}, field="year"
        )
    run = EvaluationRun.objects.create(
        year=year,
        scheme=scheme,
        job=job,
        created_by=actor if getattr(actor, "pk", None) else None,
        note=note[:500],
    )
    audit.record(
        actor=actor,
        event_type="evaluation_run_start",
        obj=run,
        detail={"year": year, "scheme": scheme.number},
    )
    return run


def evaluation_run_start(*, year: int, scheme: SchemeVersion, actor: Any) -> EvaluationRun:
    """Start a yearly evaluation: the run, its Job (progress bar), and the task, queued on commit."""
    from ..tasks import evaluation_run_task

    with transaction.atomic():
        job = job_create(kind="mu_evaluation", actor=actor)
        run = evaluation_run_create(year=year, scheme=scheme, actor=actor, job=job)
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: evaluation_run_task.enqueue(run.pk, actor_id, job.pk))
    return run


def runs_lost(*, job_ids: list[int]) -> int:
    """Remove the results a killed computation left (its batches commit one by one): called when the jobs
    ``job_ids`` are marked lost (core.jobs.job_lost), so a run whose worker died holds no half of its results
    (issue 13 item 2, docs/drills.md). The run stays a draft and is computed again from the start by a retry.
    Returns how many results were removed."""
    deleted, _by_model = EvaluationResult.objects.filter(
        run__job_id__in=job_ids, run__finished_at__isnull=True
    ).delete()
    return deleted


def _nan_none(values: Any) -> list[Any]:
    return [None if v != v else v for v in values.tolist()]  # NaN != NaN


def _json_numbers(values: Any) -> list[str]:
    """Each number as JSON text: repr() of a finite float is valid JSON; NaN and ±inf are null."""
    return ["null" if not math.isfinite(v) else repr(v) for v in values.tolist()]


# The columns an insert writes, in order; indicators and inputs are JSON text (see _result_values).
INSERT_FIELDS = ("run", "enterprise", *RESULT_FIELDS)


def _result_values(
    run: EvaluationRun,
    data: selectors.FigureColumns,
    result: mu_yield.MuYieldResult,
    scheme: mu_yield.Scheme,
) -> list[tuple[Any, ...]]:
    """One row of INSERT_FIELDS values per firm, the JSON columns already as text.

    Built column by column (plain lists, JSON fragments formatted once per value) rather than through
    100,000 model instances and json.dumps calls: Django's per-field preparation in bulk_create took
    most of a 100,000-firm run (bench/mu_evaluation.py). The JSON shapes are documented on the model.
    """
    columns = data.columns
    keys_by_group = {g.label: [ind.key for ind in g.indicators] for g in scheme.groups}
    groups, graded = result.group.tolist(), result.graded.tolist()
    classes, reasons = result.class_.tolist(), result.reason.tolist()
    # Indicator keys match ^[a-z][a-z0-9_]*$ (the scheme checks it), so they need no JSON escaping.
    fragments = {
        ind.key: [
            f'"{ind.key}":{{"value":{v},"ratio":{r},"score":{p}}}'
            for v, r, p in zip(
                _json_numbers(result.values[ind.key]),
                _json_numbers(result.ratios[ind.key]),
                _json_numbers(result.scores[ind.key]),
                strict=True,
            )
        ]
        for ind in result.indicators
    }
    indicators = [
        "{" + ",".join(fragments[k][i] for k in keys_by_group.get(group, ())) + "}"
        for i, group in enumerate(groups)
    ]
    figure_names = mu_yield.FIGURE_COLUMNS
    template = (
        '{"above_size":%s,"industry_code":%s,"production_start_year":%s,'
        + ",".join(f'"{name}":%s' for name in figure_names)
        + "}"
    )
    above = ["null" if v != v else str(int(v)) for v in columns["above_size"].tolist()]
    start = ["null" if v != v else str(int(v)) for v in columns["production_start_year"].tolist()]
    industry = [json.dumps(str(code)) for code in columns["industry_code"].tolist()]
    figures = [_json_numbers(columns[name]) for name in figure_names]
    inputs = [template % row for row in zip(above, industry, start, *figures, strict=True)]
    return list(
        zip(
            [run.pk] * len(groups),
            data.enterprise_ids.tolist(),
            groups,
            graded,
            _nan_none(result.score),
            [rank or None for rank in result.rank.tolist()],
            classes,
            reasons,
            _nan_none(columns["land_mu"]),
            _nan_none(columns["tax_wan"]),
            indicators,
            inputs,
            strict=True,
        )
    )


def _insert_results(rows: list[tuple[Any, ...]]) -> None:
    """INSERT the rows (INSERT_FIELDS order) with one executemany: the bulk write of a run."""
    meta = EvaluationResult._meta
    quote = connection.ops.quote_name
    fields: list[Any] = [meta.get_field(name) for name in INSERT_FIELDS]
    columns = ", ".join(quote(str(field.column)) for field in fields)
    slots = ", ".join("%s" for _name in INSERT_FIELDS)
    # Table and column names come from the model's meta; every value is a parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({slots})"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.executemany(sql, _sealed(rows, fields))
    refresh_planner_statistics(meta.db_table)


def _sealed(rows: list[tuple[Any, ...]], fields: list[Any]) -> list[tuple[Any, ...]]:
    """The rows as stored: land, tax, indicators and inputs sealed (SECURITY.md DP2, docs/decisions/0021),
    column by column with KeyRing.seal_texts (a field's per-value sealing costs twice as much)."""
    if not rows:
        return rows
    ring = crypto.ring()
    columns: list[Any] = list(zip(*rows, strict=True))
    for i, field in enumerate(fields):
        if isinstance(field, EncryptedJSONField):  # the value is JSON text already
            columns[i] = ring.seal_texts(
                [None if v is None else field.plain_json_text(v) for v in columns[i]]
            )
        elif isinstance(field, EncryptedMixin):
            columns[i] = ring.seal_texts(
                [None if v is None else field.plain_text(v) for v in columns[i]]
            )
    return list(zip(*columns, strict=True))


def _result_objects(rows: list[tuple[Any, ...]]) -> list[EvaluationResult]:
    """Unsaved model instances of rows from _result_values (for re-scoring with bulk_update)."""
    objects = []
    for row in rows:
        values = dict(zip(INSERT_FIELDS, row, strict=True))
        objects.append(
            EvaluationResult(
                run_id=values.pop("run"),
                enterprise_id=values.pop("enterprise"),
                **{
                    **values,
                    "indicators": json.loads(values["indicators"]),
                    "inputs": json.loads(values["inputs"]),
                },
            )
        )
    return objects


def _counts(result: mu_yield.MuYieldResult) -> dict[str, Any]:
    classes = Counter(result.class_.tolist())
    groups = Counter(result.group[result.graded].tolist())
    return {
        "firms": len(result.uscc),
        "graded": int(result.graded.sum()),
        **{g: int(classes.get(g, 0)) for g in Grade.values},
        "groups": {str(k): int(v) for k, v in groups.items()},
    }


def _benchmarks(result: mu_yield.MuYieldResult) -> dict[str, dict[str, float | None]]:
    b = result.benchmarks
    out: dict[str, dict[str, float | None]] = {}
    for group, key, value, usable in zip(
        b.group.tolist(), b.indicator.tolist(), b.benchmark.tolist(), b.usable.tolist(), strict=True
    ):
        out.setdefault(str(group), {})[str(key)] = float(value) if usable else None
    return out


def evaluation_run_compute(
    *, run: EvaluationRun, actor: Any, progress: Progress | None = None
) -> EvaluationRun:
    """Score the run's year (评价计算): figures in one query, the engine, results written in batches.

    Batches commit one by one so the progress bar moves (a single transaction would hold SQLite's write
    lock and hide every progress update until the end); on any error the run's results are deleted again,
    so a failed or repeated computation leaves nothing half-written (RL3: a retry starts clean).
    """
    report = progress or (lambda pct, message: None)
    with transaction.atomic():
        locked = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != S.DRAFT or locked.computed:
            raise WorkflowConflict(_("This run has been computed already."))
        EvaluationResult.objects.filter(run=locked).delete()  # leftovers of an interrupted attempt
        locked.started_at = timezone.now()
        locked.save(update_fields=["started_at"])
    try:
        report(5, _("Loading the %(year)s figures") % {"year": locked.year})
        data = selectors.figure_columns(year=locked.year)
        scheme = locked.scheme.scheme()
        report(20, _("Scoring %(count)s firms") % {"count": len(data)})
        result = mu_yield.evaluate(data.columns, scheme)
        rows = _result_values(locked, data, result, scheme)
        total = len(rows)
        for start in range(0, total, BATCH):
            with transaction.atomic():
                _insert_results(rows[start : start + BATCH])
            done = min(start + BATCH, total)
            report(
                25 + 70 * done // max(total, 1),
                _("Wrote %(done)s of %(total)s results") % {"done": done, "total": total},
            )
        with transaction.atomic():
            locked = EvaluationRun.objects.select_for_update().get(pk=run.pk)
            locked.counts = _counts(result)
            locked.benchmarks = _benchmarks(result)
            locked.finished_at = timezone.now()
            locked.version += 1
            locked.save()
            audit.record(
                actor=actor,
                event_type="evaluation_run_compute",
                obj=locked,
                detail={
                    "year": locked.year,
                    "scheme": locked.scheme.number,
                    "firms": total,
                    "graded": locked.counts["graded"],
                },
            )
    except BaseException:
        EvaluationResult.objects.filter(run_id=run.pk).delete()
        raise
    return locked


def _rescore(*, run: EvaluationRun, actor: Any, cause: dict[str, Any]) -> dict[str, int]:
    """Evaluate the run's whole year again and update its results in bulk (inside the caller's transaction).

    A changed figure moves the group's benchmarks, so every firm of the group can change score, rank and
    class: the whole year is re-scored with the run's own scheme version, never one firm alone.
    """
    data = selectors.figure_columns(year=run.year)
    scheme = run.scheme.scheme()
    result = mu_yield.evaluate(data.columns, scheme)
    fresh = {
        row.enterprise_id: row for row in _result_objects(_result_values(run, data, result, scheme))
    }
    existing = list(EvaluationResult.objects.filter(run=run))
    moved = 0
    for obj in existing:
        new = fresh.pop(obj.enterprise_id, None)
        if new is None:  # the firm's figures of the year were deleted since the run was computed
            new = EvaluationResult(reason=REASON_NO_FIGURES, indicators={}, inputs=obj.inputs)
            new.land_mu, new.tax_wan = obj.land_mu, obj.tax_wan
        if new.grade != obj.grade:
            moved += 1
        for name in RESULT_FIELDS:
            setattr(obj, name, getattr(new, name))
    EvaluationResult.objects.bulk_update(existing, RESULT_FIELDS, batch_size=1000)
    EvaluationResult.objects.bulk_create(list(fresh.values()), batch_size=BATCH)
    run.counts = _counts(result)
    run.benchmarks = _benchmarks(result)
    run.version += 1
    run.save()
    summary = {"firms": len(existing) + len(fresh), "class_changes": moved, "added": len(fresh)}
    audit.record(
        actor=actor, event_type="evaluation_run_rescore", obj=run, detail={**cause, **summary}
    )
    return summary


def _lock_run(run: EvaluationRun, actor: Any) -> EvaluationRun:
    _require_office(actor, _("Only the office moves an evaluation run on."))
    return EvaluationRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def run_review_open(
    *, run: EvaluationRun, actor: Any, expected_version: int | None = None
) -> EvaluationRun:
    """Open the review (公示复核): districts and firms see the results and may appeal."""
    locked = _lock_run(run, actor)
    if locked.status != S.DRAFT or not locked.computed:
        raise WorkflowConflict(_("Only a computed draft run can go to review."))
    if (
        EvaluationRun.objects.filter(year=locked.year, status__in=(S.REVIEWING, S.PUBLISHED))
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise WorkflowConflict(
            _("Another %(year)s run is in review or published already.") % {"year": locked.year}
        )
    _check_version(locked, expected_version)
    locked.status, locked.review_opened_at = S.REVIEWING, timezone.now()
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type="evaluation_run_review",
        obj=locked,
        detail={"from": S.DRAFT, "to": S.REVIEWING},
    )
    return locked


@transaction.atomic
def run_publish(
    *, run: EvaluationRun, actor: Any, expected_version: int | None = None
) -> EvaluationRun:
    """Publish the final classes (发布): the results become read-only; policy features read them."""
    locked = _lock_run(run, actor)
    if locked.status != S.REVIEWING:
        raise WorkflowConflict(_("Only a run in review can be published."))
    still_open = Appeal.objects.filter(result__run=locked).exclude(status=AS.DECIDED).count()
    if still_open:
        raise WorkflowConflict(
            _("%(count)s appeal(s) are still open: decide them before publishing.")
            % {"count": still_open}
        )
    _check_version(locked, expected_version)
    locked.status, locked.published_at = S.PUBLISHED, timezone.now()
    locked.published_by = actor if getattr(actor, "pk", None) else None
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise WorkflowConflict(
            _("Another %(year)s run is published already.") % {"year": locked.year}
        ) from None
    audit.record(
        actor=actor,
        event_type="evaluation_run_publish",
        obj=locked,
        detail={"from": S.REVIEWING, "to": S.PUBLISHED, "year": locked.year},
    )
    return locked


def run_actions(run: EvaluationRun, user: Any) -> list[str]:
    """The steps this user may take on the run now (buttons); the services check again."""
    if not is_office(user):
        return []
    if run.status == S.DRAFT and run.computed:
        return ["review"]
    if run.status == S.REVIEWING:
        return ["publish"]
    return []
