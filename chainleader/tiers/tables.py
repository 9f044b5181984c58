"""List columns of the pipeline and the targets (and their Excel exports)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column, import_header

from .importers import CANDIDATE_COLUMNS


def _h(field: str) -> str:
    return import_header(CANDIDATE_COLUMNS, field)


CANDIDATE_COLUMNS_SHOWN = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True, wrap=False),
    Column("tier", _("tier"), order_by="tier"),
    Column("level", _("level"), order_by="level"),
    Column("year", _("application year"), order_by="year"),
    Column("status", _("status"), order_by="status"),
    Column("verdict", _("criteria check"), order_by="verdict"),
    Column("enterprise.region", _("District"), order_by="enterprise__region__code"),
    Column("applied_on", _("applied on"), order_by="applied_on"),
    Column("decided_on", _("result on"), order_by="decided_on"),
    Column("verdict_summary", _("check summary"), wrap=True),
]

# The export is the import's layout (so a list exported, corrected and imported back changes what was corrected).
CANDIDATE_EXPORT_COLUMNS = [
    Column("enterprise.uscc", _h("uscc")),
    Column("enterprise.name", "企业名称"),
    Column("tier_word", _h("tier")),
    Column("level_word", _h("level")),
    Column("year", _h("year"), numeric=True),
    Column("status_word", _h("status")),
    Column("applied_on", _h("applied_on")),
    Column("decided_on", _h("decided_on")),
    Column("main_business_pct", _h("main_business_pct"), numeric=True),
    Column("product_pct", _h("product_pct"), numeric=True),
    Column("rd_staff_pct", _h("rd_staff_pct"), numeric=True),
    Column("debt_pct", _h("debt_pct"), numeric=True),
    Column("ip_count", _h("ip_count"), numeric=True),
    Column("market_rank", _h("market_rank"), numeric=True),
    Column("valuation_usd_yi", _h("valuation_usd_yi"), numeric=True),
    Column("equity_financing_wan", _h("equity_financing_wan"), numeric=True),
    Column("assessment_score", _h("assessment_score"), numeric=True),
    Column("note", _h("note")),
    Column("verdict", "条件核验"),
    Column("verdict_summary", "核验说明"),
]

TARGET_COLUMNS = [
    Column("tier", _("tier"), order_by="tier", link=True),
    Column("level", _("lowest level"), order_by="level"),
    Column("year", _("year"), order_by="year"),
    Column("value", _("target (firms)"), order_by="value", numeric=True),
    Column("cumulative", _("cumulative"), order_by="cumulative"),
    Column("region", _("district"), order_by="region__code"),
    Column("source", _("source"), wrap=True),
]
