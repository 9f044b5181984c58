"""Writes on enterprises (企业): create, update, delete and the all-or-nothing Excel import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.excel import ParsedRow, RowErrors
from chainleader.core.exceptions import ServiceError
from chainleader.parks.models import Park
from chainleader.reference.models import Industry, Region

from .models import Enterprise, EnterpriseProduct, Product, YearFigure

IMPORT_FIELDS = [
    "name",
    "former_names",
    "region_id",
    "park_id",
    "industry_id",
    "registered_capital_wan",
    "founded_on",
    "above_size",
    "ticker",
    "address",
    "business_scope",
]


@transaction.atomic
def enterprise_product_add(
    *, enterprise: Enterprise, actor: Any, product: str, revenue_share: Decimal | None
) -> EnterpriseProduct:
    """Record that a firm makes a product (by hand); the product is created when the name is new."""
    name = " ".join(product.split())
    if not name:
        raise ServiceError(_("Give the product's name."), field="product")
    item, _created = Product.objects.get_or_create(name=name)
    if EnterpriseProduct.objects.filter(enterprise=enterprise, product=item).exists():
        raise ServiceError(_("This product is already listed for the enterprise."), field="product")
    return core_services.object_create(
        model=EnterpriseProduct,
        actor=actor,
        data={"enterprise": enterprise, "product": item, "revenue_share": revenue_share},
    )


def enterprise_create(*, actor: Any, data: dict[str, Any]) -> Enterprise:
    """Register an enterprise (企业登记)."""
    return core_services.object_create(model=Enterprise, actor=actor, data=data)


def enterprise_update(
    *, enterprise: Enterprise, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Enterprise:
    """Change an enterprise's registry data; a stale version raises StaleEdit."""
    return core_services.object_update(
        instance=enterprise, actor=actor, data=data, expected_version=expected_version
    )


def _industry_lookup() -> dict[str, int]:
    """Industry codes by "3951" and "C3951"."""
    rows = Industry.objects.values_list("code", "full_code", "id")
    return {**{c: i for c, _f, i in rows}, **{f: i for _c, f, i in rows}}


def _region_lookup() -> tuple[dict[str, int], dict[str, list[int]]]:
    by_code = dict(Region.objects.values_list("code", "id"))
    by_name: dict[str, list[int]] = {}
    for name, alias, pk in Region.objects.values_list("name", "alias", "id"):
        for key in {name, alias} - {""}:
            by_name.setdefault(key, []).append(pk)
    return by_code, by_name


