"""What an import will change, shown before it is written (issue 18: preview, then commit).

An import service computes an ``ImportPlan`` (rows to create, rows to update with each changed field old → new,
rows unchanged) and calls ``run.checkpoint(plan)`` once its checks are done: in a preview that ends the service
(its transaction rolls back, nothing is written); on confirmation it refuses to write when the plan is no
longer the one the user saw (``PlanChanged``: the data changed in between). ``run_import`` wraps both.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..bulk import insert_with_history, update_with_history

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200  # rows of each kind listed on the preview page (the counts are always complete)


@dataclass
class RowChange:
    """One row of the file and what it does: ``changes`` are (column, old, new) for an update."""

    row: int
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class ImportPlan:
    created: list[RowChange] = field(default_factory=list)
    updated: list[RowChange] = field(default_factory=list)
    unchanged: list[RowChange] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    touched: set[str] = field(
        default_factory=set
    )  # the fields some update changes: all a bulk update writes

    def update(
        self,
        obj: Any,
        given: Mapping[str, Any],
        *,
        row: int,
        label: str,
        headers: Mapping[str, str],
        names: Mapping[str, Mapping[Any, str]] | None = None,
    ) -> bool:
        """Plan the update of ``obj`` by ``given`` (model field -> value). A row that changes nothing is listed as
        unchanged and left alone (False); otherwise its changes are listed field by field, set on ``obj`` and its
        version bumped (True): the caller then writes it."""
        changes = field_changes(obj, given, headers, names)
        if not changes:
            self.unchanged.append(RowChange(row, label))
            return False
        self.touched |= changed_keys(obj, given)
        self.updated.append(RowChange(row, label, changes))
        for key, value in given.items():
            setattr(obj, key, value)
        obj.version += 1
        return True

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated)

    def digest(self) -> str:
        """A fingerprint of what would be written (not of the notices): equal plans write the same rows."""
        payload = [
            [[c.row, c.label] for c in self.created],
            [[c.row, c.label, c.changes] for c in self.updated],
            [c.row for c in self.unchanged],
        ]
        return hashlib.sha256(
            json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()

    def as_dict(self, limit: int | None = PREVIEW_ROWS) -> dict[str, Any]:
        def rows(items: list[RowChange]) -> list[dict[str, Any]]:
            return [
                {
                    "row": c.row,
                    "label": c.label,
                    "changes": [{"column": h, "old": o, "new": n} for h, o, n in c.changes],
                }
                for c in (items if limit is None else items[:limit])
            ]

        return {
            "created_count": len(self.created),
            "updated_count": len(self.updated),
            "unchanged_count": len(self.unchanged),
            "created": rows(self.created),
            "updated": rows(self.updated),
            "notices": self.notices,
            "digest": self.digest(),
        }


class PreviewOnly(Exception):
    """Raised at the checkpoint of a preview: the plan is complete and nothing may be written."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("preview")
        self.plan = plan


class PlanChanged(Exception):
    """The data changed between preview and confirmation: the new plan must be previewed again."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("plan changed")
        self.plan = plan


@dataclass
class ImportRun:
    """How a service runs: a preview (``dry_run``) or a write that must match a previewed plan (``expected``)."""

    dry_run: bool = False
    expected: str | None = None

    def checkpoint(self, plan: ImportPlan) -> None:
        if self.expected is not None and plan.digest() != self.expected:
            raise PlanChanged(plan)
        if self.dry_run:
            raise PreviewOnly(plan)


def run_import(
    service: Callable[..., ImportPlan],
    *,
    actor: Any,
    rows: Any,
    filename: str = "",
    dry_run: bool = False,
    expected: str | None = None,
) -> ImportPlan:
    """Run an import service as a preview (writes nothing) or for real; the reading notices join the plan.

    Raises ``ImportRejected`` (row errors) and ``PlanChanged`` (confirmation of a plan that no longer holds).
    """
    run = ImportRun(dry_run=dry_run, expected=expected)
    try:
        with transaction.atomic():
            plan = service(actor=actor, rows=rows, filename=filename, run=run)
    except PreviewOnly as preview:
        plan = preview.plan
    except PlanChanged as changed:
        changed.plan.notices = [*getattr(rows, "notices", []), *changed.plan.notices]
        raise
    plan.notices = [*getattr(rows, "notices", []), *plan.notices]
    return plan


def write_plan(
    model: Any,
    creates: list[Any],
    updates: list[Any],
    plan: ImportPlan,
    *,
    actor: Any,
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Write a planned import: new rows and updated rows with one history row each (simple-history), the
    updates setting only the columns some row changed (``plan.touched``), the version and ``extra_fields``."""
    insert_with_history(model, creates, actor=actor)
    if updates:
        fields = [*sorted(plan.touched | set(extra_fields)), "version"]
        update_with_history(model, updates, fields, actor=actor)


