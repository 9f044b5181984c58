"""The published investment guidance catalogue (投资导向目录) of a chain, as Word and as Excel.

Layout only: takes the plain data of `selectors.catalogue_data()` (dicts, lists, dates) and runs no query, so
the office's handout, the Excel file and the page it is downloaded from show the same rows.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from chainleader.core import excel

FONT = "Microsoft YaHei"
# rank, firm, board, products, score, reason: 17 cm, the width of A4 inside 2 cm margins
WIDTHS_CM = (1.2, 3.4, 1.6, 3.0, 1.4, 6.4)


def title(data: dict[str, Any]) -> str:
    return _("%(chain)s industrial chain investment guidance catalogue") % {"chain": data["chain"]}


def issued(data: dict[str, Any]) -> str:
    return _("Issued %(date)s") % {"date": date_format(data["date"], "DATE_FORMAT")}


def intro(data: dict[str, Any]) -> str:
    if not data["segments"]:
        return _(
            "No target firm is listed for this chain yet: target lists are ranked after the chain "
            "map is derived."
        )
    return _(
        "This catalogue lists %(segments)s gap segments of the chain (choke points, missing and weak "
        "segments) and %(firms)s listed firms elsewhere that could fill them, at most %(top)s per "
        "segment."
    ) % {"segments": len(data["segments"]), "firms": data["firms"], "top": data["top"]}


def method_notes(data: dict[str, Any]) -> list[str]:
    """How the list was ranked, what the figures mean and where they come from."""
    w = {k: f"{v:.0%}" for k, v in data["weights"].items()}
    notes = [
        _(
            "Within each segment, firms are ranked by a score of four parts: revenue share on the "
            "segment's products (%(share)s), whether they supply the local chain masters (%(buyer)s), "
            "how their businesses relate to local industry (%(fit)s) and listing board (%(tier)s). "
            "Firms already local and ST firms are left out."
        )
        % w,
        _(
            "Distance runs from 0 (local firms already do closely related things) to 1 (nothing "
            "related is done locally); complexity is the segment's percentile among the segments of "
            "all chains (— where no listed firm makes it)."
        ),
    ]
    if data["derived_on"] is not None:
        notes.append(
            _("Derived from public data on listed firms on %(date)s.")
            % {"date": date_format(data["derived_on"], "DATE_FORMAT")}
        )
    return notes


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def segment_lines(segment: dict[str, Any]) -> list[str]:
    """The lines under a segment's heading: position and status, products, opportunity figures."""
    lines = [
        _("Position: %(position)s; map status: %(status)s")
        % {"position": segment["position"], "status": segment["status_label"]},
        _("Products: %(products)s") % {"products": "、".join(segment["products"]) or "—"},
    ]
    if segment["opportunity"] is not None:
        lines.append(
            _(
                "Distance from local capabilities: %(distance)s; complexity (percentile): %(complexity)s"
            )
            % {
                "distance": _figure(segment["opportunity"]["distance"]),
                "complexity": _figure(segment["opportunity"]["complexity"]),
            }
        )
    return lines


def filename(data: dict[str, Any], extension: str) -> str:
    return f"{title(data)}-{data['date']:%Y%m%d}.{extension}"


# --------------------------------------------------------------------------------------------- Word


def _set_fonts(document: Any) -> None:
    """Chinese text needs an East Asian font on the style, or Word falls back to a Latin face (as briefs.py)."""
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = document.styles[style_name]
        except KeyError:
            continue
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), FONT)
    document.styles["Normal"].font.size = Pt(10.5)


def _firm_table(document: Any, targets: list[dict[str, Any]]) -> None:
    headers = [
        _("rank"),
        _("target firm"),
        _("listing board"),
        _("products on the segment"),
        _("score"),
        _("reason"),
    ]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    rows = [
        [
            str(t["rank"]),
            t["firm"]
            + (f"\n{t['fullname']}" if t["fullname"] and t["fullname"] != t["firm"] else ""),
            t["board"] or "—",
            t["products"] or "—",
            f"{t['score']:.2f}",
            t["reason"],
        ]
        for t in targets
    ]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)


def render_docx(data: dict[str, Any]) -> bytes:
    document = Document()
    _set_fonts(document)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    heading = document.add_heading(title(data), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_line = document.add_paragraph(issued(data))
    date_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_line.runs[0].font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    document.add_paragraph(intro(data))

    for number, segment in enumerate(data["segments"], start=1):
        document.add_heading(f"{number}. {segment['name']}", level=1)
        for line in segment_lines(segment):
            document.add_paragraph(line)
        _firm_table(document, segment["targets"])
        more = segment["total"] - len(segment["targets"])
        if more > 0:
            document.add_paragraph(_("… and %(n)s more firms on the target list.") % {"n": more})
        else:
            document.add_paragraph()

    if data["segments"]:
        document.add_heading(_("How the list was ranked"), level=1)
        for note in method_notes(data):
            document.add_paragraph(note)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------- Excel


def render_xlsx(data: dict[str, Any]) -> bytes:
    """One row per firm with its segment's columns repeated (so the sheet filters), then the notes sheet."""
    headers = [
        _("segment"),
        _("position"),
        _("map status"),
        _("key products"),
        _("distance"),
        _("complexity (percentile)"),
        _("rank"),
        _("target firm"),
        _("company full name"),
        _("ticker"),
        _("listing board"),
        _("products on the segment"),
        _("score"),
        _("reason"),
    ]
    rows = []
    for segment in data["segments"]:
        opportunity = segment["opportunity"]
        distance = complexity = None  # no figures: the cells stay empty
        if opportunity is not None:
            distance = opportunity["distance"]
            complexity = "—" if opportunity["complexity"] is None else opportunity["complexity"]
        for t in segment["targets"]:
            rows.append(
                [
                    segment["name"],
                    segment["position"],
                    segment["status_label"],
                    "、".join(segment["products"]),
                    distance,
                    complexity,
                    t["rank"],
                    t["firm"],
                    t["fullname"],
                    t["ticker"],
                    t["board"],
                    t["products"],
                    t["score"],
                    t["reason"],
                ]
            )
    notes = [[issued(data)], [intro(data)]]
    if data["segments"]:
        notes += [[note] for note in method_notes(data)]
    return excel.export_workbook(
        [
            (title(data), [str(h) for h in headers], rows),
            (_("About this catalogue"), [title(data)], notes),
        ]
    )
