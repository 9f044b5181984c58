"""Innovation and transformation (issue 17 items 4–6): 揭榜挂帅 challenges with their applications, scoring,
milestones and acceptance; application scenes (应用场景) and the suppliers that apply; the registry of innovation
and scene labs; digital-transformation diagnoses (数字化转型诊断) whose recommendations become upgrade projects;
the smart-factory / digital-workshop titles firms hold."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core import files
from chainleader.core.models import VersionedModel

from .querysets import (
    ApplicationQuerySet,
    ChallengeChildQuerySet,
    ChallengeQuerySet,
    FirmOwnedQuerySet,
    LabQuerySet,
    RecommendationQuerySet,
    SceneApplicationQuerySet,
    SceneQuerySet,
)

NOT_NEGATIVE = [MinValueValidator(0, message=_("The amount cannot be negative."))]
MATURITY = [MinValueValidator(1), MaxValueValidator(5)]


def evidence_path(instance: object, filename: str) -> str:
    return files.storage_name("challenges/evidence", filename)


class Publisher(models.Model):
    """Who publishes a challenge or a scene: a firm (a chain master) or a unit (a department)."""

    publisher_firm = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("publishing firm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publisher_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("publishing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT, related_name="+"
    )
    segment = models.ForeignKey(
        "chains.Segment",
        verbose_name=_("chain segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(
        _("synthetic (demo)"), default=False, help_text=_("Invented for the demo.")
    )

    class Meta:
        abstract = True

    @property
    def publisher(self) -> object:
        return self.publisher_firm or self.publisher_unit


class Challenge(Publisher, VersionedModel):
    """揭榜挂帅 榜单: a need published with its budget and deadline; solvers apply, one is selected, works through
    its milestones and is accepted (验收) or fails. 草稿 → 已发榜 → 遴选中 → 攻关中 → 已验收 / 未通过 (or 已撤榜)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SELECTING = "selecting", _("selecting")
        IN_PROGRESS = "in_progress", _("being solved")
        ACCEPTED = "accepted", _("acceptance passed")
        FAILED = "failed", _("failed acceptance")
        WITHDRAWN = "withdrawn", _("withdrawn")

    title = models.CharField(_("challenge title"), max_length=200, db_index=True)
    need = models.TextField(_("need"))
    requirements = models.TextField(_("technical requirements"), blank=True)
    budget_wan = models.DecimalField(
        _("budget (10k yuan)"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )
    deadline = models.DateField(_("application deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    selected = models.ForeignKey(
        "ChallengeApplication",
        verbose_name=_("selected application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contract_wan = models.DecimalField(
        _("contract amount (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    closed_reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = ChallengeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    PUBLIC = (
        Status.PUBLISHED,
        Status.SELECTING,
        Status.IN_PROGRESS,
        Status.ACCEPTED,
        Status.FAILED,
    )

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_wan__gte=0), name="challenge_budget_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:challenge_detail", args=[self.pk])


class ChallengeApplication(VersionedModel):
    """揭榜: a solver's application (a registry firm, or a named university or lab with its contact)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        SELECTED = "selected", _("selected")
        NOT_SELECTED = "not_selected", _("not selected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    solver_firm = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("solver firm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    solver_name = models.CharField(
        _("solver (university or lab)"),
        max_length=200,
        blank=True,
        help_text=_("When the solver is not a firm in the registry."),
    )
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    proposal = models.TextField(_("proposal"))
    asked_wan = models.DecimalField(
        _("amount asked (10k yuan)"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )
    attachment = models.FileField(
        _("attachment"), upload_to=evidence_path, blank=True, max_length=200
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("challenge application")
        verbose_name_plural = _("challenge applications")
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.challenge} ← {self.solver}"

    @property
    def solver(self) -> str:
        return str(self.solver_firm) if self.solver_firm_id else self.solver_name

    def get_absolute_url(self) -> str:
        return reverse("challenges:application_detail", args=[self.pk])


# The criteria reviewers score an application on, with their maximum points (a total of 100).
CRITERIA: tuple[tuple[str, object, int], ...] = (
    ("technology", _("technical solution"), 40),
    ("team", _("team and track record"), 25),
    ("price", _("price"), 20),
    ("schedule", _("schedule"), 15),
)


class ApplicationScore(models.Model):
    """One reviewer's scores of one application, per criterion (CRITERIA), and their total."""

    application = models.ForeignKey(
        ChallengeApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer_name = models.CharField(_("reviewer (name)"), max_length=150, blank=True)
    scores = models.JSONField(_("scores per criterion"), default=dict)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application score")
        verbose_name_plural = _("application scores")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="uniq_application_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name} · {self.total}"


class Milestone(VersionedModel):
    """A milestone of the selected solver's work: due date, done date and evidence."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone name"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, max_length=200
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ChallengeChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["challenge", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:challenge_detail", args=[self.challenge_id])


class Acceptance(models.Model):
    """验收: the verdict on the selected solver's result, with its date, evidence and note."""

    class Verdict(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("did not pass")

    challenge = models.OneToOneField(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="acceptance"
    )
    on = models.DateField(_("accepted on"))
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    evidence = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, max_length=200
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ChallengeChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")

    def __str__(self) -> str:
        return f"{self.challenge} · {self.get_verdict_display()}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:challenge_detail", args=[self.challenge_id])


# --- scenes and labs ----------------------------------------------------------------------------------------


class Scene(Publisher, VersionedModel):
    """应用场景: a firm or department opens a scene (what it seeks: a product, a solution to try on site)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("scene title"), max_length=200, db_index=True)
    sought = models.TextField(_("what is sought"))
    budget_wan = models.DecimalField(
        _("budget (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    objects = SceneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    PUBLIC = (Status.PUBLISHED, Status.CLOSED)

    class Meta:
        verbose_name = _("application scene")
        verbose_name_plural = _("application scenes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:scene_detail", args=[self.pk])


class SceneApplication(VersionedModel):
    """A supplier's application to a scene: its offer, answered accepted or declined by the publisher."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    scene = models.ForeignKey(
        Scene, verbose_name=_("scene"), on_delete=models.CASCADE, related_name="applications"
    )
    supplier = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    offer = models.TextField(_("offer"))
    score = models.FloatField(
        _("match score"),
        null=True,
        blank=True,
        help_text=_("The matching engine's score of the supplier's products against the scene."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = SceneApplicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("scene application")
        verbose_name_plural = _("scene applications")
        ordering = ["scene", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "supplier"], name="uniq_scene_supplier")
        ]

    def __str__(self) -> str:
        return f"{self.scene} ← {self.supplier}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:scene_detail", args=[self.scene_id])


class Lab(VersionedModel):
    """An innovation application lab (创新应用实验室) or a scene lab (场景实验室), hosted by a firm on a chain leaf."""

    class Kind(models.TextChoices):
        INNOVATION = "innovation", _("innovation application lab")
        SCENE = "scene", _("scene lab")

    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    host = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("host firm"),
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
    funding_wan = models.DecimalField(
        _("funding (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    results = models.TextField(_("results"), blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = LabQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("challenges:lab_detail", args=[self.pk])


# --- digital diagnosis ------------------------------------------------------------------------------------


DIMENSIONS: tuple[tuple[str, object], ...] = (
    ("strategy", _("strategy")),
    ("equipment", _("equipment")),
    ("production", _("production")),
    ("management", _("management")),
    ("products", _("products and services")),
    ("data", _("data")),
)


class Diagnosis(VersionedModel):
    """数字化转型诊断: a provider's diagnosis of a firm, maturity 1–5 per dimension, the overall level worked out
    from them (services.overall_level), and recommendations (rows)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.CharField(_("provider"), max_length=200)
    diagnosed_on = models.DateField(_("diagnosed on"))
    strategy = models.PositiveSmallIntegerField(_("strategy"), validators=MATURITY)
    equipment = models.PositiveSmallIntegerField(_("equipment"), validators=MATURITY)
    production = models.PositiveSmallIntegerField(_("production"), validators=MATURITY)
    management = models.PositiveSmallIntegerField(_("management"), validators=MATURITY)
    products = models.PositiveSmallIntegerField(_("products and services"), validators=MATURITY)
    data = models.PositiveSmallIntegerField(_("data"), validators=MATURITY)
    level = models.DecimalField(
        _("overall level"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        help_text=_("The mean of the six dimensions, to one decimal."),
    )
    note = models.TextField(_("summary"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = FirmOwnedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("digital diagnosis")
        verbose_name_plural = _("digital diagnoses")
        ordering = ["-diagnosed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.diagnosed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:diagnosis_detail", args=[self.pk])

    def dimension_rows(self) -> list[tuple[str, object, int]]:
        return [(name, label, getattr(self, name)) for name, label in DIMENSIONS]


class Recommendation(VersionedModel):
    """A diagnosis's recommendation; converted, it names the upgrade project (技改 / 数字化改造) it became."""

    diagnosis = models.ForeignKey(
        Diagnosis,
        verbose_name=_("diagnosis"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    text = models.CharField(_("recommendation"), max_length=500)
    dimension = models.CharField(
        _("dimension"), max_length=12, choices=[(k, v) for k, v in DIMENSIONS], blank=True
    )
    estimated_wan = models.DecimalField(
        _("estimated investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("upgrade project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["diagnosis", "id"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("challenges:diagnosis_detail", args=[self.diagnosis_id])


class DigitalTitle(VersionedModel):
    """A smart-factory / digital-workshop / automated-line title a firm holds (the registry has no such titles)."""

    class Kind(models.TextChoices):
        SMART_FACTORY = "smart_factory", _("smart factory")
        DIGITAL_WORKSHOP = "digital_workshop", _("digital workshop")
        AUTOMATED_LINE = "automated_line", _("automated production line")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        CITY = "city", _("city")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = FirmOwnedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("digital title")
        verbose_name_plural = _("digital titles")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "level", "year"], name="uniq_digital_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}（{self.get_level_display()}，{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("challenges:title_edit", args=[self.pk])
