"""A workflow step page: GET shows the step's form, POST calls one service; refusals become form errors.

Every step page finds its record through the user's scoped queryset first (out of scope: 404, POST included),
so GET answers 200 for anyone who can see the record; whether the user may take the step is the service's
rule, shown on the page before the form is even filled.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainleader.core.exceptions import ServiceError
from chainleader.core.views import ScopedMixin


class WorkflowStepView(ScopedMixin, View):
    form_class: Any = None
    template_name = "projects/workflow_step.html"
    title = ""
    success_message = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        """Whether the page offers the form; the service decides again on POST."""
        return True

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form = self.form_class(data=data, files=files, **self.form_kwargs())
        if data is None and "version" in form.fields:
            form.initial.setdefault("version", getattr(self.object, "version", None))
        return form

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def context(self, form: Any) -> dict[str, Any]:
        return {
            **self.meta(),
            "object": self.object,
            "form": form,
            "title": self.title,
            "allowed": self.allowed(),
        }

    def render_form(self, form: Any) -> HttpResponse:
        return render(self.request, self.template_name, self.context(form))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            result = self.perform(form)
        except ServiceError as exc:
            # A wrong state (WorkflowConflict), a wrong role (WorkflowForbidden) or a stale version: nothing was
            # written; htmx 2 swaps no 4xx, so the form comes back with 200 and the message (STYLE.md 3.1).
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        messages.success(request, self.success_message or _("Saved."))
        return redirect(result or self.object)
