"""The firm's page is its whole record (issue 15 item 5): the sections the apps above the registry add through
enterprises.hooks.enterprise_panels, each within the viewer's scope, the confidential figures only for those who
may see them, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chainleader.accounts.models import OrgUnit, Role
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    OrgUnitFactory,
    PlacementFactory,
    SegmentFactory,
    TierFactory,
    UserFactory,
    YearFigureFactory,
    region,
)
from tests.projects.factories import ProblemFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SECTIONS = (
    "placements",
    "projects",
    "leads",
    "matches",
    "requests",
    "visits",
    "tiers",
    "candidates",
)
REVENUE = Decimal("98765")  # shown 98,765 (intcomma) or 98765
PLAN_REVENUE = Decimal("87654")


def build_record(firm, n: int, *, actor, tag: str, lead_department=None):
    """``n`` rows of every kind on ``firm``'s record, their texts marked with ``tag``."""
    from chainleader.commissioners import services as commissioners
    from chainleader.growth.models import GrowthPlan, PlanYear
    from chainleader.investment.models import Lead
    from chainleader.matching.models import Match, Need, Offer
    from chainleader.tiers.models import TierCandidate

    chain = ChainFactory(region=firm.region, lead_department=lead_department)
    other = EnterpriseFactory(region=firm.region)
    cadre = UserFactory(role=Role.DEPARTMENT, org_unit=OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT))
    assignment = commissioners.assign(
        actor=actor, enterprise=firm, commissioner=cadre, kind="key", since=date(2025, 1, 1)
    )
    YearFigureFactory(enterprise=firm, year=2022, revenue_wan=REVENUE, tax_wan=Decimal("4321"))
    for i in range(n):
        PlacementFactory(enterprise=firm, segment=SegmentFactory(chain=chain, name=f"{tag}环节{i}"))
        ProjectFactory(investor=firm, chain=chain, district=firm.region, name=f"{tag}项目{i}")
        Lead.objects.create(
            chain=chain,
            firm_name=firm.name,
            district=firm.region,
            owner=actor,
            stage_on=date(2026, 1, 1 + i),
        )
        need = Need.objects.create(enterprise=firm, product=f"{tag}压缩机{i}", chain=chain)
        offer = Offer.objects.create(enterprise=other, product=f"{tag}压缩机{i}", chain=chain)
        Match.objects.create(need=need, offer=offer, score=0.5)
        ProblemFactory(
            source="firm", enterprise=firm, region=firm.region, chain=chain, title=f"{tag}诉求{i}"
        )
        commissioners.visit_log(actor=cadre, assignment=assignment, on=date(2025, 2, 1 + i))
        TierFactory(enterprise=firm, year=2000 + i)
        TierCandidate.objects.create(
            enterprise=firm, tier="gazelle", level="provincial", year=2000 + i, verdict="eligible"
        )
        plan = GrowthPlan.objects.create(enterprise=firm, base_year=2010 + i, target_year=2030)
        PlanYear.objects.create(plan=plan, year=2024, revenue_wan=PLAN_REVENUE)
    return chain


def page(client, user, firm):
    client.force_login(user)
    return client.get(reverse("enterprises:enterprise_detail", args=[firm.pk]))


def sections(html: str) -> set[str]:
    return {key for key in (*SECTIONS, "plans") if f'data-section="{key}"' in html}


def test_the_office_sees_every_section_with_its_rows(client, office_user):
    firm = EnterpriseFactory(name="甲制造有限公司")
    build_record(firm, 2, actor=office_user, tag="甲")
    r = page(client, office_user, firm)
    assert r.status_code == 200
    html = r.content.decode()
    assert sections(html) == {*SECTIONS, "plans"}
    for text in ("甲项目1", "甲诉求0", "甲压缩机1", "甲环节0", "2025-02-02"):
        assert text in html
    # Each section links to its list narrowed to the firm.
    assert f"/projects/?investor={firm.pk}" in html
    assert f"?enterprise={firm.pk}" in html
    # The office sees the confidential figures (and the page writes its one audit row for them).
    assert "98,765" in html or "98765" in html


