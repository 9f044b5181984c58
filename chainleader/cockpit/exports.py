"""The chain leader's record as a workbook and a Word document, and an assessment run as a workbook."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from chainleader.core import excel

from . import metrics

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = excel.xlsx_response(content, filename)  # the same safe download headers, a Word body
    response["Content-Type"] = DOCX
    return response


def _who(user: Any) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else ""


def summary_rows(rec: dict[str, Any]) -> list[list[Any]]:
    c = rec["counts"]
    rows: list[list[Any]] = [
        [_("visits to the chain's firms"), c["visits"]],
        [_("chain meetings chaired"), c["meetings"] if c["meetings"] is not None else "—"],
        [_("matches brought to a deal"), c["matches"]],
        [_("problems closed out"), c["problems_closed"]],
        [_("of which on time"), c["problems_on_time"]],
        [_("investment leads landed"), c["leads_landed"]],
        [_("projects started"), c["projects_started"]],
        [
            _("indicator attainment"),
            f"{rec['attainment']:.0%}" if rec["attainment"] is not None else "—",
        ],
    ]
    return rows


def record_sheets(chain: Any, rec: dict[str, Any]) -> list[tuple[str, list[str], Any]]:
    people = "、".join(f"{p['name']}（{p['role']}）" for p in rec["people"]) or "—"
    head = [
        [_("chain"), chain.name],
        [_("year"), rec["year"]],
        [_("chain leader (post)"), rec["leader_post"] or "—"],
        [_("chain leader and team"), people],
    ]
    return [
        (str(_("Record")), [str(_("item")), str(_("figure"))], head + summary_rows(rec)),
        (
            str(_("Visits")),
            [
                str(_("visit date")),
                str(_("enterprise")),
                str(_("visited by")),
                str(_("visit notes")),
            ],
            [[v.on, v.assignment.enterprise.name, _who(v.visitor), v.notes] for v in rec["visits"]],
        ),
        (
            str(_("Matches")),
            [
                str(_("need")),
                str(_("offer")),
                str(_("deal amount (10k yuan)")),
                str(_("status changed at")),
            ],
            [
                [
                    f"{m.need.enterprise} · {m.need.product}",
                    f"{m.offer.enterprise} · {m.offer.product}",
                    m.deal_amount_wan,
                    m.status_changed_at.date() if m.status_changed_at else None,
                ]
                for m in rec["matches"]
            ],
        ),
        (
            str(_("Problems")),
            [
                str(_("problem")),
                str(_("assigned department")),
                str(_("deadline")),
                str(_("closed out at")),
            ],
            [
                [
                    p.title,
                    str(p.department or ""),
                    p.deadline,
                    p.closed_at.date() if p.closed_at else None,
                ]
                for p in rec["problems"]
            ],
        ),
        (
            str(_("Projects")),
            [str(_("kind")), str(_("name")), str(_("date"))],
            [
                [_("lead landed"), lead.firm_name or str(lead.company or ""), lead.stage_on]
                for lead in rec["leads"]
            ]
            + [[_("project started"), p.name, p.started_on] for p in rec["started"]],
        ),
    ]


def meeting_sheet(rec: dict[str, Any]) -> list[tuple[str, list[str], Any]]:
    """The meetings chaired (worklists' chain meetings), when that model exists."""
    meetings = rec.get("meetings")
    if not meetings:
        return []
    field = meetings.get("date_field")
    rows = [
        [
            getattr(m, field) if field else None,
            str(getattr(m, "title", "") or m),
            getattr(m, "chair_name", "") or _who(getattr(m, "chair", None)),
        ]
        for m in meetings["rows"]
    ]
    return [(str(_("Meetings")), [str(_("date")), str(_("meeting")), str(_("chair"))], rows)]


def record_workbook(chain: Any, rec: dict[str, Any]) -> bytes:
    return excel.export_workbook(record_sheets(chain, rec) + meeting_sheet(rec))


def record_docx(chain: Any, rec: dict[str, Any]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(
        _("Chain leader's record %(chain)s %(year)s") % {"chain": chain.name, "year": rec["year"]},
        1,
    )
    for title, header, rows in record_sheets(chain, rec) + meeting_sheet(rec):
        rows = list(rows)
        doc.add_heading(title, 2)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = str(text)
        for row in rows[:200]:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                cell.text = "" if value is None else str(value)
        if not rows:
            doc.add_paragraph(_("None."))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def run_workbook(run: Any) -> bytes:
    items = run.scheme_json.get("items", [])
    labels = {k: str(m.label) for k, m in metrics.METRICS.items()}
    header = [str(_("rank")), str(_("subject")), str(_("score")), str(_("awarded"))]
    for i in items:
        name = labels.get(i["metric"], i["metric"])
        header += [f"{name} · {_('value')}", f"{name} · {_('points')}"]
    header += [str(_("bonuses and deductions")), str(_("reasons"))]
    rows = []
    for s in run.scores.order_by("rank", "label"):
        lines = {line["metric"]: line for line in s.breakdown.get("items", [])}
        row: list[Any] = [s.rank, s.label, s.total, _("yes") if s.awarded else ""]
        for i in items:
            line = lines.get(i["metric"], {})
            row += [line.get("value"), line.get("points")]
        adj = s.breakdown.get("adjustments", [])
        row += [sum(a["points"] for a in adj), "；".join(a["reason"] for a in adj)]
        rows.append(row)
    return excel.export_workbook([(str(_("Scores")), header, rows)])
