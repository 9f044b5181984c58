"""Query counts of every list page and every list endpoint, pinned in one table (NetBox keeps them in
``query_counts.json``; STYLE.md §4).

The lists are found, not listed: every page whose URL name ends in ``_list`` or that is built on core's
ObjectListView, and every list endpoint of the API router. ``BUDGETS`` pins each one's queries with ``N`` rows;
the test fills the list with ``N`` rows, then with ``3 N``, and shows the count stays within the budget and does
not grow with the rows (an N+1 query would add at least 2 N). A list without a budget, or a budget of no list,
fails ``test_the_table_covers_every_list``.

Reference lists (regions, industry codes, the four classes' measures) hold more than a page of fixed data
already: their rows are not added, only the count is pinned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from chainleader.accounts.models import OrgUnit, Role
from tests.factories import (
    ChainFactory,
    ChainTargetFactory,
    EnterpriseFactory,
    LandZoneFactory,
    OrgUnitFactory,
    ParkFactory,
    PlacementFactory,
    SegmentFactory,
    TierFactory,
    UserFactory,
    YearFigureFactory,
    region,
)
from tests.projects.factories import (
    BatchFactory,
    ProblemFactory,
    ProjectFactory,
    ReportFactory,
    WorkItemFactory,
    WorkItemNoteFactory,
)
from tests.scope_harness import api_endpoints, list_pages, routes

pytestmark = pytest.mark.django_db

N = 2  # rows first; then 3 N

# The one table: list page or endpoint -> the most queries one request may make, with N or 3 N rows (the page's
# own queries: the session row's are on top, see SESSION).
BUDGETS = {
    "indicators:indicator_list": 8,
    "indicators:value_list": 8,
    "indicators:warning_list": 8,
    "indicators:relocation_list": 8,
    "api:indicator-list": 8,
    "api:indicatortarget-list": 8,
    "api:indicatorvalue-list": 8,
    "api:warning-list": 8,
    "accounts:unit_list": 2,
    "accounts:user_list": 3,
    "chainmap:gap_list": 5,
    "chains:chain_list": 3,
    "challenges:challenge_list": 5,
    "challenges:application_list": 4,
    "challenges:scene_list": 5,
    "challenges:lab_list": 4,
    "challenges:diagnosis_list": 5,
    "challenges:title_list": 4,
    "cockpit:scheme_list": 3,
    "commissioners:assignment_list": 7,
    "chains:segment_list": 4,
    "enterprises:enterprise_list": 6,
    "evaluation:appeal_list": 3,
    "evaluation:measure_list": 3,
    "evaluation:result_list": 8,
    "evaluation:run_list": 6,
    "evaluation:scheme_list": 4,
    # Growth plans judge their pace in Python: the plans, the firms' visible figures and the plans' years.
    "growth:plan_list": 9,
    # Policies (decision 0029): results and payments audit each confidential read on the API.
    "policies:policy_list": 3,
    "policies:run_list": 3,
    "policies:result_list": 3,
    "policies:payment_list": 5,
    "policies:measure_list": 3,
    "investment:lead_list": 8,
    "investment:target_list": 4,
    "matching:match_list": 4,
    "matching:need_list": 4,
    "matching:offer_list": 4,
    "parks:landzone_list": 3,
    "parks:park_list": 5,
    "projects:batch_list": 3,
    "projects:notification_list": 4,
    "projects:problem_list": 6,
    "projects:project_list": 6,
    "projects:report_list": 5,
    "projects:request_list": 6,
    "reference:industry_list": 3,
    "reference:region_list": 3,
    "tiers:candidate_list": 6,
    "tiers:target_list": 4,
    "worklists:item_list": 7,
    "worklists:my_items": 9,
    "worklists:meeting_list": 6,
    # The confidential lists (appeals, results, year figures) audit each read: the audit row, its hash chain and
    # seal, in a savepoint, are 6 of their queries.
    "api:appeal-list": 9,
    "api:assignment-list": 3,
    "api:chain-list": 4,
    "api:chaintarget-list": 3,
    "api:challenge-list": 4,
    "api:challengeapplication-list": 3,
    "api:scene-list": 3,
    "api:sceneapplication-list": 3,
    "api:lab-list": 3,
    "api:diagnosis-list": 4,
    "api:digitaltitle-list": 3,
    "api:enterprise-list": 3,
    "api:enterprisetier-list": 3,
    "api:evaluationresult-list": 9,
    "api:evaluationrun-list": 3,
    "api:firm-request-list": 4,
    # The growth plans and their years audit each read (confidential figures), as the year figures do.
    "api:growthplan-list": 14,
    "api:measure-list": 6,
    "api:planyear-list": 12,
    "api:policy-list": 3,
    "api:policyitem-list": 3,
    "api:eligibilityrun-list": 3,
    "api:eligibilityresult-list": 9,
    "api:payment-list": 9,
    "api:measurerule-list": 3,
    "api:industry-list": 3,
    "api:landzone-list": 3,
    "api:lead-list": 4,
    "api:match-list": 3,
    "api:monthlyreport-list": 3,
    "api:need-list": 3,
    "api:offer-list": 3,
    "api:park-list": 4,
    "api:placement-list": 3,
    "api:problem-list": 3,
    "api:project-list": 3,
    "api:region-list": 3,
    "api:segment-list": 3,
    "api:target-list": 3,
    "api:tiercandidate-list": 3,
    "api:tiertarget-list": 3,
    "api:workitem-list": 3,
    "api:chainmeeting-list": 3,
    "api:meetingdecision-list": 3,
    "api:yearfigure-list": 9,
    "api:cockpit-chain-list": 3,
    "api:assessment-scheme-list": 3,
    "api:assessment-run-list": 3,
    "api:visit-list": 4,
}


def list_names() -> set[str]:
    pages = {r.name for r in routes()[0] if not r.is_api and r.name.endswith("_list")}
    pages |= {r.name for r in list_pages()}
    return pages | {ep.name("list") for ep in api_endpoints() if ep.has("list")}


def test_the_table_covers_every_list():
    assert set(BUDGETS) == list_names()


# --- what fills each list ------------------------------------------------------------------------------------


@dataclass
class Ctx:
    """The viewer, the URL kwargs some lists need, and what a maker keeps between its two calls."""

    user: Any
    kwargs: dict[str, Any]
    keep: dict[str, Any]


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def firms(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        firm = EnterpriseFactory(park=ParkFactory())
        TierFactory(enterprise=firm)
        YearFigureFactory(enterprise=firm)
        PlacementFactory(enterprise=firm)


def chains(ctx: Ctx, n: int) -> None:
    dept = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)
    for _ in range(n):
        chain = ChainFactory(lead_department=dept)
        SegmentFactory(chain=chain)
        ChainTargetFactory(chain=chain)


def segments(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        PlacementFactory(segment=SegmentFactory())


def parks(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        ParkFactory().chains.add(ChainFactory())


def zones(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        LandZoneFactory()


def projects(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        ReportFactory(project=ProjectFactory(investor=EnterpriseFactory()))


def reports(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        ReportFactory()


def problems(ctx: Ctx, n: int) -> None:
    dept = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)
    for _ in range(n):
        project = ProjectFactory()
        ProblemFactory(
            chain=project.chain, project=project, region=region("370211"), department=dept
        )


def requests(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        firm = EnterpriseFactory()
        ProblemFactory(source="firm", enterprise=firm, region=firm.region)


def batches(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        BatchFactory().projects.add(ProjectFactory())


def notifications(ctx: Ctx, n: int) -> None:
    from chainleader.projects.models import Notification

    for i in range(n):
        Notification.objects.create(user=ctx.user, text=f"提醒{i}", link="/")


def items(ctx: Ctx, n: int) -> None:
    owner = ctx.user.org_unit or OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)
    for _ in range(n):
        WorkItemNoteFactory(item=WorkItemFactory(owner_unit=owner))


def targets(ctx: Ctx, n: int) -> None:
    from chainleader.chainmap.models import GraphCompany, GraphIndustry
    from chainleader.investment.models import Target

    if "industry" not in ctx.keep:
        ctx.keep["industry"] = GraphIndustry.objects.create(code="330102", name="白色家电", level=3)
    for _ in range(n):
        seg = SegmentFactory()
        company = GraphCompany.objects.create(
            ticker=f"{600000 + Target.objects.count()}.SH",
            name="上市公司",
            industry=ctx.keep["industry"],
        )
        Target.objects.create(
            chain=seg.chain,
            segment=seg,
            company=company,
            rank=1,
            score=0.5,
            share=0.1,
            buyer=0.0,
            fit=0.5,
            tier=1.0,
            derived_at=timezone.now(),
        )


def leads(ctx: Ctx, n: int) -> None:
    from chainleader.investment.models import Lead, LeadStep

    for _ in range(n):
        seg = SegmentFactory()
        lead = Lead.objects.create(
            chain=seg.chain,
            segment=seg,
            firm_name="目标企业",
            district=region("370211"),
            owner=ctx.user,
            stage_on=date(2026, 1, 5),
        )
        LeadStep.objects.create(lead=lead, stage=lead.stage, on=lead.stage_on, actor=ctx.user)


def growth_plans(ctx: Ctx, n: int) -> None:
    from chainleader.growth.models import GrowthPlan, Measure, PlanYear

    for _ in range(n):
        firm = EnterpriseFactory()
        for year in (2022, 2023):
            YearFigureFactory(enterprise=firm, year=year)
        plan = GrowthPlan.objects.create(enterprise=firm, base_year=2022, target_year=2025)
        PlanYear.objects.create(plan=plan, year=2024, revenue_wan=Decimal(20000))
        Measure.objects.create(plan=plan, text="协调用地")


def policy_rows(ctx: Ctx, n: int) -> None:
    from chainleader.policies.models import (
        EligibilityResult,
        EligibilityRun,
        MeasureRule,
        Payment,
        Policy,
        PolicyItem,
        PolicyItemVersion,
    )

    for _ in range(n):
        firm = EnterpriseFactory()
        policy = Policy.objects.create(title="政策", issuer="管委", status="published")
        item = PolicyItem.objects.create(
            policy=policy, number="1", title="条款", conditions={"all": []}, current_version=1
        )
        version = PolicyItemVersion.objects.create(item=item, number=1, frozen=item.frozen())
        run = EligibilityRun.objects.create(
            item=item, item_version=version, year=2024, run_on=date(2026, 1, 5), counts={"firms": 1}
        )
        result = EligibilityResult.objects.create(
            run=run, enterprise=firm, eligible=True, amount_wan=Decimal(10), status="confirmed"
        )
        Payment.objects.create(
            result=result,
            enterprise=firm,
            amount_wan=Decimal(10),
            paid_on=date(2026, 1, 6),
            voucher_no=f"PZ-{Payment.objects.count() + 1}",
        )
        MeasureRule.objects.create(grade="D", min_years=2, kind="power", measure="加价")


def _listings(n: int) -> list[tuple[Any, Any]]:
    from chainleader.matching.models import Need, Offer

    out = []
    for _ in range(n):
        chain = ChainFactory()
        out.append(
            (
                Need.objects.create(
                    enterprise=EnterpriseFactory(),
                    product="压缩机",
                    chain=chain,
                    segment=SegmentFactory(chain=chain),
                ),
                Offer.objects.create(enterprise=EnterpriseFactory(), product="压缩机", chain=chain),
            )
        )
    return out


def listings(ctx: Ctx, n: int) -> None:
    _listings(n)


def matches(ctx: Ctx, n: int) -> None:
    from chainleader.matching.models import Match

    for need, offer in _listings(n):
        Match.objects.create(need=need, offer=offer, score=0.5)


def _evaluated_firms(n: int) -> None:
    for i in range(n):
        firm = EnterpriseFactory(above_size=bool(i % 2))
        for year in (2023, 2024):
            YearFigureFactory(enterprise=firm, year=year, land_mu=10 + i, tax_wan=50 + 10 * i)


def _run(user: Any, year: int, status: str = "reviewing") -> Any:
    from chainleader.evaluation import services

    run = services.evaluation_run_create(year=year, scheme=services.scheme_current(), actor=user)
    run = services.evaluation_run_compute(run=run, actor=user)
    return services.run_review_open(run=run, actor=user) if status == "reviewing" else run


def runs(ctx: Ctx, n: int) -> None:
    from chainleader.evaluation import services
    from chainleader.evaluation.models import EvaluationRun

    for _ in range(n):
        EvaluationRun.objects.create(
            year=2000 + EvaluationRun.objects.count(),
            scheme=services.scheme_current(),
            status=EvaluationRun.Status.PUBLISHED,
            created_by=ctx.user,
        )


def results(ctx: Ctx, n: int) -> None:
    """A run over N firms, then (the second call) a run over 3 N firms: result_list shows the newer run."""
    _evaluated_firms(n)
    run = _run(ctx.user, 2024 if "run" not in ctx.keep else 2023)
    ctx.keep["run"] = True
    if ctx.keep["page"]:
        ctx.kwargs["parent_pk"] = run.pk


def appeals(ctx: Ctx, n: int) -> None:
    from chainleader.evaluation import services

    if "results" not in ctx.keep:
        _evaluated_firms(3 * N)
        ctx.keep["results"] = list(_run(ctx.user, 2024).results.order_by("pk"))
        # A firm's district appeals for it (the office decides appeals; it does not submit them).
        unit = OrgUnitFactory(kind=OrgUnit.Kind.DISTRICT, region=region("370211"))
        ctx.keep["district"] = UserFactory(role=Role.DISTRICT, org_unit=unit)
    for _ in range(n):
        result = ctx.keep["results"].pop()
        services.appeal_submit(
            result=result,
            actor=ctx.keep["district"],
            field="tax_wan",
            claimed_value=Decimal(900),
            evidence=_pdf(),
        )


def schemes(ctx: Ctx, n: int) -> None:
    from chainleader.evaluation.models import SchemeVersion
    from chainleader.evaluation.services import scheme_current

    current = scheme_current()
    for _ in range(n):
        number = SchemeVersion.objects.count() + 1
        SchemeVersion.objects.create(
            number=number, label=f"v{number}", scheme_json=current.scheme_json
        )


def users(ctx: Ctx, n: int) -> None:
    unit = OrgUnitFactory(kind=OrgUnit.Kind.DISTRICT, region=region("370211"))
    for _ in range(n):
        UserFactory(role=Role.DISTRICT, org_unit=unit)


def units(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        OrgUnitFactory(kind=OrgUnit.Kind.DISTRICT, region=region("370212"))


def tiers(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        TierFactory()


def figures(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        YearFigureFactory()


def chain_targets(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        ChainTargetFactory()


def placements(ctx: Ctx, n: int) -> None:
    for _ in range(n):
        PlacementFactory()


def innovation(ctx: Ctx, n: int) -> None:
    """Challenges (each taken, with a milestone and an application), scenes with an application, labs, diagnoses
    with a recommendation, digital titles: one of each per row, each on its own firms and chain."""
    from chainleader.challenges.models import (
        Challenge,
        ChallengeApplication,
        Diagnosis,
        DigitalTitle,
        Lab,
        Milestone,
        Recommendation,
        Scene,
        SceneApplication,
    )

    for _ in range(n):
        seg = SegmentFactory()
        firm, solver = EnterpriseFactory(), EnterpriseFactory()
        ch = Challenge.objects.create(
            publisher_firm=firm,
            chain=seg.chain,
            segment=seg,
            title="降噪",
            need="x",
            budget_wan=10,
            deadline=date(2026, 12, 1),
            status="in_progress",
        )
        ch.selected = ChallengeApplication.objects.create(
            challenge=ch, solver_firm=solver, proposal="x", asked_wan=5, status="selected"
        )
        ch.save()
        Milestone.objects.create(challenge=ch, title="样机", due_on=date(2026, 6, 1))
        scene = Scene.objects.create(
            publisher_unit=OrgUnitFactory(), chain=seg.chain, title="场景", sought="x"
        )
        SceneApplication.objects.create(scene=scene, supplier=solver, offer="x", score=0.5)
        Lab.objects.create(name="实验室", kind="scene", host=firm, segment=seg)
        diag = Diagnosis.objects.create(
            enterprise=firm,
            provider="赋能中心",
            diagnosed_on=date(2026, 1, 5),
            strategy=3,
            equipment=2,
            production=2,
            management=3,
            products=2,
            data=1,
        )
        Recommendation.objects.create(diagnosis=diag, text="数字化车间")
        DigitalTitle.objects.create(enterprise=firm, kind="smart_factory", level="city", year=2021)


def gaps(ctx: Ctx, n: int) -> None:
    """The small graph and curated tree of tests/chainmap; rows are the tree's leaves, each with its local
    firms: the second call adds firms making 空调 and derives the map again."""
    from chainleader.chainmap.importer import graph_import
    from chainleader.chainmap.linking import link_companies, link_products
    from chainleader.chainmap.services import map_derive
    from chainleader.chains.trees_service import tree_load
    from chainleader.engines.chain_map.tree import parse_tree
    from chainleader.enterprises.models import EnterpriseProduct, Product
    from tests.chainmap.graphs import write_graph
    from tests.chainmap.test_maps import CHANGES, TREE

    if "chain" not in ctx.keep:
        graph_import(path=write_graph(ctx.keep["tmp"] / "chainkg", CHANGES))
        chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
        tree_load(chain=chain, tree=parse_tree(TREE))
        ctx.keep["chain"] = chain
        ctx.kwargs["pk"] = chain.pk
    aircon = Product.objects.get(name="空调")
    for _ in range(n):
        EnterpriseProduct.objects.create(enterprise=EnterpriseFactory(), product=aircon)
    link_companies()
    link_products()
    map_derive(chains=[ctx.keep["chain"]])


def tier_candidates(ctx: Ctx, n: int) -> None:
    from chainleader.tiers.models import TierCandidate

    for _ in range(n):
        TierCandidate.objects.create(
            enterprise=EnterpriseFactory(),
            tier="gazelle",
            level="provincial",
            year=2026,
            verdict="eligible",
            verdict_summary="符合全部条件",
        )


def tier_targets(ctx: Ctx, n: int) -> None:
    from chainleader.tiers.models import TierTarget

    for _ in range(n):
        TierTarget.objects.create(
            tier="gazelle",
            level="provincial",
            year=2030 + TierTarget.objects.count(),
            value=5,
            region=region("370211"),
        )


def meetings(ctx: Ctx, n: int) -> None:
    """Held chain meetings, each with a decision and its list item."""
    from chainleader.worklists.models import ChainMeeting, MeetingDecision

    owner = ctx.keep.setdefault("meeting_owner", OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT))
    for i in range(n):
        meeting = ChainMeeting.objects.create(
            chain=ChainFactory(),
            title=f"会商{i}",
            held_on=date(2026, 5, 1),
            chair=ctx.user,
            status="held",
        )
        item = WorkItemFactory(chain=meeting.chain, owner_unit=owner)
        MeetingDecision.objects.create(
            meeting=meeting, text="协调用地", owner_unit=owner, deadline=date(2026, 6, 1), item=item
        )


def assignments(ctx: Ctx, n: int) -> None:
    """Firms with a commissioner (a department cadre) and a visit each (the services write them)."""
    from chainleader.commissioners import services as commissioners

    unit = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)
    for _ in range(n):
        cadre = UserFactory(role=Role.DEPARTMENT, org_unit=unit)
        assignment = commissioners.assign(
            actor=ctx.user, enterprise=EnterpriseFactory(), commissioner=cadre, kind="key"
        )
        commissioners.visit_log(actor=cadre, assignment=assignment, on=assignment.since)


def assessments(ctx: Ctx, n: int) -> None:
    """摘星夺旗 schemes, each with a computed run (the office's)."""
    from chainleader.cockpit.services import assessment

    ChainFactory(level="city", region=region("3702"))
    for i in range(n):
        scheme = assessment.scheme_save(
            actor=ctx.user,
            data={
                "name": f"摘星夺旗{i}",
                "year": 2026,
                "period": "year",
                "subject_kind": "chain",
                "awards": 1,
                "items": [{"metric": "projects_started", "weight": 10, "method": "rank"}],
            },
        )
        assessment.run_compute(actor=ctx.user, scheme=scheme)


def indicator_rows(ctx: Ctx, n: int) -> None:
    from chainleader.indicators.models import (
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        RelocationFlag,
        Warning,
    )

    start = ctx.keep.get("indicators", 0)
    ctx.keep["indicators"] = start + n
    owner = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)
    for i in range(start, start + n):
        ind = Indicator.objects.create(code=f"Q{i}", name=f"指标{i}", owner=owner)
        chain = ChainFactory()
        IndicatorTarget.objects.create(indicator=ind, chain=chain, target_year=2025, target_value=1)
        IndicatorValue.objects.create(indicator=ind, chain=chain, year=2025, value=1)
        IndicatorValue.objects.create(indicator=ind, region=region("370211"), year=2025, value=1)
        Warning.objects.create(
            kind="pace",
            message=f"预警{i}",
            key=f"q{i}",
            indicator=ind,
            chain=chain,
            region=region("370211"),
            owner_unit=owner,
            raised_on=date(2026, 1, 1),
        )
        RelocationFlag.objects.create(enterprise=EnterpriseFactory(), note="外迁")


