"""Projects and their stages, monthly investment reports and 集中开工 batches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField

from ..querysets import (
    BatchQuerySet,
    ProjectChildQuerySet,
    ProjectQuerySet,
)

# "亿元以上项目" and the ≥ 20亿 projects each chain must bring every year (DOMAIN.md, project scheduling).
BAND_ABOVE_100M_YI = Decimal("1")
BAND_BIG_YI = Decimal("20")
# Each chain brings at least 2 projects of ≥ 20亿 a year (DOMAIN.md).
BIG_PROJECTS_TARGET_PER_CHAIN = 2


NOT_NEGATIVE = MinValueValidator(0, message=_("Investment cannot be negative."))


class Stage(models.TextChoices):
    """The stages of a project (签约 → 备案 → 开工 → 在建 → 竣工 → 投产 → 纳统), in this order."""

    SIGNED = "signed", _("signed")
    REGISTERED = "registered", _("registered")
    STARTED = "started", _("started")
    BUILDING = "building", _("under construction")
    COMPLETED = "completed", _("completed")
    PRODUCING = "producing", _("in production")
    COUNTED = "counted", _("counted in statistics")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class Project(VersionedModel):
    """A chain project (产业链重点项目) with its investment and its place in the stage workflow."""

    class Kind(models.TextChoices):
        NEW = "new", _("new build")
        EXPANSION = "expansion", _("expansion")
        UPGRADE = "upgrade", _("technical upgrade")
        ATTRACTED = "attracted", _("attracted investment")

    code = models.CharField(_("project code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    chain = models.ForeignKey(
        "chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT, related_name="projects"
    )
    segment = models.ForeignKey(
        "chains.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    district = models.ForeignKey(
        "reference.Region",
        verbose_name=_("District"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("investor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NEW)
    total_investment_yi = models.DecimalField(
        _("total investment (100 million yuan)"),
        max_digits=14,
        decimal_places=4,
        validators=[NOT_NEGATIVE],  # a field error before the database constraint could speak
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.SIGNED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_projects",
    )
    description = models.TextField(_("description"), blank=True)

    planned_signed_on = models.DateField(_("planned signing date"), null=True, blank=True)
    planned_registered_on = models.DateField(_("planned registration date"), null=True, blank=True)
    planned_started_on = models.DateField(_("planned start date"), null=True, blank=True)
    planned_building_on = models.DateField(_("planned construction date"), null=True, blank=True)
    planned_completed_on = models.DateField(_("planned completion date"), null=True, blank=True)
    planned_producing_on = models.DateField(_("planned production date"), null=True, blank=True)
    planned_counted_on = models.DateField(_("planned statistics date"), null=True, blank=True)
    # Actual dates are written by the stage workflow only (services.project_advance_stage).
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    building_on = models.DateField(_("under construction since"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    producing_on = models.DateField(_("in production since"), null=True, blank=True)
    counted_on = models.DateField(_("counted in statistics on"), null=True, blank=True)

    is_leading = models.BooleanField(
        _("industry-leading project (行业引领性)"),
        default=False,
        help_text=_(
            "Counts toward the chain's two big projects a year even below 2 billion yuan "
            "(a leading firm's headquarters, a key technology)."
        ),
    )

    # Written by the daily lagging check (services.projects_mark_lagging), read by pages, API and briefs.
    is_lagging = models.BooleanField(_("lagging"), default=False, db_index=True)
    lagging_reason = models.TextField(_("why lagging"), blank=True)
    lagging_since = models.DateField(_("lagging since"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic (demo)"),
        default=False,
        help_text=_("Invented for the demo; not a real project."),
    )

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-total_investment_yi", "id"]
        indexes = [
            models.Index(fields=["chain", "stage"], name="project_chain_stage"),
            models.Index(fields=["district", "stage"], name="project_district_stage"),
            models.Index(fields=["total_investment_yi"], name="project_investment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment_yi__gte=0),
                name="project_investment_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def above_100m(self) -> bool:
        """亿元以上项目."""
        return self.total_investment_yi >= BAND_ABOVE_100M_YI

    @property
    def big(self) -> bool:
        """A project of ≥ 20亿 (counts toward the chain's yearly target of 2)."""
        return self.total_investment_yi >= BAND_BIG_YI

    def planned_on(self, stage: str) -> date | None:
        return getattr(self, f"planned_{stage}_on")

    def actual_on(self, stage: str) -> date | None:
        return getattr(self, f"{stage}_on")

    def stage_rows(
        self, today: date
    ) -> list[tuple[str, Any, date | None, date | None, bool, bool]]:
        """(stage, label, planned, actual, reached, missed) for the stage timeline; `missed` is the lagging
        rule's (lagging.stage_missed), so the page's badge and the daily check never disagree."""
        from ..lagging import stage_missed

        current = stage_index(self.stage)
        rows = []
        for i, (value, label) in enumerate(Stage.choices):
            planned, reached = self.planned_on(value), i <= current
            missed = stage_missed(planned, reached=reached, today=today)
            rows.append((value, label, planned, self.actual_on(value), reached, missed))
        return rows


def evidence_path(instance: models.Model, filename: str) -> str:
    from chainleader.core.files import storage_name

    return storage_name("projects/evidence", filename)


class StageChange(models.Model):
    """One move of a project in the stage workflow: who, when, to which stage, with what evidence (or why back)."""

    class Direction(models.TextChoices):
        FORWARD = "forward", _("forward")
        BACK = "back", _("back")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from stage"), max_length=12, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Stage.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    happened_on = models.DateField(_("date"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, max_length=200
    )
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.from_stage} → {self.to_stage}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


