"""Whole-column work on sealed columns: the migrations that seal existing rows, and key rotation.

Rows are read and written with plain SQL (no model converters), in primary-key batches, so a table of any
size is handled in bounded memory. docs/decisions/0021-encryption-at-rest.md
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps as global_apps
from django.db import models

from . import crypto
from .fields import EncryptedMixin, SealedHexKeyField

BATCH = 2000
Transform = Callable[[Any], Any]


def sealed_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin | SealedHexKeyField)
    ]


def sealed_models() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Every installed model (history tables included) with its sealed columns."""
    found = []
    for model in global_apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = sealed_fields(model)
        if fields:
            found.append((model, fields))
    return found


def _batches(
    connection: Any, table: str, pk: str, columns: list[str]
) -> Iterator[list[tuple[Any, ...]]]:
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    last: Any = None
    with connection.cursor() as cursor:
        while True:
            where = "" if last is None else f" WHERE {q(pk)} > %s"
            cursor.execute(
                f"SELECT {q(pk)}, {cols} FROM {q(table)}{where} ORDER BY {q(pk)} LIMIT {BATCH}",  # noqa: S608  # nosec B608 (names quoted, values bound)
                [] if last is None else [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]


def transform_table(
    connection: Any, table: str, pk: str, columns: dict[str, Transform]
) -> tuple[int, int]:
    """Apply each column's transform to every non-NULL value of ``table``; (rows read, values changed).

    A transform returns the new stored value, or the value it was given to leave the row as it is.
    The caller owns the transaction.
    """
    names = list(columns)
    q = connection.ops.quote_name
    sets = ", ".join(f"{q(c)} = %s" for c in names)
    sql = f"UPDATE {q(table)} SET {sets} WHERE {q(pk)} = %s"  # noqa: S608  # nosec B608 (names quoted, values bound)
    read = changed = 0
    for rows in _batches(connection, table, pk, names):
        params = []
        for row in rows:
            read += 1
            old = row[1:]
            new = tuple(
                None if value is None else columns[name](value)
                for name, value in zip(names, old, strict=True)
            )
            if new != tuple(old):
                changed += sum(1 for a, b in zip(old, new, strict=True) if a != b)
                params.append([*new, row[0]])
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
    return read, changed


def _table(apps: Any, label: str) -> tuple[str, str]:
    model = apps.get_model(label)
    return model._meta.db_table, model._meta.pk.column


def seal_columns(
    apps: Any, schema_editor: Any, label: str, fields: dict[str, models.Field[Any, Any]]
) -> None:
    """Migration step: the column holds clear text (the previous operation made it text); seal each value with
    the field it is about to become."""
    connection = schema_editor.connection
    table, pk = _table(apps, label)

    def sealer(field: models.Field[Any, Any]) -> Transform:
        return lambda raw: field.get_db_prep_value(field.from_clear_text(raw), connection)  # type: ignore[attr-defined]

    transform_table(connection, table, pk, {name: sealer(f) for name, f in fields.items()})


def open_columns(
    apps: Any, schema_editor: Any, label: str, fields: dict[str, models.Field[Any, Any]]
) -> None:
    """The migration step backwards: clear text again, as the column's previous type reads it."""
    connection = schema_editor.connection
    table, pk = _table(apps, label)

    def opener(field: models.Field[Any, Any]) -> Transform:
        return lambda raw: field.to_clear_text(field.from_db_value(raw, None, connection))  # type: ignore[attr-defined]

    transform_table(connection, table, pk, {name: opener(f) for name, f in fields.items()})


def reseal(ring: crypto.KeyRing) -> Transform:
    """Rotation: a value not sealed with the ring's first key is opened (any configured key) and sealed again."""

    def run(token: Any) -> Any:
        if ring.is_current(token):
            return token
        return ring.seal(ring.open(token))

    return run


def stale_counts() -> list[tuple[str, int]]:
    """(table, values not sealed with the first key) for every sealed table; nothing is changed."""
    ring = crypto.ring()
    from django.db import connection

    out = []
    for model, fields in sealed_models():
        meta = model._meta
        names = [str(f.column) for f in fields]
        stale = 0
        for rows in _batches(connection, meta.db_table, str(meta.pk.column), names):
            for row in rows:
                stale += sum(1 for v in row[1:] if v is not None and not ring.is_current(v))
        out.append((meta.db_table, stale))
    return out


def rotate(*, actor: Any = None, username: str = "") -> list[tuple[str, int, int]]:
    """Seal every sealed column again with the first configured key (after a new key was put first).

    One transaction per table (all of a table or none of it), with its `field_keys_rotate` audit row in the
    same transaction; the other keys must still be configured until this has run. Returns (table, rows, values
    sealed again) per table.
    """
    from django.db import connection, transaction

    from . import audit

    ring = crypto.ring()
    transform = reseal(ring)
    done = []
    for model, fields in sealed_models():
        meta = model._meta
        with transaction.atomic():
            read, changed = transform_table(
                connection,
                meta.db_table,
                str(meta.pk.column),
                {str(f.column): transform for f in fields},
            )
            audit.record(
                actor=actor,
                username=username,
                event_type="field_keys_rotate",
                object_type=meta.label_lower,
                detail={
                    "table": meta.db_table,
                    "columns": [f.column for f in fields],
                    "rows": read,
                    "resealed": changed,
                    "key": ring.current,
                },
            )
        done.append((meta.db_table, read, changed))
    return done
