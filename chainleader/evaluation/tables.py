"""List columns of the evaluation pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chainleader.core.tables import Column


@dataclass(frozen=True)
class RoundedColumn(Column):
    """A number shown with a fixed number of decimals (scores are floats)."""

    places: int = 2

    def value(self, row: Any) -> Any:
        value = super().value(row)
        if isinstance(value, float):
            return f"{value:.{self.places}f}"
        return value


RUN_COLUMNS = [
    Column("year", _("year"), order_by="year", link=True),
    Column("status", _("status"), order_by="status"),
    Column("scheme", _("scheme version"), order_by="scheme__number"),
    # Counted in the reader's scope (selectors.runs_with_counts), not the run's city-wide counts.
    Column("shown_firms", _("firms")),
    Column("shown_graded", _("graded")),
    Column("finished_at", _("computed at"), order_by="finished_at"),
    Column("published_at", _("published at"), order_by="published_at"),
]

RESULT_COLUMNS = [
    Column("rank", _("rank in group"), order_by="rank"),
    Column("enterprise.name", _("enterprise"), order_by="enterprise__name_sort", link=True),
    Column("enterprise.uscc", _("unified social credit code"), order_by="enterprise__uscc"),
    Column(
        "enterprise.region.name",
        pgettext_lazy("mu yield", "district"),
        order_by="enterprise__region__code",
    ),
    Column("enterprise.park.name", _("park"), order_by="enterprise__park__name_sort"),
    Column("group", pgettext_lazy("mu yield", "group"), order_by="group"),
    RoundedColumn("score", _("score"), order_by="score"),
    Column("grade", pgettext_lazy("mu yield", "class"), order_by="grade"),
    Column("reason", _("reason not graded")),
]

# The export keeps scores as numbers (the page shows them rounded).
RESULT_EXPORT_COLUMNS = [
    Column("score", _("score")) if c.name == "score" else c for c in RESULT_COLUMNS
]

APPEAL_COLUMNS = [
    Column("enterprise.name", _("enterprise"), order_by="enterprise__name_sort", link=True),
    Column("result.run.year", _("year"), order_by="result__run__year"),
    Column("field", _("figure"), order_by="field"),
    Column("status", _("status"), order_by="status"),
    Column("outcome", _("outcome"), order_by="outcome"),
    Column("submitted_at", _("submitted at"), order_by="submitted_at"),
]

SCHEME_COLUMNS = [
    Column("number", _("version number"), order_by="number", link=True),
    Column("label", _("version label"), order_by="label"),
    Column("name", _("name")),
    Column("note", _("note")),
    Column("created_at", _("created at"), order_by="created_at"),
]

MEASURE_COLUMNS = [
    Column("grade", pgettext_lazy("mu yield", "class"), order_by="grade"),
    Column("land", _("land")),
    Column("power_water_gas", _("power, water and gas")),
    Column("support", _("support")),
]
