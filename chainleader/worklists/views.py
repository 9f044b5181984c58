"""Pages of the four lists: per chain, per owner ("my items"), overdue first; items, notes and close-out."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.files import download
from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
)
from chainleader.projects.models import Problem
from chainleader.projects.selectors import problems_overdue_first
from chainleader.projects.views.base import WorkflowStepView
from chainleader.projects.views.briefs import docx_response

from . import importers, minutes, selectors, services
from .filters import ChainMeetingFilter, WorkItemFilter
from .forms import (
    ChainMeetingForm,
    CloseItemForm,
    DecisionForm,
    NoteForm,
    RequestCloseForm,
    ReviewForm,
    WorkItemForm,
)
from .models import ChainMeeting, MeetingDecision, WorkItem, WorkItemNote
from .tables import ITEM_COLUMNS, ITEM_EXPORT_COLUMNS, MEETING_COLUMNS, MEETING_EXPORT_COLUMNS


class ItemListView(ObjectListView):
    """All list items in scope, filtered by list, chain, owner, status; overdue first unless sorted."""

    model = WorkItem
    template_name = "worklists/item_list.html"
    filterset_class = WorkItemFilter
    columns = ITEM_COLUMNS
    export_columns = ITEM_EXPORT_COLUMNS
    select_related = ("chain__region", "owner_unit", "owner_user", "project")
    add_url_name = "worklists:item_add"
    import_url_name = "worklists:item_import"

    def filtered(self) -> tuple[Any, Any]:
        qs, filterset = super().filtered()
        if not self.request.GET.get("sort"):
            qs = selectors.overdue_first(qs, timezone.localdate())
        return qs, filterset

    def extra_context_data(self) -> dict[str, Any]:
        return {
            "status": selectors.list_status(self.request.user),
            "today": timezone.localdate(),
            "mine": self.request.GET.get("mine") == "true",
        }


class MyItemListView(ItemListView):
    """我的事项: items whose owner is me or my unit."""

    def get_queryset(self) -> Any:
        return self.scoped().mine(self.request.user)

    def extra_context_data(self) -> dict[str, Any]:
        return {**super().extra_context_data(), "mine": True}


class ChainListsView(ObjectDetailView):
    """A chain's four lists on one page, each overdue first."""

    model = Chain
    template_name = "worklists/chain_lists.html"

    def extra_context_data(self) -> dict[str, Any]:
        user, chain, today = self.request.user, self.object, timezone.localdate()
        items = selectors.overdue_first(
            WorkItem.objects.for_user(user)
            .filter(chain=chain)
            .select_related("owner_unit", "owner_user", "project"),
            today,
        )
        grouped = {kind: [] for kind, _l in WorkItem.Kind.choices}
        for item in items[:600]:
            grouped[item.kind].append(item)
        problems = problems_overdue_first(
            Problem.objects.for_user(user)
            .filter(chain=chain)
            .exclude(status=Problem.Status.CLOSED)
            .select_related("department", "project"),
            today,
        )[:100]
        return {
            "lists": [(kind, label, grouped[kind]) for kind, label in WorkItem.Kind.choices],
            "problems": problems,
            "status": selectors.list_status(user, chain=chain),
            "today": today,
        }


class ItemDetailView(ObjectDetailView):
    model = WorkItem
    template_name = "worklists/item_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("chain", "owner_unit", "owner_user", "project")

    def extra_context_data(self) -> dict[str, Any]:
        return {
            "notes": WorkItemNote.objects.for_user(self.request.user).filter(item=self.object),
            "actions": services.allowed_actions(self.object, self.request.user),
            "overdue": self.object.is_overdue(timezone.localdate()),
            "note_form": NoteForm(),
        }


