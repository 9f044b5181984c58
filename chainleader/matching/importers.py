"""Excel imports of needs and offers (卡位入链): column maps and the all-or-nothing import services.

A row with a number (需求编号 / 供给编号) updates that listing, a row without one publishes a new one; an exported
list imports back as the same listings (0 new, N unchanged). The rules of a listing are the publishing service's
(``services._listing_data``); a file with any bad row writes nothing, every error listed with its row and column.
Editors import for the firms in their scope; a firm account imports its own listings only (empty firm columns
mean its own firm; another firm, or the number of another firm's listing, is an error on that row).
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.accounts.policy import firm_of
from chainleader.chains.lookups import ChainResolver, SegmentResolver
from chainleader.chains.models import Segment
from chainleader.core.excel import ExcelColumn
from chainleader.core.exceptions import ServiceError, WorkflowForbidden
from chainleader.core.imports import Existing, ImportJob, ImportPlan, ScopeCheck, import_service
from chainleader.enterprises.lookups import FirmResolver
from chainleader.enterprises.models import Enterprise

from . import services
from .models import Need, Offer


def _common(number_header: str, number_help: Any) -> list[ExcelColumn]:
    return [
        ExcelColumn(number_header, "id", kind="int", help=cast(str, number_help)),
        ExcelColumn(
            "统一社会信用代码",
            "enterprise_uscc",
            max_length=18,
            normalize="code",
            help=cast(
                str,
                gettext_lazy(
                    "The firm's credit code; or leave it empty and give the name. "
                    "A firm account leaves both empty for its own listings."
                ),
            ),
        ),
        ExcelColumn(
            "企业名称",
            "enterprise_name",
            max_length=200,
            help=cast(str, gettext_lazy("Exact name of the firm (when the credit code is empty).")),
        ),
        ExcelColumn("产品", "product", required=True, max_length=200),
        ExcelColumn("规格", "spec", max_length=500),
        ExcelColumn(
            "产业链",
            "chain",
            max_length=64,
            help=cast(
                str,
                gettext_lazy(
                    "Chain name, or region code:name when names repeat (e.g. 370211:智能家电)."
                ),
            ),
        ),
        ExcelColumn(
            "产业链环节",
            "segment",
            max_length=100,
            help=cast(str, gettext_lazy("Name of a segment of that chain (optional).")),
        ),
    ]


_TAIL = [
    ExcelColumn("说明", "note", max_length=2000),
    ExcelColumn(
        "开放", "is_open", kind="bool", help=cast(str, gettext_lazy("是 or 否; empty = 是."))
    ),
]

NEED_COLUMNS = [
    *_common("需求编号", gettext_lazy("Leave empty for a new need; the number updates that need.")),
    ExcelColumn("需求量", "volume", max_length=100),
    ExcelColumn("需求时间", "needed_by", kind="date"),
    *_TAIL,
]
OFFER_COLUMNS = [
    *_common(
        "供给编号", gettext_lazy("Leave empty for a new offer; the number updates that offer.")
    ),
    ExcelColumn("供给能力", "capacity", max_length=100),
    *_TAIL,
]
NEED_EXAMPLES = [
    [
        "",
        "91370200163562681G",
        "链主集团有限公司",
        "铜管",
        "φ9.52×0.3",
        "智能家电",
        "",
        "50吨/月",
        "2026-09-30",
        "",
        "是",
    ]
]
OFFER_EXAMPLES = [
    ["", "91370211MA3C1234X5", "某铜材有限公司", "紫铜管", "φ6–φ19", "", "", "80吨/月", "", "是"]
]

_FIELD_HEADERS = {
    "enterprise": "企业名称",
    "product": "产品",
    "chain": "产业链",
    "segment": "产业链环节",
}


def _headers(columns: list[ExcelColumn]) -> dict[str, str]:
    out = {c.field: c.header for c in columns}
    return {
        **out,
        "enterprise_id": "企业名称",
        "chain_id": "产业链",
        "segment_id": "产业链环节",
    }


SOURCES = {"enterprise_id": "enterprise_name", "chain_id": "chain", "segment_id": "segment"}

DUPLICATE = gettext_lazy("Duplicate number: also in row %(row)s.")
UNKNOWN_NUMBER = gettext_lazy(
    "Unknown number (or outside your data scope): leave it empty for a new one."
)


def _listing_import(
    job: ImportJob[Any], columns: list[ExcelColumn], extra: tuple[str, ...]
) -> ImportPlan:
    actor, rows, model = job.actor, job.rows, job.model
    if not services.may_import(actor):
        raise WorkflowForbidden(_("Your role may not import needs or offers."))
    own = firm_of(actor)  # a firm account: empty firm columns mean its own firm
    own_firm = (
        Enterprise.objects.for_user(actor).filter(pk=own).first() if own is not None else None
    )
    number_header = columns[0].header
    headers = _headers(columns)
    chains = ChainResolver.for_user(actor)
    segments = SegmentResolver(Segment.objects.for_user(actor))
    firms = FirmResolver.for_user(
        actor, [r.values.get(f) for r in rows for f in ("enterprise_uscc", "enterprise_name")]
    )
    ids = {r.values.get("id") for r in rows} - {None}
    mine = {o.pk: o for o in model.objects.for_user(actor, write=True).filter(pk__in=ids)}
    existing = Existing(mine, mine)
    display: dict[str, dict[Any, str]] = {
        "enterprise_id": {f.pk: f.name for f in firms.found},
        "chain_id": {},
        "segment_id": {},
    }
    if own_firm is not None:
        display["enterprise_id"][own_firm.pk] = own_firm.name
    for row in rows:
        v = row.values
        number = v.get("id")
        if number is not None and not (
            job.first(row, number, column=number_header, value=number, message=DUPLICATE)
            and job.writable(
                row,
                existing,
                number,
                column=number_header,
                value=number,
                message=UNKNOWN_NUMBER,
                required=True,
            )
        ):
            continue
        current = existing.records.get(number)
        uscc = str(v.get("enterprise_uscc") or "").strip()
        name = str(v.get("enterprise_name") or "").strip()
        if uscc:
            firm = job.resolve(firms, row, "统一社会信用代码", uscc)
        elif name:
            firm = job.resolve(firms, row, "企业名称", name)
        elif own_firm is not None:
            firm = own_firm
        else:
            job.error(row.row, "企业名称", "", _("Name the enterprise."))
            continue
        if firm is None:
            continue
        if current is not None and current.enterprise_id != firm.pk:
            job.error(
                row.row,
                "企业名称",
                name or uscc,
                _("The enterprise of a published listing does not change."),
            )
            continue
        chain = segment = None
        if v.get("chain"):
            chain = job.resolve(chains, row, "产业链", v["chain"])
            if chain is None:
                continue
            display["chain_id"][chain.pk] = str(chain)
        if v.get("segment"):
            if chain is None:
                job.error(row.row, "产业链环节", v["segment"], _("Name the chain of the segment."))
                continue
            segment = job.resolve(segments.of(chain), row, "产业链环节", v["segment"])
            if segment is None:
                continue
            display["segment_id"][segment.pk] = segment.name
        data: dict[str, Any] = {
            "enterprise": firm,
            "product": v.get("product") or "",
            "spec": v.get("spec") or "",
            "chain": chain,
            "segment": segment,
            "note": v.get("note") or "",
            "is_open": True if v.get("is_open") is None else v["is_open"],
            **{f: v.get(f) if f == "needed_by" else (v.get(f) or "") for f in extra},
        }
        try:
            checked = services._listing_data(data, actor)
        except WorkflowForbidden as exc:  # another firm than the firm account's own
            job.error(row.row, "企业名称", name or uscc, exc.message)
            continue
        except ServiceError as exc:
            job.error(row.row, _FIELD_HEADERS.get(exc.field or "", "产品"), "", exc.message)
            continue
        flat = {
            **{k: val for k, val in checked.items() if k not in ("enterprise", "chain", "segment")},
            "enterprise_id": firm.pk,
            "chain_id": checked["chain"].pk if checked["chain"] else None,
            "segment_id": segment.pk if segment else None,
        }
        label = f"{firm.name} · {flat['product']}"
        if current is not None:
            given = job.present(flat, SOURCES)
            given.pop("enterprise_id", None)
            if "is_open" in given and v.get("is_open") is None:
                given.pop("is_open")  # an empty cell keeps the listing as it is
            label = f"{number} {label}"
            job.update(row, current, given, label=label, headers=headers, names=display)
        else:
            job.create(row, model(**flat), label)
    # Every listing written must be inside the user's writable scope.
    job.commit(scope=ScopeCheck("企业名称", ("enterprise_name", "enterprise_uscc")))
    return job.record()


@import_service(Need)
def need_import(job: ImportJob[Need]) -> ImportPlan:
    """Import needs (new ones published, numbered ones updated); all-or-nothing."""
    return _listing_import(job, NEED_COLUMNS, ("volume", "needed_by"))


@import_service(Offer)
def offer_import(job: ImportJob[Offer]) -> ImportPlan:
    """Import offers (new ones published, numbered ones updated); all-or-nothing."""
    return _listing_import(job, OFFER_COLUMNS, ("capacity",))
