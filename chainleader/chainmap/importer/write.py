"""Writing the checked graph: upserts by natural key in ONE transaction, the record and the audit row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.core import audit
from chainleader.enterprises.models import Product

from ..models import (
    CompanyProduct,
    GraphCompany,
    GraphImport,
    GraphIndustry,
    IndustryUpstream,
    ProductLink,
)
from .check import check_graph_folder
from .files import (
    COMPANIES,
    COMPANY_INDUSTRY,
    COMPANY_PRODUCT,
    INDUSTRIES,
    INDUSTRY_UPSTREAM,
    PRODUCT_PRODUCT,
    PRODUCTS,
    VALIDATE_SHARE,
    CheckedGraph,
    Progress,
)

BATCH_SIZE = 5000


def level_from_code(code: str) -> int:
    """Shenwan codes: xx0000 level 1, xxyy00 level 2, otherwise level 3."""
    if code.endswith("0000"):
        return 1
    return 2 if code.endswith("00") else 3


class _Reporter:
    """Calls the progress callback and mirrors the percentage into the GraphImport row (every ≥ 5 %)."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.record: GraphImport | None = None
        self.saved = -100

    def __call__(self, percent: int, label: str) -> None:
        percent = max(0, min(100, int(percent)))
        if self.callback is not None:
            self.callback(percent, label)
        if self.record is not None and (percent - self.saved >= 5 or percent == 100):
            GraphImport.objects.filter(pk=self.record.pk).update(progress=percent)
            self.record.progress = self.saved = percent


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _bulk_create(
    model: type, rows: list[Any], report: _Reporter, span: tuple[int, int], label: str
) -> None:
    start, end = span
    for i, batch in enumerate(_batches(rows), 1):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE, ignore_conflicts=True)
        report(min(end, start + (end - start) * i * BATCH_SIZE // max(len(rows), 1)), label)


def _write_industries(g: CheckedGraph, counts: dict[str, dict[str, int]]) -> dict[str, int]:
    existing = {
        code: (pk, name, level, parent)
        for pk, code, name, level, parent in GraphIndustry.objects.values_list(
            "pk", "code", "name", "level", "parent_id"
        )
    }
    new = [
        GraphIndustry(code=c, name=n, level=lv)
        for c, (n, lv, _p) in g.industries.items()
        if c not in existing
    ]
    extra = [
        GraphIndustry(code=c, name=n, level=level_from_code(c))
        for c, n in g.extra_industries.items()
        if c not in existing
    ]
    GraphIndustry.objects.bulk_create(new + extra, batch_size=BATCH_SIZE, ignore_conflicts=True)
    counts[INDUSTRIES]["created"] = len(new)
    counts[COMPANY_INDUSTRY]["industries_added"] = len(extra)
    ids = (
        dict(GraphIndustry.objects.values_list("code", "pk"))
        if new or extra
        else {c: v[0] for c, v in existing.items()}
    )
    changed = []
    for code, (name, level, parent) in g.industries.items():
        parent_id = ids[parent] if parent else None
        if code in existing:
            pk, old_name, old_level, old_parent = existing[code]
            if (old_name, old_level, old_parent) != (name, level, parent_id):
                changed.append(
                    GraphIndustry(pk=pk, code=code, name=name, level=level, parent_id=parent_id)
                )
                counts[INDUSTRIES]["updated"] += 1
        elif parent_id is not None:  # parents of new rows, once every row has its id
            changed.append(
                GraphIndustry(pk=ids[code], code=code, name=name, level=level, parent_id=parent_id)
            )
    GraphIndustry.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=BATCH_SIZE)
    return ids


COMPANY_FIELDS = ["name", "fullname", "other_fullnames", "exchange", "list_date"]


def _write_companies(
    g: CheckedGraph, counts: dict[str, dict[str, int]], industry_ids: dict[str, int]
) -> dict[str, int]:
    existing = {
        row[1]: row
        for row in GraphCompany.objects.values_list("pk", "ticker", *COMPANY_FIELDS, "industry_id")
    }
    new, changed = [], []
    for ticker, values in g.companies.items():
        code = g.company_industry.get(ticker)
        industry_id = industry_ids[code] if code else None
        row = existing.get(ticker)
        if row is None:
            new.append(GraphCompany(ticker=ticker, industry_id=industry_id, **values))
            counts[COMPANY_INDUSTRY]["created"] += industry_id is not None
            continue
        fields_changed = tuple(row[2:-1]) != tuple(values[f] for f in COMPANY_FIELDS)
        industry_changed = row[-1] != industry_id
        if fields_changed or industry_changed:
            changed.append(
                GraphCompany(pk=row[0], ticker=ticker, industry_id=industry_id, **values)
            )
            counts[COMPANIES]["updated"] += fields_changed
            counts[COMPANY_INDUSTRY]["updated"] += industry_changed
    GraphCompany.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    GraphCompany.objects.bulk_update(changed, [*COMPANY_FIELDS, "industry"], batch_size=BATCH_SIZE)
    counts[COMPANIES]["created"] = len(new)
    if new:
        return dict(GraphCompany.objects.values_list("ticker", "pk"))
    return {ticker: row[0] for ticker, row in existing.items()}


def _write_products(
    g: CheckedGraph, counts: dict[str, dict[str, int]], report: _Reporter
) -> dict[str, int]:
    existing = dict(Product.objects.values_list("name", "pk"))
    new = [Product(name=name) for name in g.product_names if name not in existing]
    _bulk_create(Product, new, report, (45, 60), _("Writing products"))
    counts[PRODUCTS]["created"] = len(new)
    counts[PRODUCTS]["from_relations"] = len(g.product_names) - (
        counts[PRODUCTS]["read"] - counts[PRODUCTS]["skipped"]
    )
    return dict(Product.objects.values_list("name", "pk")) if new else existing


def _write_company_products(
    g: CheckedGraph,
    counts: dict[str, dict[str, int]],
    company_ids: dict[str, int],
    product_ids: dict[str, int],
    report: _Reporter,
) -> None:
    existing = {
        (c, p): (pk, w)
        for pk, c, p, w in CompanyProduct.objects.values_list(
            "pk", "company_id", "product_id", "weight"
        )
    }
    new, changed = [], []
    for (ticker, name), weight in g.company_products.items():
        key = (company_ids[ticker], product_ids[name])
        row = existing.get(key)
        if row is None:
            new.append(CompanyProduct(company_id=key[0], product_id=key[1], weight=weight))
        elif row[1] != weight:
            changed.append(CompanyProduct(pk=row[0], weight=weight))
    _bulk_create(CompanyProduct, new, report, (60, 70), _("Writing company products"))
    CompanyProduct.objects.bulk_update(changed, ["weight"], batch_size=BATCH_SIZE)
    counts[COMPANY_PRODUCT]["created"], counts[COMPANY_PRODUCT]["updated"] = len(new), len(changed)


def _write_links(
    g: CheckedGraph,
    counts: dict[str, dict[str, int]],
    product_ids: dict[str, int],
    report: _Reporter,
) -> None:
    existing = set(ProductLink.objects.values_list("source_id", "rel", "target_id"))
    new = []
    for source, rel, target in g.links:
        key = (product_ids[source], rel, product_ids[target])
        if key not in existing:
            new.append(ProductLink(source_id=key[0], rel=rel, target_id=key[2]))
    new.sort(key=lambda link: (link.source_id, link.rel, link.target_id))  # a stable insert order
    _bulk_create(ProductLink, new, report, (70, 95), _("Writing product links"))
    counts[PRODUCT_PRODUCT]["created"] = len(new)


def _write_upstream(g: CheckedGraph, counts: dict[str, dict[str, int]]) -> None:
    existing = {
        (i, u): (pk, c)
        for pk, i, u, c in IndustryUpstream.objects.values_list(
            "pk", "industry_name", "upstream_name", "count"
        )
    }
    new, changed = [], []
    for (industry, upstream), count in g.upstream.items():
        row = existing.get((industry, upstream))
        if row is None:
            new.append(
                IndustryUpstream(industry_name=industry, upstream_name=upstream, count=count)
            )
        elif row[1] != count:
            changed.append(IndustryUpstream(pk=row[0], count=count))
    IndustryUpstream.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    IndustryUpstream.objects.bulk_update(changed, ["count"], batch_size=BATCH_SIZE)
    counts[INDUSTRY_UPSTREAM]["created"], counts[INDUSTRY_UPSTREAM]["updated"] = (
        len(new),
        len(changed),
    )


def graph_import(*, path: Path, actor: Any = None, progress: Progress | None = None) -> GraphImport:
    """Import the chainkg folder at ``path``; all-or-nothing and idempotent (see the module docstring).

    Raises ``ImportRejected`` (each error: sheet = file name, row = line with the header as line 1,
    column, value, message) before anything is written if any file is missing or malformed. Returns the
    finished ``GraphImport`` (status done, ``counts`` = {file: {read, created, updated, skipped, ...}}).
    Any other failure rolls the data back and leaves the GraphImport row with status failed.
    """
    path = Path(path)
    report = _Reporter(progress)
    graph = check_graph_folder(path, report)
    counts = graph.counts
    previous = (
        GraphImport.objects.filter(status=GraphImport.Status.DONE)
        .order_by("-started_at", "-pk")
        .first()
    )
    record = GraphImport.objects.create(
        path=str(path), fingerprint=graph.fingerprint, progress=VALIDATE_SHARE
    )
    report.record, report.saved = record, VALIDATE_SHARE
    try:
        with transaction.atomic():
            report(VALIDATE_SHARE, _("Writing industries"))
            industry_ids = _write_industries(graph, counts)
            report(40, _("Writing companies"))
            company_ids = _write_companies(graph, counts, industry_ids)
            report(45, _("Writing products"))
            product_ids = _write_products(graph, counts, report)
            _write_company_products(graph, counts, company_ids, product_ids, report)
            _write_links(graph, counts, product_ids, report)
            report(95, _("Writing industry upstream links"))
            _write_upstream(graph, counts)
            record.status, record.counts, record.progress = GraphImport.Status.DONE, counts, 100
            record.finished_at = timezone.now()
            if previous is not None and previous.fingerprint == graph.fingerprint:
                record.message = _("Same files as import #%(id)s.") % {"id": previous.pk}
            record.save(update_fields=["status", "counts", "progress", "finished_at", "message"])
            audit.record(
                actor=actor,
                event_type="import",
                object_type="chainmap.graphimport",
                object_id=record.pk,
                detail=counts,
            )
            report.record = None  # saved above, inside the transaction
            report(100, _("Done"))
    except BaseException as exc:
        record.status, record.finished_at = GraphImport.Status.FAILED, timezone.now()
        record.message = (f"{type(exc).__name__}: {exc}")[:2000]
        record.save(update_fields=["status", "finished_at", "message"])
        raise
    return record
