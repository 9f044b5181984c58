"""Firm request pages (企业诉求, decision 0020): the firm's own list ("我的诉求") and raise form, and the firm's two
steps (confirm with a rating, reopen). Office, districts and departments use the same list, scoped by for_user;
routing, answering, review and close-out are the ledger's own step pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.policy import firm_of
from chainleader.core.exceptions import ServiceError
from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import ScopedMixin

from .. import importers, services
from ..filters import RequestFilter
from ..forms import ConfirmForm, ReopenForm, RequestForm
from ..models import Problem
from ..tables import REQUEST_COLUMNS, REQUEST_EXPORT_COLUMNS
from .problems import ProblemListView, ProblemStepView


class RequestListView(ProblemListView):
    """Firm requests in the user's scope, overdue first; ?export=xlsx gives the same rows as a workbook."""

    template_name = "projects/request_list.html"
    filterset_class = RequestFilter
    columns = REQUEST_COLUMNS
    export_columns = REQUEST_EXPORT_COLUMNS
    select_related: tuple[str, ...] = ("chain", "project", "department", "enterprise", "region")
    add_url_name = ""

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(source=Problem.Source.FIRM)

    def meta(self) -> dict[str, Any]:
        return {
            **super().meta(),
            "verbose_name": gettext_lazy("firm request"),
            "verbose_name_plural": gettext_lazy("firm requests"),
        }

    def extra_context_data(self) -> dict[str, Any]:
        return {
            **super().extra_context_data(),
            "can_raise": firm_of(self.request.user) is not None,
            "may_import_requests": RequestImportView.may_import(self.request.user),
        }


class RequestImportView(ObjectImportView):
    """Excel import of firm requests: a firm account for its own firm, an editor for the firms in its scope (the
    service checks each row); other roles get 403 on the page and the API."""

    model = Problem
    import_kind = "projects.request"
    columns = importers.REQUEST_COLUMNS
    examples = importers.REQUEST_EXAMPLES
    import_service = services.request_import
    list_url_name = "projects:request_list"

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return services.may_import_requests(user)

    def can_edit(self) -> bool:
        return self.may_import(self.request.user)

    def meta(self) -> dict[str, Any]:
        return {
            **super().meta(),
            "verbose_name": gettext_lazy("firm request"),
            "verbose_name_plural": gettext_lazy("firm requests"),
        }


class RequestRaiseView(ScopedMixin, View):
    """A firm account raises a request for its own firm; every other role gets 403."""

    model = Problem
    template_name = "projects/request_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if firm_of(request.user) is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: Any) -> HttpResponse:
        return render(self.request, self.template_name, {**self.meta(), "form": form})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(RequestForm(user=request.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RequestForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        try:
            problem = services.request_raise(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                chain=data.get("chain"),
                project=data.get("project"),
                attachment=data.get("attachment"),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        messages.success(request, _("The request was sent to the office."))
        return redirect(problem)


class RequestConfirmView(ProblemStepView):
    form_class = ConfirmForm
    action = "confirm"
    title = gettext_lazy("Confirm the answer")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.request_confirm(
            problem=self.object,
            actor=self.request.user,
            rating=d["rating"],
            note=d.get("note") or "",
            expected_version=d.get("version"),
        )


class RequestReopenView(ProblemStepView):
    form_class = ReopenForm
    action = "reopen"
    title = gettext_lazy("Reopen")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.request_reopen(
            problem=self.object,
            actor=self.request.user,
            note=d["note"],
            expected_version=d.get("version"),
        )
