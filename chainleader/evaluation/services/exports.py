"""Exports: the results workbook and the appeal record (formula-safe, audited)."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chainleader.core import audit, excel
from chainleader.engines import mu_yield

from ..models import (
    Appeal,
    EvaluationResult,
    EvaluationRun,
    Grade,
)


def _number(value: Any, places: int = 2) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), places)


def results_workbook(*, run: EvaluationRun, actor: Any) -> tuple[bytes, str]:
    """The results workbook (评价结果表): a sheet per class, one for the ungraded, one for the scheme.

    Only the results in the actor's scope; text cells are formula-safe (core.excel, SECURITY.md IN3);
    audited with the row count (AU1).
    """
    scheme = run.scheme.scheme()
    indicators = scheme.indicators()
    results = (
        EvaluationResult.objects.for_user(actor)
        .filter(run=run)
        .select_related("enterprise__region", "enterprise__park", "enterprise__industry")
        .order_by("group", "rank", "enterprise__uscc")
    )
    head = [
        _("unified social credit code"),
        _("name"),
        pgettext("mu yield", "district"),
        _("park"),
        _("industry code"),
        pgettext("mu yield", "group"),
        _("score"),
        _("rank in group"),
        pgettext("mu yield", "class"),
    ]
    graded_headers = [*head, *(f"{ind.name}（{_('points')}）" for ind in indicators)]
    by_grade: dict[str, list[list[Any]]] = {g: [] for g in Grade.values}
    ungraded: list[list[Any]] = []
    count = 0
    for r in results.iterator(chunk_size=2000):
        count += 1
        ent = r.enterprise
        row = [
            ent.uscc,
            ent.name,
            ent.region.name,
            ent.park.name if ent.park else "",
            ent.industry.full_code if ent.industry else "",
            r.group,
            _number(r.score),
            r.rank,
            r.grade,
        ]
        if r.graded and r.grade in by_grade:
            by_grade[r.grade].append(
                row + [_number((r.indicators.get(i.key) or {}).get("score")) for i in indicators]
            )
        else:
            ungraded.append([*row[:6], r.reason])
    sheets: list[tuple[str, list[str], Any]] = [
        (str(Grade(g).label), [str(h) for h in graded_headers], by_grade[g]) for g in Grade.values
    ]
    sheets.append(
        (
            _("Not graded"),
            [str(h) for h in (*head[:6], _("reason not graded"))],
            ungraded,
        )
    )
    sheets.append((_("Evaluation scheme"), *_scheme_sheet(run, scheme)))
    content = excel.export_workbook(sheets)
    audit.record(
        actor=actor,
        event_type="export",
        obj=run,
        detail={"rows": count, "what": "evaluation results", "year": run.year},
    )
    name = _("Per-mu yield evaluation %(year)s") % {"year": run.year}
    return content, f"{name}.xlsx"


def _scheme_sheet(run: EvaluationRun, scheme: mu_yield.Scheme) -> tuple[list[str], list[list[Any]]]:
    headers = [
        pgettext("mu yield", "group"),
        _("indicator"),
        _("numerator"),
        _("denominator"),
        _("weight"),
        _("ratio when the denominator is missing or 0"),
        _("ratio when the numerator is missing"),
    ]
    rows: list[list[Any]] = []
    for group in scheme.groups:
        for ind in group.indicators:
            rows.append(
                [
                    group.label,
                    ind.name,
                    ind.numerator,
                    ind.denominator,
                    ind.weight,
                    ind.missing_or_zero_denominator_ratio,
                    ind.missing_numerator_ratio,
                ]
            )
    rows.append([])
    rows.append([_("scheme version"), f"v{run.scheme.number} {scheme.version}", scheme.name])
    rows.append([_("year"), run.year])
    rows.append([_("cap on a ratio"), scheme.cap if scheme.cap is not None else _("none")])
    rows.append([_("floor on a ratio"), scheme.floor])
    rows.append(
        [
            _("class shares"),
            f"A ≤ {scheme.share_a:.0%}",
            f"A + B ≤ {scheme.share_b_cumulative:.0%}",
            f"D ≥ {scheme.share_d:.0%}",
        ]
    )
    for rule in scheme.scope_rules:
        rows.append([_("not graded"), rule.reason, rule.rule, ", ".join(rule.groups)])
    for key, descending in scheme.tie_breaks:
        rows.append([_("tie-break"), key, _("descending") if descending else _("ascending")])
    return [str(h) for h in headers], rows


def appeal_record(*, appeal: Appeal, actor: Any) -> tuple[bytes, str]:
    """The appeal record (申诉处理记录) as a Word document: the claim, each step, the decision; audited."""
    from docx import Document

    def when(value: Any) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"

    def who(user: Any) -> str:
        return (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else "—"

    result = appeal.result
    run = result.run
    document = Document()
    document.add_heading(_("Appeal record"), level=0)
    document.add_paragraph(
        _("Per-mu yield evaluation %(year)s, appeal no. %(id)s")
        % {"year": run.year, "id": appeal.pk}
    )
    rows = [
        (_("enterprise"), str(appeal.enterprise)),
        (_("unified social credit code"), appeal.enterprise.uscc),
        (_("figure"), str(appeal.get_field_display())),
        (_("value used"), _plain(appeal.current_value)),
        (_("claimed value"), _plain(appeal.claimed_value)),
        (_("reason"), appeal.note or "—"),
        (_("evidence"), appeal.evidence_name or "—"),
        (_("submitted"), f"{when(appeal.submitted_at)} · {who(appeal.submitted_by)}"),
        (
            _("checked by the district"),
            f"{when(appeal.checked_at)} · {who(appeal.checked_by)} · "
            + (
                "—"
                if appeal.district_supports is None
                else str(
                    _("supports the claim")
                    if appeal.district_supports
                    else _("does not support the claim")
                )
            )
            + (f" · {appeal.check_note}" if appeal.check_note else ""),
        ),
        (
            _("decision"),
            f"{when(appeal.decided_at)} · {who(appeal.decided_by)} · "
            + (str(appeal.get_outcome_display()) if appeal.outcome else "—")
            + (f" · {appeal.decision_note}" if appeal.decision_note else ""),
        ),
        (_("status"), str(appeal.get_status_display())),
        (
            _("score and class before"),
            f"{_plain(appeal.score_before, 2)} · {appeal.grade_before or '—'}",
        ),
        (
            _("score and class after"),
            f"{_plain(appeal.score_after, 2)} · {appeal.grade_after or '—'}"
            if appeal.outcome
            else "—",
        ),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    audit.record(
        actor=actor, event_type="export", obj=appeal, detail={"rows": 1, "what": "appeal record"}
    )
    name = _("Appeal record %(id)s") % {"id": appeal.pk}
    return buffer.getvalue(), f"{name}.docx"


def _plain(value: Any, places: int = 3) -> str:
    if value is None:
        return "—"
    number = Decimal(str(round(float(value), places))).normalize()
    return f"{number:f}"
