"""The indicator system (指标体系, decision 0026): the library of indicators (the plan's and the industry's), their
targets per subject (the city, a district, a chain) and the values entered or computed per period; the early
warnings (预警) raised on them and on chain risks; the districts' flags of firms about to relocate.

A subject is the city (no region, no chain), a district (region) or a chain (chain), never both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core import files
from chainleader.core.models import VersionedModel

from .querysets import (
    IndicatorQuerySet,
    RelocationFlagQuerySet,
    SubjectQuerySet,
    WarningQuerySet,
)


class Direction(models.TextChoices):
    UP = "up", _("higher is better")
    DOWN = "down", _("lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


class Kind(models.TextChoices):
    EXPECTED = "expected", _("expected (预期性)")
    BINDING = "binding", _("binding (约束性)")


class Level(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    CHAIN = "chain", _("chain")


class Source(models.TextChoices):
    MANUAL = "manual", _("entered")
    COMPUTED = "computed", _("computed")


class ComputedKey(models.TextChoices):
    """The values the platform computes from its own data (services.compute_actuals)."""

    INVESTMENT_COMPLETED = "investment_completed", _("investment completed (100 million yuan)")
    PROJECTS_STARTED = "projects_started", _("projects started")
    PROBLEMS_ON_TIME = "problems_on_time", _("problems closed on time (%)")
    FIRMS_SPECIALISED = "firms_specialised", _("specialised and innovative SMEs")
    FIRMS_LITTLE_GIANT = "firms_little_giant", _("specialised and innovative little giants")
    MU_CLASS_A = "mu_class_a", _("firms of class A per mu")
    MU_CLASS_B = "mu_class_b", _("firms of class B per mu")
    MU_CLASS_C = "mu_class_c", _("firms of class C per mu")
    MU_CLASS_D = "mu_class_d", _("firms of class D per mu")


class Indicator(VersionedModel):
    """One indicator of the library (指标库)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=50, blank=True, db_index=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.YEARLY
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.EXPECTED, db_index=True
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    owner = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("owner department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    source = models.CharField(
        _("source of values"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    computed_key = models.CharField(
        _("computed from"), max_length=30, choices=ComputedKey.choices, blank=True
    )
    formula = models.TextField(_("formula or source"), blank=True)
    reference = models.CharField(_("seed document"), max_length=100, blank=True)
    tolerance_pct = models.DecimalField(
        _("tolerance behind pace (%)"),
        max_digits=6,
        decimal_places=2,
        default=5,
        help_text=_("A warning is raised when the value is behind the pace by more than this."),
    )
    threshold = models.DecimalField(
        _("warning threshold"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Blank: no threshold rule. Crossed means below it (higher is better) or above it."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["group", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="manual", computed_key="") | Q(source="computed"),
                name="indicator_computed_key_only_when_computed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.pk])


def subject_constraints(prefix: str, extra: tuple[str, ...]) -> list[models.BaseConstraint]:
    """One row per subject: conditional unique constraints (a NULL never clashes in SQL)."""
    keys = ("indicator", *extra)
    return [
        models.CheckConstraint(
            condition=Q(region__isnull=True) | Q(chain__isnull=True),
            name=f"{prefix}_one_subject",
        ),
        models.UniqueConstraint(
            fields=list(keys),
            condition=Q(region__isnull=True, chain__isnull=True),
            name=f"uniq_{prefix}_city",
        ),
        models.UniqueConstraint(
            fields=[*keys, "region"],
            condition=Q(region__isnull=False),
            name=f"uniq_{prefix}_district",
        ),
        models.UniqueConstraint(
            fields=[*keys, "chain"],
            condition=Q(chain__isnull=False),
            name=f"uniq_{prefix}_chain",
        ),
    ]


class SubjectMixin(models.Model):
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def chain_name(self) -> str:
        """The chain as the value import finds it: its name, with its district for a district's chain."""
        return str(self.chain) if self.chain_id else ""

    @property
    def subject_label(self) -> str:
        if self.chain_id:
            return str(self.chain)
        if self.region_id:
            return str(self.region.alias or self.region.name)
        return str(_("the city"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.region_id and self.chain_id:
            raise ValidationError(
                {"chain": _("A subject is the city, a district or a chain, not two.")}
            )


class IndicatorTarget(SubjectMixin, VersionedModel):
    """An indicator's target for one subject: from a base year's value to a target year's (one per subject and
    target year: a chain may have a 2025 and a 2030 target of the same indicator)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    base_value = models.DecimalField(
        _("base value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(
        _("target value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    chain_target = models.OneToOneField(
        "chains.ChainTarget",
        verbose_name=_("chain target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SubjectQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator__code", "chain", "region", "target_year"]
        constraints = subject_constraints("indicator_target", ("target_year",))

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.subject_label} {self.target_year}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.indicator_id])


class IndicatorValue(SubjectMixin, VersionedModel):
    """The value of an indicator for one subject and period (a month 1–12, a quarter 1–4, or 0 for the year).
    A month's or quarter's value is the year to date (1–N月累计), as the statistics report it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    period = models.PositiveSmallIntegerField(
        _("period"), default=0, help_text=_("Month 1–12, quarter 1–4, or 0 for the whole year.")
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SubjectQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator__code", "-year", "-period"]
        constraints = subject_constraints("indicator_value", ("year", "period"))

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.subject_label} {self.year}/{self.period}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.indicator_id])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        limit = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 0}
        if self.indicator_id and self.period is not None:
            top = limit.get(self.indicator.frequency, 0)
            if self.period > top:
                raise ValidationError(
                    {"period": _("The period must be between 0 and %(top)s.") % {"top": top}}
                )


def evidence_path(instance: object, filename: str) -> str:
    return files.storage_name("indicators/relocation", filename)


class RelocationFlag(VersionedModel):
    """A district's flag that a key firm may move away (外迁风险), with its evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLEARED = "cleared", _("cleared")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="relocation_flags",
    )
    note = models.TextField(_("note"))
    evidence = models.FileField(
        _("evidence file"), upload_to=evidence_path, max_length=200, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    flagged_on = models.DateField(_("flagged on"), auto_now_add=True)

    objects = RelocationFlagQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("relocation flag")
        verbose_name_plural = _("relocation flags")
        ordering = ["-flagged_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.flagged_on}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:relocation_list")


class Warning(VersionedModel):
    """An early warning (预警): raised by run_warnings(), confirmed (then a four-list item) or dismissed."""

    class Kind(models.TextChoices):
        PACE = "pace", _("behind the pace")
        YOY_FALL = "yoy_fall", _("fall year on year")
        THRESHOLD = "threshold", _("threshold crossed")
        CONCENTRATION = "concentration", _("supply concentration")
        MASTER_FALL = "master_fall", _("chain master's revenue falling")
        RELOCATION = "relocation", _("key firm relocating")
        STALLED = "stalled", _("big project's investment stalled")

    class Level(models.TextChoices):
        RED = "red", _("red")
        ORANGE = "orange", _("orange")
        YELLOW = "yellow", _("yellow")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.YELLOW)
    message = models.CharField(_("message"), max_length=300)
    # What the warning is about: one key per subject and kind, so a daily run does not repeat itself.
    key = models.CharField(_("key"), max_length=120, unique=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="warnings",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Built on sealed figures (a firm's revenue): shown only to scopes granted confidential figures.
    confidential = models.BooleanField(_("built on confidential figures"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    work_item = models.ForeignKey(
        "worklists.WorkItem",
        verbose_name=_("list item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("raised on"), db_index=True)

    objects = WarningQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return self.message[:60]

    def get_absolute_url(self) -> str:
        return reverse("indicators:warning_detail", args=[self.pk])
