"""The minutes of a chain meeting as a Word file (会议纪要, python-docx): laid out from data the view read."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from chainleader.projects.briefs import _set_fonts, _table

from .models import ChainMeeting, MeetingDecision


def render_minutes(meeting: ChainMeeting, decisions: list[MeetingDecision], today: date) -> bytes:
    document = Document()
    _set_fonts(document)  # the brief's East Asian font settings
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    heading = document.add_heading(_("Minutes: %(title)s") % {"title": meeting.title}, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table(
        document,
        [_("Item"), _("Value")],
        [
            [_("chain"), str(meeting.chain)],
            [_("date"), meeting.held_on.isoformat()],
            [_("place"), meeting.place or "—"],
            [_("convening unit"), str(meeting.host_unit) if meeting.host_unit else "—"],
            [_("chair"), meeting.chair_label or "—"],
            [_("attendees"), meeting.attendees or "—"],
            [_("status"), meeting.get_status_display()],
        ],
    )
    document.add_heading(_("1. Agenda"), level=1)
    for line in (meeting.agenda or "").splitlines() or ["—"]:
        if line.strip():
            document.add_paragraph(line)
    document.add_heading(_("2. Minutes"), level=1)
    for line in (meeting.minutes or "").splitlines() or ["—"]:
        if line.strip():
            document.add_paragraph(line)
    document.add_heading(_("3. Decisions"), level=1)
    if decisions:
        _table(
            document,
            [_("No."), _("Decision"), _("Owner unit"), _("Owner"), _("Deadline"), _("Status")],
            [
                [
                    n,
                    d.text,
                    d.owner_unit.name,
                    str(d.owner_user) if d.owner_user else "—",
                    d.deadline.isoformat(),
                    d.item.get_status_display()
                    + (f"（{_('overdue')}）" if d.item.is_overdue(today) else ""),
                ]
                for n, d in enumerate(decisions, start=1)
            ],
        )
        document.add_paragraph(
            _("Each decision is a key task on the chain's list, worked and closed out there.")
        )
    else:
        document.add_paragraph(_("No decisions recorded."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_text(content: bytes) -> str:
    """All text of a minutes file, paragraphs and table cells (tests read the file back)."""
    document: Any = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
