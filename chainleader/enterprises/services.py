"""Writes on enterprises (企业): create, update, delete and the all-or-nothing Excel import."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.accounts.policy import is_editor
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.excel import ParsedRow, normalize_code
from chainleader.core.exceptions import ServiceError
from chainleader.core.imports import Existing, ImportJob, ImportPlan, headers_of, import_service
from chainleader.parks.lookups import ParkResolver
from chainleader.parks.models import Park
from chainleader.reference.lookups import RegionResolver
from chainleader.reference.models import Industry, Region

from . import hooks
from .importers import ENTERPRISE_COLUMNS, FIGURE_COLUMNS
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
    """Industry codes by "3951" and "C3951", and as the pages and exports show them ("C3951 电动机制造", read as
    the import column normalises it: no spaces, upper case)."""
    rows = Industry.objects.values_list("code", "full_code", "name", "id")
    return {
        **{normalize_code(f"{f}{n}"): i for _c, f, n, i in rows},
        **{c: i for c, _f, _n, i in rows},
        **{f: i for _c, f, _n, i in rows},
    }


USCC = "统一社会信用代码"
# Lazy: they are needed only when a row is refused, and a roster has 50,000 rows.
DUPLICATE_CODE = gettext_lazy("Duplicate credit code: also in row %(row)s.")
# One refusal for a firm stored outside the writable scope and for a new firm placed outside it: a district
# must not learn that a credit code is registered in another district (issue 13 item 7).
OUTSIDE_FIRM = gettext_lazy("This record would be outside your data scope.")


@import_service(Enterprise)
def enterprise_import(job: ImportJob[Enterprise]) -> ImportPlan:
    """Import enterprises from parsed rows: upsert by credit code, all-or-nothing, one audit row (RL2).

    Returns the plan (new, changed field by field, unchanged); unchanged firms are not written.
    """
    actor, rows = job.actor, job.rows
    industries = _industry_lookup()
    regions = RegionResolver()
    parks = ParkResolver.for_user(actor)
    existing = Existing.by(
        Enterprise.objects.all(), actor, "uscc", [r.values.get("uscc") for r in rows]
    )
    # Codes stored outside the writable scope: checked like new firms and refused where a new firm outside the
    # scope is (below), with the same error, so the answer does not tell that the code exists.
    hidden = {code for code in existing.records if code not in existing.writable}
    prepared: list[tuple[ParsedRow, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        uscc = v["uscc"]
        if not job.first(row, uscc, column=USCC, value=uscc, message=DUPLICATE_CODE):
            continue
        region_id = job.resolve(regions, row, "所在区域", v["region"])
        industry_id = None
        if v.get("industry"):
            industry_id = industries.get(str(v["industry"]).strip().upper())
            if industry_id is None:
                job.error(
                    row.row, "行业代码", v["industry"], _("Unknown GB/T 4754-2017 industry code.")
                )
        park = job.resolve(parks, row, "所属园区", v["park"]) if v.get("park") else None
        data = {
            "name": v["name"],
            "former_names": v.get("former_names") or "",
            "region_id": region_id,
            "park_id": park.pk if park is not None else None,
            "industry_id": industry_id,
            "registered_capital_wan": v.get("registered_capital_wan"),
            "founded_on": v.get("founded_on"),
            "above_size": bool(v.get("above_size")),
            "ticker": v.get("ticker") or "",
            "address": v.get("address") or "",
            "business_scope": v.get("business_scope") or "",
        }
        prepared.append((row, {"uscc": uscc, **data}))
    job.check()

    names = (
        _display_names(existing.records.values(), [d for _r, d in prepared])
        if existing.records
        else {}
    )
    for row, d in prepared:
        label = f"{d['uscc']} {d['name']}"
        firm = None if d["uscc"] in hidden else existing.records.get(d["uscc"])
        if firm is None:
            job.create(row, d, label)  # the instance is built only when written: a preview never is
        else:
            given = job.present({k: d[k] for k in IMPORT_FIELDS}, IMPORT_SOURCES)
            job.update(row, firm, given, label=label, headers=IMPORT_HEADERS, names=names)
    # A district may only import firms on its own territory: every row written must be in its scope,
    # judged before writing (a 100,000-row preview writes nothing).
    outside = _outside_write_scope(actor, prepared, regions) | hidden
    for row, d in prepared:
        if d["uscc"] in outside:
            job.error(row.row, USCC, d["uscc"], OUTSIDE_FIRM)
    job.commit()
    written_ids = job.written_ids()
    # The chain maps follow the registry: link the firms and derive again once this import is committed.
    if written_ids:
        transaction.on_commit(lambda: _registry_changed(written_ids, actor))
    return job.record()


IMPORT_SOURCES = {"region_id": "region", "park_id": "park", "industry_id": "industry"}
IMPORT_HEADERS = headers_of(
    ENTERPRISE_COLUMNS, region_id="所在区域", park_id="所属园区", industry_id="行业代码"
)


def _display_names(
    objects: Iterable[Enterprise], data: list[dict[str, Any]]
) -> dict[str, dict[Any, str]]:
    """Names for the foreign keys a preview shows (region, park, industry), for the ids in play only."""
    ids: dict[str, set[Any]] = {"region_id": set(), "park_id": set(), "industry_id": set()}
    for obj in objects:
        for key, bucket in ids.items():
            bucket.add(getattr(obj, key))
    for d in data:
        for key, bucket in ids.items():
            bucket.add(d[key])
    return {
        "region_id": dict(
            Region.objects.filter(pk__in=ids["region_id"] - {None}).values_list("pk", "name")
        ),
        "park_id": dict(
            Park.objects.filter(pk__in=ids["park_id"] - {None}).values_list("pk", "name")
        ),
        "industry_id": dict(
            Industry.objects.filter(pk__in=ids["industry_id"] - {None}).values_list(
                "pk", "full_code"
            )
        ),
    }


def _outside_write_scope(
    actor: Any, prepared: list[tuple[ParsedRow, dict[str, Any]]], regions: RegionResolver
) -> set[str]:
    """Credit codes that would end outside ``actor``'s write scope, judged before writing (as the scope would
    judge the written rows): a firm is in by its region, or, already registered, by a chain, department or
    grant that the import does not change."""
    from dataclasses import replace

    from chainleader.core.querysets import scope_for

    from .querysets import enterprise_scope_q

    scope = scope_for(actor).for_write()
    if scope.everything:
        return set()
    codes = {pk: code for code, pk in regions.by_code.items()}
    other = replace(scope, region_prefixes=())
    kept = set(
        Enterprise.objects.filter(enterprise_scope_q(other))
        .filter(uscc__in=[d["uscc"] for _r, d in prepared])
        .values_list("uscc", flat=True)
    )
    outside = set()
    for _row, d in prepared:
        code = codes.get(d["region_id"], "")
        if scope.nothing or not (
            any(code.startswith(p) for p in scope.region_prefixes) or d["uscc"] in kept
        ):
            outside.add(d["uscc"])
    return outside


def _registry_changed(enterprise_ids: list[int], actor: Any) -> None:
    # The maps depend on the registry, not back: chainmap receives this (enterprises.hooks).
    hooks.registry_changed.send(sender=Enterprise, enterprise_ids=enterprise_ids, actor=actor)


@import_service(YearFigure)
def figures_import(job: ImportJob[YearFigure]) -> ImportPlan:
    """Import yearly figures (年度经营数据) keyed by credit code and year; all-or-nothing; confidential: audited."""
    actor, rows = job.actor, job.rows
    if not _can_write_figures(actor):
        job.error(None, "", "", _("Your role may not write confidential figures."))
        job.check()
    visible = dict(Enterprise.objects.for_user(actor, write=True).values_list("uscc", "pk"))
    fields = [*YearFigure.CONFIDENTIAL_FIELDS, "employees"]
    prepared: list[tuple[ParsedRow, int, int, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        year = int(v["year"])
        duplicate = gettext_lazy("Duplicate firm and year: also in row %(row)s.")
        if not job.first(row, (v["uscc"], year), column="年度", value=v["year"], message=duplicate):
            continue
        ent = visible.get(v["uscc"])
        if ent is None:
            job.error(
                row.row, USCC, v["uscc"], _("No enterprise with this credit code in your scope.")
            )
            continue
        for f in fields:
            val = v.get(f)
            if isinstance(val, Decimal) and val < 0 and f != "tax_wan":
                job.error(row.row, FIGURE_HEADERS[f], val, _("Must not be negative."))
        prepared.append((row, ent, year, {f: v.get(f) for f in fields}))
    job.check()
    current = {
        (f.enterprise_id, f.year): f
        for f in YearFigure.objects.filter(enterprise_id__in=[p[1] for p in prepared])
    }
    for row, ent, year, data in prepared:
        label = f"{row.values['uscc']} {year}"
        obj = current.get((ent, year))
        if obj is None:
            job.create(row, YearFigure(enterprise_id=ent, year=year, **data), label)
        else:
            job.update(row, obj, job.present(data), label=label, headers=FIGURE_HEADERS)
    job.commit()
    return job.record(confidential=True)


FIGURE_HEADERS = headers_of(FIGURE_COLUMNS)


def _can_write_figures(actor: Any) -> bool:
    from chainleader.core.querysets import scope_for

    return scope_for(actor).confidential


# ---------------------------------------------------------------------------------------------
# Product suggestions (产品推荐): learned from the listed firms, confirmed by an office or district user
# ---------------------------------------------------------------------------------------------

SUGGESTIONS_PER_FIRM = 20


def suggestions_derive(
    *, enterprises: Iterable[Enterprise] | Any | None, actor: Any
) -> dict[str, int]:
    """产品推荐: suggest up to 20 products for each of ``enterprises`` (None: every firm) that has none recorded,
    within ``actor``'s write scope (``actor`` None: a system run, e.g. the demo loader). The model is fitted on the
    product graph's listed firms and the registry firms that have products, once per call. A firm's pending
    suggestions are replaced; confirmed or rejected products are never suggested again."""
    from chainleader.engines.product_suggest import SuggestModel

    from . import selectors
    from .models import ProductSuggestion

    firms = Enterprise.objects.all()
    if enterprises is not None:
        firms = firms.filter(pk__in=[getattr(e, "pk", e) for e in enterprises])
    if actor is not None:
        _require_suggestion_writer(actor)
        firms = firms.filter(pk__in=Enterprise.objects.for_user(actor, write=True).values("pk"))
    ids = list(selectors.firms_without_products(firms).values_list("pk", flat=True))
    if not ids:
        return {"firms": 0, "suggested": 0}
    corpus = selectors.suggestion_corpus()
    if not corpus.rows:
        raise ServiceError(_("The product graph is empty: import it first."))
    model = SuggestModel.fit(
        firm_texts=corpus.texts,
        firm_labels=corpus.labels,
        firm_industry=corpus.industry,
        made=(corpus.rows, corpus.cols, corpus.weights),
        product_names=corpus.product_names,
    )
    ids, queries = selectors.suggestion_queries(ids)
    decided = selectors.decided_products(ids)
    found = model.suggest(queries, k=2 * SUGGESTIONS_PER_FIRM)
    new: list[ProductSuggestion] = []
    for ent, suggestions in zip(ids, found, strict=True):
        kept = [s for s in suggestions if (ent, corpus.product_ids[s.product]) not in decided]
        new.extend(
            ProductSuggestion(
                enterprise_id=ent,
                product_id=corpus.product_ids[s.product],
                rank=rank,
                score=s.score,
                reason=suggestion_reason(s),
            )
            for rank, s in enumerate(kept[:SUGGESTIONS_PER_FIRM], start=1)
        )
    with transaction.atomic():
        ProductSuggestion.objects.filter(
            enterprise_id__in=ids, status=ProductSuggestion.Status.PENDING
        ).delete()
        ProductSuggestion.objects.bulk_create(new, batch_size=2000)
        counts = {"firms": len(ids), "suggested": len(new)}
        audit.record(
            actor=actor,
            event_type="product_suggestions_derive",
            object_type="enterprises.productsuggestion",
            detail=counts,
        )
    return counts


def suggestion_reason(s: Any) -> str:
    """The evidence of one engine Suggestion in a sentence, strongest first."""
    parts = {
        "text": _("“%(term)s” is in its name, business scope or industry class") % {"term": s.term}
        if s.term
        else "",
        "firms": _("similar firms make it: %(firms)s") % {"firms": "、".join(s.firms)}
        if s.firms
        else "",
        "industry": _("%(makers)s of %(firms)s firms of its industry make it")
        % {"makers": s.industry_makers, "firms": s.industry_firms}
        if s.industry_makers
        else "",
    }
    order = [s.source, *(k for k in parts if k != s.source)]
    return "；".join(parts[k] for k in order if parts.get(k))[:300]


def _require_suggestion_writer(actor: Any) -> None:
    # Readers (departments, leaders) and firm accounts see suggestions but do not decide them.
    if not is_editor(actor):
        raise ServiceError(_("Your role may not review product suggestions."))


@transaction.atomic
def suggestions_decide(*, suggestions: Iterable[Any], actor: Any, accept: bool) -> int:
    """Confirm (the firm then makes the product: an EnterpriseProduct, share unknown) or reject pending
    suggestions, one audit row each; the chain maps are derived again after a confirmation. Returns how many
    were decided; suggestions already decided or outside the actor's write scope are refused."""
    from django.utils import timezone

    from .models import ProductSuggestion

    _require_suggestion_writer(actor)
    pks = [getattr(s, "pk", s) for s in suggestions]
    rows = list(
        ProductSuggestion.objects.for_user(actor, write=True)
        .select_for_update()
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(rows) != len(set(pks)):
        raise ServiceError(_("A suggestion is not in your data scope."))
    if any(r.status != ProductSuggestion.Status.PENDING for r in rows):
        raise ServiceError(_("This suggestion has already been decided."))
    now = timezone.now()
    status = ProductSuggestion.Status.CONFIRMED if accept else ProductSuggestion.Status.REJECTED
    for row in rows:
        row.status, row.decided_by, row.decided_at = status, actor, now
        row.save(update_fields=["status", "decided_by", "decided_at"])
        if accept:
            EnterpriseProduct.objects.get_or_create(
                enterprise_id=row.enterprise_id, product_id=row.product_id
            )
        audit.record(
            actor=actor,
            event_type="product_suggestion_" + ("confirm" if accept else "reject"),
            obj=row,
            detail={"enterprise": row.enterprise_id, "product": row.product_id},
        )
    if accept and rows:
        # The firms' products changed: placement and relatedness read them when the maps are derived again.
        hooks.products_changed.send(sender=EnterpriseProduct, actor=actor)
    return len(rows)
