"""AC3 and DP4, the sentinel crawl: a confidential tax figure and a contact's full phone number, planted in a
firm of district B, appear in no response to any role that may not see them, on any URL of the URLconf, as
HTML, JSON, browsable API, htmx partial or xlsx export (SECURITY.md AC3, DP4; DSL Art. 38; PIPL Art. 51).

The firm sits in a district-B chain that the department leads (so the department sees the firm, but not its
figures, and the phone only masked) and that the chain team does not work on; a firm user of another firm
placed in the same chain sees the chain. The office and district B do see the sentinel, through the same
detection, so the crawl cannot pass because it looks in the wrong place.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from chainleader.core import services as core_services
from chainleader.enterprises import services as enterprise_services
from chainleader.enterprises.models import Contact, YearFigure
from tests.factories import (
    ChainFactory,
    ChainTargetFactory,
    ContactFactory,
    EnterpriseFactory,
    LandZoneFactory,
    ParkFactory,
    PlacementFactory,
    SegmentFactory,
    TierFactory,
    YearFigureFactory,
    make_uscc,
    region,
)

from .crawl import body_text, crawl, id_pool, requests, xlsx_text

# The crawl reads every page as every role (minutes): CI runs it in the SQLite pass only (.ci/run).
pytestmark = pytest.mark.crawl

SENTINEL_TAX = Decimal("987654321.12")
SENTINEL_PHONE = "13999887766"
# The tax in any formatting a page, an export or a chart could give it: plain, grouped by thousands or by
# 万 (4 digits), in 亿元, in 元.
TAX_FORMS = ("987654321", "987,654,321", "9,8765,4321", "98765.43", "98765432112")
PHONE_FORMS = (SENTINEL_PHONE, "139 9988 7766", "139-9988-7766")

UNPERMITTED = [
    "district_a_user",
    "department_user",
    "firm_user",
    "chain_team_user",
    "system_admin",
    "security_admin",
    "audit_admin",
]


def leaks(text: str) -> list[str]:
    return [form for form in (*TAX_FORMS, *PHONE_FORMS) if form in text]


@pytest.fixture
def sentinel_world(
    office_user, district_a_user, district_b_user, department_unit, firm, team_chain
):
    """The sentinel firm in district B, planted through the services (so its audit rows exist too)."""
    a, b = region("370211"), region("370212")
    chain_b = ChainFactory(
        name="崂山链", level="district", region=b, lead_department=department_unit
    )
    seg_b = SegmentFactory(chain=chain_b, name="乙环节")
    ChainTargetFactory(chain=chain_b)
    park_b = ParkFactory(name="崂山园区", region=b)
    park_b.chains.add(chain_b)
    secret = enterprise_services.enterprise_create(
        actor=office_user,
        data={
            "uscc": make_uscc(424242, "370212"),
            "name": "哨兵企业有限公司",
            "region": b,
            "park": park_b,
        },
    )
    figure = core_services.object_create(
        model=YearFigure,
        actor=office_user,
        data={"enterprise": secret, "year": 2024, "tax_wan": SENTINEL_TAX, "revenue_wan": 5000},
    )
    contact = core_services.object_create(
        model=Contact,
        actor=office_user,
        data={"enterprise": secret, "name": "哨兵联系人", "phone": SENTINEL_PHONE},
    )
    TierFactory(enterprise=secret)
    PlacementFactory(segment=seg_b, enterprise=secret)
    PlacementFactory(segment=seg_b, enterprise=firm)  # the firm persona sees this chain
    LandZoneFactory(region=b)
    # Something in every other persona's own scope, so their pages are real pages, not empty ones.
    firm_a = EnterpriseFactory(name="黄岛企业有限公司", region=a)
    YearFigureFactory(enterprise=firm_a)
    ContactFactory(enterprise=firm_a)
    seg_team = SegmentFactory(chain=team_chain, name="整机制造")
    PlacementFactory(segment=seg_team, enterprise=firm_a)
    YearFigureFactory(enterprise=firm)
    ParkFactory(region=a)
    LandZoneFactory(region=a)
    return {"firm": secret, "figure": figure, "contact": contact}


def _crawl(user) -> tuple[list, list, int]:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    reqs, skipped = requests(id_pool(), ["370211", "370212"])
    assert skipped == [], f"routes the crawl cannot fill (teach tests/security/crawl.py): {skipped}"
    found, errors, n = [], [], 0
    for req, resp, text in crawl(client, reqs):
        n += 1
        if resp.status_code >= 500:
            errors.append((req.url, resp.status_code))
        hit = leaks(text)
        if hit:
            found.append((req.route, req.url, resp.status_code, hit))
    return found, errors, n


@pytest.mark.parametrize("persona", UNPERMITTED)
def test_the_sentinel_appears_in_no_response_to_an_unpermitted_role(
    request, sentinel_world, persona
):
    user = request.getfixturevalue(persona)
    found, _errors, n = _crawl(user)
    assert n > 250, f"only {n} requests: the crawl found too few routes"
    assert found == [], found


def test_the_crawl_meets_no_server_error(sentinel_world, office_user, district_a_user):
    """IN4 on the side: no GET of any route, as the office or a district, answers 5xx."""
    errors = []
    for user in (office_user, district_a_user):
        errors += _crawl(user)[1]
    assert errors == [], errors


def test_the_office_sees_the_sentinel_through_the_same_detection(sentinel_world, office_user):
    found, _errors, _n = _crawl(office_user)
    routes = {route for route, *_rest in found}
    assert {
        "enterprises:enterprise_detail",
        "api:yearfigure-list",
        "api:yearfigure-detail",
    } <= routes
    detail = [hit for route, _u, _s, hit in found if route == "enterprises:enterprise_detail"]
    assert any("987654321" in h and SENTINEL_PHONE in h for h in detail)


def test_district_b_sees_the_sentinel_on_the_firm_page(client, sentinel_world, district_b_user):
    client.force_login(district_b_user)
    text = body_text(client.get(sentinel_world["firm"].get_absolute_url()))
    assert "987654321.12" in text and SENTINEL_PHONE in text


def test_the_department_sees_the_firm_but_neither_figures_nor_the_full_phone(
    client, sentinel_world, department_user
):
    client.force_login(department_user)
    resp = client.get(sentinel_world["firm"].get_absolute_url())
    text = body_text(resp)
    assert resp.status_code == 200 and "哨兵企业有限公司" in text
    assert leaks(text) == [] and "139****7766" in text


def test_the_scanner_reads_xlsx_cells_and_every_tax_format():
    wb = openpyxl.Workbook()
    wb.active.append(["税额", float(SENTINEL_TAX)])
    buf = io.BytesIO()
    wb.save(buf)
    assert leaks(xlsx_text(buf.getvalue())) == ["987654321"]
    assert leaks("税收 98,765.43 亿元".replace(",", "")) == ["98765.43"]
    assert leaks("139****7766") == []


def test_a_changed_figure_or_phone_does_not_reach_the_audit_administrator(
    client, sentinel_world, office_user, audit_admin
):
    figure, contact = sentinel_world["figure"], sentinel_world["contact"]
    core_services.object_update(
        instance=figure, actor=office_user, data={"tax_wan": Decimal("1.00")}, expected_version=1
    )
    core_services.object_update(
        instance=contact, actor=office_user, data={"phone": "13800000000"}, expected_version=1
    )
    client.force_login(audit_admin)
    page = body_text(client.get(reverse("core:audit_log")))
    export = body_text(client.get(reverse("core:audit_log"), {"export": "xlsx"}))
    assert leaks(page) == [] and leaks(export) == []
