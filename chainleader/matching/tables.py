"""List columns of needs, offers and matches (and their Excel exports)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_column, import_header

from .importers import NEED_COLUMNS, OFFER_COLUMNS


class YesNoColumn(Column):
    """A yes/no cell exported as 是/否, the words the import reads."""

    def _export_value(self, row: Any) -> Any:
        return "是" if getattr(row, self.name) else "否"


NEED_LIST_COLUMNS = [
    Column("product", _("product"), order_by="product", link=True),
    Column("spec", _("specification")),
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort"),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("volume", _("volume")),
    Column("needed_by", _("needed by"), order_by="needed_by"),
    Column("is_open", _("open"), order_by="is_open"),
    Column("created_at", _("published at"), order_by="created_at"),
]
OFFER_LIST_COLUMNS = [
    Column("product", _("product"), order_by="product", link=True),
    Column("spec", _("specification")),
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort"),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("capacity", _("capacity")),
    Column("is_open", _("open"), order_by="is_open"),
    Column("created_at", _("published at"), order_by="created_at"),
]


def _listing_export(columns: Any, extra: list[str]) -> list[Column]:
    return [
        import_column(columns, "id", "pk"),
        import_column(columns, "enterprise_uscc", "enterprise.uscc"),
        import_column(columns, "enterprise_name", "enterprise.name"),
        import_column(columns, "product"),
        import_column(columns, "spec"),
        import_column(columns, "chain"),
        import_column(columns, "segment", "segment.name"),
        *(import_column(columns, f) for f in extra),
        import_column(columns, "note"),
        YesNoColumn("is_open", import_header(columns, "is_open")),
    ]


# Every column of the import under its template header: an exported list imports back as the same listings.
NEED_EXPORT_COLUMNS = _listing_export(NEED_COLUMNS, ["volume", "needed_by"])
OFFER_EXPORT_COLUMNS = _listing_export(OFFER_COLUMNS, ["capacity"])

MATCH_COLUMNS = [
    Column("need.product", _("need"), order_by="need__product", link=True),
    Column("need.enterprise", _("buyer")),
    Column("offer.product", _("offer"), order_by="offer__product"),
    Column("offer.enterprise", _("supplier")),
    Column("need.chain", _("chain"), order_by="need__chain__name_sort"),
    Column("score", _("score"), order_by="score", numeric=True),
    Column("rank", _("rank"), order_by="rank", numeric=True),
    Column("status", _("status"), order_by="status"),
    Column(
        "deal_amount_wan", _("deal amount (10k yuan)"), order_by="deal_amount_wan", numeric=True
    ),
]
MATCH_EXPORT_COLUMNS = [
    Column("pk", _("number"), numeric=True),
    *MATCH_COLUMNS,
    Column("close_reason", _("reason for closing")),
    Column("status_changed_at", _("status changed at")),
]
