"""What the evaluation pages share: the export throttle, the audit of views, the workflow step page."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError
from chainleader.core.throttles import ConfidentialFiguresThrottle
from chainleader.core.views import (
    ScopedMixin,
)

from .. import services
from ..forms import (
    StepForm,
)


class ExportThrottle(ConfidentialFiguresThrottle):
    """Exports of confidential figures: 20 an hour per user (SECURITY.md IN5), counted apart from the API."""

    scope = "confidential_export"


def throttled(request: HttpRequest) -> HttpResponse | None:
    """A 429 response with Retry-After when the user has used up their exports, else None."""
    throttle = ExportThrottle()
    if throttle.allow_request(request, None):  # type: ignore[arg-type]  # reads .method and .user only
        return None
    response = HttpResponse(_("Too many exports in the last hour; try again later."), status=429)
    wait = throttle.wait()
    if wait:
        response["Retry-After"] = str(math.ceil(wait))
    return response


def _audit_view(request: HttpRequest, obj: Any, count: int, what: str) -> None:
    """Every view of confidential figures is audited (SECURITY.md AU1); nothing shown, nothing logged."""
    if count:
        audit.record(
            actor=request.user,
            event_type="view_confidential",
            obj=obj,
            detail={"count": count, "what": what},
        )


class WorkflowStepView(ScopedMixin, View):
    """A step page: GET shows the form (or why not), POST calls the service; refusals are form errors."""

    form_class: Any = StepForm
    template_name = "evaluation/workflow_step.html"
    title = ""
    success_message = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # A read-only role's POST is refused before any lookup (TP2): the same 403 for every id.
        if request.method == "POST" and not services.may_write(request.user):
            raise PermissionDenied
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return True

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form = self.form_class(data=data, files=files)
        if data is None and "version" in form.fields:
            form.initial["version"] = getattr(self.object, "version", None)
        return form

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        return {}

    def render_form(self, form: Any) -> HttpResponse:
        context = {
            **self.meta(),
            "object": self.object,
            "form": form,
            "title": self.title,
            "allowed": self.allowed(),
            **self.summary(),
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            result = self.perform(form)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        messages.success(request, self.success_message or _("Saved."))
        return redirect(result or self.object)
