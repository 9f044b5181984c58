"""Writes of investment attraction: deriving target lists and leaf opportunities, and the lead workflow.

| step     | from                      | to          | rule                                                         |
|----------|---------------------------|-------------|--------------------------------------------------------------|
| advance  | lead … negotiate          | a later one | an editor with the lead in its writable scope; one step row   |
| sign     | any open stage            | signed      | expected investment and district named; creates the project  |
| land     | signed                    | landed      | the linked project has started (开工)                         |
| close    | any stage before landed   | closed      | with a reason                                                |

A wrong role is WorkflowForbidden (403), a wrong state WorkflowConflict (409); either way nothing changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.policy import can_write, is_editor
from chainleader.chainmap import selectors as map_selectors
from chainleader.chainmap.models import ChainMap, CompanyLink, GraphCompany
from chainleader.chains.models import Chain, Placement
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import attachment_problem
from chainleader.engines.chain_map.placement import LeafIndex
from chainleader.engines.targets import board_tier, leaf_weights, rank_targets
from chainleader.enterprises.lookups import FirmResolver
from chainleader.projects.models import Project
from chainleader.projects.services.projects import project_create
from chainleader.reference.models import Region

from .models import Lead, LeadStep, LeafOpportunity, Target

GAP_STATUSES = ("choke", "missing", "weak")
STAGE_ORDER: list[str] = [
    Lead.Stage.LEAD,
    Lead.Stage.CONTACT,
    Lead.Stage.VISIT,
    Lead.Stage.NEGOTIATE,
    Lead.Stage.SIGNED,
    Lead.Stage.LANDED,
]
OPEN_STAGES = STAGE_ORDER[:4]


# ------------------------------------------------------------------------------------------- target lists


POSITION_ORDER = {"mid": 0, "up": 1, "down": 2}
# ST / *ST firms are under special treatment for losses or irregularities: nobody courts them as investors.
DISTRESSED_PREFIXES = ("ST", "*ST", "S*ST", "SST")


def _leaf_statuses(leaf_ids: list[int]) -> dict[int, str]:
    """Leaf id → its map status (卡脖子, 缺失, 薄弱, 优势)."""
    statuses: dict[int, str] = {}
    for segments in ChainMap.objects.values_list("segments", flat=True):
        for seg in segments or []:
            if seg.get("is_leaf") and seg.get("status"):
                statuses[int(seg["id"])] = seg["status"]
    wanted = set(leaf_ids)
    return {k: v for k, v in statuses.items() if k in wanted}


def _reason(target: Any, names: list[str], product_names: list[str], board: str) -> str:
    c = target.components
    made = "、".join(product_names[p] for p in target.products[:3])
    parts = []
    if c["share"] >= 0.01:
        parts.append(f"主营{made or '本环节产品'}（营收占比 {min(c['share'], 1):.0%}）")
    elif c["share"] > 0:
        parts.append(f"兼营{made or '本环节产品'}（营收占比不足 1%）")
    else:
        parts.append(f"经营范围含{made or '本环节产品'}")
    if target.supplies:
        q, p = target.supplies[0]
        parts.append(
            f"其{product_names[q]}是本地链主产品{product_names[p]}的上游材料，链主可就近采购"
        )
    parts.append(f"与本地产业关联度 {c['fit']:.2f}")
    parts.append(f"{board}上市")
    return "；".join(parts)


def _home_city() -> str:
    """The home city's short name (青岛 for 青岛市), as company names carry it."""
    name = (
        Region.objects.filter(code=settings.CHAINLEADER_HOME_REGION)
        .values_list("name", flat=True)
        .first()
    )
    return (name or "").removesuffix("市") if name and len(name) > 2 else (name or "")


