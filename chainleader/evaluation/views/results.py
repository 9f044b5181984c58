"""Result and appeal pages: lists by class, district, park, chain; a firm's result; the appeal steps."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from chainleader.core import excel
from chainleader.core.throttles import confidential_refusal
from chainleader.core.views import (
    ObjectDetailView,
    ObjectListView,
    ScopedMixin,
)

from .. import charts, selectors, services
from .. import evidence as evidence_files
from ..filters import AppealFilter, ResultFilter
from ..forms import (
    AppealCheckForm,
    AppealDecideForm,
    AppealForm,
)
from ..models import Appeal, ClassMeasure, EvaluationResult, EvaluationRun
from ..tables import (
    APPEAL_COLUMNS,
    RESULT_COLUMNS,
    RESULT_EXPORT_COLUMNS,
)
from .base import WorkflowStepView, _audit_view, throttled


class ResultListView(ObjectListView):
    """A run's results: lists by class, district, park, chain and group (the filters)."""

    model = EvaluationResult
    parent_model = EvaluationRun
    parent_field = "run"
    template_name = "evaluation/result_list.html"
    filterset_class = ResultFilter
    columns = RESULT_COLUMNS
    export_columns = RESULT_EXPORT_COLUMNS
    select_related = ("enterprise__region", "enterprise__park")
    default_sort = "group"
    secondary_sort = (F("rank").asc(nulls_last=True),)  # within a group, by rank

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.run = get_object_or_404(
            EvaluationRun.objects.for_user(request.user), pk=kwargs["parent_pk"]
        )
        # An export counts against the export limit, a page against the confidential reads (IN5).
        refused = (
            throttled(request)
            if request.GET.get("export") == "xlsx"
            else confidential_refusal(request)
        )
        if refused is not None:
            return refused
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return self.scoped().filter(run=self.run)

    def extra_context_data(self) -> dict[str, Any]:
        return {"run": self.run}


class ConfidentialDetailView(ObjectDetailView):
    """A page of one firm's confidential figures: counted against the hourly limit of confidential reads,
    pages and API together; over it, 429 (SECURITY.md IN5)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return confidential_refusal(request) or super().get(request, *args, **kwargs)


class ResultDetailView(ConfidentialDetailView):
    model = EvaluationResult
    template_name = "evaluation/result_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "run__scheme", "enterprise__region", "enterprise__park", "enterprise__industry"
        )

    def extra_context_data(self) -> dict[str, Any]:
        result, user = self.object, self.request.user
        parts = selectors.result_contributions(result)
        before = selectors.previous_result(result, user)
        measure = ClassMeasure.objects.for_user(user).filter(grade=result.grade).first()
        streak = None
        if result.run.status == EvaluationRun.Status.PUBLISHED and result.grade:
            streak = selectors.classes_for([result.enterprise_id], result.run.year).get(
                result.enterprise_id
            )
        _audit_view(self.request, result, 1, "evaluation result")
        return {
            "parts": parts,
            "chart_parts": charts.contributions(parts) if parts and result.graded else None,
            "before": before,
            "score_change": (result.score - before.score)
            if before is not None and result.score is not None and before.score is not None
            else None,
            "measure": measure,
            "streak": streak[1] if streak else None,
            "appeals": Appeal.objects.for_user(user).filter(result=result),
            "may_appeal": services.may_appeal(result, user),
        }


class ResultAppealView(WorkflowStepView):
    """A firm (or its district) appeals a figure of the result, with evidence."""

    model = EvaluationResult
    form_class = AppealForm
    template_name = "evaluation/result_appeal.html"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Appeal a figure")

    def allowed(self) -> bool:
        return services.may_appeal(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        appeal = services.appeal_submit(
            result=self.object,
            actor=self.request.user,
            field=form.cleaned_data["field"],
            claimed_value=form.cleaned_data["claimed_value"],
            evidence=form.cleaned_data["evidence"],
            note=form.cleaned_data["note"],
        )
        self.success_message = _("The appeal was submitted; the district checks it next.")
        return appeal


# ---------------------------------------------------------------------------------------------
# Appeals
# ---------------------------------------------------------------------------------------------


class AppealListView(ObjectListView):
    model = Appeal
    filterset_class = AppealFilter
    columns = APPEAL_COLUMNS
    select_related = ("enterprise", "result__run")
    default_sort = "-submitted_at"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            refused = throttled(request)
            if refused is not None:
                return refused
        return super().get(request, *args, **kwargs)


class AppealDetailView(ConfidentialDetailView):
    model = Appeal
    template_name = "evaluation/appeal_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "enterprise", "result__run", "submitted_by", "checked_by", "decided_by"
        )

    def extra_context_data(self) -> dict[str, Any]:
        _audit_view(self.request, self.object, 1, "appeal")
        return {"actions": services.appeal_actions(self.object, self.request.user)}


class AppealCheckView(WorkflowStepView):
    model = Appeal
    form_class = AppealCheckForm
    template_name = "evaluation/appeal_step.html"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("District check")

    def allowed(self) -> bool:
        return "check" in services.appeal_actions(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        return services.appeal_district_check(
            appeal=self.object,
            actor=self.request.user,
            supports=form.cleaned_data["supports"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )


class AppealDecideView(WorkflowStepView):
    model = Appeal
    form_class = AppealDecideForm
    template_name = "evaluation/appeal_step.html"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Decide the appeal")

    def allowed(self) -> bool:
        return "decide" in services.appeal_actions(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        return services.appeal_decide(
            appeal=self.object,
            actor=self.request.user,
            accepted=form.cleaned_data["accepted"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )


class AppealEvidenceView(ScopedMixin, View):
    """The evidence file, as a download, after the appeal was found in the user's scope."""

    model = Appeal

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        appeal = self.get_object()
        # Audited by the download itself ("download", the appeal, "evidence"), as every stored file.
        return evidence_files.download(appeal.evidence, appeal.evidence_name)


class AppealRecordView(ScopedMixin, View):
    """The appeal record as a Word document (audited, throttled)."""

    model = Appeal

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        appeal = self.get_object()
        refused = throttled(request)
        if refused is not None:
            return refused
        content, filename = services.appeal_record(appeal=appeal, actor=request.user)
        response = excel.xlsx_response(content, filename)
        response["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        return response
