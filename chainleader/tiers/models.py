"""The tier pipeline (优质企业梯度培育): candidates for each tier and their applications and results by year, and the
city's targets per tier. The criteria live in engines/tier_rules.py; a title a firm holds lives in the registry
(enterprises.EnterpriseTier), which a recognised candidate writes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core import files
from chainleader.core.models import VersionedModel

from .querysets import TierCandidateQuerySet, TierTargetQuerySet

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
NOT_NEGATIVE = [MinValueValidator(0)]


class Tier(models.TextChoices):
    """The tiers the pipeline follows: the registry's titles (same values) and 规上 (升规)."""

    SPECIALISED = "specialised", _("specialised and innovative SME")
    LITTLE_GIANT = "little_giant", _("specialised and innovative little giant")
    SINGLE_CHAMPION = "single_champion", _("manufacturing single champion")
    GAZELLE = "gazelle", _("gazelle")
    UNICORN = "unicorn", _("unicorn")
    ABOVE_SIZE = "above_size", _("above designated size (upgrade)")


class Level(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCIAL = "provincial", _("provincial")
    CITY = "city", _("city")


def evidence_path(instance: object, filename: str) -> str:
    """The application or the notice of the result: stored under a random name, served only through the candidate."""
    return files.storage_name("tiers/evidence", filename)


def rule_key(tier: str, level: str) -> str:
    return f"{tier}:{level}"


class TierCandidate(VersionedModel):
    """A firm in the pipeline for one tier and year: 候选 → 已申报 → 已认定 / 未通过 (or 撤回).

    The verdict (eligible, possible, ineligible) is the engine's verdict on the registry's figures and the facts the
    application declares, stored when the candidate is added or re-checked; the criteria page works it out again.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        APPLIED = "applied", _("applied")
        RECOGNISED = "recognised", _("recognised")
        REJECTED = "rejected", _("not recognised")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Verdict(models.TextChoices):
        ELIGIBLE = "eligible", _("meets every criterion")
        POSSIBLE = "possible", _("meets every known criterion")
        INELIGIBLE = "ineligible", _("fails a criterion")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="tier_candidates",
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, db_index=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(
        _("application year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE, db_index=True
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    decided_on = models.DateField(_("result on"), null=True, blank=True)
    verdict = models.CharField(
        _("criteria check"), max_length=12, choices=Verdict.choices, blank=True, db_index=True
    )
    verdict_summary = models.TextField(_("check summary"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    # Facts the registry does not hold, as the application declares them (申报材料); blank is unknown.
    main_business_pct = models.DecimalField(
        _("main business share of revenue (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    product_pct = models.DecimalField(
        _("single product share of revenue (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Blank takes the largest product share in the registry."),
    )
    rd_staff_pct = models.DecimalField(
        _("R&D staff share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    debt_pct = models.DecimalField(
        _("debt-to-asset ratio (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    ip_count = models.PositiveIntegerField(
        _("class I intellectual property"), null=True, blank=True
    )
    market_rank = models.PositiveSmallIntegerField(
        _("rank in its market niche"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "World rank for the national single champion list, national rank for the provincial one."
        ),
    )
    valuation_usd_yi = models.DecimalField(
        _("valuation (100 million US dollars)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    equity_financing_wan = models.DecimalField(
        _("new equity financing in two years (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    assessment_score = models.PositiveSmallIntegerField(
        _("assessment score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence file"),
        upload_to=evidence_path,
        blank=True,
        max_length=200,
        help_text=_("The application, or the published list of the result."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(
        _("synthetic (demo)"), default=False, help_text=_("Invented for the demo.")
    )

    objects = TierCandidateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    DECLARED_FIELDS = (
        "main_business_pct",
        "product_pct",
        "rd_staff_pct",
        "debt_pct",
        "ip_count",
        "market_rank",
        "valuation_usd_yi",
        "equity_financing_wan",
        "assessment_score",
    )

    class Meta:
        verbose_name = _("tier candidate")
        verbose_name_plural = _("tier candidates")
        ordering = ["-year", "tier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tier", "level", "year"], name="uniq_tier_candidate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_tier_display()}（{self.get_level_display()}，{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("tiers:candidate_detail", args=[self.pk])

    @property
    def rule_key(self) -> str:
        return rule_key(self.tier, self.level)


class TierTarget(VersionedModel):
    """The city's (or a district's) target for a tier: e.g. 省级以上专精特新 600 firms by 2025 (cumulative), or
    30 firms recognised in 2026 (that year's)."""

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    level = models.CharField(
        _("lowest level"),
        max_length=12,
        choices=Level.choices,
        help_text=_("Titles of this level or higher count (provincial: provincial and national)."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    value = models.PositiveIntegerField(_("target (firms)"))
    cumulative = models.BooleanField(
        _("cumulative"),
        default=True,
        help_text=_(
            "Counts every firm holding the title by the year's end; otherwise the firms recognised in the year."
        ),
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank for the whole city."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = TierTargetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("tier target")
        verbose_name_plural = _("tier targets")
        ordering = ["-year", "tier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "level", "year", "region"], name="uniq_tier_target"
            ),
            models.UniqueConstraint(
                fields=["tier", "level", "year"],
                condition=models.Q(region__isnull=True),
                name="uniq_tier_target_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}（{self.get_level_display()}）{self.year}：{self.value}"

    def get_absolute_url(self) -> str:
        return reverse("tiers:target_edit", args=[self.pk])


def _words() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from .importers import LEVEL_NAMES, STATUS_NAMES, TIER_NAMES

    return TIER_NAMES, LEVEL_NAMES, STATUS_NAMES


# The fixed Chinese words the export writes and the import reads (importers.py), whatever the page's language.
TierCandidate.tier_word = property(lambda self: _words()[0].get(self.tier, self.tier))  # type: ignore[attr-defined]
TierCandidate.level_word = property(lambda self: _words()[1].get(self.level, self.level))  # type: ignore[attr-defined]
TierCandidate.status_word = property(lambda self: _words()[2].get(self.status, self.status))  # type: ignore[attr-defined]
