"""List columns of the policy pages and their Excel exports."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column

POLICY_COLUMNS = [
    Column("title", _("policy title"), order_by="title", link=True, wrap=True),
    Column("issuer", _("issuer"), order_by="issuer"),
    Column("doc_number", _("document number"), order_by="doc_number", wrap=False),
    Column("issued_on", _("issue date"), order_by="issued_on"),
    Column("effective_to", _("effective to"), order_by="effective_to"),
    Column("areas", _("areas")),
    Column("status", _("status"), order_by="status"),
    Column("item_count", _("items"), order_by="item_count", numeric=True),
]

RUN_COLUMNS = [
    Column("item.policy", _("policy"), order_by="item__policy__title", wrap=True),
    Column("item", _("policy item"), order_by="item__number", link=True, wrap=True),
    Column("item_version.number", _("conditions version")),
    Column("year", _("figures year"), order_by="year"),
    Column("run_on", _("run date"), order_by="run_on"),
    Column("firm_count", _("firms")),
    Column("eligible_count", _("eligible")),
]

RESULT_COLUMNS = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True),
    Column("enterprise.uscc", _("unified social credit code")),
    Column("run.item.policy", _("policy"), wrap=True),
    Column("run.item", _("policy item"), wrap=True),
    Column("run.year", _("figures year")),
    Column("eligible", _("eligible"), order_by="eligible"),
    Column("amount_wan", _("amount (10k yuan)"), numeric=True),
    Column("status", _("status"), order_by="status"),
    Column("reason_text", _("reasons"), wrap=True),
]

PAYMENT_COLUMNS = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True),
    Column("enterprise.uscc", _("unified social credit code")),
    Column("result.run.item.policy", _("policy"), wrap=True),
    Column("result.run.item", _("policy item"), wrap=True),
    Column("amount_wan", _("amount paid (10k yuan)"), order_by="amount_wan", numeric=True),
    Column("paid_on", _("paid on"), order_by="paid_on"),
    Column("voucher_no", _("voucher number"), order_by="voucher_no"),
    Column("note", _("note")),
]

MEASURE_RULE_COLUMNS = [
    Column("grade", _("class"), order_by="grade", link=True),
    Column("min_years", _("consecutive years at least"), order_by="min_years"),
    Column("kind", _("measure kind"), order_by="kind"),
    Column("measure", _("measure"), wrap=True),
    Column("applied_by", _("applied by")),
    Column("active", _("in force")),
]


def _payment_export() -> list[Column]:
    from chainleader.core.tables import import_column

    from .importers import PAYMENT_COLUMNS as P

    return [
        import_column(P, "voucher_no"),
        import_column(P, "result", "result_id"),
        import_column(P, "uscc", "enterprise.uscc"),
        Column("enterprise.name", "企业名称"),
        Column("result.run.item.policy", "政策"),
        Column("result.run.item", "条款"),
        import_column(P, "amount_wan"),
        import_column(P, "paid_on"),
        import_column(P, "note"),
    ]


# The export is the import's layout (so an exported ledger, corrected, imports back).
PAYMENT_EXPORT_COLUMNS = _payment_export()
