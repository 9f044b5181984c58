"""The pipeline every import service runs (code-health issue 12): one ``ImportJob`` holds the row errors and the
plan, finds what cells name through the apps' resolvers (``Lookup`` subclasses: a firm, a chain, a park ...),
reports a key given twice in the file and a stored record outside the writable scope, writes the plan in bulk
with its history rows, checks the written rows against the writable scope, ends a preview and writes the audit
row. The service keeps its column map and its row → data rules. Decision 0013 lists the steps of a new import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .. import audit
from ..excel.common import ParsedRow, RowErrors
from .plan import ImportPlan, ImportRun, RowChange, only_present, write_plan

T = TypeVar("T")
Message = str | Promise  # a row error's words; lazy where a service passes them for every row


class Resolver(Protocol):
    """What an import cell names (a firm, a chain, a region ...), found for the whole file at once:
    ``resolve(text)`` gives (the record, "") or (None, the reason in words). The app that owns the model
    supplies it (core imports no domain app), built on the actor's scoped queryset."""

    def resolve(self, text: Any) -> tuple[Any, str]: ...


class Lookup(Generic[T]):
    """A resolver over records loaded once: each record is filed under the words a cell may name it by, in
    tables tried in order (a credit code before a name; the name pages show before the bare name).

    A word naming one record finds it. A word naming several is ambiguous (``several()``), unless the caller
    prefers one of them (``prefer``: the pk of a project's own investor) or ``first_wins`` is set (names that
    were never unique and never refused: parks, departments; the first record given wins). Subclasses name
    the errors (``unknown()``, ``several()``) and may normalise words (``key()``)."""

    first_wins = False

    def __init__(self, tables: int = 1) -> None:
        self.tables: list[dict[str, list[T]]] = [{} for _table in range(tables)]

    def key(self, text: Any) -> str:
        return str(text or "").strip()

    def add(self, table: int, word: Any, record: T) -> None:
        self.tables[table].setdefault(self.key(word), []).append(record)

    def unknown(self) -> str:
        raise NotImplementedError

    def several(self) -> str:
        return self.unknown()

    def resolve(self, text: Any, *, prefer: Any = None) -> tuple[T | None, str]:
        key = self.key(text)
        for table in self.tables:
            found = table.get(key)
            if not found:
                continue
            if len(found) == 1 or self.first_wins:
                return found[0], ""
            for record in found:
                if prefer is not None and getattr(record, "pk", record) == prefer:
                    return record, ""
            return None, self.several()
        return None, self.unknown()


@dataclass
class Existing(Generic[T]):
    """The records already stored under the file's keys (loaded once for the whole file) and the keys among
    them that the actor may write."""

    records: Mapping[Any, T]
    writable: Container[Any]

    @classmethod
    def by(cls, queryset: Any, actor: Any, field_name: str, keys: Iterable[Any]) -> Existing[Any]:
        """The records of ``queryset`` (all of them, not only the visible: a key outside the scope is an error,
        not a new record) whose ``field_name`` is one of ``keys``; writable: those in the actor's write scope."""
        records = {
            getattr(r, field_name): r
            for r in queryset.filter(**{f"{field_name}__in": [k for k in keys if k]}).order_by()
        }
        writable = set(
            queryset.model.objects.for_user(actor, write=True)
            .filter(pk__in=[r.pk for r in records.values()])
            .values_list(field_name, flat=True)
        )
        return cls(records, writable)


@dataclass(frozen=True)
class ScopeCheck:
    """Where a written row outside the actor's writable scope is reported: the column, the row's fields whose
    value is shown (the first that is not empty) and the message (default: the record would be outside)."""

    column: str
    fields: tuple[str, ...]
    message: str = ""


class ImportService(Protocol):
    """How pages, the API, commands and tests call an import: keyword arguments in, the plan out (raises
    ``ImportRejected`` with every row error, ``PlanChanged``, or a workflow error for a role that may not)."""

    def __call__(
        self,
        *,
        actor: Any,
        rows: Any,
        filename: str = ...,
        sheet: str = ...,
        run: ImportRun | None = ...,
    ) -> ImportPlan: ...