class ItemEditView(ObjectEditView):
    model = WorkItem
    form_class = WorkItemForm

    def get_form(self, data: Any = None) -> Any:
        form = super().get_form(data)
        chain = self.request.GET.get("chain", "")
        if data is None and not self.object.pk and chain.isdigit():
            form.initial["chain"] = int(chain)
        return form

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.item_update(
                item=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.item_create(actor=self.request.user, data=data)


class ItemDeleteView(ObjectDeleteView):
    model = WorkItem
    success_url_name = "worklists:item_list"


class ItemHistoryView(ObjectHistoryView):
    model = WorkItem


class ItemImportView(ObjectImportView):
    model = WorkItem
    columns = importers.ITEM_COLUMNS
    examples = importers.ITEM_EXAMPLES
    import_service = services.item_import
    list_url_name = "worklists:item_list"


class ItemStepView(WorkflowStepView):
    model = WorkItem
    action = ""

    def allowed(self) -> bool:
        return self.action in services.allowed_actions(self.object, self.request.user)


class ItemNoteView(ItemStepView):
    form_class = NoteForm
    action = "note"
    title = gettext_lazy("Add a progress note")

    def perform(self, form: Any) -> Any:
        services.item_add_note(
            item=self.object,
            actor=self.request.user,
            text=form.cleaned_data["text"],
            attachment=form.cleaned_data.get("attachment"),
        )
        return self.object


class ItemRequestCloseView(ItemStepView):
    form_class = RequestCloseForm
    action = "request"
    title = gettext_lazy("Request close-out")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.item_request_close(
            item=self.object,
            actor=self.request.user,
            text=d["text"],
            attachment=d.get("attachment"),
            expected_version=d.get("version"),
        )


class ItemReviewView(ItemStepView):
    form_class = ReviewForm
    action = "review"
    title = gettext_lazy("Review the close-out")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.item_review(
            item=self.object,
            actor=self.request.user,
            approved=d["approved"],
            text=d.get("text") or "",
            expected_version=d.get("version"),
        )


class ItemCloseView(ItemStepView):
    form_class = CloseItemForm
    action = "close"
    title = gettext_lazy("Close out")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.item_close(
            item=self.object,
            actor=self.request.user,
            text=d.get("text") or "",
            expected_version=d.get("version"),
        )


class NoteFileView(ScopedMixin, View):
    """Download a progress note's attachment (found through the item's scope)."""

    model = WorkItemNote
    parent_model = WorkItem
    parent_field = "item"

    def get(self, request: HttpRequest, parent_pk: int, pk: int) -> HttpResponse:
        item = get_object_or_404(WorkItem.objects.for_user(request.user), pk=parent_pk)
        note = get_object_or_404(self.scoped().filter(item=item), pk=pk)
        return download(note.attachment, f"item-{item.pk}-{note.action}")


# --------------------------------------------------------------------------------------------- chain meetings


class MeetingListView(ObjectListView):
    """Chain meetings in scope: search, chain, year and status filters, sort, pages, Excel export."""

    model = ChainMeeting
    template_name = "worklists/meeting_list.html"
    filterset_class = ChainMeetingFilter
    columns = MEETING_COLUMNS
    export_columns = MEETING_EXPORT_COLUMNS
    select_related = ("chain__region", "host_unit", "chair")
    add_url_name = "worklists:meeting_add"
    default_sort = "-held_on"

    def get_queryset(self) -> Any:
        return self.scoped().annotate(
            decision_count=Count("decisions", distinct=True),
            closed_count=Count(
                "decisions",
                filter=Q(decisions__item__status=WorkItem.Status.CLOSED),
                distinct=True,
            ),
        )


class MeetingDetailView(ObjectDetailView):
    """A meeting: its facts, agenda and minutes, and its decisions with their list items' status."""

    model = ChainMeeting
    template_name = "worklists/meeting_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("chain", "host_unit", "chair")

    def extra_context_data(self) -> dict[str, Any]:
        today = timezone.localdate()
        decisions = list(
            MeetingDecision.objects.for_user(self.request.user)
            .filter(meeting=self.object)
            .select_related("item", "owner_unit", "owner_user")
            .order_by("pk")
        )
        return {
            "decisions": [(d, d.item.is_overdue(today)) for d in decisions],
            "can_decide": self.can_edit(),
        }


class MeetingEditView(ObjectEditView):
    model = ChainMeeting
    form_class = ChainMeetingForm

    def get_form(self, data: Any = None) -> Any:
        form = super().get_form(data)
        chain = self.request.GET.get("chain", "")
        if data is None and not self.object.pk and chain.isdigit():
            found = Chain.objects.for_user(self.request.user).filter(pk=int(chain)).first()
            if found is not None:
                # The agenda is built from the chain's figures; the chair edits it before the meeting.
                form.initial["chain"] = found.pk
                form.initial["title"] = _("%(chain)s chain meeting") % {"chain": found.name}
                form.initial["agenda"] = selectors.meeting_agenda(self.request.user, found)
        return form

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.meeting_update(
                meeting=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.meeting_create(actor=self.request.user, data=data)


class MeetingDecisionView(WorkflowStepView):
    """Record a decision of the meeting: it becomes a key task on the chain's list."""

    model = ChainMeeting
    form_class = DecisionForm
    template_name = "worklists/decision_form.html"
    title = gettext_lazy("Record a decision")
    write = True

    def refuse(self, request: HttpRequest) -> None:
        if not self.can_edit():
            raise PermissionDenied

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        services.decision_record(
            meeting=self.object,
            actor=self.request.user,
            text=d["text"],
            owner_unit=d["owner_unit"],
            owner_user=d.get("owner_user"),
            deadline=d["deadline"],
        )
        return self.object


class MeetingMinutesView(ScopedMixin, View):
    """The meeting's minutes as a Word file (会议纪要): facts, agenda, minutes, decisions with owners."""

    model = ChainMeeting

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = get_object_or_404(
            self.scoped().select_related("chain", "host_unit", "chair"), pk=pk
        )
        decisions = list(
            MeetingDecision.objects.for_user(request.user)
            .filter(meeting=meeting)
            .select_related("item", "owner_unit", "owner_user")
            .order_by("pk")
        )
        content = minutes.render_minutes(meeting, decisions, timezone.localdate())
        audit.record(
            actor=request.user,
            event_type="export",
            obj=meeting,
            detail={"format": "docx", "rows": len(decisions)},
        )
        return docx_response(content, f"{meeting.title}-{meeting.held_on:%Y%m%d}.docx")
