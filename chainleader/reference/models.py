"""Reference tables: administrative regions (行政区划), GB/T 4754-2017 industry codes (国民经济行业分类), units."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chainleader.core.querysets import PublicQuerySet
from chainleader.core.sorting import SortKeyField


class Region(models.Model):
    """Administrative division (行政区划) with its statistical code: province, prefecture, county."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")
        COUNTY = 3, _("county")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    alias = models.CharField(_("also known as"), max_length=64, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.alias}）" if self.alias else self.name


class Industry(models.Model):
    """GB/T 4754-2017 industry class (门类/大类/中类/小类)."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("section")
        DIVISION = 2, _("division")
        GROUP = 3, _("group")
        CLASS = 4, _("class")

    code = models.CharField(_("code"), max_length=5, unique=True)
    full_code = models.CharField(_("full code"), max_length=6, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    section = models.CharField(_("section letter"), max_length=1)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry code")
        verbose_name_plural = _("industry codes")
        ordering = ["full_code"]

    def __str__(self) -> str:
        return f"{self.full_code} {self.name}"


class Unit(models.Model):
    """Unit of measure used in figures (万元, 亿元, 亩 ...) with its factor to the base unit of its kind."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16)
    factor = models.DecimalField(_("factor to base unit"), max_digits=20, decimal_places=6)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "factor"]

    def __str__(self) -> str:
        return self.name