def import_service(
    model: Any,
) -> Callable[[Callable[[ImportJob[Any]], ImportPlan]], ImportService]:
    """Make ``body(job)`` the import service of ``model``: one transaction (all-or-nothing), one ``ImportJob``
    built from the keyword arguments every import takes; ``body`` keeps the column rules and returns
    ``job.record()``."""

    def wrap(body: Callable[[ImportJob[Any]], ImportPlan]) -> ImportService:
        @functools.wraps(body)
        @transaction.atomic
        def service(*, actor: Any, rows: Any, **options: Any) -> ImportPlan:
            # options: filename, sheet and run, as ImportJob takes them (ImportService names them)
            return body(ImportJob(model, actor=actor, rows=rows, **options))

        return service

    return wrap


class ImportJob(Generic[T]):
    """One run of an import service (all-or-nothing, SECURITY.md RL2): the row errors, the plan, the rows to
    write, and the steps every import takes. The service (``@import_service(Model)``: one transaction) goes:

    1. ``job.resolve`` / ``job.first`` / ``job.writable`` / ``job.error`` per row (every error of the file);
    2. ``job.create`` / ``job.update`` per row that writes (``bulk=False`` when the service saved the row
       itself, because later rows of the file need it: segments under their parents);
    3. ``job.commit(scope=...)``: nothing is written when any row has an error; the plan is written in bulk
       with history rows and version bumps; with ``scope``, the written rows are checked against
       ``Model.objects.for_user(actor, write=True)`` and an outside row is an error that rolls everything
       back (a preview ends after that check); without, the service checked scope before and a preview ends
       before anything is written;
    4. ``job.record(**detail)``: the audit row; it returns the plan.
    """

    def __init__(
        self,
        model: Any,
        *,
        actor: Any,
        rows: Any,
        filename: str = "",
        sheet: str = "数据",
        run: ImportRun | None = None,
    ) -> None:
        self.model = model
        self.actor = actor
        self.rows = rows
        self.filename = filename
        self.run = run or ImportRun()
        self.errors = RowErrors(sheet)
        self.plan = ImportPlan()
        self.creates: list[
            tuple[ParsedRow, Any]
        ] = []  # model instances, or field dicts built on writing
        self.updates: list[tuple[ParsedRow, T]] = []
        self.saved: list[tuple[ParsedRow, T]] = []  # rows the service wrote one by one
        self._seen: dict[Any, int] = {}

    # --- rows ---------------------------------------------------------------------------------

    def error(self, row: int | None, column: str, value: Any, message: Message) -> None:
        self.errors.add(row, column, value, str(message))

    def resolve(
        self, resolver: Resolver, row: ParsedRow, column: str, text: Any, *, prefer: Any = None
    ) -> Any:
        """What ``text`` names, or None with the resolver's reason as an error on ``column``; ``prefer``
        (a ``Lookup``'s) settles a word that names several records."""
        if prefer is None:
            found, problem = resolver.resolve(text)
        else:
            found, problem = cast(Lookup[Any], resolver).resolve(text, prefer=prefer)
        if found is None:
            self.error(row.row, column, text, problem)
        return found

    def first(self, row: ParsedRow, key: Any, *, column: str, value: Any, message: Message) -> bool:
        """False, with an error naming the earlier row, when ``key`` (a code, a number) came before in the file;
        ``message`` holds %(row)s."""
        earlier = self._seen.get(key)
        if earlier is not None:
            self.error(row.row, column, value, str(message) % {"row": earlier})
            return False
        self._seen[key] = row.row
        return True

    def writable(
        self,
        row: ParsedRow,
        existing: Existing[T],
        key: Any,
        *,
        column: str,
        value: Any,
        message: Message,
        required: bool = False,
    ) -> bool:
        """Whether the row may write under ``key``: a new key, or a stored record in the writable scope. False,
        with ``message`` as an error, when the record is stored outside that scope, or is not stored and
        ``required`` (a number must name a record). The record itself is ``existing.records.get(key)``."""
        if key not in existing.records:
            if required:
                self.error(row.row, column, value, message)
            return not required
        if key not in existing.writable:
            self.error(row.row, column, value, message)
            return False
        return True

    def present(
        self, data: dict[str, Any], sources: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """``only_present`` for this file: the fields the file has a column for."""
        return only_present(self.rows, data, sources)

    def create(self, row: ParsedRow, record: Any, label: str, *, bulk: bool = True) -> None:
        """Plan a new record (an instance, or its field values: built only when written, which a preview
        never is)."""
        self.plan.created.append(RowChange(row.row, label))
        (self.creates if bulk else self.saved).append((row, record))

    def update(
        self,
        row: ParsedRow,
        record: T,
        given: Mapping[str, Any],
        *,
        label: str,
        headers: Mapping[str, str],
        names: Mapping[str, Mapping[Any, str]] | None = None,
        bulk: bool = True,
    ) -> bool:
        """Plan the update of ``record`` by ``given`` (``ImportPlan.update``); True when it changes anything
        (with ``bulk=False`` the service then saves it)."""
        if not self.plan.update(
            record, given, row=row.row, label=label, headers=headers, names=names
        ):
            return False
        (self.updates if bulk else self.saved).append((row, record))
        return True

    # --- the end ------------------------------------------------------------------------------

    def check(self) -> None:
        """End the import with every row error found so far (rows saved one by one roll back)."""
        if self.errors:
            transaction.set_rollback(True)
            self.errors.raise_if_any()

    def commit(
        self, *, scope: ScopeCheck | None = None, extra_fields: tuple[str, ...] = ()
    ) -> None:
        """Write the plan (see the class): refuse on any error, then write and check scope, or check nothing
        more and write; a preview ends here."""
        self.check()
        if scope is None:
            self.run.checkpoint(self.plan)
            self._write(extra_fields)
            return
        self._write(extra_fields)
        self._check_scope(scope)
        self.run.checkpoint(self.plan)  # a preview ends here: its transaction rolls back

    @property
    def written(self) -> list[tuple[ParsedRow, Any]]:
        """The rows written (new and changed, not unchanged) with their records, in file order."""
        return sorted([*self.creates, *self.updates, *self.saved], key=lambda pair: pair[0].row)

    def written_ids(self) -> list[Any]:
        return [record.pk for _row, record in self.written]

    def record(self, **detail: Any) -> ImportPlan:
        """The audit row of the import (one per file, in the same transaction); returns the plan."""
        audit.record(
            actor=self.actor,
            event_type="import",
            object_type=self.model._meta.label_lower,
            detail={
                "file": self.filename,
                "rows": self.plan.rows,
                "created": len(self.plan.created),
                "updated": len(self.plan.updated),
                "unchanged": len(self.plan.unchanged),
                **detail,
            },
        )
        return self.plan

    def _write(self, extra_fields: tuple[str, ...]) -> None:
        self.creates = [
            (row, self.model(**record) if isinstance(record, dict) else record)
            for row, record in self.creates
        ]
        write_plan(
            self.model,
            [record for _row, record in self.creates],
            [record for _row, record in self.updates],
            self.plan,
            actor=self.actor,
            extra_fields=extra_fields,
        )

    def _check_scope(self, scope: ScopeCheck) -> None:
        written = self.written
        inside = set(
            self.model.objects.for_user(self.actor, write=True)
            .filter(pk__in=[record.pk for _row, record in written])
            .values_list("pk", flat=True)
        )
        for row, record in written:
            if record.pk not in inside:
                value = next((row.values[f] for f in scope.fields if row.values.get(f)), "")
                message = scope.message or _("This record would be outside your data scope.")
                self.error(row.row, scope.column, value, message)
        self.check()