def test_a_district_sees_its_firms_record_and_not_another_districts(
    client, office_user, district_a_user
):
    own = EnterpriseFactory(name="黄岛企业", region=region("370211"))
    build_record(own, 2, actor=office_user, tag="黄")
    far = EnterpriseFactory(name="崂山企业", region=region("370212"))
    build_record(far, 1, actor=office_user, tag="崂")
    html = page(client, district_a_user, own).content.decode()
    assert sections(html) == {*SECTIONS, "plans"}
    assert "黄项目0" in html and "黄诉求1" in html
    assert "崂" not in html
    assert page(client, district_a_user, far).status_code == 404


def test_a_firm_sees_its_own_record_and_never_another_firms_rows(
    client, office_user, firm, firm_user
):
    build_record(firm, 2, actor=office_user, tag="本")
    stranger = EnterpriseFactory(name="他企业", region=firm.region)
    build_record(stranger, 2, actor=office_user, tag="他")
    r = page(client, firm_user, firm)
    assert r.status_code == 200
    html = r.content.decode()
    # The office's working lists (leads, tier candidacies) are not a firm's to read.
    assert sections(html) >= {"placements", "projects", "matches", "requests", "plans"}
    assert "leads" not in sections(html) and "candidates" not in sections(html)
    assert "本项目0" in html and "本诉求1" in html
    assert "他项目" not in html and "他诉求" not in html and "他压缩机" not in html
    assert page(client, firm_user, stranger).status_code == 404


def test_a_department_without_the_grant_sees_no_confidential_figure(
    client, office_user, department_user, department_unit
):
    firm = EnterpriseFactory(name="链上企业")
    build_record(firm, 2, actor=office_user, tag="链", lead_department=department_unit)
    r = page(client, department_user, firm)
    assert r.status_code == 200
    html = r.content.decode()
    assert "placements" in sections(html)
    for figure in ("98,765", "98765", "4,321", "4321", "87,654", "87654"):
        assert figure not in html
    assert 'id="section-figures"' not in html
    # The plans are listed, without their pace (judged on the confidential figures).
    assert "on the plan's pace" not in html and "behind the plan's pace" not in html


def _queries(client, user, firm) -> int:
    client.force_login(user)
    url = reverse("enterprises:enterprise_detail", args=[firm.pk])
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, office_user):
    few = EnterpriseFactory(name="少企业")
    build_record(few, 1, actor=office_user, tag="少")
    many = EnterpriseFactory(name="多企业")
    build_record(many, 8, actor=office_user, tag="多")
    assert _queries(client, office_user, many) == _queries(client, office_user, few)


def test_each_sections_all_link_lists_the_firms_rows_only(client, office_user):
    from chainleader.enterprises import hooks

    firm = EnterpriseFactory(name="甲制造有限公司")
    build_record(firm, 1, actor=office_user, tag="甲")
    other = EnterpriseFactory(name="乙制造有限公司")
    build_record(other, 1, actor=office_user, tag="乙")
    client.force_login(office_user)
    panels = {p.key: p for p in hooks.panels_for(firm, office_user)}
    for key, marker in (("projects", "甲项目0"), ("requests", "甲诉求0"), ("matches", "甲压缩机0")):
        html = client.get(panels[key].all_url).content.decode()
        assert marker in html, key
        assert marker.replace("甲", "乙") not in html, key
    for key in ("leads", "visits", "candidates", "plans"):
        r = client.get(panels[key].all_url)
        assert r.status_code == 200, key
        assert "乙制造有限公司" not in r.content.decode(), key


def test_the_per_mu_result_shows_to_the_office_and_not_to_a_department(
    client, office_user, department_user, department_unit
):
    from chainleader.evaluation import services as evaluation

    firm = EnterpriseFactory(name="链上企业")
    build_record(firm, 1, actor=office_user, tag="链", lead_department=department_unit)
    run = evaluation.evaluation_run_create(
        year=2022, scheme=evaluation.scheme_current(), actor=office_user
    )
    evaluation.evaluation_run_compute(run=run, actor=office_user)
    assert 'id="section-mu"><div class="card' in page(client, office_user, firm).content.decode()
    html = page(client, department_user, firm).content.decode()
    assert re.search(r'id="section-mu">\s*</div>', html)
    assert 'href="#section-mu"' not in html
