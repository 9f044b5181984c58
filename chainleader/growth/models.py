"""Growth plans (倍增计划 and others): a firm's targets from a base year to a target year, the years' explicit
targets, and the measures of 一企一策. Plan figures are confidential like the yearly figures they come from."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.fields import EncryptedDecimalField
from chainleader.core.models import VersionedModel

from .progress import PlanProgress, compute, figures_by_year
from .querysets import GrowthPlanQuerySet, PlanChildQuerySet, PlanYearQuerySet

NOT_NEGATIVE = MinValueValidator(0, message=_("The value cannot be negative."))


def _wan(label: str) -> EncryptedDecimalField:
    # Sealed at rest like the yearly figures (SECURITY.md DP2): compared and summed in Python only.
    return EncryptedDecimalField(
        label, max_digits=16, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )


class GrowthPlan(VersionedModel):
    """A firm's plan: from the base year's figures to the targets of the target year (decision 0025)."""

    CONFIDENTIAL_FIELDS = (
        "base_revenue_wan",
        "target_revenue_wan",
        "base_tax_wan",
        "target_tax_wan",
        "base_investment_wan",
        "target_investment_wan",
    )

    class Kind(models.TextChoices):
        DOUBLING = "doubling", _("doubling plan")
        OTHER = "other", _("other growth plan")

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        ACHIEVED = "achieved", _("achieved")
        STOPPED = "stopped", _("stopped")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="growth_plans",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOUBLING)
    base_year = models.PositiveSmallIntegerField(_("base year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    base_revenue_wan = EncryptedDecimalField(
        _("base revenue (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text=_("Blank: the base year's revenue in the yearly figures."),
    )
    target_revenue_wan = EncryptedDecimalField(
        _("target revenue (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text=_("Blank in a doubling plan: twice the base."),
    )
    base_tax_wan = _wan(_("base tax (10k yuan)"))
    target_tax_wan = _wan(_("target tax (10k yuan)"))
    base_investment_wan = _wan(_("base investment (10k yuan)"))
    target_investment_wan = _wan(_("target investment (10k yuan)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = GrowthPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("growth plan")
        verbose_name_plural = _("growth plans")
        ordering = ["enterprise__name_sort", "-base_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "base_year"], name="uniq_growth_plan_firm_base_year"
            ),
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("base_year")),
                name="growth_plan_target_after_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.base_year}–{self.target_year}"

    def get_absolute_url(self) -> str:
        return reverse("growth:plan_detail", args=[self.pk])

    def progress(self) -> PlanProgress:
        """The plan's progress for the reader whose figures were loaded (selectors.with_progress); without
        them, targets only: no actual, no verdict (never an unscoped read of the yearly figures)."""
        cached: PlanProgress | None = getattr(self, "_progress", None)
        if cached is None:
            figures = getattr(self.enterprise, "visible_figures", [])
            years = getattr(self, "visible_years", [])
            cached = self._progress = compute(self, figures_by_year(figures), years)
        return cached

    @property
    def lagging_label(self) -> str:
        lagging = self.progress().lagging
        if lagging is None:
            return ""
        return str(_("behind the plan's pace") if lagging else _("on the plan's pace"))

    @property
    def lagging_reason(self) -> str:
        return self.progress().reason

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.base_year and self.target_year and self.target_year <= self.base_year:
            raise ValidationError(
                {"target_year": _("The target year must come after the base year.")}
            )


class PlanYear(VersionedModel):
    """One year of a plan: explicit targets (they replace the geometric path's value) and the fixed-asset
    investment made, which the yearly figures do not carry."""

    CONFIDENTIAL_FIELDS = ("revenue_wan", "tax_wan", "investment_wan", "investment_actual_wan")

    plan = models.ForeignKey(
        GrowthPlan, verbose_name=_("growth plan"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue_wan = _wan(_("revenue target (10k yuan)"))
    tax_wan = _wan(_("tax target (10k yuan)"))
    investment_wan = _wan(_("investment target (10k yuan)"))
    investment_actual_wan = _wan(_("investment made (10k yuan)"))

    objects = PlanYearQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="uniq_growth_plan_year")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("growth:plan_detail", args=[self.plan_id])


class Measure(VersionedModel):
    """A measure of 一企一策 for the plan's firm: what, who is responsible, by when, done or not."""

    plan = models.ForeignKey(
        GrowthPlan, verbose_name=_("growth plan"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("measure"))
    responsible_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="growth_measures",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["done", "deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("growth:plan_detail", args=[self.plan_id])
