"""Problem ledger pages (问题台账): list (overdue first), detail with history, raise, and the four steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.core.exceptions import ServiceError
from chainleader.core.files import download
from chainleader.core.views import ObjectDetailView, ObjectHistoryView, ObjectListView, ScopedMixin

from .. import selectors, services
from ..filters import ProblemFilter
from ..forms import AnswerForm, AssignForm, CloseForm, ProblemForm, VerifyForm
from ..models import Problem, ProblemEvent, Project
from ..tables import PROBLEM_COLUMNS, PROBLEM_EXPORT_COLUMNS
from .base import WorkflowStepView


class ProblemListView(ObjectListView):
    """The ledger: overdue problems first, then by deadline (per project and per chain through the filters)."""

    model = Problem
    template_name = "projects/problem_list.html"
    filterset_class = ProblemFilter
    columns = PROBLEM_COLUMNS
    export_columns = PROBLEM_EXPORT_COLUMNS
    select_related = ("chain__region", "project", "department", "enterprise")
    add_url_name = "projects:problem_add"

    def filtered(self) -> tuple[Any, Any]:
        qs, filterset = super().filtered()
        if not self.request.GET.get("sort"):
            qs = selectors.problems_overdue_first(qs, timezone.localdate())
        return qs, filterset

    def extra_context_data(self) -> dict[str, Any]:
        qs, _f = self.filtered()
        return {
            "counts": selectors.problem_counts(qs, timezone.localdate()),
            "today": timezone.localdate(),
        }


class ProblemDetailView(ObjectDetailView):
    model = Problem
    template_name = "projects/problem_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "chain", "project", "department", "raised_by_unit", "region", "enterprise"
        )

    def extra_context_data(self) -> dict[str, Any]:
        problem = self.object
        return {
            "events": ProblemEvent.objects.for_user(self.request.user)
            .filter(problem=problem)
            .select_related("actor"),
            "actions": services.allowed_actions(problem, self.request.user),
            "overdue": problem.is_overdue(timezone.localdate()),
        }


class ProblemHistoryView(ObjectHistoryView):
    model = Problem


class ProblemRaiseView(ScopedMixin, View):
    """Raise a problem on a chain or one of the user's projects (the team, a district, the office)."""

    model = Problem
    template_name = "projects/problem_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = None
        self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: Any) -> HttpResponse:
        return render(
            self.request, self.template_name, {**self.meta(), "form": form, "project": self.project}
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(ProblemForm(user=request.user, project=self.project))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProblemForm(request.POST, request.FILES, user=request.user, project=self.project)
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        project = self.project or data.get("project")
        try:
            problem = services.problem_raise(
                actor=request.user,
                chain=project.chain if project else data["chain"],
                project=project,
                title=data["title"],
                description=data.get("description") or "",
                category=data["category"],
                attachment=data.get("attachment"),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        messages.success(request, _("The problem was raised."))
        return redirect(problem)


class ProjectProblemRaiseView(ProblemRaiseView):
    """Raise a problem from a project's page (the project is in the user's writable scope)."""

    parent_model = Project
    parent_field = "project"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # The role decides before any lookup: a read-only role gets 403 whatever the id (TP2), so the answer
        # never tells which projects exist (AC1).
        self.require_editor()
        self.project = get_object_or_404(
            Project.objects.for_user(request.user, write=True), pk=kwargs["parent_pk"]
        )
        return View.dispatch(self, request, *args, **kwargs)


class ProblemStepView(WorkflowStepView):
    model = Problem
    action = ""

    def get_queryset(self) -> Any:
        return self.scoped().select_related("chain", "project", "department")

    def allowed(self) -> bool:
        return self.action in services.allowed_actions(self.object, self.request.user)


class ProblemAssignView(ProblemStepView):
    form_class = AssignForm
    action = "assign"
    title = gettext_lazy("Assign to a department")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.problem_assign(
            problem=self.object,
            actor=self.request.user,
            department=d["department"],
            deadline=d["deadline"],
            note=d.get("note") or "",
            expected_version=d.get("version"),
        )


class ProblemAnswerView(ProblemStepView):
    form_class = AnswerForm
    action = "answer"
    title = gettext_lazy("Answer")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.problem_answer(
            problem=self.object,
            actor=self.request.user,
            answer=d["answer"],
            attachment=d.get("attachment"),
            expected_version=d.get("version"),
        )


class ProblemVerifyView(ProblemStepView):
    form_class = VerifyForm
    action = "verify"
    title = gettext_lazy("Verify the answer")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.problem_verify(
            problem=self.object,
            actor=self.request.user,
            accepted=d["accepted"],
            note=d.get("note") or "",
            expected_version=d.get("version"),
        )


class ProblemCloseView(ProblemStepView):
    form_class = CloseForm
    action = "close"
    title = gettext_lazy("Close out")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.problem_close(
            problem=self.object,
            actor=self.request.user,
            note=d.get("note") or "",
            expected_version=d.get("version"),
        )


class ProblemFileView(ScopedMixin, View):
    """Download the attachment of one step of a problem (found through the problem's scope)."""

    model = ProblemEvent
    parent_model = Problem
    parent_field = "problem"

    def get(self, request: HttpRequest, parent_pk: int, pk: int) -> HttpResponse:
        problem = get_object_or_404(Problem.objects.for_user(request.user), pk=parent_pk)
        event = get_object_or_404(self.scoped().filter(problem=problem), pk=pk)
        return download(event.attachment, f"problem-{problem.pk}-{event.action}")
