"""Investment attraction (招商): the opportunity of each leaf of a chain's tree, the target list (招商名录) of its
gap leaves, and leads (招商线索) followed from first contact to a started project."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.chains.models import MapStatus
from chainleader.core import files
from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField

from .querysets import LeadQuerySet, LeadStepQuerySet, LeafOpportunityQuerySet, TargetQuerySet

NOT_NEGATIVE = MinValueValidator(0, message=_("The value cannot be negative."))


class LeafOpportunity(models.Model):
    """Where a leaf stands for the place (the Atlas feasibility chart): derived by services.targets_derive."""

    segment = models.OneToOneField(
        "chains.Segment",
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="opportunity",
    )
    density = models.FloatField(_("density of local capabilities"))
    distance = models.FloatField(_("distance"))
    complexity = models.FloatField(_("complexity (PCI)"), null=True, blank=True)
    opportunity_gain = models.FloatField(_("opportunity gain"))
    output = models.FloatField(_("national output (sum of revenue shares)"))
    producers = models.PositiveIntegerField(_("listed producers"))
    derived_at = models.DateTimeField(_("derived at"))

    objects = LeafOpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("leaf opportunity")
        verbose_name_plural = _("leaf opportunities")

    def __str__(self) -> str:
        return f"{self.segment_id}: {self.distance:.2f}"


class Target(models.Model):
    """A row of a chain's target list: an outside listed firm for a gap leaf, with its score and reasons."""

    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        on_delete=models.CASCADE,
        related_name="investment_targets",
    )
    segment = models.ForeignKey(
        "chains.Segment",
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="investment_targets",
    )
    company = models.ForeignKey(
        "chainmap.GraphCompany",
        verbose_name=_("target firm"),
        on_delete=models.CASCADE,
        related_name="investment_targets",
    )
    status = models.CharField(_("map status"), max_length=10, choices=MapStatus.choices, blank=True)
    # Lists read most urgent first: 卡脖子, 缺失, 薄弱; within a status midstream, upstream, downstream.
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    rank = models.PositiveIntegerField(_("rank in the segment"))
    score = models.FloatField(_("score"))
    share = models.FloatField(_("revenue share on the segment"))
    buyer = models.FloatField(_("supplies the chain masters"))
    fit = models.FloatField(_("relatedness to local industry"))
    tier = models.FloatField(_("tier"))
    board = models.CharField(_("listing board"), max_length=8, blank=True)
    products = models.CharField(_("products on the segment"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    derived_at = models.DateTimeField(_("derived at"))

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("investment target")
        verbose_name_plural = _("investment targets")
        ordering = ["priority", "segment_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "company"], name="uniq_target_segment_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} → {self.company_id}"


class Lead(VersionedModel):
    """A lead (招商线索) followed 线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地, or closed with a reason."""

    class Stage(models.TextChoices):
        LEAD = "lead", _("lead")
        CONTACT = "contact", _("contacted")
        VISIT = "visit", _("site visit")
        NEGOTIATE = "negotiate", _("negotiating")
        SIGNED = "signed", _("signed")
        LANDED = "landed", _("landed")
        CLOSED = "closed", _("closed")

    class Source(models.TextChoices):
        TARGET_LIST = "target_list", _("target list")
        MATCHING = "matching", _("supply/demand matching")
        REFERRAL = "referral", _("chain master's referral")
        FAIR = "fair", _("fair or event")
        OTHER = "other", _("other")

    chain = models.ForeignKey(
        "chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT, related_name="leads"
    )
    segment = models.ForeignKey(
        "chains.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    company = models.ForeignKey(
        "chainmap.GraphCompany",
        verbose_name=_("listed company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    firm_name = models.CharField(_("target firm"), max_length=200)
    firm_name_sort = SortKeyField(_("pinyin sort key"), source="firm_name")
    # The registry's firm when the target firm is one (a local firm expanding; issue 15): set by the services
    # from the name (enterprises.lookups.FirmResolver: the credit code or a name one firm alone bears, among the
    # firms the writer sees), so the firm's page lists its leads by the link, not by the name's spelling.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("registry firm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.OTHER
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target-list row"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    district = models.ForeignKey(
        "reference.Region",
        verbose_name=_("District"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    expected_investment_yi = models.DecimalField(
        _("expected investment (100 million yuan)"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    land_need_mu = models.DecimalField(
        _("land needed (mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    promised_intensity_wan_per_mu = models.DecimalField(
        _("promised investment intensity (10k yuan per mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    promised_tax_wan_per_mu = models.DecimalField(
        _("promised tax per mu (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    promised_jobs = models.PositiveIntegerField(_("promised jobs"), null=True, blank=True)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
    )
    close_reason = models.TextField(_("why closed"), blank=True)
    stage_on = models.DateField(_("stage reached on"))
    notes = models.TextField(_("notes"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = LeadQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "firm_name_sort"])

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_investment_yi__gte=0)
                | models.Q(expected_investment_yi__isnull=True),
                name="lead_investment_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.firm_name

    def get_absolute_url(self) -> str:
        return reverse("investment:lead_detail", args=[self.pk])


def step_file_path(instance: Any, filename: str) -> str:
    """Visit reports and signed letters of intent: stored under a random name, served only through the lead."""
    return files.storage_name("investment/steps", filename)


class LeadStep(models.Model):
    """One step of a lead: the stage it reached, when, by whom, with the visit or talk notes as evidence."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Lead.Stage.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=step_file_path, blank=True, max_length=200
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LeadStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead step")
        verbose_name_plural = _("lead steps")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.stage} {self.on}"
