"""The four lists (四张清单) of a chain: key tasks, key construction projects, key investment projects; the fourth,
coordination problems, is the problem ledger of the projects app (projects.Problem)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField

from .querysets import (
    ChainMeetingQuerySet,
    MeetingDecisionQuerySet,
    WorkItemNoteQuerySet,
    WorkItemQuerySet,
)


class WorkItem(VersionedModel):
    """An item on one of a chain's lists (清单事项): owner unit and person, deadline, status, close-out (销号)."""

    class Kind(models.TextChoices):
        TASK = "task", _("key task")
        CONSTRUCTION = "construction", _("key construction project")
        INVESTMENT = "investment", _("key investment project")

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        REQUESTED = "requested", _("close-out requested")
        REVIEWED = "reviewed", _("reviewed")
        CLOSED = "closed", _("closed out")

    kind = models.CharField(_("list"), max_length=12, choices=Kind.choices, db_index=True)
    chain = models.ForeignKey(
        "chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT, related_name="work_items"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("item"), max_length=200)
    title_sort = SortKeyField(_("pinyin sort key"), source="title")
    description = models.TextField(_("description"), blank=True)
    # Key construction projects are projects of the project scheduling; the link keeps one record per project.
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    # Key investment projects point at their lead (招商线索), whose firm and expected investment they show; the text
    # and the number stay for items written before the lead existed, or imported from a workbook.
    lead = models.ForeignKey(
        "investment.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    target_firm = models.CharField(_("target firm"), max_length=200, blank=True)
    target_investment_yi = models.DecimalField(
        _("planned investment (100 million yuan)"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(0, message=_("Investment cannot be negative."))],
        null=True,
        blank=True,
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    requested_at = models.DateTimeField(_("close-out requested at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = WorkItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "title_sort"])

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["chain", "kind", "status"], name="workitem_chain_kind_status")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_investment_yi__gte=0)
                | models.Q(target_investment_yi__isnull=True),
                name="workitem_investment_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("worklists:item_detail", args=[self.pk])

    def is_overdue(self, today: date) -> bool:
        return self.status != self.Status.CLOSED and self.deadline < today

    @property
    def investment_yi(self) -> Decimal | None:
        if self.project_id and self.project is not None:
            return self.project.total_investment_yi
        if self.target_investment_yi is None and self.lead_id and self.lead is not None:
            return self.lead.expected_investment_yi
        return self.target_investment_yi


def note_file_path(instance: models.Model, filename: str) -> str:
    from chainleader.core.files import storage_name

    return storage_name("projects/worklists", filename)  # where these files have always been


class WorkItemNote(models.Model):
    """A progress note on a list item, or a step of its close-out (request, review, close), with an attachment."""

    class Action(models.TextChoices):
        NOTE = "note", _("progress note")
        REQUEST = "request", _("close-out requested")
        APPROVE = "approve", _("review passed")
        REJECT = "reject", _("review sent back")
        CLOSE = "close", _("closed out")

    item = models.ForeignKey(
        WorkItem, verbose_name=_("list item"), on_delete=models.CASCADE, related_name="notes"
    )
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.NOTE
    )
    text = models.TextField(_("text"))
    attachment = models.FileField(
        _("attachment"), upload_to=note_file_path, blank=True, max_length=200
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = WorkItemNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item} {self.action}"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()


class ChainMeeting(VersionedModel):
    """A chain meeting (链长制工作会议 / 链长会商): date, place, chair, attendees, an agenda built from the chain's
    brief, minutes; its decisions (MeetingDecision) become items on the chain's lists."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("planned")
        HELD = "held", _("held")

    chain = models.ForeignKey(
        "chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("meeting"), max_length=200)
    title_sort = SortKeyField(_("pinyin sort key"), source="title")
    held_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # The unit that convenes it: the office, the chain's special team, a district (a district's meetings are its
    # own), or the lead department. Empty: the chain's meeting, seen by the chain's team and the office.
    host_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("convening unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_chaired",
    )
    chair_name = models.CharField(
        _("chair (name)"),
        max_length=100,
        blank=True,
        help_text=_("When the chair has no account here, or to write the title, e.g. 副市长 张三."),
    )
    attendees = models.TextField(_("attendees"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = ChainMeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "title_sort"])

    class Meta:
        verbose_name = _("chain meeting")
        verbose_name_plural = _("chain meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["chain", "held_on"], name="meeting_chain_date")]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("worklists:meeting_detail", args=[self.pk])

    @property
    def chair_label(self) -> str:
        if self.chair_name:
            return self.chair_name
        if self.chair is not None:
            return self.chair.get_full_name() or self.chair.get_username()
        return ""


class MeetingDecision(models.Model):
    """A decision of a chain meeting (议定事项): owner unit and person, deadline; recording it puts a key task on
    the chain's list (``item``), which is then worked and closed out like any item."""

    meeting = models.ForeignKey(
        ChainMeeting,
        verbose_name=_("chain meeting"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    text = models.TextField(_("decision"))
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="meeting_decisions",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_decisions",
    )
    deadline = models.DateField(_("deadline"))
    item = models.OneToOneField(
        WorkItem,
        verbose_name=_("list item"),
        on_delete=models.PROTECT,
        related_name="meeting_decision",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MeetingDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url()
