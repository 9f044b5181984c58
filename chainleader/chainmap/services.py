"""Chain-map writes: the derivation that places firms on the chains' trees and stores the map snapshots, the
review of placements, and the background job that re-derives after a change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import chainleader.engines.chain_map.assess as judge
from chainleader.chains.models import Chain, Placement, Segment
from chainleader.core import audit
from chainleader.core.exceptions import ServiceError
from chainleader.engines.chain_map.derive import Filled, fill
from chainleader.engines.chain_map.placement import LeafIndex, Placed, place_firms

from . import selectors
from .models import ChainMap, GraphImport
from .payload import LocalFirm, MapLink, MapSegment, Producer

MAX_LOCAL = 30
MAX_PRODUCERS = 20
MAX_EVIDENCE = 3


def map_derive_enqueue(*, chains: Iterable[Chain] | None, actor: Any) -> int | None:
    """Create a progress job and derive the given chains (all: None) in the background once the caller's
    transaction commits; returns the job id for the page's progress bar (None: no product graph yet, the
    maps are derived after its import)."""
    from chainleader.core.jobs import job_create

    from . import tasks

    if not GraphImport.objects.filter(status=GraphImport.Status.DONE).exists():
        return None
    job = job_create(kind="map_derive", actor=actor)
    ids = [c.pk for c in chains] if chains is not None else None
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: tasks.map_derive_task.enqueue(ids, actor_id, job.pk))
    return job.pk


def _sources(latest: GraphImport | None) -> str:
    graph = (
        f"上市公司产品图谱（ChainKnowledgeGraph，2021 年报与经营范围，{latest.finished_at or latest.started_at:%Y-%m-%d} 导入）"
        if latest
        else "上市公司产品图谱"
    )
    return f"企业库（{timezone.localdate():%Y-%m-%d}）；{graph}"


def _write_placements(
    placed: list[Placed],
    leaf_ids: list[int],
    leaf_chain: list[int],
    firm_ids: list[int],
    masters: dict[int, set[int]],
    segment_ids: list[int],
) -> dict[str, int]:
    """Auto placements follow the classifier; hand-made, confirmed and rejected ones are left as they are
    (a confirmed one gets the fresh evidence)."""
    kept = selectors.kept_placements(segment_ids)
    existing = {
        (row[1], row[2]): (row[0], row[3:])
        for row in Placement.objects.filter(segment_id__in=segment_ids)
        .exclude(method=Placement.Method.MANUAL)
        .exclude(review__in=(Placement.Review.CONFIRMED, Placement.Review.REJECTED))
        .values_list(
            "pk", "segment_id", "enterprise_id", "role", "method", "score", "evidence", "review"
        )
    }
    wanted: dict[tuple[int, int], Placed] = {}
    for p in placed:
        key = (leaf_ids[p.leaf], firm_ids[p.firm])
        if key not in wanted or wanted[key].score < p.score:
            wanted[key] = p
    create, update, refresh = [], [], []
    for (seg, ent), p in wanted.items():
        review = Placement.Review.PENDING if p.review else Placement.Review.AUTO
        role = (
            Placement.Role.MASTER
            if ent in masters.get(leaf_chain[p.leaf], set())
            else Placement.Role.SUPPORTING
        )
        state = kept.get((seg, ent))
        if state == Placement.Review.CONFIRMED:
            refresh.append((seg, ent, p))
        elif state is not None:
            continue  # rejected, or placed by hand
        elif (seg, ent) in existing:
            pk, old = existing.pop((seg, ent))
            new = (
                role if role == Placement.Role.MASTER else old[0],
                p.method,
                p.score,
                p.evidence,
                review,
            )
            if (
                tuple(old) != new
            ):  # most rows are unchanged on a re-derivation: write only what moved
                obj = Placement(pk=pk, segment_id=seg, enterprise_id=ent)
                obj.role, obj.method, obj.score, obj.evidence, obj.review = new
                update.append(obj)
        else:
            create.append(
                Placement(
                    segment_id=seg,
                    enterprise_id=ent,
                    role=role,
                    method=p.method,
                    score=p.score,
                    evidence=p.evidence,
                    review=review,
                )
            )
    stale = [pk for pk, _old in existing.values()]
    Placement.objects.filter(pk__in=stale).delete()
    Placement.objects.bulk_create(create, batch_size=500)
    Placement.objects.bulk_update(
        update, ["role", "method", "score", "evidence", "review"], batch_size=500
    )
    for seg, ent, p in refresh:
        Placement.objects.filter(segment_id=seg, enterprise_id=ent).update(
            evidence=p.evidence, score=p.score
        )
    return {"created": len(create), "updated": len(update), "removed": len(stale)}


def _place(
    chains: list[Chain], leaves: list[Any], index: LeafIndex
) -> tuple[dict[str, int], selectors.LocalFirms]:
    local = selectors.local_firms()
    chain_ids = {c.pk for c in chains}
    subset = [i for i, leaf in enumerate(leaves) if leaf.chain in chain_ids]
    placed, _refused = place_firms(local.firms, index, leaf_subset=subset)
    regions = selectors.chain_regions()
    placed = [
        p for p in placed if local.regions[p.firm].startswith(regions.get(leaves[p.leaf].chain, ""))
    ]
    counts = _write_placements(
        placed,
        [leaf.id for leaf in leaves],
        [leaf.chain for leaf in leaves],
        local.ids,
        selectors.masters_by_chain(),
        [leaves[i].id for i in subset],
    )
    return counts, local


@transaction.atomic
def placements_derive(
    *, chains: Iterable[Chain] | None = None, actor: Any = None
) -> dict[str, int]:
    """Place the local registry firms on the leaves of the chains' trees (no product graph needed): by their
    products, industry codes and names; hand-made and reviewed placements stay as they are."""
    chains = list(chains if chains is not None else Chain.objects.order_by("pk"))
    leaves = selectors.tree_leaves()
    counts, _local = _place(chains, leaves, LeafIndex(leaves))
    audit.record(
        actor=actor, event_type="placements_derive", object_type="chains.placement", detail=counts
    )
    return counts


def map_derive(
    *,
    chains: Iterable[Chain] | None = None,
    actor: Any = None,
    progress: Callable[[int, str], None] | None = None,
) -> int:
    """Place the local firms on the chains' trees, fill the trees from the product graph, judge every
    segment, and store one snapshot per chain (all chains by default). One transaction with its audit row."""
    chains = list(
        chains if chains is not None else Chain.objects.select_related("region").order_by("pk")
    )
    report = progress or (lambda pct, msg: None)
    report(5, _("Loading the product graph"))
    ctx = selectors.graph_from_db()
    graph = ctx.graph
    if graph.maker.nnz == 0:
        raise ServiceError(_("The product graph is empty: import it first."))
    report(25, _("Placing the graph's products on the trees"))
    leaves = selectors.tree_leaves()
    index = LeafIndex(leaves)
    filled = fill(graph, index)
    report(45, _("Placing local firms"))
    latest = (
        GraphImport.objects.filter(status=GraphImport.Status.DONE).order_by("-started_at").first()
    )
    sources = _sources(latest)
    done = 0
    with transaction.atomic():
        counts, local = _place(chains, leaves, index)
        masters = selectors.masters_by_chain()
        for n, chain in enumerate(chains):
            report(
                50 + int(45 * n / max(len(chains), 1)), _("Judging %(chain)s") % {"chain": chain}
            )
            _snapshot(
                chain, leaves, filled, ctx, local, masters.get(chain.pk, set()), latest, sources
            )
            done += 1
        audit.record(
            actor=actor,
            event_type="map_derive",
            object_type="chainmap.chainmap",
            detail={"chains": done, "placements": counts},
        )
    report(100, _("Done"))
    return done


def _producer(ctx: selectors.GraphContext, filled_leaf: Any, c: int) -> Producer:
    names = [ctx.graph.product_names[p] for p in filled_leaf.producer_products.get(c, [])]
    weight = float(filled_leaf.producer_weight.get(c, 0.0))
    share = f"，主营占比 {weight:.0%}" if 0.001 < weight <= 1 else ""
    return {
        "ticker": ctx.graph.company_tickers[c],
        "name": ctx.graph.company_names[c],
        "weight": weight,
        "products": names,
        "why": f"主营 {'、'.join(names[:3]) or '本环节产品'}{share}",
    }


def _snapshot(
    chain: Chain,
    leaves: list[Any],
    filled: Filled,
    ctx: selectors.GraphContext,
    local: selectors.LocalFirms,
    chain_masters: set[int],
    latest: GraphImport | None,
    sources: str,
) -> ChainMap:
    segs = list(
        Segment.objects.filter(chain=chain)
        .order_by("position", "order", "pk")
        .values(
            "pk",
            "code",
            "name",
            "parent_id",
            "position",
            "strategic",
            "strategic_source",
            "status_override",
            "override_reason",
        )
    )
    leaf_pos = {leaf.id: i for i, leaf in enumerate(leaves)}
    placements: dict[int, list[LocalFirm]] = {}
    names = dict(
        Placement.objects.filter(segment__chain=chain).values_list(
            "enterprise_id", "enterprise__name"
        )
    )
    for seg, ent, role, review, method, score, evidence in (
        Placement.objects.filter(segment__chain=chain)
        .exclude(review=Placement.Review.REJECTED)
        .order_by("-score", "pk")
        .values_list("segment_id", "enterprise_id", "role", "review", "method", "score", "evidence")
    ):
        placements.setdefault(seg, []).append(
            {
                "id": ent,
                "name": names.get(ent, ""),
                "role": Placement.Role.MASTER if ent in chain_masters else role,
                "review": review,
                "method": method,
                "score": score,
                "evidence": (evidence or [])[
                    :MAX_EVIDENCE
                ],  # the strongest pieces; the review page has all
            }
        )
    chain_firms = {
        f["id"] for rows in placements.values() for f in rows if f["review"] != "pending"
    }
    chain_revenue = sum(local.revenue.get(e, 0.0) for e in chain_firms) or None
    local_companies = set(local.company.values())
    local_base = len(local.ids)
    out: dict[int, MapSegment] = {}
    children: dict[int, list[int]] = {}
    for s in segs:
        if s["parent_id"]:
            children.setdefault(s["parent_id"], []).append(s["pk"])
    for s in segs:
        pk = s["pk"]
        row: MapSegment = {
            "id": pk,
            "code": s["code"],
            "parent": s["parent_id"],
            "is_leaf": pk not in children,
            "strategic": s["strategic"],
            "strategic_source": s["strategic_source"],
        }
        li = leaf_pos.get(pk)
        if row["is_leaf"] and li is not None:
            fl = filled.leaves[li]
            firms = placements.get(pk, [])
            counted = [f for f in firms if f["review"] != Placement.Review.PENDING]
            n_masters = sum(1 for f in counted if f["role"] == Placement.Role.MASTER)
            revenue = sum(local.revenue.get(f["id"], 0.0) for f in counted) if counted else None
            facts = judge.LeafFacts(
                len(counted), n_masters, fl.producer_count, revenue, chain_revenue
            )
            verdict = judge.judge_leaf(
                facts,
                strategic=s["strategic"],
                strategic_source=s["strategic_source"],
                position=s["position"],
                local_base=local_base,
                national_base=filled.national_base,
                sources=sources,
                override=s["status_override"],
                override_reason=s["override_reason"],
                makes=leaves[li].makes,
            )
            producers = [_producer(ctx, fl, c) for c in fl.producers]
            row.update(verdict)  # type: ignore[typeddict-item]
            row.update(
                {
                    "overridden": bool(s["status_override"]),
                    "local_firm_count": len(counted),
                    "pending_count": len(firms) - len(counted),
                    "chain_master_present": n_masters > 0,
                    "national_firm_count": fl.producer_count,
                    "refused_count": fl.refused,
                    "refused_examples": [ctx.graph.company_names[c] for c in fl.refused_examples],
                    "local_revenue_wan": revenue,
                    "products": [ctx.graph.product_names[p] for p in fl.products],
                    "product_count": fl.product_count,
                    "local_firms": firms[:MAX_LOCAL],
                    "candidates": [
                        p
                        for p, c in zip(producers, fl.producers, strict=True)
                        if int(ctx.company_ids[c]) not in local_companies
                    ][:MAX_PRODUCERS],
                }
            )
        out[pk] = row
    # Parents summarise their leaves, deepest first.
    depth = {s["pk"]: 0 for s in segs}
    parent_of: dict[int, int | None] = {s["pk"]: s["parent_id"] for s in segs}
    for pk in depth:
        d, up = 0, parent_of[pk]
        while up and d < 5:
            d, up = d + 1, parent_of.get(up)
        depth[pk] = d
    for pk in sorted(children, key=lambda k: -depth.get(k, 0)):
        kids = [out[c] for c in children[pk] if "status" in out[c]]
        if pk in out and kids:
            summary = judge.summarise(kids, sources=sources)
            s = next(x for x in segs if x["pk"] == pk)
            if s["status_override"]:
                summary["status"] = s["status_override"]
                summary["reason"] = (
                    f"专班设定：{s['override_reason'] or '（未写理由）'}。{summary['reason']}"
                )
            out[pk].update(summary)  # type: ignore[typeddict-item]
            out[pk]["overridden"] = bool(s["status_override"])
            out[pk]["local_firm_count"] = len(
                {f["id"] for c in children[pk] for f in out[c].get("local_firms", [])}
            )
            out[pk]["national_firm_count"] = sum(
                out[c].get("national_firm_count", 0) for c in children[pk]
            )
    leaf_rows = [r for r in out.values() if r.get("is_leaf") and "status" in r]
    completeness = (
        sum(1 for r in leaf_rows if r.get("local_firm_count")) / len(leaf_rows)
        if leaf_rows
        else 0.0
    )
    mine = {leaf.id for leaf in leaves if leaf.chain == chain.pk}
    links: list[MapLink] = []
    for link in filled.links:
        a, b = leaves[link.source].id, leaves[link.target].id
        if a in mine and b in mine:
            links.append(
                {
                    "source": a,
                    "target": b,
                    "pairs": link.pairs,
                    "examples": [
                        f"{ctx.graph.product_names[q]} → {ctx.graph.product_names[p]}"
                        for q, p in link.examples
                    ],
                }
            )
    snapshot, _created = ChainMap.objects.update_or_create(
        chain=chain,
        defaults={
            "derived_at": timezone.now(),
            "tree_version": chain.tree_version,
            "graph_import": latest,
            "segments": list(out.values()),
            "edges": links,
            "completeness": completeness,
            "dropped": {"noise_products": int(ctx.graph.noise.sum())},
        },
    )
    return snapshot


@transaction.atomic
def placement_decide(*, placement: Placement, actor: Any, accept: bool) -> Placement:
    """Review an automatic placement: confirm it or reject it; the decision survives every re-derivation."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.method == Placement.Method.MANUAL:
        raise ServiceError(
            _("This firm was placed by hand; remove it on the segment page instead.")
        )
    placement.review = Placement.Review.CONFIRMED if accept else Placement.Review.REJECTED
    placement.version += 1
    placement.save(update_fields=["review", "version", "updated_at"])
    audit.record(
        actor=actor,
        event_type="placement_" + ("confirm" if accept else "reject"),
        obj=placement,
        detail={"segment": placement.segment_id, "enterprise": placement.enterprise_id},
    )
    return placement


@transaction.atomic
def company_link_decide(*, link: Any, actor: Any, accept: bool) -> Any:
    """Review a similar-name match (相似名称待确认): confirm it (the firm takes the listed company's products,
    and its other pending candidates are rejected) or reject it."""
    from .linking import link_products
    from .models import CompanyLink

    link = CompanyLink.objects.select_for_update().get(pk=link.pk)
    if link.status != CompanyLink.Status.PENDING:
        raise ServiceError(_("This match has already been decided."))
    link.status = CompanyLink.Status.CONFIRMED if accept else CompanyLink.Status.REJECTED
    link.decided_by, link.decided_at = actor, timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        CompanyLink.objects.filter(
            enterprise_id=link.enterprise_id, status=CompanyLink.Status.PENDING
        ).exclude(pk=link.pk).update(
            status=CompanyLink.Status.REJECTED, decided_by=actor, decided_at=timezone.now()
        )
        link_products(enterprises=[link.enterprise], actor=actor)
    audit.record(
        actor=actor,
        event_type="company_link_" + ("confirm" if accept else "reject"),
        obj=link,
        detail={"enterprise": link.enterprise_id, "company": link.company_id},
    )
    return link
