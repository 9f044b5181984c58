"""Declarative list columns: what a list page shows, how it sorts, and what links where."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format


@dataclass(frozen=True)
class Column:
    name: str  # attribute path on the row, "region.name" style
    label: Any  # translated header
    order_by: str = ""  # ORM ordering key; empty = not sortable
    link: bool = False  # link the cell to the row's get_absolute_url
    numeric: bool = False
    wrap: bool | None = (
        None  # None: short values (codes, dates, stages, statuses, numbers) never wrap
    )
    # The language an export writes this column's words in (a choice's label as the import reads it: 技术改造 in
    # an export made from the English pages too); empty: the page's language.
    export_language: str = ""

    SHORT = (
        "code",
        "_on",
        "stage",
        "status",
        "kind",
        "month",
        "month_label",
        "deadline",
        "year",
        "grade",
        "district",
        "region",
        "role",
        "level",
        "category",
        "ticker",
        "uscc",
        "is_lagging",
    )

    @property
    def nowrap(self) -> bool:
        if self.wrap is not None:
            return not self.wrap
        last = self.name.split(".")[-1]
        return self.numeric or last.endswith(self.SHORT)

    def value(self, row: Any) -> Any:
        value = row
        for part in self.name.split("."):
            if value is None:
                return ""
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, "")
            if callable(value) and not hasattr(value, "all"):
                value = value()
        if value is None:
            return ""
        if isinstance(value, bool):
            return "✓" if value else ""
        if self.numeric:
            # Amounts in 亿元 / 万元: two decimals with thousands separators (exports keep the number and show it
            # with the same format: excel.AMOUNT_FORMAT).
            if self.amount and isinstance(value, int | float | Decimal):
                return f"{Decimal(value):,.2f}"
            return number_format(value, force_grouping=True)
        return value

    @property
    def amount(self) -> bool:
        return self.name.split(".")[-1].endswith(("_yi", "_wan"))

    def export_value(self, row: Any) -> Any:
        """The cell for an Excel export: numbers stay numbers (formatted by the sheet), the rest as shown."""
        if self.export_language:
            with translation.override(self.export_language):
                return self._export_value(row)
        return self._export_value(row)

    def _export_value(self, row: Any) -> Any:
        if self.numeric:
            raw = row
            for part in self.name.split("."):
                raw = getattr(raw, part, None) if raw is not None else None
            if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
                return raw
        return self.value(row)


def _import_column(import_columns: Any, field: str) -> Any:
    for column in import_columns:
        if column.field == field:
            return column
    raise LookupError(f"no import column for {field!r}")


def import_header(import_columns: Any, field: str) -> str:
    """The header the import template gives ``field`` (importers.py): an export column that holds an amount
    carries it verbatim, unit and all (注册资本(万元), 总投资（亿元）), whatever the page's language, so the
    exported file reads back into the import."""
    return str(_import_column(import_columns, field).header)


def import_column(import_columns: Any, field: str, name: str = "") -> Column:
    """An export column that reads back into the import of its list (importers.py): the template's header
    verbatim, numbers as numbers, dates as dates, a choice by the label the pages show in the template's
    language (技术改造, 上游, 市级) whatever the page's language. ``name`` is the attribute written when it is not
    ``field`` ("park.name", "owner_user.username")."""
    column = _import_column(import_columns, field)
    return Column(
        name or field,
        str(column.header),
        numeric=column.kind in ("int", "decimal"),
        export_language=settings.LANGUAGE_CODE,
    )
