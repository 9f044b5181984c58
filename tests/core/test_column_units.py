"""Every list and export column that holds an amount says its unit in its header (亿元, 万元, 亩, %, …), in Chinese
and in English; an export column whose list also imports carries the import template's header verbatim, so the
exported file reads back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from chainleader.core.import_views import ObjectImportView
from chainleader.core.tables import Column
from chainleader.core.views import ObjectListView
from chainleader.enterprises.tables import ENTERPRISE_COLUMNS, ENTERPRISE_EXPORT_COLUMNS

# Annotations and properties are not model fields: their names say what they hold.
AMOUNT_SUFFIXES = ("_yi", "_wan", "_mu", "_km2", "_tce", "_share", "_pct")
UNITS_ZH = re.compile(r"亿元|亿美元|万元|亩|平方公里|km²|%|吨标煤|吨标准煤|吨|人")
UNITS_EN = re.compile(
    r"\((?:[^()]*\b)?(?:100 million yuan|100 million US dollars|10k yuan|mu|km²|%|tce|t|persons)\)"
    r"|[（(](?:亿元|亿美元|万元|亩|%)[）)]"
)


def views(resolver: URLResolver | None = None) -> list[type]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            found += views(entry)
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "view_class", None)
            if cls is not None:
                found.append(cls)
    return found


def list_views() -> list[type]:
    return sorted(
        {v for v in views() if issubclass(v, ObjectListView) and v.columns},
        key=lambda v: v.__qualname__,
    )


def field_of(model: type[models.Model], path: str) -> models.Field | None:
    parts = path.split(".")
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation and i < len(parts) - 1:
            model = field.related_model
            continue
        return field if i == len(parts) - 1 else None
    return None


# Decimal columns that are not amounts, each with why: they have no unit to name.
NOT_AMOUNTS = {
    ("challenges.challengeapplication", "score"): "a reviewers' score out of 100 points",
    ("challenges.diagnosis", "level"): "a maturity level from 1 to 5",
    (
        "indicators.indicatorvalue",
        "value",
    ): "each indicator's own unit, in the unit column beside it",
}


def holds_amount(model: type[models.Model], column: Column) -> bool:
    if (model._meta.label_lower, column.name) in NOT_AMOUNTS:
        return False
    field = field_of(model, column.name)
    if isinstance(field, models.DecimalField):
        return True
    return field is None and column.name.split(".")[-1].endswith(AMOUNT_SUFFIXES)


def amount_columns() -> list[tuple[str, type[models.Model], Column]]:
    out = []
    for view in list_views():
        for kind, cols in (("page", view.columns), ("export", view.export_columns or [])):
            for col in cols:
                if holds_amount(view.model, col):
                    out.append((f"{view.__name__} {kind} {col.name}", view.model, col))
    return out


AMOUNTS = amount_columns()


def test_the_lists_have_amount_columns_to_check():
    names = {name for name, _m, _c in AMOUNTS}
    assert any("total_investment_yi" in n for n in names)
    assert any("registered_capital_wan" in n for n in names)
    assert any("area_mu" in n for n in names)
    assert any("total_yi" in n for n in names)  # an annotation (集中开工 batches)


@pytest.mark.parametrize(("name", "model", "column"), AMOUNTS, ids=[a[0] for a in AMOUNTS])
def test_an_amount_column_names_its_unit_in_both_languages(name, model, column):
    with translation.override("zh-hans"):
        zh = str(column.label)
    with translation.override("en"):
        en = str(column.label)
    assert UNITS_ZH.search(zh), f"{name}: {zh!r} has no unit"
    assert UNITS_EN.search(en), f"{name}: {en!r} has no unit"


def import_views_by_model() -> dict[type[models.Model], list[Any]]:
    found: dict[type[models.Model], list[Any]] = {}
    for view in views():
        if issubclass(view, ObjectImportView) and view.columns and getattr(view, "model", None):
            found.setdefault(view.model, []).extend(view.columns)
    return found


def test_an_exported_amount_carries_the_import_header_in_either_language():
    imports = import_views_by_model()
    checked = []
    for view in list_views():
        columns = imports.get(view.model)
        if not columns:
            continue
        headers = {c.field: c.header for c in columns}
        for col in view.export_columns or view.columns:
            if not holds_amount(view.model, col):
                continue
            field = col.name.split(".")[0]
            header = headers.get(field) or headers.get(f"target_{field}")
            if header is None:
                continue
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    assert str(col.label) == header, (view.__name__, col.name, language)
            checked.append(col.name)
    assert {"total_investment_yi", "registered_capital_wan", "target_investment_yi"} <= set(checked)


def test_the_enterprise_list_shows_a_translated_header_and_exports_the_template_one():
    page = next(c for c in ENTERPRISE_COLUMNS if c.name == "registered_capital_wan")
    export = next(c for c in ENTERPRISE_EXPORT_COLUMNS if c.name == "registered_capital_wan")
    with translation.override("en"):
        assert str(page.label) == "registered capital (10k yuan)"
        assert str(export.label) == "注册资本(万元)"
    assert export.numeric  # the number stays a number in the sheet
