"""Pages of the four lists: per chain, per owner ("my items"), overdue first; items, notes and close-out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.chains.models import Chain
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

from . import importers, selectors, services
from .filters import WorkItemFilter
from .forms import CloseItemForm, NoteForm, RequestCloseForm, ReviewForm, WorkItemForm
from .models import WorkItem, WorkItemNote
from .tables import ITEM_COLUMNS, ITEM_EXPORT_COLUMNS


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