@transaction.atomic
def enterprise_import(
    *, actor: Any, rows: list[ParsedRow], filename: str = "", sheet: str = "数据"
) -> int:
    """Import enterprises from parsed rows: upsert by credit code, all-or-nothing, one audit row (RL2)."""
    errors = RowErrors(sheet)
    industries = _industry_lookup()
    regions_by_code, regions_by_name = _region_lookup()
    parks: dict[str, int] = {}
    for pk, name in Park.objects.for_user(actor).values_list("pk", "name"):
        parks.setdefault(name, pk)
    visible = dict(Enterprise.objects.for_user(actor, write=True).values_list("uscc", "pk"))
    codes = [r.values.get("uscc") for r in rows]
    existing = dict(
        Enterprise.objects.filter(uscc__in=[c for c in codes if c]).values_list("uscc", "pk")
    )
    seen: dict[str, int] = {}
    prepared: list[tuple[ParsedRow, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        uscc = v["uscc"]
        if uscc in seen:
            errors.add(
                row.row,
                "统一社会信用代码",
                uscc,
                _("Duplicate credit code: also in row %(row)s.") % {"row": seen[uscc]},
            )
            continue
        seen[uscc] = row.row
        if uscc in existing and uscc not in visible:
            errors.add(
                row.row, "统一社会信用代码", uscc, _("This enterprise is outside your data scope.")
            )
            continue
        region_text = str(v["region"]).strip()
        region_id = regions_by_code.get(region_text)
        if region_id is None:
            ids = regions_by_name.get(region_text, [])
            home = [i for i in ids if i in _home_region_ids()]
            ids = home or ids
            if len(ids) == 1:
                region_id = ids[0]
            else:
                msg = (
                    _("Unknown region: give its code (e.g. 370211) or a unique name.")
                    if not ids
                    else _("Region name is ambiguous: give its code.")
                )
                errors.add(row.row, "所在区域", region_text, msg)
        industry_id = None
        if v.get("industry"):
            industry_id = industries.get(str(v["industry"]).strip().upper())
            if industry_id is None:
                errors.add(
                    row.row, "行业代码", v["industry"], _("Unknown GB/T 4754-2017 industry code.")
                )
        park_id = None
        if v.get("park"):
            park_id = parks.get(str(v["park"]).strip())
            if park_id is None:
                errors.add(
                    row.row, "所属园区", v["park"], _("Unknown park (or outside your data scope).")
                )
        data = {
            "name": v["name"],
            "former_names": v.get("former_names") or "",
            "region_id": region_id,
            "park_id": park_id,
            "industry_id": industry_id,
            "registered_capital_wan": v.get("registered_capital_wan"),
            "founded_on": v.get("founded_on"),
            "above_size": bool(v.get("above_size")),
            "ticker": v.get("ticker") or "",
            "address": v.get("address") or "",
            "business_scope": v.get("business_scope") or "",
        }
        prepared.append((row, {"uscc": uscc, **data}))
    errors.raise_if_any()

    creates = [Enterprise(**d) for _r, d in prepared if d["uscc"] not in existing]
    updates = []
    if any(d["uscc"] in existing for _r, d in prepared):
        current = {
            e.uscc: e
            for e in Enterprise.objects.filter(
                uscc__in=[d["uscc"] for _r, d in prepared if d["uscc"] in existing]
            )
        }
        for _r, d in prepared:
            obj = current.get(d["uscc"])
            if obj is None:
                continue
            for key in IMPORT_FIELDS:
                setattr(obj, key, d[key])
            obj.version += 1
            updates.append(obj)
    bulk_create_with_history(creates, Enterprise, batch_size=1000, default_user=actor)
    if updates:
        bulk_update_with_history(
            updates, Enterprise, [*IMPORT_FIELDS, "version"], batch_size=1000, default_user=actor
        )
    # A district may only import firms on its own territory: every written row must be in scope.
    written = [d["uscc"] for _r, d in prepared]
    in_scope = set(
        Enterprise.objects.for_user(actor, write=True)
        .filter(uscc__in=written)
        .values_list("uscc", flat=True)
    )
    for row, d in prepared:
        if d["uscc"] not in in_scope:
            errors.add(
                row.row,
                "所在区域",
                row.values["region"],
                _("This region is outside your data scope."),
            )
    if errors:
        transaction.set_rollback(True)
        errors.raise_if_any()
    written_ids = list(Enterprise.objects.filter(uscc__in=written).values_list("pk", flat=True))
    # The chain maps follow the registry: link the firms and derive again once this import is committed.
    transaction.on_commit(lambda: _registry_changed(written_ids, actor))
    audit.record(
        actor=actor,
        event_type="import",
        object_type="enterprises.enterprise",
        detail={
            "file": filename,
            "rows": len(prepared),
            "created": len(creates),
            "updated": len(updates),
        },
    )
    return len(prepared)


def _registry_changed(enterprise_ids: list[int], actor: Any) -> None:
    from chainleader.chainmap.tasks import (
        registry_changed_task,  # the maps depend on the registry, not back
    )

    registry_changed_task.enqueue(enterprise_ids, getattr(actor, "pk", None))


_HOME: set[int] = set()


def _home_region_ids() -> set[int]:
    from django.conf import settings

    if not _HOME:
        _HOME.update(
            Region.objects.filter(code__startswith=settings.CHAINLEADER_HOME_REGION).values_list(
                "pk", flat=True
            )
        )
    return _HOME


@transaction.atomic
def figures_import(
    *, actor: Any, rows: list[ParsedRow], filename: str = "", sheet: str = "数据"
) -> int:
    """Import yearly figures (年度经营数据) keyed by credit code and year; all-or-nothing; confidential: audited."""
    errors = RowErrors(sheet)
    if not _can_write_figures(actor):
        errors.add(None, "", "", _("Your role may not write confidential figures."))
        errors.raise_if_any()
    visible = dict(Enterprise.objects.for_user(actor, write=True).values_list("uscc", "pk"))
    fields = [*YearFigure.CONFIDENTIAL_FIELDS, "employees"]
    seen: dict[tuple[str, int], int] = {}
    prepared = []
    for row in rows:
        v = row.values
        key = (v["uscc"], int(v["year"]))
        if key in seen:
            errors.add(
                row.row,
                "年度",
                v["year"],
                _("Duplicate firm and year: also in row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row.row
        ent = visible.get(v["uscc"])
        if ent is None:
            errors.add(
                row.row,
                "统一社会信用代码",
                v["uscc"],
                _("No enterprise with this credit code in your scope."),
            )
            continue
        for f in fields:
            val = v.get(f)
            if isinstance(val, Decimal) and val < 0 and f != "tax_wan":
                errors.add(row.row, f, val, _("Must not be negative."))
        prepared.append((ent, key[1], {f: v.get(f) for f in fields}))
    errors.raise_if_any()
    current = {
        (f.enterprise_id, f.year): f
        for f in YearFigure.objects.filter(enterprise_id__in=[p[0] for p in prepared])
    }
    creates, updates = [], []
    for ent, year, data in prepared:
        obj = current.get((ent, year))
        if obj is None:
            creates.append(YearFigure(enterprise_id=ent, year=year, **data))
        else:
            for k, val in data.items():
                setattr(obj, k, val)
            obj.version += 1
            updates.append(obj)
    bulk_create_with_history(creates, YearFigure, batch_size=1000, default_user=actor)
    if updates:
        bulk_update_with_history(
            updates, YearFigure, [*fields, "version"], batch_size=1000, default_user=actor
        )
    audit.record(
        actor=actor,
        event_type="import",
        object_type="enterprises.yearfigure",
        detail={"file": filename, "rows": len(prepared), "confidential": True},
    )
    return len(prepared)


def _can_write_figures(actor: Any) -> bool:
    from chainleader.core.querysets import scope_for

    return scope_for(actor).confidential
