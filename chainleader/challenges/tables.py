"""List columns (and the Excel exports)."""

from django.utils.translation import gettext_lazy as _

from chainleader.core.tables import Column

CHALLENGE_COLUMNS = [
    Column("title", _("challenge title"), order_by="title", link=True, wrap=True),
    Column("publisher", _("publisher")),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("status", _("status"), order_by="status"),
    Column("budget_wan", _("budget (10k yuan)"), order_by="budget_wan", numeric=True),
    Column("deadline", _("application deadline"), order_by="deadline"),
    Column("contract_wan", _("contract amount (10k yuan)"), order_by="contract_wan", numeric=True),
    Column("selected.solver", _("solver")),
]

APPLICATION_COLUMNS = [
    Column("challenge", _("challenge"), order_by="challenge__title", link=True, wrap=True),
    Column("solver", _("solver")),
    Column("status", _("status"), order_by="status"),
    Column("asked_wan", _("amount asked (10k yuan)"), order_by="asked_wan", numeric=True),
    Column("score", _("score"), order_by="score", numeric=True),
    Column("created_at", _("applied at"), order_by="created_at"),
]

SCENE_COLUMNS = [
    Column("title", _("scene title"), order_by="title", link=True, wrap=True),
    Column("publisher", _("publisher")),
    Column("chain", _("chain"), order_by="chain__name_sort"),
    Column("status", _("status"), order_by="status"),
    Column("budget_wan", _("budget (10k yuan)"), order_by="budget_wan", numeric=True),
    Column("sought", _("what is sought"), wrap=True),
]

LAB_COLUMNS = [
    Column("name", _("name"), order_by="name", link=True, wrap=True),
    Column("kind", _("kind"), order_by="kind"),
    Column("host", _("host firm"), order_by="host__name_sort"),
    Column("segment.chain", _("chain")),
    Column("segment", _("chain segment")),
    Column("funding_wan", _("funding (10k yuan)"), order_by="funding_wan", numeric=True),
    Column("recognised_on", _("recognised on"), order_by="recognised_on"),
]

DIAGNOSIS_COLUMNS = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True, wrap=False),
    Column("enterprise.region", _("District"), order_by="enterprise__region__code"),
    Column("provider", _("provider"), order_by="provider"),
    Column("diagnosed_on", _("diagnosed on"), order_by="diagnosed_on"),
    Column("level", _("overall level"), order_by="level", numeric=True),
    Column("strategy", _("strategy"), numeric=True),
    Column("equipment", _("equipment"), numeric=True),
    Column("production", _("production"), numeric=True),
    Column("management", _("management"), numeric=True),
    Column("products", _("products and services"), numeric=True),
    Column("data", _("data"), numeric=True),
]

TITLE_COLUMNS = [
    Column("enterprise", _("enterprise"), order_by="enterprise__name_sort", link=True),
    Column("kind", _("kind"), order_by="kind"),
    Column("level", _("level"), order_by="level"),
    Column("year", _("year"), order_by="year"),
]
