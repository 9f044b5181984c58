"""Demo project data: ~330 synthetic projects over the 33 chains, in every stage, with monthly reports for
2025–2026, two 集中开工 batches, problems in every state and items on all four lists.

Deterministic (one `random.Random` with a fixed seed, everything generated before anything is written, dates
relative to the fixed REFERENCE month, not to the clock) and idempotent (rows are looked up by natural key:
project code, batch name, problem chain + title, item chain + list + title, report project + month). The lagging
flags are then set by the same daily check the site runs (`projects_mark_lagging`), as of the real date.

Source figures (DOMAIN.md): Qingdao's 342 chain projects total ≈ 8,000亿; this demo scales that down to 10
projects a chain with plausible invented figures; every row is flagged `is_synthetic`.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chainleader.accounts.models import OrgUnit, User
from chainleader.chains.models import Chain, Placement, Segment
from chainleader.projects.models import (
    MonthlyReport,
    Problem,
    ProblemEvent,
    Project,
    StageChange,
    StartBatch,
)
from chainleader.projects.services import problems_escalate_overdue, projects_mark_lagging
from chainleader.reference.models import Region
from chainleader.worklists.models import WorkItem, WorkItemNote

from .firms import DISTRICT_WEIGHTS
from .project_specs import (
    KIND_BY_SUFFIX,
    PER_CHAIN,
    REFERENCE,
    SEED,
    SUFFIXES,
    ProjectSpec,
    after_overlap,
    draw_dates,
    draw_total,
    monthly_reports,
    short_name,
    stage_for,
    without_overlap,
)


class ProjectDemo:
    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.out = loader.out
        self.rng = random.Random(SEED)  # noqa: S311 — demo data, not security
        self.regions = {r.code: r for r in Region.objects.filter(code__startswith="3702")}

    # ------------------------------------------------------------------------------------------ generate
    def generate(self) -> list[ProjectSpec]:
        rng = self.rng
        chains = list(
            Chain.objects.filter(region__code__startswith="3702").order_by("level", "order", "pk")
        )
        segments: dict[int, list[tuple[int, str]]] = {}
        for pk, chain_id, name in (
            Segment.objects.filter(children__isnull=True)
            .order_by("pk")
            .values_list("pk", "chain_id", "name")
        ):
            segments.setdefault(chain_id, []).append((pk, name))
        investors: dict[int, list[tuple[int, str, str]]] = {}
        for chain_id, pk, name, code in Placement.objects.order_by("pk").values_list(
            "segment__chain_id", "enterprise_id", "enterprise__name", "enterprise__region__code"
        ):
            investors.setdefault(chain_id, []).append((pk, name, code))
        parks: dict[tuple[int, str], int] = {}
        for park_pk, chain_id, code in Chain.parks.through.objects.order_by("pk").values_list(
            "park_id", "chain_id", "park__region__code"
        ):
            parks.setdefault((chain_id, code), park_pk)
        districts = list(DISTRICT_WEIGHTS)
        weights = list(DISTRICT_WEIGHTS.values())
        specs: list[ProjectSpec] = []
        number = 0
        for index, chain in enumerate(chains):
            firms = investors.get(chain.pk, [])
            segs = segments.get(chain.pk, [])
            for i in range(PER_CHAIN):
                number += 1
                stage = stage_for(i, rng)
                district = (
                    "370211"
                    if chain.level == "district"
                    else rng.choices(districts, weights=weights)[0]
                )
                local = [f for f in firms if f[2] == district]
                firm = (
                    rng.choice(local or firms) if (local or firms) and rng.random() < 0.75 else None
                )
                seg = rng.choice(segs) if segs else None
                suffix = rng.choice(SUFFIXES)
                who = (
                    short_name(firm[1])
                    if firm
                    else self.regions[district].name.replace("区", "").replace("市", "")
                )
                lag_date = stage != "counted" and rng.random() < 0.12
                lag_money = (
                    not lag_date
                    and stage in ("started", "building", "completed")
                    and rng.random() < 0.15
                )
                planned, actual = draw_dates(rng, stage, lag_date)
                what = seg[1] if seg else chain.name
                spec = ProjectSpec(
                    code=f"QD{planned['signed'].year}-{number:04d}",
                    name=without_overlap(who, what) + what + after_overlap(what, suffix),
                    chain_pk=chain.pk,
                    segment_pk=seg[0] if seg else None,
                    district=district,
                    park_pk=parks.get((chain.pk, district)),
                    investor_pk=firm[0] if firm else None,
                    kind=KIND_BY_SUFFIX.get(
                        suffix, Project.Kind.ATTRACTED if rng.random() < 0.3 else Project.Kind.NEW
                    ),
                    total_yi=draw_total(rng),
                    stage=stage,
                    planned=planned,
                    actual=actual,
                    investment_lag=lag_money,
                )
                # The ≥ 20亿 target (2 a chain a year): some chains reach it, some half, some not yet.
                if (i == 0 and index % 2 == 0) or (i == 1 and index % 3 == 0):
                    spec.total_yi = Decimal(str(round(rng.uniform(20, 60), 2)))
                # 行业引领性: a few projects below 20亿 count toward the same target (a leading firm's base).
                elif (
                    i in (2, 3)
                    and index % 3 == 1
                    and firm is not None
                    and planned["signed"].year == REFERENCE.year
                ):
                    spec.leading = True
                spec.reports = monthly_reports(rng, spec)
                specs.append(spec)
        return specs

    # ------------------------------------------------------------------------------------------ write
    def run(self) -> None:
        specs = self.generate()
        team = User.objects.filter(username="team").first()
        team_chains = set(team.chains.values_list("pk", flat=True)) if team else set()
        existing = set(
            Project.objects.filter(code__in=[s.code for s in specs]).values_list("code", flat=True)
        )
        new = [s for s in specs if s.code not in existing]
        Project.objects.bulk_create(
            [
                Project(
                    code=s.code,
                    name=s.name,
                    chain_id=s.chain_pk,
                    segment_id=s.segment_pk,
                    district=self.regions[s.district],
                    park_id=s.park_pk,
                    investor_id=s.investor_pk,
                    kind=s.kind,
                    total_investment_yi=s.total_yi,
                    stage=s.stage,
                    is_synthetic=True,
                    is_leading=s.leading,
                    owner=team if s.chain_pk in team_chains else None,
                    description="演示用合成项目：名称、投资额、日期与月度数据均为虚构。",
                    **{f"planned_{k}_on": v for k, v in s.planned.items()},
                    **{f"{k}_on": v for k, v in s.actual.items()},
                )
                for s in new
            ],
            batch_size=500,
        )
        self.out.created["Project"] += len(new)
        ids = dict(
            Project.objects.filter(code__in=[s.code for s in specs]).values_list("code", "pk")
        )
        self._stage_changes(new, ids)
        self._reports(specs, ids)
        self._batches(specs, ids)
        self._problems(specs, ids)
        self._firm_requests()
        self._items(specs, ids)
        projects_mark_lagging()
        problems_escalate_overdue()

    def _stage_changes(self, new: list[ProjectSpec], ids: dict[str, int]) -> None:
        rows = []
        for s in new:
            reached = list(s.actual)
            for before, after in itertools.pairwise(reached):
                rows.append(
                    StageChange(
                        project_id=ids[s.code],
                        from_stage=before,
                        to_stage=after,
                        direction=StageChange.Direction.FORWARD,
                        happened_on=s.actual[after],
                        evidence="演示数据：批复文件（合成）",
                        actor_name="演示数据",
                    )
                )
        StageChange.objects.bulk_create(rows, batch_size=1000)
        for (
            row
        ) in rows:  # auto_now_add stamped the load time; the demo's history happened on its dates
            row.created_at = timezone.make_aware(datetime.combine(row.happened_on, time(10)))
        StageChange.objects.bulk_update(rows, ["created_at"], batch_size=1000)
        self.out.created["StageChange"] += len(rows)

    def _reports(self, specs: list[ProjectSpec], ids: dict[str, int]) -> None:
        have = set(
            MonthlyReport.objects.filter(project_id__in=ids.values()).values_list(
                "project_id", "month"
            )
        )
        rows = [
            MonthlyReport(
                project_id=ids[s.code], month=m, planned_yi=p, completed_yi=d, is_synthetic=True
            )
            for s in specs
            for m, p, d in s.reports
            if (ids[s.code], m) not in have
        ]
        MonthlyReport.objects.bulk_create(rows, batch_size=2000)
        self.out.created["MonthlyReport"] += len(rows)

    def _batches(self, specs: list[ProjectSpec], ids: dict[str, int]) -> None:
        """集中开工 batches, a signing ceremony (one on site, one 屏对屏 online) and a 竣工投产 ceremony, each with
        the projects whose actual date of that stage falls near the event."""
        start, signing, completion = (
            StartBatch.Kind.START,
            StartBatch.Kind.SIGNING,
            StartBatch.Kind.COMPLETION,
        )
        events = (
            (
                "2026年西海岸新区第一季度重点项目集中开工",
                start,
                date(2026, 3, 18),
                "370211",
                "",
                False,
                lambda s: s.district == "370211",
                "started",
                75,
            ),
            (
                "2026年青岛市重点产业链项目集中开工",
                start,
                date(2026, 4, 8),
                "3702",
                "",
                False,
                lambda s: True,
                "started",
                75,
            ),
            (
                "2026年青岛市重点产业链项目集中签约仪式",
                signing,
                date(2026, 1, 28),
                "3702",
                "青岛国际会议中心",
                False,
                lambda s: True,
                "signed",
                60,
            ),
            (
                "2026年西海岸新区“屏对屏”云签约活动",
                signing,
                date(2026, 6, 16),
                "370211",
                "西海岸新区会展中心主会场",
                True,
                lambda s: s.district == "370211",
                "signed",
                90,
            ),
            (
                "2026年青岛市重点产业链项目竣工投产仪式",
                completion,
                date(2026, 9, 26),
                "3702",
                "",
                False,
                lambda s: True,
                "completed",
                90,
            ),
        )
        for name, kind, held_on, region, place, online, pick, stage, window in events:
            batch = StartBatch.objects.filter(name=name).first()
            if batch is None:
                batch = StartBatch.objects.create(
                    kind=kind,
                    name=name,
                    held_on=held_on,
                    region=self.regions[region],
                    place=place,
                    online=online,
                    is_synthetic=True,
                    note="演示数据：活动与所含项目为虚构。",
                )
                self.out.created["StartBatch"] += 1
            near = [
                s
                for s in specs
                if pick(s) and stage in s.actual and abs((s.actual[stage] - held_on).days) <= window
            ]
            batch.projects.add(*[ids[s.code] for s in near[:30]])

    def _unit(self, kind: str, name: str) -> OrgUnit | None:
        return OrgUnit.objects.filter(kind=kind, name=name).first()

    def _problems(self, specs: list[ProjectSpec], ids: dict[str, int]) -> None:
        rng = self.rng
        departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("pk"))
        city_dept = self._unit(OrgUnit.Kind.DEPARTMENT, "市工业和信息化局") or departments[0]
        # Each kind of problem goes to the bureau that owns it (land to natural resources, power and energy quotas
        # to the development and reform commission, which regulates energy, approvals of environmental impact to
        # ecology and environment ...); the industry bureau takes what has no owner of its own.
        owner = {
            "land": "市自然资源和规划局",
            "finance": "市地方金融监管局",
            "energy": "市发展和改革委员会",
            "approval": "市生态环境局",
            "infrastructure": "市交通运输局",
            "talent": "市人力资源和社会保障局",
        }
        topics = (
            ("land", "用地指标未落实，影响开工"),
            ("finance", "项目贷款审批进度慢"),
            ("energy", "用电增容未批复"),
            ("approval", "环评审批周期长"),
            ("infrastructure", "园区配套道路未建成"),
            ("talent", "技术工人招聘困难"),
            ("land", "土地征收补偿未完成"),
            ("energy", "能耗指标不足"),
            ("other", "技改专项资金拨付进度慢"),
            ("other", "本地配套企业对接不畅"),
        )
        statuses = (
            ["raised"] * 8
            + ["assigned"] * 10
            + ["answered"] * 6
            + ["verified"] * 5
            + ["closed"] * 11
        )
        candidates = [
            s for s in specs if s.stage in ("signed", "registered", "started", "building")
        ]
        by_region = {u.region_id: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)}
        have = set(Problem.objects.values_list("chain_id", "title"))
        created = 0
        for i, status in enumerate(statuses):
            s = candidates[(i * 7) % len(candidates)]
            category, text = topics[i % len(topics)]
            title = f"{s.name}：{text}"
            dept = self._unit(OrgUnit.Kind.DEPARTMENT, owner.get(category, "")) or city_dept
            raised_on = REFERENCE - timedelta(days=rng.randint(20, 150))
            if (s.chain_pk, title) in have:
                continue
            region = self.regions[s.district]
            problem = Problem(
                chain_id=s.chain_pk,
                project_id=ids[s.code],
                region=region,
                title=title,
                category=category,
                description=f"演示数据：{text}，请协调解决。",
                status=status,
                raised_on=raised_on,
                raised_by_unit=by_region.get(region.pk),
                is_synthetic=True,
            )
            events = [("raise", "", "raised", raised_on)]
            if status != "raised":
                problem.department = dept
                # Some assigned problems are overdue (they escalate to the chain leader).
                late = status == "assigned" and i % 2 == 0
                problem.deadline = (
                    REFERENCE - timedelta(days=rng.randint(5, 40))
                    if late
                    else REFERENCE + timedelta(days=rng.randint(30, 90))
                )
                if status != "assigned":
                    problem.deadline = raised_on + timedelta(days=45)
                events.append(("assign", "raised", "assigned", raised_on + timedelta(days=3)))
            if status in ("answered", "verified", "closed"):
                problem.answer = (
                    f"{dept.name}已牵头协调：{text.split('，')[0]}问题已形成解决方案并落实。"
                )
                events.append(("answer", "assigned", "answered", raised_on + timedelta(days=20)))
            if status in ("verified", "closed"):
                events.append(("verify", "answered", "verified", raised_on + timedelta(days=25)))
            if status == "closed":
                events.append(("close", "verified", "closed", raised_on + timedelta(days=28)))
            stamp = {
                a: timezone.make_aware(datetime.combine(d, time(10))) for a, _f, _t, d in events
            }
            problem.answered_at, problem.verified_at = stamp.get("answer"), stamp.get("verify")
            problem.closed_at = stamp.get("close")
            problem.save()
            created += 1
            names = {
                "raise": problem.raised_by_unit.name if problem.raised_by_unit else "演示数据",
                "assign": "链长制办公室",
                "answer": dept.name,
                "verify": "链长制办公室",
                "close": "链长制办公室",
            }
            rows = ProblemEvent.objects.bulk_create(
                [
                    ProblemEvent(
                        problem=problem,
                        action=a,
                        from_status=f,
                        to_status=t,
                        actor_name=names[a],
                        note=problem.answer if a == "answer" else "",
                    )
                    for a, f, t, _d in events
                ]
            )
            for row in rows:
                row.created_at = stamp[row.action]
            ProblemEvent.objects.bulk_update(rows, ["created_at"])
        self.out.created["Problem"] += created

    def _firm_requests(self) -> None:
        """A few synthetic firm requests (企业诉求, decision 0020): the demo firm account's own and other firms',
        in every state (one reopened, confirmed ones rated)."""
        from chainleader.enterprises.models import Enterprise

        firm_unit = OrgUnit.objects.filter(
            kind=OrgUnit.Kind.ENTERPRISE, enterprise__isnull=False
        ).first()
        firms = list(Enterprise.objects.filter(region__isnull=False).order_by("pk")[:6])
        if firm_unit is not None and firm_unit.enterprise not in firms:
            firms.insert(0, firm_unit.enterprise)
        if not firms:
            return
        office = "链长制办公室"
        topics = (
            ("land", "二期厂房新增工业用地", "市自然资源和规划局", "closed"),
            ("finance", "流动资金贷款授信", "市地方金融监管局", "verified"),
            ("talent", "高技能人才公寓申请", "市人力资源和社会保障局", "answered"),
            ("energy", "新产线用电增容", "市发展和改革委员会", "assigned"),
            ("approval", "技改项目环评审批", "市生态环境局", "reopened"),
            ("market", "参加国际展会补贴", "市商务局", "raised"),
            ("policy", "专精特新奖励资金兑现", "市工业和信息化局", "assigned"),
            ("other", "厂区周边公交线路调整", "市交通运输局", "raised"),
        )
        have = set(Problem.objects.filter(source="firm").values_list("enterprise_id", "title"))
        departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("pk"))
        created = 0
        for i, (category, text, dept_name, status) in enumerate(topics):
            firm = firms[i % len(firms)]
            if (firm.pk, text) in have or not departments:
                continue
            dept = self._unit(OrgUnit.Kind.DEPARTMENT, dept_name) or departments[0]
            raised_on = REFERENCE - timedelta(days=10 + 6 * i)
            reopened = status == "reopened"
            final = "assigned" if reopened else status
            unit = firm_unit if firm_unit and firm_unit.enterprise_id == firm.pk else None
            req = Problem(
                source=Problem.Source.FIRM,
                enterprise=firm,
                region=firm.region,
                title=text,
                category=category,
                description=f"演示数据（合成）：{firm.name}提出{text}诉求。",
                status=final,
                raised_on=raised_on,
                raised_by_unit=unit,
                is_synthetic=True,
            )
            events = [("raise", "", "raised", raised_on, "")]
            if final != "raised":
                req.department = dept
                # The "assigned" energy request is overdue: it escalates to the office.
                req.deadline = (
                    REFERENCE - timedelta(days=3)
                    if category == "energy"
                    else raised_on + timedelta(days=30)
                )
                if final == "assigned" and category != "energy":
                    req.deadline = REFERENCE + timedelta(days=20)
                events.append(("assign", "raised", "assigned", raised_on + timedelta(days=2), ""))
            if final in ("answered", "verified", "closed") or reopened:
                req.answer = f"{dept.name}已受理：{text}正在按程序办理。"
                events.append(
                    ("answer", "assigned", "answered", raised_on + timedelta(days=7), req.answer)
                )
            if reopened:
                events.append(
                    ("reopen", "answered", "assigned", raised_on + timedelta(days=8), "尚未落实")
                )
            if final in ("verified", "closed"):
                req.rating = 5 if final == "closed" else 4
                events.append(
                    ("confirm", "answered", "verified", raised_on + timedelta(days=9), "")
                )
            if final == "closed":
                events.append(("close", "verified", "closed", raised_on + timedelta(days=10), ""))
            stamp = {
                a: timezone.make_aware(datetime.combine(d, time(10))) for a, _f, _t, d, _n in events
            }
            req.answered_at = stamp.get("answer")
            req.verified_at = req.firm_confirmed_at = stamp.get("confirm")
            req.closed_at = stamp.get("close")
            req.save()
            created += 1
            names = {
                "raise": firm.name,
                "assign": office,
                "answer": dept.name,
                "reopen": firm.name,
                "confirm": firm.name,
                "close": office,
            }
            rows = ProblemEvent.objects.bulk_create(
                [
                    ProblemEvent(
                        problem=req,
                        action=a,
                        from_status=f,
                        to_status=t,
                        actor_name=names[a],
                        note=n,
                    )
                    for a, f, t, _d, n in events
                ]
            )
            for row in rows:
                row.created_at = stamp[row.action]
            ProblemEvent.objects.bulk_update(rows, ["created_at"])
        self.out.created["Problem"] += created

    def _items(self, specs: list[ProjectSpec], ids: dict[str, int]) -> None:
        rng = self.rng
        office = self._unit(OrgUnit.Kind.OFFICE, "青岛市链长制办公室")
        have = set(WorkItem.objects.values_list("chain_id", "kind", "title"))
        by_chain: dict[int, list[ProjectSpec]] = {}
        for s in specs:
            by_chain.setdefault(s.chain_pk, []).append(s)
        rows: list[tuple[WorkItem, str]] = []
        statuses = ("open", "open", "open", "requested", "reviewed", "closed")
        for chain in Chain.objects.filter(region__code__startswith="3702").select_related(
            "lead_department", "team"
        ):
            owner = chain.lead_department or office
            plans = [
                (WorkItem.Kind.TASK, f"{chain.name}产业链图谱更新", None, ""),
                (WorkItem.Kind.TASK, f"{chain.name}链主企业培育与配套对接", None, ""),
                (
                    WorkItem.Kind.INVESTMENT,
                    f"{chain.name}补链招商：引进关键环节企业",
                    None,
                    "某头部企业（演示）",
                ),
            ]
            big = sorted(by_chain.get(chain.pk, []), key=lambda s: -s.total_yi)[:2]
            plans += [(WorkItem.Kind.CONSTRUCTION, f"推进{s.name}", ids[s.code], "") for s in big]
            for kind, title, project, target in plans:
                status = rng.choice(
                    statuses
                )  # drawn before the lookup, so a rerun draws the same stream
                deadline = REFERENCE + timedelta(days=rng.randint(-60, 200))
                amount = Decimal(str(round(rng.uniform(5, 60), 1)))
                if (chain.pk, kind, title) in have:
                    continue
                unit = chain.team if kind == WorkItem.Kind.INVESTMENT and chain.team else owner
                item = WorkItem(
                    kind=kind,
                    chain=chain,
                    year=2026,
                    title=title,
                    project_id=project,
                    target_firm=target,
                    target_investment_yi=amount if target else None,
                    owner_unit=unit,
                    deadline=deadline,
                    status=status,
                    is_synthetic=True,
                    description="演示数据：事项与进展为虚构。",
                )
                rows.append((item, status))
        WorkItem.objects.bulk_create([i for i, _s in rows], batch_size=500)
        notes = []
        for item, status in rows:
            notes.append(
                WorkItemNote(
                    item=item, text="演示数据：已完成阶段性工作。", author_name=item.owner_unit.name
                )
            )
            if status in ("requested", "reviewed", "closed"):
                notes.append(
                    WorkItemNote(
                        item=item,
                        action="request",
                        text="演示数据：申请销号。",
                        author_name=item.owner_unit.name,
                    )
                )
            if status in ("reviewed", "closed"):
                notes.append(
                    WorkItemNote(
                        item=item, action="approve", text="审核通过。", author_name="产业专班"
                    )
                )
            if status == "closed":
                notes.append(
                    WorkItemNote(
                        item=item, action="close", text="同意销号。", author_name="链长制办公室"
                    )
                )
        WorkItemNote.objects.bulk_create(notes, batch_size=1000)
        self.out.created["WorkItem"] += len(rows)


def load_projects(loader: Any) -> None:
    """Called at the end of DemoLoader.run(), inside its transaction."""
    ProjectDemo(loader).run()
