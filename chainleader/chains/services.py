"""Writes on chains (产业链), segments (环节) and placements, including the all-or-nothing Excel imports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from chainleader.accounts.lookups import DepartmentResolver
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError
from chainleader.core.imports import (
    Existing,
    ImportJob,
    ImportPlan,
    ScopeCheck,
    headers_of,
    import_service,
)
from chainleader.reference.lookups import RegionResolver

from . import hooks
from .importers import CHAIN_COLUMNS, SEGMENT_COLUMNS
from .lookups import ChainResolver
from .models import Chain, Placement, Segment

CHAIN_HEADERS = headers_of(CHAIN_COLUMNS, lead_department_id="牵头部门")
SEGMENT_HEADERS = headers_of(SEGMENT_COLUMNS)


def _choice_words(model: Any, *fields: str) -> dict[str, dict[Any, str]]:
    """A preview names a changed choice by its label (上游 → 下游), not by the stored value."""
    return {
        f: {value: str(label) for value, label in model._meta.get_field(f).choices} for f in fields
    }


def segment_place_firm(*, segment: Segment, actor: Any, data: dict[str, Any]) -> Placement:
    """Place a firm in a segment with a role (链主 / 核心 / 配套)."""
    if Placement.objects.filter(segment=segment, enterprise=data["enterprise"]).exists():
        raise ServiceError(
            _("This enterprise is already placed in this segment."), field="enterprise"
        )
    return core_services.object_create(
        model=Placement, actor=actor, data={"segment": segment, **data}
    )


def segment_save(
    *, segment: Segment, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Segment:
    """Create or change a segment; its parent must belong to the same chain and not be itself or below it."""
    # The team's status shows on the map with its reason (专班设定：...); the page and the API both come here.
    status = data.get("status_override", segment.status_override)
    if status and not (data.get("override_reason", segment.override_reason) or "").strip():
        raise ServiceError(_("Give the reason for the team's status."), field="override_reason")
    parent = data.get("parent")
    if parent is not None:
        if parent.chain_id != segment.chain_id:
            raise ServiceError(
                _("The parent segment must belong to the same chain."), field="parent"
            )
        node = parent
        while node is not None:
            if segment.pk and node.pk == segment.pk:
                raise ServiceError(_("A segment cannot be placed under itself."), field="parent")
            node = node.parent
    if segment.pk:
        saved = core_services.object_update(
            instance=segment, actor=actor, data=data, expected_version=expected_version
        )
    else:
        saved = core_services.object_create(
            model=Segment, actor=actor, data={"chain": segment.chain, **data}
        )
    # The map follows the tree, whether the page or the API changed it: the chain map derives this chain's map
    # again once the change is committed (chains.hooks).
    hooks.tree_changed.send(sender=Segment, chains=[saved.chain], actor=actor)
    return saved


@import_service(Chain)
def chain_import(job: ImportJob[Chain]) -> ImportPlan:
    """Import chains, upserting by region and name; all-or-nothing; every row must end in the user's scope."""
    actor, rows = job.actor, job.rows
    departments = DepartmentResolver()
    words = {**_choice_words(Chain, "level", "category"), "lead_department_id": departments.names}
    regions = RegionResolver()
    # Two queries for the whole file, not two per row; a chain saved by an earlier row joins them.
    stored = {(c.region_id, c.name): c for c in Chain.objects.all()}
    inside = set(Chain.objects.for_user(actor, write=True).values_list("pk", flat=True))
    writable = {key for key, c in stored.items() if c.pk in inside}
    existing = Existing(stored, writable)
    for row in rows:
        v = row.values
        region_id = job.resolve(regions, row, "所在区域", v["region"])
        if region_id is None:
            continue
        dept = None
        if v.get("lead_department"):
            dept = job.resolve(departments, row, "牵头部门", v["lead_department"])
            if dept is None:
                continue
        data = {
            "level": v["level"],
            "category": v.get("category") or "",
            "leader_post": v.get("leader_post") or "",
            "deputy_posts": v.get("deputy_posts") or "",
            "lead_department_id": dept.pk if dept is not None else None,
            "description": v.get("description") or "",
            "order": v.get("order") or 0,
        }
        key = (region_id, v["name"])
        outside = _("This chain is outside your data scope.")
        if not job.writable(
            row, existing, key, column="产业链名称", value=v["name"], message=outside
        ):
            continue
        label = f"{regions.names[region_id]} {v['name']}"
        chain = stored.get(key)
        if chain is None:
            chain = Chain.objects.create(region_id=region_id, name=v["name"], **data)
            stored[key] = chain
            writable.add(key)  # its scope is checked with every written row below
            job.create(row, chain, label, bulk=False)
            continue
        given = job.present(data, {"lead_department_id": "lead_department"})
        if job.update(
            row, chain, given, label=label, headers=CHAIN_HEADERS, names=words, bulk=False
        ):
            chain.save()
    region_outside = _("This region is outside your data scope.")
    job.commit(scope=ScopeCheck("所在区域", ("region",), region_outside))
    return job.record()


@import_service(Segment)
def segment_import(job: ImportJob[Segment]) -> ImportPlan:
    """Import segments in file order (a parent before its children), upserting by chain, parent and name."""
    actor, rows = job.actor, job.rows
    chains = ChainResolver.for_user(actor, write=True)
    names = _choice_words(Segment, "position")
    for row in rows:
        v = row.values
        chain = job.resolve(chains, row, "产业链", v["chain"])
        if chain is None:
            continue
        parent = None
        if v.get("parent"):
            # Saved by an earlier row or before: a segment's parent is looked up as the file is written.
            parent = Segment.objects.filter(chain=chain, name=v["parent"]).order_by("pk").first()
            if parent is None:
                job.error(
                    row.row,
                    "上级环节",
                    v["parent"],
                    _("Unknown parent segment: list it in an earlier row."),
                )
                continue
        data = {
            "position": v["position"],
            "order": v.get("order") or 0,
            "key_products": v.get("key_products") or "",
            "key_technologies": v.get("key_technologies") or "",
        }
        seg, created = Segment.objects.get_or_create(
            chain=chain, parent=parent, name=v["name"], defaults=data
        )
        label = f"{chain} · {v['parent'] + ' › ' if v.get('parent') else ''}{v['name']}"
        if created:
            job.create(row, seg, label, bulk=False)
        elif job.update(
            row,
            seg,
            job.present(data),
            label=label,
            headers=SEGMENT_HEADERS,
            names=names,
            bulk=False,
        ):
            seg.save()
    job.commit()
    return job.record()
