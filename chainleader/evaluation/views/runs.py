"""Run pages: the list with the start form, the run with its charts, review, publish, the workbook."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from chainleader.accounts.policy import is_office
from chainleader.core import excel
from chainleader.core.exceptions import ServiceError
from chainleader.core.views import (
    ObjectDetailView,
    ObjectListView,
    ScopedMixin,
)
from chainleader.enterprises.models import YearFigure

from .. import charts, selectors, services
from ..forms import (
    RunStartForm,
)
from ..models import Appeal, EvaluationRun, Grade
from ..tables import (
    RUN_COLUMNS,
)
from .base import WorkflowStepView, _audit_view, throttled


class RunListView(ObjectListView):
    model = EvaluationRun
    template_name = "evaluation/run_list.html"
    columns = RUN_COLUMNS
    select_related = ("scheme",)
    default_sort = "-year"

    def get_queryset(self) -> Any:
        return selectors.runs_with_counts(super().get_queryset(), self.request.user)

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        office = is_office(user)
        form = None
        if office:
            current = services.scheme_current()
            latest = YearFigure.objects.for_user(user).aggregate(year=Max("year"))["year"]
            form = RunStartForm(user=user, initial={"scheme": current.pk, "year": latest})
        return {"start_form": form, "job_id": self.request.GET.get("job", "")}


class RunStartView(LoginRequiredMixin, View):
    """Start a run (office): the task computes it in the background; the run page shows the progress."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("evaluation:run_list")

    def post(self, request: HttpRequest) -> HttpResponse:
        if not is_office(request.user):
            raise PermissionDenied
        form = RunStartForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("evaluation:run_list")
        try:
            run = services.evaluation_run_start(
                year=form.cleaned_data["year"],
                scheme=form.cleaned_data["scheme"],
                actor=request.user,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("evaluation:run_list")
        return redirect(f"{reverse('evaluation:run_detail', args=[run.pk])}?job={run.job_id}")


class RunDetailView(ObjectDetailView):
    model = EvaluationRun
    template_name = "evaluation/run_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("scheme", "job")

    def extra_context_data(self) -> dict[str, Any]:
        run, user = self.object, self.request.user
        counts = selectors.grade_counts(run, user)
        graded = sum(counts[g] for g in Grade.values)
        context: dict[str, Any] = {
            "counts": [(g, Grade(g).label, counts[g]) for g in Grade.values],
            "ungraded": counts[""],
            "graded": graded,
            "actions": services.run_actions(run, user),
            "job_id": self._job_id(),
        }
        if run.computed and graded:
            districts = selectors.grades_by_district(run, user)
            chains = selectors.grades_by_chain(run, user)
            tax = selectors.tax_per_mu_by_district(run, user)
            move = selectors.grade_movement(run, user)
            context.update(
                {
                    "districts": districts,
                    "chains": chains,
                    "tax": tax,
                    "movement": move,
                    "chart_districts": charts.grades_stacked(districts),
                    "chart_chains": charts.grades_stacked(chains, vertical_names=True),
                    "chart_scores": charts.score_histogram(selectors.score_histogram(run, user)),
                    "chart_tax": charts.tax_per_mu(tax),
                    "chart_movement": charts.movement(move, year=run.year) if move else None,
                }
            )
        _audit_view(self.request, run, graded, "evaluation charts")
        return context

    def _job_id(self) -> int | None:
        run = self.object
        if run.job_id and run.job and run.job.created_by_id == self.request.user.pk:
            return run.job_id
        return None


class RunStepView(WorkflowStepView):
    model = EvaluationRun
    template_name = "evaluation/run_step.html"
    action = ""

    def allowed(self) -> bool:
        return self.action in services.run_actions(self.object, self.request.user)


class RunReviewView(RunStepView):
    action = "review"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Open the review")

    def perform(self, form: Any) -> Any:
        services.run_review_open(
            run=self.object, actor=self.request.user, expected_version=form.cleaned_data["version"]
        )
        self.success_message = _("The review is open: districts and firms see the results.")
        return self.object


class RunPublishView(RunStepView):
    action = "publish"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Publish the final classes")

    def summary(self) -> dict[str, Any]:
        return {
            "open_appeals": Appeal.objects.for_user(self.request.user)
            .filter(result__run=self.object)
            .open()
            .count()
        }

    def perform(self, form: Any) -> Any:
        services.run_publish(
            run=self.object, actor=self.request.user, expected_version=form.cleaned_data["version"]
        )
        self.success_message = _("Published: the classes are final.")
        return self.object


class RunExportView(ScopedMixin, View):
    """The results workbook: a sheet per class, the ungraded, and the scheme used (audited, throttled)."""

    model = EvaluationRun

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.get_object()
        refused = throttled(request)
        if refused is not None:
            return refused
        content, filename = services.results_workbook(run=run, actor=request.user)
        return excel.xlsx_response(content, filename)
