"""What the evaluation pages share: the export throttle, the audit of views, the workflow step page."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chainleader.accounts.policy import is_editor_or_firm
from chainleader.core import audit
from chainleader.core.throttles import ConfidentialFiguresThrottle
from chainleader.core.views import WorkflowStepView as CoreWorkflowStepView

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


class WorkflowStepView(CoreWorkflowStepView):
    """A step page: GET shows the form (or why not), POST calls the service; refusals are form errors."""

    form_class: Any = StepForm
    template_name = "evaluation/workflow_step.html"

    def refuse(self, request: HttpRequest) -> None:
        # A read-only role's POST is refused before any lookup (TP2): the same 403 for every id.
        if request.method == "POST" and not is_editor_or_firm(request.user):
            raise PermissionDenied

    def summary(self) -> dict[str, Any]:
        return {}

    def extra_context(self) -> dict[str, Any]:
        return self.summary()
