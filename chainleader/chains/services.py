"""Writes on chains (产业链), segments (环节) and placements, including the all-or-nothing Excel imports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chainleader.accounts.models import OrgUnit
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.excel import ParsedRow, RowErrors
from chainleader.core.exceptions import ServiceError
from chainleader.core.imports import (
    ImportPlan,
    ImportRun,
    RowChange,
    headers_of,
    only_present,
)
from chainleader.reference.lookups import RegionResolver

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
        return core_services.object_update(
            instance=segment, actor=actor, data=data, expected_version=expected_version
        )
    return core_services.object_create(
        model=Segment, actor=actor, data={"chain": segment.chain, **data}
    )


@transaction.atomic
def chain_import(
    *,
    actor: Any,
    rows: list[ParsedRow],
    filename: str = "",
    sheet: str = "数据",
    run: ImportRun | None = None,
) -> ImportPlan:
    """Import chains, upserting by region and name; all-or-nothing; every row must end in the user's scope."""
    errors = RowErrors(sheet)
    departments = dict(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).values_list("name", "pk")
    )
    dept_names = {pk: name for name, pk in departments.items()}
    names = _choice_words(Chain, "level", "category")
    written: list[tuple[ParsedRow, Chain]] = []
    plan = ImportPlan()
    regions = RegionResolver()
    # Two queries for the whole file, not two per row.
    existing = {(c.region_id, c.name): c for c in Chain.objects.all()}
    writable = set(Chain.objects.for_user(actor, write=True).values_list("pk", flat=True))
    for row in rows:
        v = row.values
        region_id, problem = regions.resolve(v["region"])
        if region_id is None:
            errors.add(row.row, "所在区域", v["region"], problem)
            continue
        region_name = regions.names[region_id]
        dept_id = None
        if v.get("lead_department"):
            dept_id = departments.get(v["lead_department"])
            if dept_id is None:
                errors.add(row.row, "牵头部门", v["lead_department"], _("Unknown department."))
                continue
        data = {
            "level": v["level"],
            "category": v.get("category") or "",
            "leader_post": v.get("leader_post") or "",
            "deputy_posts": v.get("deputy_posts") or "",
            "lead_department_id": dept_id,
            "description": v.get("description") or "",
            "order": v.get("order") or 0,
        }
        chain = existing.get((region_id, v["name"]))
        if chain is not None:
            if chain.pk not in writable:
                errors.add(
                    row.row, "产业链名称", v["name"], _("This chain is outside your data scope.")
                )
                continue
            label = f"{region_name} {v['name']}"
            given = only_present(rows, data, {"lead_department_id": "lead_department"})
            words = {**names, "lead_department_id": dept_names}
            if not plan.update(
                chain, given, row=row.row, label=label, headers=CHAIN_HEADERS, names=words
            ):
                continue
            chain.save()
        else:
            chain = Chain.objects.create(region_id=region_id, name=v["name"], **data)
            existing[(region_id, v["name"])] = chain
            writable.add(chain.pk)  # its scope is checked with every written row below
            plan.created.append(RowChange(row.row, f"{region_name} {v['name']}"))
        written.append((row, chain))
    in_scope = set(
        Chain.objects.for_user(actor, write=True)
        .filter(pk__in=[c.pk for _r, c in written])
        .values_list("pk", flat=True)
    )
    for row, chain in written:
        if chain.pk not in in_scope:
            errors.add(
                row.row,
                "所在区域",
                row.values["region"],
                _("This region is outside your data scope."),
            )
    if errors:
        transaction.set_rollback(True)
        errors.raise_if_any()
    (run or ImportRun()).checkpoint(plan)  # a preview ends here: its transaction rolls back
    audit.record(
        actor=actor,
        event_type="import",
        object_type="chains.chain",
        detail={"file": filename, "rows": len(written)},
    )
    return plan


@transaction.atomic
def segment_import(
    *,
    actor: Any,
    rows: list[ParsedRow],
    filename: str = "",
    sheet: str = "数据",
    run: ImportRun | None = None,
) -> ImportPlan:
    """Import segments in file order (a parent before its children), upserting by chain, parent and name."""
    errors = RowErrors(sheet)
    chains = ChainResolver(Chain.objects.for_user(actor, write=True).select_related("region"))
    count = 0
    plan = ImportPlan()
    names = _choice_words(Segment, "position")
    for row in rows:
        v = row.values
        chain, problem = chains.resolve(v["chain"])
        if chain is None:
            errors.add(row.row, "产业链", v["chain"], problem)
            continue
        parent = None
        if v.get("parent"):
            parent = Segment.objects.filter(chain=chain, name=v["parent"]).order_by("pk").first()
            if parent is None:
                errors.add(
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
        count += 1
        if created:
            plan.created.append(RowChange(row.row, label))
            continue
        given = only_present(rows, data)
        if plan.update(seg, given, row=row.row, label=label, headers=SEGMENT_HEADERS, names=names):
            seg.save()
    if errors:
        transaction.set_rollback(True)
        errors.raise_if_any()
    (run or ImportRun()).checkpoint(plan)  # a preview ends here: its transaction rolls back
    audit.record(
        actor=actor,
        event_type="import",
        object_type="chains.segment",
        detail={"file": filename, "rows": count},
    )
    return plan
