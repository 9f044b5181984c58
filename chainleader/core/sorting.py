"""Pinyin sort keys (拼音排序): lists ordered by a Chinese name put 阿… before 北… before 青… before 中….

Code-point order (what a database sorts text by) scatters Chinese names; no collation does better on both our
databases (docs/decisions/0012-pinyin-sort-key.md). A model that lists rows by a Chinese name therefore stores a key
beside it, `name_sort = SortKeyField(source="name")`, and lists order by the key while they show the name.

The key follows its source on every write path, with nothing for services to do:
- `save()`, `objects.create()` and `bulk_create()`: the field's `pre_save` computes it (Django calls `pre_save` for
  every object of a bulk insert, as it does for `auto_now`), and leaves it on the instance;
- `bulk_update(objs, ["name", ...])` and `update(name="...")` on a model whose queryset is a `SortKeyQuerySet`
  (every `ScopedQuerySet` is): the key is computed and written with the name;
- rows written before the key existed: `fill_sort_keys`, which each app's migration runs (and, after a pypinyin
  upgrade, `manage.py refresh_sort_keys`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, transaction

KEY_LENGTH = 255  # a 40-character Chinese name fits whole; longer keys only lose their tail
# Below every letter and digit: names compare syllable by syllable, 西安 (xi an) before 先锋 (xian feng).
SEPARATOR = " "
# Runs of letters and digits (any script); punctuation and spaces drop out.
_WORD = re.compile(r"[^\W_]+")


@cache
def _pinyin() -> Any:
    # Imported on first use: loading the dictionaries takes ~0.2 s and ~50 MB, paid only by processes that
    # write names.
    from pypinyin import lazy_pinyin
    from pypinyin.core import Pinyin

    return lazy_pinyin, Pinyin().seg


@lru_cache(maxsize=200_000)
def _word_pinyin(word: str) -> tuple[str, ...]:
    """The readings of one word as pypinyin segments a name (青岛 / 海尔 / 智能 / 有限公司): firm names share
    most of their words, so converting each word once makes a 100,000-row import's keys ~5× cheaper."""
    return tuple(_pinyin()[0](word))


def pinyin_key(text: str | None, max_length: int = KEY_LENGTH) -> str:
    """The sort key of a name: its syllables without tones, lower case, joined by a space.

    Chinese characters become pypinyin's default reading in context (重庆 chong qing, 银行 yin hang); letters
    and digits stay as they are, case-folded (full-width forms as ASCII); punctuation and spaces drop out.
    `pinyin_key("青岛ABC（崂山）") == "qing dao abc lao shan"`.
    """
    if not text:
        return ""
    words: list[str] = []
    for word in _pinyin()[1](unicodedata.normalize("NFKC", text)):
        for item in _word_pinyin(word):
            words.extend(_WORD.findall(item.casefold()))
    return SEPARATOR.join(words)[:max_length]


class SortKeyField(models.CharField):
    """The pinyin sort key of another field of the same row (`source`), set whenever the row is written."""

    description = "Pinyin sort key"

    def __init__(self, *args: Any, source: str = "name", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def db_parameters(self, connection: Any) -> Any:
        # Byte order on PostgreSQL, as SQLite's BINARY: a locale collation (en_US, zh_CN) skips the spaces between
        # syllables and would compare "xi an zhan" with "xian ge" as "xianzhan" with "xiange".
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params

    def key_of(self, instance: models.Model) -> str:
        return pinyin_key(getattr(instance, self.source), self.max_length or KEY_LENGTH)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.key_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def sort_key_fields(model: type[models.Model]) -> list[SortKeyField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SortKeyField)]


def sort_key_path(model: type[models.Model], term: str) -> str:
    """An ordering term with a name swapped for its sort key: "-enterprise__name" → "-enterprise__name_sort".

    Terms that reach no source of a sort key come back unchanged.
    """
    sign, path = ("-", term[1:]) if term.startswith("-") else ("", term)
    *relations, last = path.split("__")
    current: Any = model
    for part in relations:
        try:
            current = current._meta.get_field(part).related_model
        except FieldDoesNotExist:  # an annotation or a transform: leave the term alone
            return term
        if current is None:
            return term
    for field in sort_key_fields(current):
        if field.source == last:
            return sign + "__".join([*relations, field.name])
    return term


class SortKeyQuerySet(models.QuerySet):
    """bulk_update / update / upserting bulk_create that change a key's source write the key with it.

    Every ScopedQuerySet is one; a model with a sort key and no scoped queryset uses it as its manager.
    """

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        fields = list(fields)
        for field in sort_key_fields(self.model):
            if field.source in fields and field.name not in fields:
                for obj in objs:
                    field.pre_save(obj, add=False)
                fields.append(field.name)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def update(self, **kwargs: Any) -> int:
        for field in sort_key_fields(self.model):
            if field.source in kwargs and field.name not in kwargs:
                value = kwargs[field.source]
                if not isinstance(value, str):
                    raise TypeError(
                        f"update({field.source}=<expression>) would leave {field.name} behind; "
                        f"save the rows or bulk_update them instead"
                    )
                kwargs[field.name] = pinyin_key(value, field.max_length or KEY_LENGTH)
        return super().update(**kwargs)

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        # Inserted rows get their keys from pre_save; an upsert must also overwrite the key of a row it updates.
        update_fields = kwargs.get("update_fields")
        if update_fields:
            update_fields = list(update_fields)
            for field in sort_key_fields(self.model):
                if field.source in update_fields and field.name not in update_fields:
                    update_fields.append(field.name)
            kwargs["update_fields"] = update_fields
        return super().bulk_create(objs, *args, **kwargs)


def fill_sort_keys(
    model: type[models.Model], source: str = "name", target: str = "", batch_size: int = 5000
) -> int:
    """Compute `target` (default `<source>_sort`) for every row, in batches; returns the rows changed.

    Works on the migration state's models (apps.get_model) as on the real ones: per batch, one `values_list` reads
    the names, the keys are computed here, and the rows whose key differs are written with one `executemany` of
    `UPDATE … SET key = %s WHERE pk = %s`. (`bulk_update` writes the same in one CASE expression per batch, but
    builds one expression object per row: 16 s instead of 0.4 s for 100,000 firms on SQLite.)
    """
    target = target or f"{source}_sort"
    key_field: Any = model._meta.get_field(target)
    max_length = key_field.max_length or KEY_LENGTH
    manager = model._base_manager
    connection = connections[manager.db]
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(key_field.column)
    pk_column = quote(str(model._meta.pk.column))  # type: ignore[union-attr]
    # Identifiers come from the model's metadata, quoted; the values are parameters.
    sql = f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s"  # noqa: S608  # nosec B608
    changed = 0
    last_pk: Any = None
    while True:
        qs = manager.order_by("pk")
        if last_pk is not None:
            qs = qs.filter(pk__gt=last_pk)
        batch = list(qs.values_list("pk", source, target)[:batch_size])
        if not batch:
            return changed
        last_pk = batch[-1][0]
        todo = [
            (key, pk)
            for pk, text, current in batch
            if (key := pinyin_key(text, max_length)) != current
        ]
        if todo:
            with transaction.atomic(using=manager.db), connection.cursor() as cursor:
                cursor.executemany(sql, todo)
            changed += len(todo)
