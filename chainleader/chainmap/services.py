"""Chain-map writes: configs (versioned), team overrides, and the derivation that writes map snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.exceptions import ServiceError
from chainleader.engines import chain_map

from . import selectors
from .models import ChainMap, GraphImport, MapConfig, MapOverride

# Listed-company data knows few makers of niche products: with "≤ 2 national producers" half of all segments
# would be choke points. One national producer and none local is the default here (docs/decisions/0008).
BASE_PARAMS = {"choke_max_national": 1}

REQUIRED: dict[str, tuple[str, ...]] = {
    MapOverride.Kind.RENAME: ("name",),
    MapOverride.Kind.MERGE: ("into",),
    MapOverride.Kind.MOVE: (),
    MapOverride.Kind.ADD: ("name", "position"),
    MapOverride.Kind.HIDE: (),
    MapOverride.Kind.HIDE_PRODUCT: ("product",),
    MapOverride.Kind.ADD_PRODUCT: ("product",),
    MapOverride.Kind.CHOKE: (),
}


def map_config_current(*, chain: Chain, actor: Any = None) -> MapConfig:
    """The chain's latest configuration; version 1 comes from chainmap/anchors.json."""
    config = MapConfig.objects.filter(chain=chain).order_by("-version").first()
    if config is not None:
        return config
    entry = chain_map.load_anchor_config()["chains"].get(selectors.chain_key(chain))
    if entry is None:
        raise ServiceError(_("No anchor products are configured for this chain."))
    params = {k: v for k, v in entry.items() if k not in ("anchors", "note")}
    return MapConfig.objects.create(
        chain=chain,
        version=1,
        anchors=list(entry["anchors"]),
        params=params,
        note=entry.get("note", "")[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def map_config_update(
    *, chain: Chain, actor: Any, anchors: list[str], params: dict[str, Any], note: str = ""
) -> MapConfig:
    """A changed configuration is a new version; older maps keep the version they were derived with."""
    current = map_config_current(chain=chain, actor=actor)
    anchors = [a.strip() for a in anchors if a.strip()]
    if not anchors:
        raise ServiceError(_("Give at least one anchor product."), field="anchors")
    try:
        chain_map.Params.from_dict({**BASE_PARAMS, **params})
    except ValueError as exc:
        raise ServiceError(str(exc), field="params") from exc
    config = MapConfig.objects.create(
        chain=chain,
        version=current.version + 1,
        anchors=anchors,
        params=params,
        note=note[:200],
        created_by=actor,
    )
    audit.record(
        actor=actor, event_type="map_config", obj=config, detail={"version": config.version}
    )
    return config


@transaction.atomic
def map_override_add(
    *, chain: Chain, actor: Any, kind: str, segment_key: str, value: dict[str, Any]
) -> MapOverride:
    """Store a team edit; it is replayed on every later derivation (产业链图谱人工修正)."""
    if kind not in REQUIRED:
        raise ServiceError(_("Unknown kind of edit."), field="kind")
    missing = [name for name in REQUIRED[kind] if not str(value.get(name, "")).strip()]
    if missing:
        raise ServiceError(_("This edit needs: %(fields)s") % {"fields": ", ".join(missing)})
    if kind == MapOverride.Kind.ADD and value.get("position") not in ("up", "mid", "down"):
        raise ServiceError(
            _("The position must be upstream, midstream or downstream."), field="position"
        )
    if not segment_key.strip():
        raise ServiceError(_("Choose a segment."), field="segment_key")
    override = MapOverride.objects.create(
        chain=chain, kind=kind, segment_key=segment_key.strip(), value=value, created_by=actor
    )
    audit.record(
        actor=actor,
        event_type="map_override",
        obj=override,
        detail={"kind": kind, "key": segment_key},
    )
    return override


@transaction.atomic
def map_override_remove(*, override: MapOverride, actor: Any) -> None:
    override.active = False
    override.save(update_fields=["active"])
    audit.record(actor=actor, event_type="map_override_remove", obj=override)


def _override_dicts(chain: Chain) -> list[dict[str, Any]]:
    return [
        {**o.value, "kind": o.kind, "key": o.segment_key}
        for o in MapOverride.objects.filter(chain=chain, active=True).order_by("created_at", "pk")
    ]


def _names(ids: Iterable[int], names: list[str]) -> list[str]:
    return [names[int(i)] for i in ids]


def map_derive(
    *,
    chains: Iterable[Chain] | None = None,
    actor: Any = None,
    progress: Callable[[int, str], None] | None = None,
) -> int:
    """Derive, correct and judge the maps of the given chains (all by default) and store the snapshots."""
    chains = list(
        chains if chains is not None else Chain.objects.select_related("region").order_by("pk")
    )
    report = progress or (lambda pct, msg: None)
    report(5, _("Loading the product graph"))
    ctx = selectors.graph_from_db()
    graph = ctx.graph
    if graph.maker.nnz == 0:
        raise ServiceError(_("The product graph is empty: import it first."))
    report(30, _("Loading local firms"))
    presence = selectors.local_presence(ctx)
    masters = selectors.masters_by_chain()
    firm_row = {int(f): i for i, f in enumerate(presence.firm_ids)}
    latest_import = (
        GraphImport.objects.filter(status=GraphImport.Status.DONE).order_by("-started_at").first()
    )
    done = 0
    for n, chain in enumerate(chains):
        report(30 + int(65 * n / max(len(chains), 1)), _("Deriving %(chain)s") % {"chain": chain})
        try:
            config = map_config_current(chain=chain, actor=actor)
        except ServiceError:
            continue
        params = chain_map.Params.from_dict({**BASE_PARAMS, **config.params})
        anchors, unknown = graph.resolve(config.anchors)
        derived = chain_map.derive(graph, anchors, params)
        derived = chain_map.apply_overrides(derived, _override_dicts(chain))
        master_mask = np.zeros(len(presence.firm_ids), dtype=np.bool_)
        for ent in masters.get(chain.pk, ()):
            if ent in firm_row:
                master_mask[firm_row[ent]] = True
        assessment = chain_map.assess(
            graph,
            derived,
            local_firm_products=presence.firm_products,
            local_firm_company=presence.firm_company,
            local_firm_revenue=presence.firm_revenue,
            master_firm=master_mask,
            params=params,
        )
        rows = {r["key"]: r for r in assessment.rows()}
        segments = []
        for seg in derived.segments:
            r = rows[seg.key]
            segments.append(
                {
                    "id": seg.key,
                    "name": seg.name,
                    "parent": seg.parent_key,
                    "position": seg.position,
                    "depth": seg.depth,
                    "order": seg.order,
                    "origin": seg.origin,
                    "products": _names(
                        seg.products[: params.max_segment_products], graph.product_names
                    ),
                    "product_count": len(seg.products),
                    "status": r["status"],
                    "reason": r["status_reason"],
                    "action": r["action"],
                    "action_reason": r["action_reason"],
                    "local_firm_count": r["local_firm_count"],
                    "national_firm_count": r["national_firm_count"],
                    "chain_master_present": r["chain_master_present"],
                    "lq": r["lq"],
                    "hhi": r["hhi"],
                    "local_revenue_wan": r["local_revenue_wan"],
                    "local_firms": [
                        {"id": int(presence.firm_ids[i]), "name": presence.firm_names[i]}
                        for i in r["local_firms"][:50]
                    ],
                    "candidates": [
                        {"ticker": graph.company_tickers[c], "name": graph.company_names[c]}
                        for c in r["candidate_companies"][:20]
                    ],
                }
            )
        completeness = (
            float(assessment.completeness) if np.isfinite(assessment.completeness) else 0.0
        )
        ChainMap.objects.update_or_create(
            chain=chain,
            defaults={
                "derived_at": timezone.now(),
                "config_version": config.version,
                "graph_import": latest_import,
                "segments": segments,
                "completeness": completeness,
                "dropped": {
                    **derived.dropped,
                    "unknown_anchors": len(unknown),
                    "examples": {k: list(v) for k, v in derived.dropped_examples.items()},
                },
            },
        )
        done += 1
    audit.record(
        actor=actor,
        event_type="map_derive",
        object_type="chainmap.chainmap",
        detail={"chains": done},
    )
    report(100, _("Done"))
    return done


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