FIXED: Callable[[Ctx, int], None] | None = None  # reference data: more than a page already

# list -> (who looks, what fills it)
CASES: dict[str, tuple[str, Callable[[Ctx, int], None] | None]] = {
    "indicators:indicator_list": ("office", indicator_rows),
    "indicators:value_list": ("office", indicator_rows),
    "indicators:warning_list": ("office", indicator_rows),
    "indicators:relocation_list": ("office", indicator_rows),
    "api:indicator-list": ("office", indicator_rows),
    "api:indicatortarget-list": ("office", indicator_rows),
    "api:indicatorvalue-list": ("office", indicator_rows),
    "api:warning-list": ("office", indicator_rows),
    "accounts:unit_list": ("security_admin", units),
    "accounts:user_list": ("security_admin", users),
    "chainmap:gap_list": ("office", gaps),
    "chains:chain_list": ("office", chains),
    "challenges:challenge_list": ("office", innovation),
    "challenges:application_list": ("office", innovation),
    "challenges:scene_list": ("office", innovation),
    "challenges:lab_list": ("office", innovation),
    "challenges:diagnosis_list": ("office", innovation),
    "challenges:title_list": ("office", innovation),
    "commissioners:assignment_list": ("office", assignments),
    "chains:segment_list": ("office", segments),
    "enterprises:enterprise_list": ("office", firms),
    "evaluation:appeal_list": ("office", appeals),
    "evaluation:measure_list": ("office", FIXED),
    "evaluation:result_list": ("office", results),
    "evaluation:run_list": ("office", runs),
    "evaluation:scheme_list": ("office", schemes),
    "growth:plan_list": ("office", growth_plans),
    "policies:policy_list": ("office", policy_rows),
    "policies:run_list": ("office", policy_rows),
    "policies:result_list": ("office", policy_rows),
    "policies:payment_list": ("office", policy_rows),
    "policies:measure_list": ("office", policy_rows),
    "investment:lead_list": ("office", leads),
    "investment:target_list": ("office", targets),
    "matching:match_list": ("office", matches),
    "matching:need_list": ("office", listings),
    "matching:offer_list": ("office", listings),
    "parks:landzone_list": ("office", zones),
    "parks:park_list": ("office", parks),
    "projects:batch_list": ("office", batches),
    "projects:notification_list": ("office", notifications),
    "projects:problem_list": ("office", problems),
    "projects:project_list": ("office", projects),
    "projects:report_list": ("office", reports),
    "projects:request_list": ("office", requests),
    "reference:industry_list": ("office", FIXED),
    "reference:region_list": ("office", FIXED),
    "tiers:candidate_list": ("office", tier_candidates),
    "tiers:target_list": ("office", tier_targets),
    "worklists:item_list": ("office", items),
    "worklists:my_items": ("district", items),
    "worklists:meeting_list": ("office", meetings),
    "api:appeal-list": ("office", appeals),
    "api:assignment-list": ("office", assignments),
    "api:chain-list": ("office", chains),
    "api:chaintarget-list": ("office", chain_targets),
    "api:challenge-list": ("office", innovation),
    "api:challengeapplication-list": ("office", innovation),
    "api:scene-list": ("office", innovation),
    "api:sceneapplication-list": ("office", innovation),
    "api:lab-list": ("office", innovation),
    "api:diagnosis-list": ("office", innovation),
    "api:digitaltitle-list": ("office", innovation),
    "api:enterprise-list": ("office", firms),
    "api:enterprisetier-list": ("office", tiers),
    "api:evaluationresult-list": ("office", results),
    "api:evaluationrun-list": ("office", runs),
    "api:firm-request-list": ("office", requests),
    "api:growthplan-list": ("office", growth_plans),
    "api:measure-list": ("office", growth_plans),
    "api:planyear-list": ("office", growth_plans),
    "api:policy-list": ("office", policy_rows),
    "api:policyitem-list": ("office", policy_rows),
    "api:eligibilityrun-list": ("office", policy_rows),
    "api:eligibilityresult-list": ("office", policy_rows),
    "api:payment-list": ("office", policy_rows),
    "api:measurerule-list": ("office", policy_rows),
    "api:industry-list": ("office", FIXED),
    "api:landzone-list": ("office", zones),
    "api:lead-list": ("office", leads),
    "api:match-list": ("office", matches),
    "api:monthlyreport-list": ("office", reports),
    "api:need-list": ("office", listings),
    "api:offer-list": ("office", listings),
    "api:park-list": ("office", parks),
    "api:placement-list": ("office", placements),
    "api:problem-list": ("office", problems),
    "api:project-list": ("office", projects),
    "api:region-list": ("office", FIXED),
    "api:segment-list": ("office", segments),
    "api:target-list": ("office", targets),
    "api:tiercandidate-list": ("office", tier_candidates),
    "api:tiertarget-list": ("office", tier_targets),
    "api:workitem-list": ("office", items),
    "api:chainmeeting-list": ("office", meetings),
    "api:meetingdecision-list": ("office", meetings),
    "api:yearfigure-list": ("office", figures),
    "api:visit-list": ("office", assignments),
    "cockpit:scheme_list": ("office", assessments),
    "api:cockpit-chain-list": ("office", chains),
    "api:assessment-scheme-list": ("office", assessments),
    "api:assessment-run-list": ("office", assessments),
}