def every_error(
    service: Callable[..., ImportPlan], exc: Any, *, actor: Any, filename: str = ""
) -> Any:
    """``exc`` (an ``ImportRejected`` for bad cells) with the errors the service finds in the same rows (an
    unknown chain beside a bad number): every error of one upload at once. The service runs as a preview, so
    nothing is written."""
    from ..excel import merge_errors
    from ..exceptions import ImportRejected

    partial = getattr(exc, "partial_rows", None)
    if partial is None:
        return exc
    try:
        run_import(service, actor=actor, rows=partial, filename=filename, dry_run=True)
    except ImportRejected as more:
        return ImportRejected(merge_errors(exc.errors, list(more.errors)))
    except Exception:
        logger.info("import service could not check rows with cell errors", exc_info=True)
    return exc


def only_present(
    rows: Any, data: dict[str, Any], sources: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The part of ``data`` (model field -> value) whose column is in the file: a roster without an address
    column must not erase the addresses. ``sources`` maps model fields to import fields (region_id -> region).
    Rows that are a plain list (a service called directly) update every field."""
    present = getattr(rows, "fields", None)
    if present is None:
        return data
    sources = sources or {}
    return {k: v for k, v in data.items() if sources.get(k, k) in present}


def display(value: Any) -> str:
    """A value as the preview shows it: amounts without trailing zeros, dates ISO, yes/no in words."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, (int, float, Decimal)) and isinstance(new, (int, float, Decimal)):
        if isinstance(old, bool) or isinstance(new, bool):
            return old == new
        return Decimal(str(old)) == Decimal(str(new))
    return bool(old == new)


def changed_keys(obj: Any, data: Mapping[str, Any]) -> set[str]:
    """The keys of ``data`` whose value differs from ``obj``'s: an update writes only these columns (a bulk
    update's cost grows with every column it sets)."""
    return {key for key, new in data.items() if not _same(getattr(obj, key), new)}


def field_changes(
    obj: Any,
    data: Mapping[str, Any],
    headers: Mapping[str, str],
    names: Mapping[str, Mapping[Any, str]] | None = None,
) -> list[tuple[str, str, str]]:
    """(column header, old, new) for each field of ``data`` whose value differs from ``obj``'s.

    ``names`` turns ids into words for foreign keys (``{"region_id": {7: "黄岛区"}}``).
    """
    names = names or {}
    out: list[tuple[str, str, str]] = []
    for key, new in data.items():
        old = getattr(obj, key)
        if _same(old, new):
            continue
        lookup = names.get(key)
        if lookup is not None:
            out.append(
                (
                    headers.get(key, key),
                    lookup.get(old, display(old)),
                    lookup.get(new, display(new)),
                )
            )
        else:
            out.append((headers.get(key, key), display(old), display(new)))
    return out


def headers_of(columns: Iterable[Any], **extra: str) -> dict[str, str]:
    """Field -> column header, with ``*_id`` keys for the foreign-key columns named in ``extra``."""
    out = {c.field: c.header for c in columns}
    out.update(extra)
    return out
