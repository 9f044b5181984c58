"""Industrial chains (产业链), their targets, segment trees (环节) and the firms placed in segments."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField
from chainleader.engines.chain_map import tree

from .querysets import ChainChildQuerySet, ChainQuerySet, PlacementQuerySet


class Chain(VersionedModel):
    """A key industrial chain (重点产业链) of a city or a district, run under the chain-leader system."""

    class Level(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    class Category(models.TextChoices):
        FIRST_CLASS_CLUSTER = "first_class", _("first-class industrial cluster")
        TRADITIONAL = "traditional", _("traditional strength industry")
        EMERGING = "emerging", _("emerging industry")
        FUTURE = "future", _("future industry")

    name = models.CharField(_("name"), max_length=50)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="chains",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    leader_post = models.CharField(_("chain leader (post)"), max_length=100, blank=True)
    deputy_posts = models.CharField(_("deputy chain leaders (posts)"), max_length=200, blank=True)
    lead_department = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_chains",
    )
    team = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("special team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_chains",
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    tree_sources = models.TextField(
        _("sources of the segment tree"),
        blank=True,
        help_text=_(
            "The public chain panoramas and studies the segment tree follows, one per line."
        ),
    )
    tree_note = models.TextField(_("note on the segment tree"), blank=True)
    tree_version = models.PositiveIntegerField(
        _("version of the curated tree file"), default=0, editable=False
    )
    masters = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name=_("chain-master enterprises"),
        blank=True,
        related_name="mastered_chains",
    )

    objects = ChainQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"], m2m_fields=[masters])

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["level", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="uniq_chain_region_name")
        ]

    def __str__(self) -> str:
        # The city and a district may both run a chain of the same name (智能家电): say whose it is.
        if self.level == self.Level.DISTRICT and self.region_id:
            return f"{self.name}（{self.region.alias or self.region.name}）"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chains:chain_detail", args=[self.pk])


class ChainTarget(VersionedModel):
    """A chain's target for a year (e.g. output 千亿级 by 2025)."""

    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=100)
    value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ChainChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("chain target")
        verbose_name_plural = _("chain targets")
        ordering = ["year", "indicator"]

    def __str__(self) -> str:
        return f"{self.chain} {self.year} {self.indicator}"

    def get_absolute_url(self) -> str:
        return reverse("chains:chain_detail", args=[self.chain_id])


class MapStatus(models.TextChoices):
    """The judgement of a segment on the chain map; colours in chainmap/charts.py, rules in the engine."""

    CHOKE = "choke", _("choke point")
    MISSING = "missing", _("missing")
    WEAK = "weak", _("weak")
    STRONG = "strong", _("strong")


class Segment(VersionedModel):
    """A segment (环节) of a chain: a node of its curated tree, upstream, midstream or downstream.

    The tree comes from a reviewed data file (chains/trees/) and is edited here afterwards; the chain page, the
    chain map, the gap list and the API all read these rows (there is no second segmentation). ``code`` is the
    node's path in the tree file (``up.core-parts.compressor``) and stays when the segment is renamed.
    """

    class Position(models.TextChoices):
        UPSTREAM = "up", _("upstream")
        MIDSTREAM = "mid", _("midstream")
        DOWNSTREAM = "down", _("downstream")

    class Kind(models.TextChoices):
        MATERIAL = "material", _("material")
        PART = "part", _("part or component")
        EQUIPMENT = "equipment", _("equipment")
        PRODUCT = "product", _("finished product")
        SOFTWARE = "software", _("software or platform")
        SERVICE = "service", _("service")
        CHANNEL = "channel", _("sales channel")

    MAKE_KINDS = tree.MAKE_KINDS  # things made: a producer here needs manufacturing evidence

    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="segments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent segment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    position = models.CharField(_("position"), max_length=4, choices=Position.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key_products = models.TextField(
        _("key products"), blank=True, help_text=_("Separated by 、 or new lines.")
    )
    key_technologies = models.TextField(
        _("key technologies"), blank=True, help_text=_("Separated by 、 or new lines.")
    )
    code = models.CharField(
        _("tree code"),
        max_length=120,
        blank=True,
        help_text=_("Path of the node in the curated tree file; empty for segments added by hand."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    synonyms = models.TextField(
        _("product synonyms"), blank=True, help_text=_("Separated by 、 or new lines.")
    )
    industry_codes = models.CharField(
        _("industry codes (GB/T 4754-2017)"),
        max_length=200,
        blank=True,
        help_text=_("3- or 4-digit classes, separated by spaces or 、."),
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Separated by 、 or new lines.")
    )
    excludes = models.TextField(
        _("excluded product words"),
        blank=True,
        help_text=_(
            "Products containing one of these words are not placed here (电机 excludes 发电机)."
        ),
    )
    strategic = models.BooleanField(
        _("strategic dependency"),
        default=False,
        help_text=_(
            "Named in a public list or study as a key dependency; only these can be choke points."
        ),
    )
    strategic_source = models.CharField(
        _("source of the strategic flag"), max_length=300, blank=True
    )
    status_override = models.CharField(
        _("status set by the team"), max_length=10, choices=MapStatus.choices, blank=True
    )
    override_reason = models.CharField(
        _("reason for the team's status"), max_length=300, blank=True
    )

    objects = ChainChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"])

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["chain", "position", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "parent", "name"], name="uniq_segment_name"),
            models.UniqueConstraint(
                fields=["chain", "code"],
                condition=~models.Q(code=""),
                name="uniq_segment_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} / {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("chains:segment_detail", args=[self.pk])


class Placement(VersionedModel):
    """A firm placed in a segment with its role (链主 / 核心 / 配套)."""

    class Role(models.TextChoices):
        MASTER = "master", _("chain master")
        CORE = "core", _("core firm")
        SUPPORTING = "supporting", _("supporting firm")

    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="placements"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="placements",
    )

    class Method(models.TextChoices):
        PRODUCT = "product", _("product match")
        CODE = "code", _("industry code")
        TEXT = "text", _("name and keywords")
        MANUAL = "manual", _("by hand")

    class Review(models.TextChoices):
        AUTO = "auto", _("placed automatically")
        PENDING = "pending", _("to review")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.SUPPORTING)
    method = models.CharField(
        _("placed by"), max_length=8, choices=Method.choices, default=Method.MANUAL
    )
    score = models.FloatField(_("confidence"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.CONFIRMED
    )

    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("segment placement")
        verbose_name_plural = _("segment placements")
        ordering = ["segment", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "enterprise"], name="uniq_placement")
        ]

    def __str__(self) -> str:
        return f"{self.segment} — {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("chains:segment_detail", args=[self.segment_id])
