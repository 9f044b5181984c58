"""A workflow step page: GET shows the step's form, POST calls one service; refusals become form errors.

Every step page finds its record through the user's scoped queryset first (out of scope: 404, POST included),
so GET answers 200 for anyone who can see the record; whether the user may take the step is the service's
rule, shown on the page before the form is even filled.
"""

from __future__ import annotations

from chainleader.core.views import WorkflowStepView as CoreWorkflowStepView


class WorkflowStepView(CoreWorkflowStepView):
    template_name = "projects/workflow_step.html"
