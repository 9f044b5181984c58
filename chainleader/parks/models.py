"""Parks (园区), industrial land protection zones and municipal agglomeration zones (集聚区)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField

from .querysets import LandZoneQuerySet, ParkQuerySet


class Park(VersionedModel):
    """An industrial park (产业园区)."""

    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("professional park")
        DEVELOPMENT_ZONE = "development_zone", _("development zone")
        HIGH_TECH = "high_tech", _("high-tech zone")
        INCUBATOR = "incubator", _("incubator")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="parks"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PROFESSIONAL
    )
    area_mu = models.DecimalField(
        _("area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    leading_industry = models.CharField(_("leading industry"), max_length=100, blank=True)
    chains = models.ManyToManyField(
        "chains.Chain", verbose_name=_("chains served"), blank=True, related_name="parks"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = ParkQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"], m2m_fields=[chains])

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["region", "name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="uniq_park_region_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parks:park_detail", args=[self.pk])


class LandZone(VersionedModel):
    """Industrial land protection zone (工业用地保护区) or municipal agglomeration zone (市级产业集聚区)."""

    class Kind(models.TextChoices):
        PROTECTION = "protection", _("industrial land protection zone")
        AGGLOMERATION = "agglomeration", _("municipal industrial agglomeration zone")

    name = models.CharField(_("name"), max_length=100)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="land_zones",
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    area_mu = models.DecimalField(
        _("area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    leading_industry = models.CharField(_("leading industry"), max_length=100, blank=True)
    leading_industry_share = models.DecimalField(
        _("leading industry share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = LandZoneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"])

    class Meta:
        verbose_name = _("land zone")
        verbose_name_plural = _("land zones")
        ordering = ["kind", "name_sort"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parks:landzone_detail", args=[self.pk])
