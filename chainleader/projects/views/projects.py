"""Project pages: list with the office's totals, detail with the stage workflow, monthly reports, imports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.core.files import download
from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import (
    ChildEditView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
    style_form,
)

from .. import hooks, importers, selectors, services
from ..filters import MonthlyReportFilter, ProjectFilter
from ..forms import MonthlyReportForm, ProjectForm, StageChangeForm
from ..models import MonthlyReport, Problem, Project, StageChange, StartBatch
from ..tables import (
    PROJECT_COLUMNS,
    PROJECT_EXPORT_COLUMNS,
    REPORT_COLUMNS,
    REPORT_EXPORT_COLUMNS,
)
from .base import WorkflowStepView


class ProjectListView(ObjectListView):
    model = Project
    template_name = "projects/project_list.html"
    partial_template_name = "projects/_project_table.html"
    filterset_class = ProjectFilter
    columns = PROJECT_COLUMNS
    export_columns = PROJECT_EXPORT_COLUMNS
    select_related = ("chain__region", "district")
    add_url_name = "projects:project_add"
    import_url_name = "projects:project_import"

    def filtered(self) -> tuple[Any, Any]:
        qs, filterset = super().filtered()
        if self.request.GET.get("export") == "xlsx":
            qs = qs.select_related("segment", "park", "investor")
        return qs, filterset

    def extra_context_data(self) -> dict[str, Any]:
        qs, _filterset = self.filtered()
        return {"totals": selectors.totals(qs, timezone.localdate().year)}


class ProjectDetailView(ObjectDetailView):
    model = Project
    template_name = "projects/project_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "chain", "segment", "district", "park", "investor", "owner"
        )

    def extra_context_data(self) -> dict[str, Any]:
        user, project = self.request.user, self.object
        today = timezone.localdate()
        reports = list(
            MonthlyReport.objects.for_user(user).filter(project=project).order_by("-month")[:36]
        )
        series = [
            {"month": r.month, "planned": r.planned_yi, "completed": r.completed_yi}
            for r in reversed(reports)
        ]
        problems = selectors.problems_overdue_first(
            Problem.objects.for_user(user).filter(project=project).select_related("department"),
            today,
        )
        can_write = Project.objects.for_user(user, write=True).filter(pk=project.pk).exists()
        return {
            "stage_rows": project.stage_rows(timezone.localdate()),
            "changes": StageChange.objects.for_user(user)
            .filter(project=project)
            .select_related("actor")[:50],
            "reports": reports,
            "chart": selectors.monthly_chart_option(series),
            "problems": problems,
            "batches": StartBatch.objects.for_user(user).filter(projects=project),
            "origins": hooks.project_origins(user, project),
            "can_write": can_write and self.can_edit(),
            "stage_form": StageChangeForm(project=project)
            if can_write and self.can_edit()
            else None,
            "today": today,
        }


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.project_update(
                project=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.project_create(actor=self.request.user, data=data)


class ProjectDeleteView(ObjectDeleteView):
    model = Project
    success_url_name = "projects:project_list"


class ProjectHistoryView(ObjectHistoryView):
    model = Project


class ProjectImportView(ObjectImportView):
    model = Project
    columns = importers.PROJECT_COLUMNS
    examples = importers.PROJECT_EXAMPLES
    import_service = services.project_import
    list_url_name = "projects:project_list"


class ProjectStageView(WorkflowStepView):
    """Move a project forward (with evidence) or back (with a reason): a wrong move is a form error."""

    model = Project
    form_class = StageChangeForm
    template_name = "projects/project_stage.html"
    title = gettext_lazy("Change stage")
    write = False  # found in the readable scope; the service checks the writable one and answers with a message

    def form_kwargs(self) -> dict[str, Any]:
        return {"project": self.object}

    def allowed(self) -> bool:
        return (
            self.can_edit()
            and Project.objects.for_user(self.request.user, write=True)
            .filter(pk=self.object.pk)
            .exists()
        )

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.project_change_stage(
            project=self.object,
            actor=self.request.user,
            to_stage=data["to_stage"],
            happened_on=data.get("happened_on"),
            evidence=data.get("evidence") or "",
            evidence_file=data.get("evidence_file"),
            reason=data.get("reason") or "",
            expected_version=data.get("version"),
        )

    def extra_context(self) -> dict[str, Any]:
        return {
            "forward": services.FORWARD.get(self.object.stage),
            "back": services.BACK.get(self.object.stage),
        }


class StageEvidenceView(ScopedMixin, View):
    """Download the evidence file of one stage change (found through the project's scope)."""

    model = StageChange
    parent_model = Project
    parent_field = "project"

    def get(self, request: HttpRequest, parent_pk: int, pk: int) -> HttpResponse:
        project = get_object_or_404(Project.objects.for_user(request.user), pk=parent_pk)
        change = get_object_or_404(self.scoped().filter(project=project), pk=pk)
        return download(change.evidence_file, f"{project.code}-{change.to_stage}")


# --------------------------------------------------------------------------------------------- monthly reports


class ReportEditView(ChildEditView):
    """Report one month (planned and completed investment) for a project; the same month is updated."""

    model = MonthlyReport
    form_class = MonthlyReportForm
    parent_model = Project
    parent_field = "project"

    def save(self, form: Any) -> Any:
        data = form.cleaned_data
        services.report_save(
            project=self.parent,
            actor=self.request.user,
            month=data["month"],
            planned_yi=data.get("planned_yi"),
            completed_yi=data.get("completed_yi"),
            note=data.get("note") or "",
            expected_version=data.get("version") if self.object.pk else None,
            report=self.object if self.object.pk else None,
        )
        return self.parent


class ReportListView(ObjectListView):
    model = MonthlyReport
    filterset_class = MonthlyReportFilter
    columns = REPORT_COLUMNS
    export_columns = REPORT_EXPORT_COLUMNS
    select_related = ("project", "project__chain__region")
    default_sort = "-month"
    import_url_name = "projects:report_import"


class ReportImportView(ObjectImportView):
    model = MonthlyReport
    columns = importers.REPORT_COLUMNS
    examples = importers.REPORT_EXAMPLES
    import_service = services.report_import
    list_url_name = "projects:report_list"


# --------------------------------------------------------------------------------------------- summaries


class ProjectSummaryView(LoginRequiredMixin, View):
    """Projects by chain, district, stage and band with the office's totals (count, investment, completed)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        year = timezone.localdate().year
        qs = Project.objects.for_user(request.user)
        groups = [
            ("stage", _("By stage"), selectors.summary_by(qs, "stage", year)),
            ("band", _("By investment band"), selectors.summary_by(qs, "band", year)),
            ("district", _("By district"), selectors.summary_by(qs, "district", year)),
            ("chain", _("By chain"), selectors.summary_by(qs, "chain", year)),
        ]
        return render(
            request,
            "projects/project_summary.html",
            {
                "totals": selectors.totals(qs, year),
                "groups": groups,
                "year": year,
                "events": selectors.event_totals(request.user, qs, year),
                "event_year": year,
            },
        )


class ProjectMapView(LoginRequiredMixin, View):
    """项目分布图: projects over Qingdao's districts, from a locally stored boundary file."""

    MAP_NAME = "qingdao"

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = ProjectFilter(
            request.GET or None, queryset=Project.objects.for_user(request.user), request=request
        )
        style_form(filterset.form)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        regions = selectors.qingdao_districts()
        option = selectors.map_option(
            qs, self.MAP_NAME, {code: geo_name(code, name) for code, name in regions.items()}
        )
        figures = sorted(selectors.district_figures(qs), key=lambda f: f["code"])
        return render(
            request,
            "projects/project_map.html",
            {
                "filter": filterset,
                "option": option,
                "figures": figures,
                "map_name": self.MAP_NAME,
                "totals": selectors.totals(qs, timezone.localdate().year),
            },
        )


def geo_name(code: str, name: str) -> str:
    """The feature name in chainleader/static/geo/qingdao-370200.json is the region's current name."""
    return name


class ChainKpiView(LoginRequiredMixin, View):
    """Per chain: projects of ≥ 20亿 signed this year against the target of 2."""

    def get(self, request: HttpRequest) -> HttpResponse:
        raw = request.GET.get("year", "")
        year = min(max(int(raw), 2000), 2100) if raw.isdigit() else timezone.localdate().year
        kpis = selectors.chain_kpis(request.user, year)
        return render(
            request,
            "projects/chain_kpi.html",
            {
                "kpis": kpis,
                "year": year,
                "met": sum(1 for k in kpis if k.met),
                "target": kpis[0].target if kpis else 2,
            },
        )