def targets_derive(*, actor: Any = None) -> dict[str, int]:
    """Rank the outside listed firms for every gap leaf of every chain and store the leaf opportunities.

    Reads the product graph and the chain maps (chainmap must have derived them); replaces all Target and
    LeafOpportunity rows in one transaction with its audit row."""
    ctx = map_selectors.graph_from_db()
    graph = ctx.graph
    if graph.maker.nnz == 0:
        raise ServiceError(_("The product graph is empty: import it first."))
    leaves = map_selectors.tree_leaves()
    if not leaves:
        raise ServiceError(_("No chain has a tree yet."))
    index = LeafIndex(leaves)
    product_leaf = index.product_matrix(graph.product_names)
    weight = leaf_weights(graph.maker, product_leaf)
    leaf_pos = {leaf.id: i for i, leaf in enumerate(leaves)}
    local = np.zeros(len(leaves))
    placed: dict[int, set[int]] = {}
    for seg, ent in (
        Placement.objects.exclude(review=Placement.Review.REJECTED)
        .exclude(review=Placement.Review.PENDING)
        .values_list("segment_id", "enterprise_id")
    ):
        if seg in leaf_pos:
            local[leaf_pos[seg]] += 1
            placed.setdefault(seg, set()).add(ent)
    masters = map_selectors.masters_by_chain()
    master_leaves = {
        chain: {leaf_pos[s] for s, ents in placed.items() if ents & firms and s in leaf_pos}
        for chain, firms in masters.items()
    }
    excluded = np.zeros(graph.n_companies, dtype=np.bool_)
    for company in CompanyLink.objects.exclude(status=CompanyLink.Status.REJECTED).values_list(
        "company_id", flat=True
    ):
        if company in ctx.company_index:
            excluded[ctx.company_index[company]] = True
    for c, name in enumerate(graph.company_names):
        if name.upper().startswith(DISTRESSED_PREFIXES):
            excluded[c] = True
    home = _home_city()
    if home:
        # A company registered in the home city is local even when the registry has not linked it yet.
        for pk, fullname, others in GraphCompany.objects.values_list(
            "pk", "fullname", "other_fullnames"
        ):
            if home in (fullname or "") + (others or "") and pk in ctx.company_index:
                excluded[ctx.company_index[pk]] = True
    boards = [board_tier(t) for t in graph.company_tickers]
    statuses = _leaf_statuses(list(leaf_pos))
    gaps = {k: v for k, v in statuses.items() if v in GAP_STATUSES}
    result = rank_targets(
        weight=weight,
        local=local,
        gap=[leaf.id in gaps for leaf in leaves],
        leaf_chain=[leaf.chain for leaf in leaves],
        excluded=excluded,
        tiers=[t for _b, t in boards],
        maker=sp.csr_matrix(graph.maker),
        product_leaf=product_leaf,
        upstream=graph.upstream,
        master_leaves=master_leaves,
        non_maker=[m is False for m in graph.company_makes()],
        leaf_makes=[leaf.makes for leaf in leaves],
        present=[statuses.get(leaf.id) == "strong" for leaf in leaves] if statuses else None,
    )
    now = timezone.now()
    opportunities = [
        LeafOpportunity(
            segment_id=leaf.id,
            density=o.density,
            distance=o.distance,
            complexity=o.pci if np.isfinite(o.pci) else None,
            opportunity_gain=o.cog,
            output=o.output,
            producers=o.producers,
            derived_at=now,
        )
        for leaf, o in zip(leaves, result.leaves, strict=True)
    ]
    rows = []
    rank: dict[int, int] = {}
    for t in result.targets:
        leaf = leaves[t.leaf]
        rank[leaf.id] = rank.get(leaf.id, 0) + 1
        board = boards[t.company][0]
        status = gaps.get(leaf.id, "")
        rows.append(
            Target(
                chain_id=leaf.chain,
                segment_id=leaf.id,
                status=status,
                priority=GAP_STATUSES.index(status) * 10 + POSITION_ORDER.get(leaf.position, 3)
                if status in GAP_STATUSES
                else 99,
                company_id=int(ctx.company_ids[t.company]),
                rank=rank[leaf.id],
                score=t.score,
                share=t.components["share"],
                buyer=t.components["buyer"],
                fit=t.components["fit"],
                tier=t.components["tier"],
                board=board,
                products="、".join(graph.product_names[p] for p in t.products)[:300],
                reason=_reason(t, graph.company_names, graph.product_names, board),
                derived_at=now,
            )
        )
    with transaction.atomic():
        LeafOpportunity.objects.all().delete()
        LeafOpportunity.objects.bulk_create(opportunities, batch_size=1000)
        # Rows keep their ids across re-rankings (a lead points at the row it came from).
        existing = {
            (seg, comp): pk
            for pk, seg, comp in Target.objects.values_list("pk", "segment_id", "company_id")
        }
        fresh, changed = [], []
        for row in rows:
            pk = existing.pop((row.segment_id, row.company_id), 0)
            if not pk:
                fresh.append(row)
            else:
                row.pk = pk
                changed.append(row)
        Target.objects.filter(pk__in=list(existing.values())).delete()
        fields = [
            f.name
            for f in Target._meta.concrete_fields
            if not f.primary_key and f.name not in ("segment", "company")
        ]
        Target.objects.bulk_update(changed, fields, batch_size=500)
        Target.objects.bulk_create(fresh, batch_size=1000)
        counts = {"leaves": len(opportunities), "gap_leaves": len(gaps), "targets": len(rows)}
        audit.record(
            actor=actor,
            event_type="targets_derive",
            object_type="investment.target",
            detail=counts,
        )
    return counts


