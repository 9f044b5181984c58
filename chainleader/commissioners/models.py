"""Service commissioners (企业服务专员 / 包抓): a named cadre for each key firm, and the visits (走访) they log.

Decision 0023. An ``Assignment`` ties a firm to a commissioner (a platform account) from a date, with the kind
of firm (链主/重点, 梯队, 包抓规下) and the visit interval; a ``Visit`` is one logged visit, with the firm
requests (企业诉求: ``projects.Problem`` with source=firm) raised during it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel

from .querysets import AssignmentQuerySet, VisitQuerySet

DEFAULT_INTERVAL_DAYS = 90


def default_interval() -> int:
    """The visit interval a new assignment gets: settings.CHAINLEADER_VISIT_INTERVAL_DAYS, else 90 days (a
    quarter: the 企业服务专员 visit their firms at least once a quarter)."""
    return int(getattr(settings, "CHAINLEADER_VISIT_INTERVAL_DAYS", DEFAULT_INTERVAL_DAYS))


class Assignment(VersionedModel):
    """A firm's service commissioner (服务专员) from ``since`` until ``until`` (open: current)."""

    class Kind(models.TextChoices):
        KEY = "key", _("chain master or key firm")
        TIERED = "tiered", _("tiered firm")
        SMALL = "small", _("small firm under 包抓")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="commissioner_assignments",
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service commissioner"),
        on_delete=models.PROTECT,
        related_name="commissioner_assignments",
    )
    kind = models.CharField(_("kind of firm"), max_length=8, choices=Kind.choices)
    since = models.DateField(_("assigned since"))
    until = models.DateField(_("assigned until"), null=True, blank=True)
    visit_interval_days = models.PositiveSmallIntegerField(
        _("visit interval (days)"),
        default=default_interval,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    # The day the next visit is due: the last visit's date (or ``since``) + the interval. Kept by the services
    # (services.refresh_due), so "overdue" is one indexed comparison on every database (querysets.overdue).
    due_on = models.DateField(_("next visit due"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic (demo)"),
        default=False,
        help_text=_("Invented for the demo; not a real assignment."),
    )

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "due_on"])

    class Meta:
        verbose_name = _("commissioner assignment")
        verbose_name_plural = _("commissioner assignments")
        ordering = ["-since", "-id"]
        constraints = [
            # A firm has one current commissioner: a new one ends the old assignment (services.assign).
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(until__isnull=True),
                name="uniq_current_commissioner",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="assignment_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.commissioner}"

    def get_absolute_url(self) -> str:
        return reverse("commissioners:assignment_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.until is None

    def is_overdue(self, on: date | None = None) -> bool:
        """The same rule as ``Assignment.objects.overdue()``, for one record in hand."""
        today = on or timezone.localdate()
        return self.until is None and self.due_on is not None and self.due_on < today


def visit_file_path(instance: models.Model, filename: str) -> str:
    from chainleader.core.files import storage_name

    return storage_name("commissioners/visits", filename)


class Visit(models.Model):
    """One visit (走访) to the firm of an assignment: when, by whom, how, what was found and which requests the
    firm raised. Visits are a log: written once, never edited (a wrong one is corrected by a note on the next)."""

    class Form(models.TextChoices):
        ON_SITE = "on_site", _("on site")
        PHONE = "phone", _("by phone")
        ONLINE = "online", _("online")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="visits"
    )
    on = models.DateField(_("visit date"), db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commissioner_visits",
    )
    form = models.CharField(
        _("form of visit"), max_length=8, choices=Form.choices, default=Form.ON_SITE
    )
    notes = models.TextField(_("visit notes"), blank=True)
    # The visit record (signed with the firm, photos as PDF): the visited firm reads it too, unlike the notes.
    attachment = models.FileField(
        _("attachment"), upload_to=visit_file_path, blank=True, max_length=200
    )
    requests = models.ManyToManyField(
        "projects.Problem",
        verbose_name=_("requests raised"),
        blank=True,
        related_name="commissioner_visits",
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("commissioner visit")
        verbose_name_plural = _("commissioner visits")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.on}"

    def get_absolute_url(self) -> str:
        return reverse("commissioners:assignment_detail", args=[self.assignment_id])
