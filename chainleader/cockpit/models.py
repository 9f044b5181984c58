"""摘星夺旗 assessment: schemes (items as the engine reads them), the office's bonus and deduction items, runs and
their scores. Runs are immutable once published: a correction is a new run (docs/decisions/0027)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainleader.core.models import VersionedModel
from chainleader.engines import assessment as engine

from .querysets import AdjustmentQuerySet, RunQuerySet, SchemeQuerySet, ScoreQuerySet


class SubjectKind(models.TextChoices):
    CHAIN = "chain", _("chains")
    DISTRICT = "district", _("districts")


class Period(models.TextChoices):
    YEAR = "year", _("year")
    Q1 = "q1", _("first quarter")
    Q2 = "q2", _("second quarter")
    Q3 = "q3", _("third quarter")
    Q4 = "q4", _("fourth quarter")


class AssessmentScheme(VersionedModel):
    """A 摘星夺旗 scheme: whom it scores (chains or districts), over which period, by which items, and how many of
    the best get the award (星 for a chain, 旗 for a district)."""

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4, choices=Period.choices, default="year")
    subject_kind = models.CharField(
        _("subjects"), max_length=10, choices=SubjectKind.choices, default=SubjectKind.CHAIN
    )
    # [{"metric", "weight", "method", "target", "cap"}], as engines.assessment.Item reads them.
    items = models.JSONField(_("items"), default=list)
    awards = models.PositiveSmallIntegerField(
        _("awards"), default=3, help_text=_("How many of the best get the star (chains) or flag.")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.year} {self.get_period_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("cockpit:scheme_detail", args=[self.pk])

    def engine_items(self) -> list[engine.Item]:
        return [engine.Item.from_json(i) for i in self.items]

    @property
    def award_label(self) -> Any:
        return _("star") if self.subject_kind == SubjectKind.CHAIN else _("flag")


def evidence_path(instance: models.Model, filename: str) -> str:
    from chainleader.core.files import storage_name

    return storage_name("cockpit/evidence", filename)


class Adjustment(models.Model):
    """A bonus (加分) or deduction (扣分) item the office enters for one subject of a scheme, with its reason and
    evidence. Applied by every run of the scheme computed after it is entered."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.CASCADE,
        related_name="adjustments",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("District"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, max_length=200
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bonus or deduction")
        verbose_name_plural = _("bonuses and deductions")
        ordering = ["scheme", "id"]

    def __str__(self) -> str:
        return f"{self.subject_label} {self.points:+}"

    def get_absolute_url(self) -> str:
        return self.scheme.get_absolute_url()

    @property
    def subject_key(self) -> str:
        return str(self.chain_id) if self.chain_id else str(self.region.code if self.region else "")

    @property
    def subject_label(self) -> str:
        return str(self.chain or self.region or "")


class AssessmentRun(models.Model):
    """One computation of a scheme: draft → in review → published. Published runs are never changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEWING = "reviewing", _("in review")
        PUBLISHED = "published", _("published")

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The scheme as it was scored (items, awards, period), so a later change of the scheme leaves it readable.
    scheme_json = models.JSONField(_("scheme as scored"), default=dict)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    computed_at = models.DateTimeField(_("computed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_opened_at = models.DateTimeField(_("review opened at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.get_status_display()} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cockpit:run_detail", args=[self.pk])


class AssessmentScore(models.Model):
    """One subject's score in a run: total, rank, award and the breakdown per item and per adjustment."""

    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("assessment run"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    subject_kind = models.CharField(_("subjects"), max_length=10, choices=SubjectKind.choices)
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("District"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("subject"), max_length=100)
    total = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"))
    awarded = models.BooleanField(_("awarded"), default=False)
    # {"items": [{"metric", "value", "method", "weight", "points"}], "adjustments": [{"points", "reason"}]}
    breakdown = models.JSONField(_("breakdown"), default=dict)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["run", "rank", "label", "id"]
        indexes = [models.Index(fields=["run", "rank"], name="assessment_score_rank")]

    def __str__(self) -> str:
        return f"{self.label} {self.total}"

    def get_absolute_url(self) -> str:
        return self.run.get_absolute_url()
