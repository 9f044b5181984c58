"""亩产效益评价 in the platform: scheme versions, yearly runs, per-firm results, appeals, class measures.

A run scores one year's YearFigure rows with one SchemeVersion (chainleader/engines/mu_yield/ does the
arithmetic); results keep the figures they were computed from. The workflow (draft → reviewing →
published; appeal submitted → district_checked → decided) lives in services.py, never in save().
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chainleader.core.fields import EncryptedDecimalField, EncryptedFloatField, EncryptedJSONField
from chainleader.core.models import VersionedModel
from chainleader.engines import mu_yield

from .querysets import (
    AppealQuerySet,
    ClassMeasureQuerySet,
    EvaluationResultQuerySet,
    EvaluationRunQuerySet,
    SchemeVersionQuerySet,
)


class Grade(models.TextChoices):
    """The four classes (等级) of MU_SCHEME.md; a firm that is not graded has none ("")."""

    A = "A", _("A · priority development")
    B = "B", _("B · supported development")
    C = "C", _("C · development to improve")
    D = "D", _("D · restricted development")


# The figures a firm may appeal: the scheme's inputs that live in YearFigure (the rest are registry data).
APPEAL_FIELDS = (
    ("land_mu", _("land (mu)")),
    ("tax_wan", _("tax paid (10k yuan)")),
    ("revenue_wan", _("revenue (10k yuan)")),
    ("value_added_wan", _("value added (10k yuan)")),
    ("energy_tce", _("energy use (tce)")),
    ("emissions_t", _("emissions (t)")),
    ("rd_wan", _("R&D spending (10k yuan)")),
    ("employees", _("employees")),
)


class SchemeVersion(models.Model):
    """An evaluation scheme version (评价方案版本): frozen JSON; an edit is a new row, never an update."""

    number = models.PositiveIntegerField(_("version number"), unique=True)
    label = models.CharField(_("version label"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    scheme_json = models.TextField(_("scheme (JSON)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SchemeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation scheme version")
        verbose_name_plural = _("evaluation scheme versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:scheme_detail", args=[self.pk])

    def scheme(self) -> mu_yield.Scheme:
        """The validated engine scheme (stored JSON was validated when the version was created)."""
        return mu_yield.Scheme.from_json(self.scheme_json)


class EvaluationRun(VersionedModel):
    """A yearly evaluation run (年度亩产效益评价): one year's figures scored with one scheme version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEWING = "reviewing", _("in review")
        PUBLISHED = "published", _("published")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    scheme = models.ForeignKey(
        SchemeVersion,
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("background job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("computed at"), null=True, blank=True)
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
    # {"firms": n, "graded": n, "A": n, "B": n, "C": n, "D": n, "groups": {"规上": n, ...}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The run's published benchmarks (基准值): {group label: {indicator key: value}}. City-wide figures.
    benchmarks = models.JSONField(_("benchmarks"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = EvaluationRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-year", "-id"]
        constraints = [
            # One final set of classes per year: the policy features read exactly one.
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status="published"),
                name="evaluation_one_published_run_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_status_display()} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:run_detail", args=[self.pk])

    @property
    def computed(self) -> bool:
        return self.finished_at is not None

    @property
    def firm_count(self) -> int | None:
        return self.counts.get("firms")

    @property
    def graded_count(self) -> int | None:
        return self.counts.get("graded")


class EvaluationResult(models.Model):
    """One firm's result in a run (评价结果): score, rank, class, why, and the figures it came from."""

    run = models.ForeignKey(
        EvaluationRun,
        verbose_name=_("evaluation run"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="mu_results",
    )
    group = models.CharField(pgettext_lazy("mu yield", "group"), max_length=20, blank=True)
    graded = models.BooleanField(_("graded"), default=False)
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank in group"), null=True, blank=True)
    grade = models.CharField(
        pgettext_lazy("mu yield", "class"), max_length=1, choices=Grade.choices, blank=True
    )
    reason = models.CharField(_("reason not graded"), max_length=200, blank=True)
    # Denormalised inputs for the per-mu tax charts (summed in Python); None = missing. The firm's figures, its
    # indicators and inputs are sealed at rest as YearFigure's are (SECURITY.md DP2, docs/decisions/0021).
    land_mu = EncryptedFloatField(_("land (mu)"), null=True, blank=True)
    tax_wan = EncryptedFloatField(_("tax paid (10k yuan)"), null=True, blank=True)
    # {indicator key: {"value": v, "ratio": r, "score": s}} for the firm's group (None = undefined).
    indicators = EncryptedJSONField(_("indicators"), default=dict, blank=True)
    # The input figures used, as the engine saw them: {column: value or None}.
    inputs = EncryptedJSONField(_("input figures"), default=dict, blank=True)

    objects = EvaluationResultQuerySet.as_manager()

    CONFIDENTIAL_FIELDS = ("score", "rank", "land_mu", "tax_wan", "indicators", "inputs")

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["run", "group", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="evaluation_result_once")
        ]
        indexes = [models.Index(fields=["run", "grade"], name="evaluation_result_grade")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.run.year}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:result_detail", args=[self.pk])

    @property
    def tax_per_mu(self) -> float | None:
        if self.land_mu and self.land_mu > 0 and self.tax_wan is not None:
            return self.tax_wan / self.land_mu
        return None


def evidence_upload_to(instance: Any, filename: str) -> str:
    """Only used if a file is assigned without the service (the service names files by content hash)."""
    return f"evaluation/evidence/{filename}"


class Appeal(VersionedModel):
    """A firm's appeal (申诉) against one input figure of its result, with evidence; the office decides."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        DISTRICT_CHECKED = "district_checked", _("checked by the district")
        DECIDED = "decided", _("decided")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    result = models.ForeignKey(
        EvaluationResult,
        verbose_name=_("evaluation result"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="mu_appeals",
    )
    field = models.CharField(_("figure"), max_length=20, choices=APPEAL_FIELDS)
    current_value = EncryptedDecimalField(  # a firm's figure: sealed at rest (DP2)
        _("value used"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    claimed_value = EncryptedDecimalField(_("claimed value"), max_digits=16, decimal_places=3)
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, max_length=200)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    note = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    district_supports = models.BooleanField(_("district supports the claim"), null=True, blank=True)
    check_note = models.TextField(_("district's note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # The firm's result before and after the decision (equal when rejected).
    score_before = models.FloatField(_("score before"), null=True, blank=True)
    grade_before = models.CharField(_("class before"), max_length=1, blank=True)
    score_after = models.FloatField(_("score after"), null=True, blank=True)
    grade_after = models.CharField(_("class after"), max_length=1, blank=True)

    objects = AppealQuerySet.as_manager()

    CONFIDENTIAL_FIELDS = ("current_value", "claimed_value", "score_before", "score_after")

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One open appeal per figure of a result: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["result", "field"],
                condition=~Q(status="decided"),
                name="evaluation_one_open_appeal_per_figure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_field_display()} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:appeal_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DECIDED

    @property
    def current_display(self) -> str:
        return _plain(self.current_value)

    @property
    def claimed_display(self) -> str:
        return _plain(self.claimed_value)


def _plain(value: Any) -> str:
    """A Decimal without trailing zeros or an exponent: 1500.000 → "1500", 4.290 → "4.29"."""
    return "—" if value is None else f"{value.normalize():f}"


class ClassMeasure(VersionedModel):
    """The differentiated measures of one class (差别化措施): land, power/water/gas, support."""

    grade = models.CharField(
        pgettext_lazy("mu yield", "class"), max_length=1, choices=Grade.choices, unique=True
    )
    land = models.TextField(_("land"))
    power_water_gas = models.TextField(_("power, water and gas"))
    support = models.TextField(_("support"))

    objects = ClassMeasureQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("class measure")
        verbose_name_plural = _("class measures")
        ordering = ["grade"]

    def __str__(self) -> str:
        return self.get_grade_display()

    def get_absolute_url(self) -> str:
        return reverse("evaluation:measure_list")