# ------------------------------------------------------------------------------------------------ leads


def _require_writer(actor: Any, lead: Lead | None = None) -> None:
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not change leads."))
    if lead is not None and not can_write(actor, lead):
        raise WorkflowForbidden(_("This lead is outside your data scope."))


def _check(data: dict[str, Any], actor: Any) -> None:
    chain = data.get("chain")
    if chain is not None and not Chain.objects.for_user(actor).filter(pk=chain.pk).exists():
        raise ServiceError(_("This chain is outside your data scope."), field="chain")
    segment = data.get("segment")
    if segment is not None and chain is not None and segment.chain_id != chain.pk:
        raise ServiceError(_("The segment belongs to another chain."), field="segment")


def _link_firm(data: dict[str, Any], actor: Any) -> dict[str, Any]:
    """The registry firm the lead's firm name names (its credit code, or a name one firm alone bears, among the
    firms the writer sees), or none: a lead's firm is often not in the registry yet."""
    if "firm_name" not in data:
        return data
    name = str(data.get("firm_name") or "").strip()
    firm = FirmResolver.for_user(actor, [name]).resolve(name)[0] if name else None
    return {**data, "enterprise": firm}


def lead_create(*, actor: Any, data: dict[str, Any], note: str = "") -> Lead:
    """Open a lead (stage 线索) with its first step row."""
    _require_writer(actor)
    _check(data, actor)
    data = _link_firm(data, actor)
    data = {
        **data,
        "stage": Lead.Stage.LEAD,
        "stage_on": data.get("stage_on") or timezone.localdate(),
    }
    with transaction.atomic():
        lead = core_services.object_create(model=Lead, actor=actor, data=data)
        LeadStep.objects.create(
            lead=lead, stage=lead.stage, on=lead.stage_on, note=note, actor=_user(actor)
        )
    return lead


def lead_from_target(*, actor: Any, target: Target) -> Lead:
    """Turn a target-list row into a lead (one lead per row: a second click opens the first)."""
    _require_writer(actor)
    if not Target.objects.for_user(actor).filter(pk=target.pk).exists():
        raise WorkflowForbidden(_("This target is outside your data scope."))
    existing = Lead.objects.filter(target=target).exclude(stage=Lead.Stage.CLOSED).first()
    if existing is not None:
        return existing
    company = target.company
    return lead_create(
        actor=actor,
        data={
            "chain": target.chain,
            "segment": target.segment,
            "company": company,
            "firm_name": company.fullname or company.name,
            "source": Lead.Source.TARGET_LIST,
            "target": target,
            "owner": _user(actor),
        },
        note=target.reason,
    )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _locked(lead: Lead, expected_version: int | None) -> Lead:
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    return locked


def _stage_label(stage: str) -> str:
    return str(Lead.Stage(stage).label)


