"""The published investment guidance catalogue (投资导向目录) of a chain: Word and Excel read back, the target
list's order and top-N cut, scope, the audit row, and an empty chain."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from docx import Document

from chainleader.chainmap.models import GraphCompany
from chainleader.chains.models import Segment
from chainleader.core.models import AuditEvent
from chainleader.investment.models import LeafOpportunity, Target
from tests.factories import ChainFactory, SegmentFactory, region

DERIVED = datetime(2025, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PRIORITY = {"choke": 0, "missing": 10, "weak": 20}


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def add_targets(segment, status, count, prefix):
    for rank in range(1, count + 1):
        company = GraphCompany.objects.create(
            ticker=f"{600000 + GraphCompany.objects.count():06d}.SH",
            name=f"{prefix}{rank:02d}",
            fullname=f"{prefix}{rank:02d}股份有限公司",
        )
        Target.objects.create(
            chain=segment.chain,
            segment=segment,
            company=company,
            status=status,
            priority=PRIORITY[status],
            rank=rank,
            score=1 - rank / 100,
            share=0.5,
            buyer=0.5,
            fit=0.3,
            tier=1.0,
            board="主板",
            products=f"{segment.name}材料、{segment.name}部件",
            reason=f"{prefix}{rank:02d}的理由：主营{segment.name}",
            derived_at=DERIVED,
        )


@pytest.fixture
def listed_chain(db):
    """A district chain of 崂山区 with three gap segments; the weak one comes first in the tree."""
    chain = ChainFactory(name="测试链", level="district", region=region("370212"))
    weak = SegmentFactory(
        chain=chain, name="薄弱环节", order=0, position=Segment.Position.MIDSTREAM
    )
    missing = SegmentFactory(
        chain=chain, name="缺失环节", order=1, position=Segment.Position.MIDSTREAM
    )
    choke = SegmentFactory(
        chain=chain,
        name="卡脖子环节",
        order=2,
        position=Segment.Position.MIDSTREAM,
        key_products="光刻胶、电子特气",
    )
    add_targets(weak, "weak", 2, "弱链企业")
    add_targets(missing, "missing", 3, "补链企业")
    add_targets(choke, "choke", 12, "攻关企业")
    common = {"density": 0.4, "opportunity_gain": 0.1, "output": 1.0, "derived_at": DERIVED}
    LeafOpportunity.objects.create(
        segment=choke, distance=0.9, complexity=None, producers=0, **common
    )
    LeafOpportunity.objects.create(
        segment=missing, distance=0.25, complexity=1.5, producers=4, **common
    )
    return chain


def url(chain, **params):
    return reverse("investment:catalogue", args=[chain.pk]), params


def docx_text(resp):
    document = Document(io.BytesIO(resp.content))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    return document, paragraphs, tables


def test_the_word_catalogue_lists_the_gap_segments_chokepoints_first_with_the_top_ten(
    client, listed_chain, office_user
):
    client.force_login(office_user)
    resp = client.get(*url(listed_chain))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.word")
    assert "attachment" in resp["Content-Disposition"]
    document, paragraphs, tables = docx_text(resp)
    title = zh("%(chain)s industrial chain investment guidance catalogue") % {
        "chain": "崂山区测试链"
    }
    assert paragraphs[0] == title
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["1. 卡脖子环节", "2. 缺失环节", "3. 薄弱环节"]
    body = "\n".join(paragraphs)
    assert "卡脖子" in body and "缺失" in body and "薄弱" in body
    assert "光刻胶、电子特气" in body, "the segment's own products come first"
    assert "缺失环节材料、缺失环节部件" in body, "without them, what its firms make there"
    # one table per segment, in the same order; the chokepoint's firms cut at ten
    choke, missing, weak = tables
    firms = [row[1].split("\n")[0] for row in choke[1:]]
    assert firms == [f"攻关企业{r:02d}" for r in range(1, 11)]
    assert "攻关企业11" not in body + str(tables)
    assert choke[1][5] == "攻关企业01的理由：主营卡脖子环节"
    assert choke[0][1] == zh("target firm") and choke[0][5] == zh("reason")
    assert [row[1].split("\n")[0] for row in weak[1:]] == ["弱链企业01", "弱链企业02"]
    assert len(missing) == 4
    intro = zh(
        "This catalogue lists %(segments)s gap segments of the chain (choke points, missing and weak "
        "segments) and %(firms)s listed firms elsewhere that could fill them, at most %(top)s per "
        "segment."
    ) % {"segments": 3, "firms": 15, "top": 10}
    assert intro in paragraphs
    assert zh("… and %(n)s more firms on the target list.") % {"n": 2} in paragraphs
    # the chokepoint has no measurable complexity: —, not 0; the weak segment has no figures at all
    figures = [p for p in paragraphs if "0.9" in p or "0.25" in p]
    assert len(figures) == 2 and figures[0].endswith("—")
    with translation.override("zh-hans"):
        derived = date_format(DERIVED.date(), "DATE_FORMAT")
    assert any(derived in p for p in paragraphs[-3:]), "the closing note names the derivation date"
    assert any("45%" in p and "25%" in p and "20%" in p and "10%" in p for p in paragraphs)


def test_the_excel_catalogue_has_one_row_per_firm_with_its_segment(
    client, listed_chain, office_user
):
    client.force_login(office_user)
    resp = client.get(*url(listed_chain, format="xlsx"))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spread")
    book = openpyxl.load_workbook(io.BytesIO(resp.content))
    sheet, notes = book.worksheets
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    segment, firm, reason = zh("segment"), zh("target firm"), zh("reason")
    order = list(dict.fromkeys(r[segment] for r in rows))
    assert order == ["卡脖子环节", "缺失环节", "薄弱环节"]
    assert len(rows) == 10 + 3 + 2
    assert "攻关企业11" not in {r[firm] for r in rows}
    first = rows[0]
    assert first[firm] == "攻关企业01" and first[reason] == "攻关企业01的理由：主营卡脖子环节"
    assert first[zh("map status")] == "卡脖子"
    assert first[zh("complexity (percentile)")] == "—"
    assert first[zh("distance")] == 0.9
    assert isinstance(first[zh("score")], float)
    note_text = [c.value for row in notes.iter_rows() for c in row if c.value]
    assert note_text[0].startswith("崂山区测试链")


def test_top_picks_how_many_firms_each_segment_lists(client, listed_chain, office_user):
    client.force_login(office_user)
    _document, _paragraphs, tables = docx_text(client.get(*url(listed_chain, top="2")))
    assert [len(t) - 1 for t in tables] == [2, 2, 2]


def test_a_download_writes_one_export_audit_row(client, listed_chain, office_user):
    client.force_login(office_user)
    before = AuditEvent.objects.count()
    client.get(*url(listed_chain, format="xlsx"))
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.latest("id")
    assert (row.event_type, row.object_type, row.object_id, row.user) == (
        "export",
        "chains.chain",
        str(listed_chain.pk),
        office_user,
    )
    assert row.detail["format"] == "xlsx" and row.detail["rows"] == 15


def test_a_district_user_outside_the_chain_gets_404_and_no_audit_row(
    client, listed_chain, district_a_user, district_b_user
):
    client.force_login(district_a_user)
    before = AuditEvent.objects.filter(event_type="export").count()
    for fmt in ("docx", "xlsx"):
        assert client.get(*url(listed_chain, format=fmt)).status_code == 404
    assert AuditEvent.objects.filter(event_type="export").count() == before
    client.force_login(district_b_user)
    assert client.get(*url(listed_chain)).status_code == 200, "崂山区 sees its own chain"


def test_a_firm_account_gets_no_catalogue_even_of_a_chain_it_is_placed_in(
    client, listed_chain, firm, firm_user
):
    from chainleader.chains.models import Chain
    from tests.factories import PlacementFactory

    PlacementFactory(segment=listed_chain.segments.first(), enterprise=firm)
    client.force_login(firm_user)
    assert Chain.objects.for_user(firm_user).filter(pk=listed_chain.pk).exists()
    assert client.get(*url(listed_chain)).status_code == 403


def test_a_chain_without_targets_gets_a_document_saying_so(client, office_user):
    chain = ChainFactory(name="空链", level="city", region=region("3702"))
    client.force_login(office_user)
    resp = client.get(*url(chain))
    assert resp.status_code == 200
    _document, paragraphs, tables = docx_text(resp)
    assert paragraphs[0].startswith("空链")
    assert (
        zh(
            "No target firm is listed for this chain yet: target lists are ranked after the chain "
            "map is derived."
        )
        in paragraphs
    )
    assert tables == []
    book = openpyxl.load_workbook(io.BytesIO(client.get(*url(chain, format="xlsx")).content))
    assert book.worksheets[0].max_row == 1, "the header only"


def test_the_opportunity_and_target_pages_link_the_catalogue(client, listed_chain, office_user):
    client.force_login(office_user)
    link = reverse("investment:catalogue", args=[listed_chain.pk])
    page = client.get(reverse("investment:opportunity", args=[listed_chain.pk]))
    assert f"{link}?format=docx" in page.content.decode()
    assert f"{link}?format=xlsx" in page.content.decode()
    targets = client.get(reverse("investment:target_list"), {"chain": listed_chain.pk})
    assert f"{link}?format=xlsx" in targets.content.decode()
    unfiltered = client.get(reverse("investment:target_list"))
    assert link not in unfiltered.content.decode()


def test_the_derived_target_list_reads_the_same_in_the_catalogue(client, ranked, office_user):
    client.force_login(office_user)
    _document, paragraphs, tables = docx_text(client.get(*url(ranked)))
    target = Target.objects.get(company__name="海立股份")
    rows = [row for table in tables for row in table[1:]]
    row = next(r for r in rows if r[1].startswith("海立股份"))
    assert row[5] == target.reason
    assert f"{target.segment.name}" in "\n".join(paragraphs)
