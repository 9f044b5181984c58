"""Chain maps (产业链图谱): the imported product graph, registry links to it, and the derived map snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainleader.chains.querysets import ChainChildQuerySet
from chainleader.core.querysets import PublicQuerySet
from chainleader.enterprises.querysets import EnterpriseChildQuerySet


class GraphImport(models.Model):
    """One import of the product graph (from the chainkg folder): when, from which files, what was read."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    path = models.CharField(_("source folder"), max_length=500)
    fingerprint = models.CharField(_("SHA-256 of the source files"), max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    counts = models.JSONField(_("rows read and written"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("graph import")
        verbose_name_plural = _("graph imports")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class GraphIndustry(models.Model):
    """An industry of the graph's classification (申万 2021), level 1–3."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=64, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("graph industry")
        verbose_name_plural = _("graph industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GraphCompany(models.Model):
    """A listed company of the graph (national, no location): a candidate supplier or investment target."""

    ticker = models.CharField(_("ticker"), max_length=12, unique=True)
    name = models.CharField(_("short name"), max_length=64, db_index=True)
    fullname = models.CharField(_("company full name"), max_length=200, blank=True, db_index=True)
    other_fullnames = models.TextField(_("other full names"), blank=True)
    exchange = models.CharField(_("exchange"), max_length=32, blank=True)
    list_date = models.DateField(_("listing date"), null=True, blank=True)
    industry = models.ForeignKey(
        GraphIndustry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companies",
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("listed company")
        verbose_name_plural = _("listed companies")
        ordering = ["ticker"]

    def __str__(self) -> str:
        return f"{self.name}（{self.ticker}）"


class CompanyProduct(models.Model):
    """主营产品: a graph company makes a product, with the revenue weight the source gives."""

    company = models.ForeignKey(
        GraphCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="products"
    )
    product = models.ForeignKey(
        "enterprises.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="graph_makers",
    )
    weight = models.FloatField(_("revenue weight"))

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("company product")
        verbose_name_plural = _("company products")
        constraints = [
            models.UniqueConstraint(fields=["company", "product"], name="uniq_company_product")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} → {self.product_id}"


class ProductLink(models.Model):
    """A product → product relation of the graph: upstream material, sub-class or downstream product."""

    class Rel(models.TextChoices):
        UPSTREAM = "up", _("upstream material")
        SUBCLASS = "sub", _("sub-class")
        DOWNSTREAM = "down", _("downstream product")

    source = models.ForeignKey(
        "enterprises.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    rel = models.CharField(_("relation"), max_length=4, choices=Rel.choices)
    target = models.ForeignKey(
        "enterprises.Product",
        verbose_name=_("related product"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("product link")
        verbose_name_plural = _("product links")
        constraints = [
            models.UniqueConstraint(fields=["source", "rel", "target"], name="uniq_product_link")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.rel} {self.target_id}"


class IndustryUpstream(models.Model):
    """The graph's aggregated industry → upstream-industry table, with its co-occurrence count."""

    industry_name = models.CharField(_("industry"), max_length=64)
    upstream_name = models.CharField(_("upstream industry"), max_length=64)
    count = models.PositiveIntegerField(_("count"))

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry upstream link")
        verbose_name_plural = _("industry upstream links")
        constraints = [
            models.UniqueConstraint(
                fields=["industry_name", "upstream_name"], name="uniq_industry_upstream"
            )
        ]

    def __str__(self) -> str:
        return f"{self.industry_name} ← {self.upstream_name}"


class CompanyLink(models.Model):
    """A registry enterprise linked to a graph company: by ticker, credit code or exact name; fuzzy ones reviewed."""

    class Method(models.TextChoices):
        TICKER = "ticker", _("ticker")
        NAME = "name", _("exact name")
        FUZZY = "fuzzy", _("similar name")
        MANUAL = "manual", _("by hand")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        PENDING = "pending", _("to review")
        REJECTED = "rejected", _("rejected")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="graph_links",
    )
    company = models.ForeignKey(
        GraphCompany,
        verbose_name=_("listed company"),
        on_delete=models.CASCADE,
        related_name="registry_links",
    )
    method = models.CharField(_("matched by"), max_length=8, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    score = models.FloatField(_("similarity"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = EnterpriseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("listed-company link")
        verbose_name_plural = _("listed-company links")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "company"], name="uniq_company_link")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ↔ {self.company_id}"


class ChainMap(models.Model):
    """The derived map of a chain (a snapshot): per segment of the chain's tree its presence, status and reasons,
    and the links between segments, as served to pages and the API."""

    chain = models.OneToOneField(
        "chains.Chain",
        verbose_name=_("chain"),
        on_delete=models.CASCADE,
        related_name="derived_map",
    )
    derived_at = models.DateTimeField(_("derived at"))
    tree_version = models.PositiveIntegerField(_("tree version"), default=0)
    graph_import = models.ForeignKey(
        GraphImport,
        verbose_name=_("graph data"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    segments = models.JSONField(
        _("segments"), default=list
    )  # one MapSegment (payload.py) per Segment
    edges = models.JSONField(_("links between segments"), default=list, blank=True)
    completeness = models.FloatField(_("completeness"), default=0)
    dropped = models.JSONField(_("what the derivation dropped"), default=dict, blank=True)

    objects = ChainChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain map")
        verbose_name_plural = _("chain maps")

    def __str__(self) -> str:
        return f"{self.chain} @ {self.derived_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("chainmap:chain_map", args=[self.chain_id])