def viewer(kind: str) -> Any:
    if kind == "district":
        unit = OrgUnitFactory(kind=OrgUnit.Kind.DISTRICT, region=region("370211"))
        return UserFactory(username="qc_district", role=Role.DISTRICT, org_unit=unit)
    role = {"office": Role.OFFICE, "security_admin": Role.SECURITY_ADMIN}[kind]
    return UserFactory(username=f"qc_{kind}", role=role)


def test_every_list_has_a_maker():
    assert set(CASES) == set(BUDGETS)


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_list_queries_stay_within_the_budget_and_do_not_grow_with_rows(
    client, settings, tmp_path, django_assert_max_num_queries, name
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A frozen clock: the session's activity stamp (accounts' SessionTimeoutMiddleware) must not decide whether
    # a request writes the session row, or the count would depend on how long the rows took to make.
    clock = time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False)
    clock.start()
    try:
        _measure(client, tmp_path, django_assert_max_num_queries, name)
    finally:
        clock.stop()


# Every request reads its session row and may write it (the activity stamp: a savepoint, the UPDATE, its release).
# That is the same on every page: allowed on top of each budget, left out of the budget and the comparison.
SESSION = 4
# PostgreSQL takes the audit chain's advisory lock first (core.audit; SQLite serialises writers itself): one
# statement more on every audited read, left out as the session's are.
LOCK = "pg_advisory_xact_lock"