@transaction.atomic
def lead_advance(
    *,
    lead: Lead,
    actor: Any,
    to_stage: str,
    on: date | None = None,
    note: str = "",
    attachment: Any = None,
    expected_version: int | None = None,
) -> Lead:
    """Move a lead forward (stages may be skipped: not every lead needs a site visit). Signing creates the
    project (kind 招商引资, stage 签约) and links it both ways; landing needs the project started. The step may
    carry its evidence as a file (visit report, letter of intent, signed agreement)."""
    _require_writer(actor, lead)
    if attachment:
        problem = attachment_problem(attachment)
        if problem:
            raise ServiceError(problem, field="attachment")
    locked = _locked(lead, expected_version)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="on")
    if to_stage not in STAGE_ORDER:
        raise ServiceError(_("Unknown stage."), field="to_stage")
    if locked.stage == Lead.Stage.CLOSED:
        raise WorkflowConflict(_("A closed lead cannot move."))
    if STAGE_ORDER.index(to_stage) <= STAGE_ORDER.index(locked.stage):
        raise WorkflowConflict(
            _("The lead is already at %(stage)s.") % {"stage": _stage_label(locked.stage)}
        )
    if on < locked.stage_on:
        raise ServiceError(
            _("The date cannot be before the previous step (%(date)s).")
            % {"date": locked.stage_on.isoformat()},
            field="on",
        )
    if to_stage == Lead.Stage.SIGNED:
        _sign(locked, actor, on)
    elif to_stage == Lead.Stage.LANDED:
        if locked.stage != Lead.Stage.SIGNED:
            raise WorkflowConflict(_("Only a signed lead can land."))
        if locked.project is None or locked.project.started_on is None:
            raise WorkflowConflict(
                _("The lead lands when its project has started construction (开工).")
            )
    before = locked.stage
    locked.stage, locked.stage_on = to_stage, on
    locked.version += 1
    locked.save()
    step = LeadStep(lead=locked, stage=to_stage, on=on, note=note, actor=_user(actor))
    if attachment:
        step.attachment = attachment
    step.save()
    audit.record(
        actor=actor,
        event_type="lead_advance",
        obj=locked,
        detail={"from": before, "to": to_stage, "on": on.isoformat(), "file": bool(attachment)},
    )
    return locked


def _sign(lead: Lead, actor: Any, on: date) -> None:
    if lead.expected_investment_yi is None:
        raise ServiceError(
            _("Enter the expected investment before signing."), field="expected_investment_yi"
        )
    if lead.district_id is None:
        raise ServiceError(_("Name the district that hosts the project."), field="district")
    if lead.project_id is not None:
        return
    name = _("%(firm)s %(segment)s project") % {
        "firm": lead.firm_name,
        "segment": lead.segment.name if lead.segment else "",
    }
    project = project_create(
        actor=actor,
        data={
            "name": name[:200],
            "chain": lead.chain,
            "segment": lead.segment,
            "district": lead.district,
            "kind": Project.Kind.ATTRACTED,
            "total_investment_yi": lead.expected_investment_yi,
            "signed_on": on,
            "owner": _user(actor),
            "description": _("From lead %(lead)s (%(source)s).")
            % {"lead": lead.pk, "source": lead.get_source_display()},
        },
    )
    lead.project = project


@transaction.atomic
def lead_close(*, lead: Lead, actor: Any, reason: str, expected_version: int | None = None) -> Lead:
    """Close a dead lead with its reason (a landed lead is done, not closed)."""
    _require_writer(actor, lead)
    locked = _locked(lead, expected_version)
    if not (reason or "").strip():
        raise ServiceError(_("Say why the lead is closed."), field="reason")
    if locked.stage in (Lead.Stage.LANDED, Lead.Stage.CLOSED):
        raise WorkflowConflict(_("This lead is no longer open."))
    before = locked.stage
    today = timezone.localdate()
    locked.stage, locked.stage_on, locked.close_reason = Lead.Stage.CLOSED, today, reason.strip()
    locked.version += 1
    locked.save()
    LeadStep.objects.create(
        lead=locked, stage=Lead.Stage.CLOSED, on=today, note=reason.strip(), actor=_user(actor)
    )
    audit.record(actor=actor, event_type="lead_close", obj=locked, detail={"from": before})
    return locked


def lead_update(
    *, lead: Lead, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Lead:
    """Change a lead's figures and owner; the stage moves only through lead_advance / lead_close."""
    _require_writer(actor, lead)
    if {"stage", "stage_on", "project", "close_reason"} & set(data):
        raise ServiceError(_("The stage changes only through the lead workflow."))
    _check({"chain": lead.chain, **data}, actor)
    data = _link_firm(data, actor)
    return core_services.object_update(
        instance=lead, actor=actor, data=data, expected_version=expected_version
    )
