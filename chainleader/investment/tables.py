"""List columns of the target list and the lead list (and their Excel exports)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column

TARGET_COLUMNS = [
    Column("chain", _("chain"), order_by="chain__name_sort", wrap=False),
    Column("segment.name", _("segment"), order_by="priority", wrap=False),
    Column("status", _("map status"), order_by="status"),
    Column("rank", _("rank"), order_by="rank", numeric=True),
    Column("company", _("target firm"), order_by="company__name", wrap=False),
    Column("board", _("listing board"), order_by="board"),
    Column("score", _("score"), order_by="score", numeric=True),
    Column("products", _("products on the segment"), wrap=True),
    Column("reason", _("reason"), wrap=True),
]

TARGET_EXPORT_COLUMNS = [
    Column("chain", _("chain")),
    Column("segment.name", _("segment")),
    Column("rank", _("rank"), numeric=True),
    Column("company.name", _("target firm")),
    Column("company.fullname", _("company full name")),
    Column("company.ticker", _("ticker")),
    Column("board", _("listing board")),
    Column("score", _("score"), numeric=True),
    Column("share", _("revenue share on the segment"), numeric=True),
    Column("buyer", _("supplies the chain masters"), numeric=True),
    Column("fit", _("relatedness to local industry"), numeric=True),
    Column("tier", _("tier"), numeric=True),
    Column("products", _("products on the segment")),
    Column("reason", _("reason")),
]

LEAD_COLUMNS = [
    Column("firm_name", _("target firm"), order_by="firm_name_sort", link=True),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("segment.name", _("segment")),
    Column("source", _("source"), order_by="source"),
    Column("stage", _("stage"), order_by="stage"),
    Column("stage_on", _("stage reached on"), order_by="stage_on"),
    Column(
        "expected_investment_yi",
        _("expected investment (100 million yuan)"),
        order_by="expected_investment_yi",
        numeric=True,
    ),
    Column("district", _("District")),
    Column("owner", _("owner")),
    Column("project.code", _("project code")),
]