def _own(queries) -> int:
    """The queries of the page itself: without the session row's read and write (and the write's savepoint)."""
    sql = [q["sql"] for q in queries.captured_queries]
    session = {i for i, q in enumerate(sql) if "django_session" in q}
    lock = {i for i, q in enumerate(sql) if LOCK in q}
    around = {i - 1 for i in session if i and sql[i - 1].startswith("SAVEPOINT")}
    around |= {i + 1 for i in session if i + 1 < len(sql) and sql[i + 1].startswith("RELEASE")}
    return len(sql) - len(session | around | lock)


def _measure(client, tmp_path, django_assert_max_num_queries, name) -> None:
    kind, make = CASES[name]
    ctx = Ctx(
        user=viewer(kind), kwargs={}, keep={"tmp": tmp_path, "page": not name.startswith("api:")}
    )
    client.force_login(ctx.user)
    budget = BUDGETS[name]
    on_top = SESSION + (1 if connection.vendor == "postgresql" else 0)
    if make is not None:
        make(ctx, N)

    def url() -> str:
        return reverse(name, kwargs=ctx.kwargs)

    assert client.get(url()).status_code == 200  # warm: caches, the first translation
    with django_assert_max_num_queries(budget + on_top) as few:
        assert client.get(url()).status_code == 200
    if make is not None:
        make(ctx, 2 * N)
        client.get(url())
    with django_assert_max_num_queries(budget + on_top) as many:
        assert client.get(url()).status_code == 200
    assert _own(many) <= _own(few), (
        f"{name}: {_own(few)} queries with {N} rows, {_own(many)} with {3 * N}"
    )
    assert _own(many) <= budget, f"{name}: {_own(many)} queries, the budget is {budget}"
