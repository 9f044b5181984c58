"""卡位入链 supply/demand matching: chain masters' needs (what they buy), local firms' offers (what they make), and
the matches between them followed to a deal."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel

from .querysets import ListingQuerySet, MatchQuerySet


class Listing(VersionedModel):
    """What needs and offers share: the firm, the product and its spec, the chain and chain-tree leaf."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.CharField(_("product"), max_length=200)
    spec = models.CharField(_("specification"), max_length=500, blank=True)
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    segment = models.ForeignKey(
        "chains.Segment",
        verbose_name=_("chain segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    is_open = models.BooleanField(_("open"), default=True, db_index=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.product}" if self.enterprise_id else self.product

    @property
    def text(self) -> str:
        return f"{self.product} {self.spec}".strip()


class Need(Listing):
    """需求: what a chain-master firm buys and would source locally (product, spec, volume, timing)."""

    volume = models.CharField(_("volume"), max_length=100, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("matching:need_detail", args=[self.pk])


class Offer(Listing):
    """供给: what a local firm makes and offers to chain masters (product, spec, capacity)."""

    capacity = models.CharField(_("capacity"), max_length=100, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("matching:offer_detail", args=[self.pk])


class Match(VersionedModel):
    """对接: a need and an offer put together by the matching run, followed 已推送 → 已联系 → 已报价 → 已成交
    (or 已关闭 with a reason)."""

    class Status(models.TextChoices):
        PUSHED = "pushed", _("pushed")
        CONTACTED = "contacted", _("contacted")
        QUOTED = "quoted", _("quoted")
        DEALT = "dealt", _("deal made")
        CLOSED = "closed", _("closed")

    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="matches"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField(_("score"))
    # {"text": 0.41, "leaf": 1.0, ...}: each component in [0, 1] and its weight, as the engine returned them.
    components = models.JSONField(_("score components"), default=dict)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUSHED, db_index=True
    )
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    deal_amount_wan = models.DecimalField(
        _("deal amount (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("The amount cannot be negative."))],
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["need", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="uniq_match_need_offer"),
            models.CheckConstraint(
                condition=models.Q(deal_amount_wan__gte=0) | models.Q(deal_amount_wan__isnull=True),
                name="match_deal_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need.product} ← {self.offer.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("matching:match_detail", args=[self.pk])
