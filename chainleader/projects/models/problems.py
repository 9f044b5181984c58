"""The problem ledger (问题台账): problems and the steps of each."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField

from ..querysets import (
    ProblemChildQuerySet,
    ProblemQuerySet,
)
from .projects import Project


class Problem(VersionedModel):
    """A ledger problem (问题台账): raised, assigned to a department, answered, verified, closed out (销号)."""

    class Status(models.TextChoices):
        RAISED = "raised", _("raised")
        ASSIGNED = "assigned", _("assigned")
        ANSWERED = "answered", _("answered")
        VERIFIED = "verified", _("verified")
        CLOSED = "closed", _("closed out")

    class Category(models.TextChoices):
        LAND = "land", _("land")
        FINANCE = "finance", _("finance")
        TALENT = "talent", _("talent")
        ENERGY = "energy", _("energy and utilities")
        APPROVAL = "approval", _("approvals")
        INFRASTRUCTURE = "infrastructure", _("infrastructure")
        MARKET = "market", _("market")
        POLICY = "policy", _("policy")
        OTHER = "other", _("other")

    class Source(models.TextChoices):
        LEDGER = "ledger", _("problem ledger")
        FIRM = "firm", _("firm request")

    # A ledger problem always has a chain (the services set it); a firm request (企业诉求) may have none.
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("District"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        help_text=_("The project's district, or the district that raised it."),
    )
    title = models.CharField(_("problem"), max_length=200)
    title_sort = SortKeyField(_("pinyin sort key"), source="title")
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RAISED, db_index=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_by_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("raised by unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_problems",
    )
    raised_on = models.DateField(_("raised on"))
    department = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_problems",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    # Firm requests (企业诉求, decision 0020): the firm that raised it, its confirmation and rating of the answer.
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.LEDGER, db_index=True
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    firm_confirmed_at = models.DateTimeField(_("confirmed by the firm at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # Set by the daily check when the deadline passed unanswered: the chain leader's view lists it.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = ProblemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "title_sort"])

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_on", "-id"]
        constraints = [
            # A ledger problem keeps its chain; a firm request names its firm.
            models.CheckConstraint(
                condition=Q(source="firm", enterprise__isnull=False)
                | Q(source="ledger", chain__isnull=False),
                name="problem_source_owner",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="problem_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:problem_detail", args=[self.pk])

    def is_overdue(self, today: date) -> bool:
        """querysets.overdue_q for this problem (one rule; a detail page asks once)."""
        return bool(self.pk) and Problem.objects.filter(pk=self.pk).overdue(today).exists()


def problem_file_path(instance: models.Model, filename: str) -> str:
    from chainleader.core.files import storage_name

    return storage_name("projects/problems", filename)


# actor_name of the events the platform makes itself (no person acted).
SYSTEM_ACTOR = "system"


class ProblemEvent(models.Model):
    """One step in a problem's history (raised, assigned, answered, verified, sent back, closed, escalated)."""

    class Action(models.TextChoices):
        RAISE = "raise", _("raised")
        ASSIGN = "assign", _("assigned")
        ANSWER = "answer", _("answered")
        VERIFY = "verify", _("verified")
        REJECT = "reject", _("sent back")
        CLOSE = "close", _("closed out")
        ESCALATE = "escalate", _("escalated")
        CONFIRM = "confirm", _("confirmed by the firm")
        REOPEN = "reopen", _("reopened by the firm")

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(
        _("from status"), max_length=10, choices=Problem.Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=10, choices=Problem.Status.choices)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=problem_file_path, blank=True, max_length=200
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.problem} {self.action}"

    def get_absolute_url(self) -> str:
        return self.problem.get_absolute_url()

    @property
    def actor_label(self) -> str:
        """Who did it, as pages show it: the platform's own steps (escalation of overdue problems) by name in
        the reader's language, not the stored marker."""
        if self.actor_name == SYSTEM_ACTOR:
            return str(_("the platform (automatic)"))
        return self.actor_name