class MonthlyReport(VersionedModel):
    """A project's planned and completed investment for one month (月度投资调度), in 亿元."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    planned_yi = models.DecimalField(
        _("planned investment (100 million yuan)"),
        max_digits=14,
        decimal_places=4,
        validators=[NOT_NEGATIVE],
        default=Decimal("0"),
    )
    completed_yi = models.DecimalField(
        _("completed investment (100 million yuan)"),
        max_digits=14,
        decimal_places=4,
        validators=[NOT_NEGATIVE],
        null=True,
        blank=True,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = ProjectChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="uniq_report_project_month"),
            models.CheckConstraint(
                condition=models.Q(planned_yi__gte=0), name="report_planned_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(completed_yi__gte=0) | models.Q(completed_yi__isnull=True),
                name="report_completed_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["month"], name="report_month"),
            # Covers the per-project sums (totals, lagging check, monthly chart) without touching the table rows.
            models.Index(
                fields=["project", "month", "planned_yi", "completed_yi"], name="report_sums"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    @property
    def month_label(self) -> str:
        return f"{self.month:%Y-%m}"


class StartBatch(VersionedModel):
    """A project event with its headline figures: a 集中开工 batch (projects started together), a signing
    ceremony (签约仪式, on site or 屏对屏 online) or a completion and production ceremony (竣工投产)."""

    class Kind(models.TextChoices):
        START = "start", _("joint start of construction")
        SIGNING = "signing", _("signing ceremony")
        COMPLETION = "completion", _("completion and production ceremony")

    kind = models.CharField(
        _("event"), max_length=12, choices=Kind.choices, default=Kind.START, db_index=True
    )
    name = models.CharField(_("name"), max_length=100)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    held_on = models.DateField(_("held on"))
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="start_batches",
        help_text=_("The city for a city-wide batch, or a district."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(
        _("online signing (屏对屏)"),
        default=False,
        help_text=_("Signed screen to screen, the parties in different places."),
    )
    note = models.TextField(_("note"), blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="start_batches"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = BatchQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"], m2m_fields=[projects])

    class Meta:
        verbose_name = _("start batch")
        verbose_name_plural = _("start batches")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:batch_detail", args=[self.pk])
