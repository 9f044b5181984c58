"""Growth plan pages: the plan list, a plan's progress (chart, years, measures), the echelons of a year, the
imports. Every queryset is for_user(); figures only for scopes granted them, each read audited and limited
(SECURITY.md AC3, AU1, IN5) as on the enterprise page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError
from chainleader.core.import_views import ObjectImportView
from chainleader.core.throttles import (
    confidential_limit_message,
    confidential_read,
    confidential_refusal,
)
from chainleader.core.views import (
    ChildDeleteView,
    ChildEditView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
)
from chainleader.engines import growth as engine
from chainleader.enterprises import hooks as registry_hooks

from . import charts, importers, selectors, services
from .filters import GrowthPlanFilter
from .forms import GrowthPlanForm, MeasureForm, PlanYearForm
from .models import GrowthPlan, Measure, PlanYear
from .tables import PLAN_COLUMNS, PLAN_EXPORT_COLUMNS


def _audit_figures(request: HttpRequest, *, object_type: str, object_id: Any, detail: dict) -> None:
    audit.record(
        actor=request.user,
        event_type="view_confidential",
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


class PlanListView(ObjectListView):
    model = GrowthPlan
    template_name = "growth/plan_list.html"
    filterset_class = GrowthPlanFilter
    columns = PLAN_COLUMNS
    export_columns = PLAN_EXPORT_COLUMNS
    default_sort = "enterprise__name_sort"
    secondary_sort = ("-base_year",)
    add_url_name = "growth:plan_add"
    import_url_name = "growth:plan_import"

    def get_queryset(self) -> Any:
        return selectors.with_progress(self.scoped(), self.request.user)

    def export(self, qs: Any) -> HttpResponse:
        if selectors.figures_visible(self.request.user):
            refused = confidential_refusal(self.request)
            if refused is not None:
                return refused
            _audit_figures(
                self.request,
                object_type="growth.growthplan",
                object_id="",
                detail={"count": qs.count(), "view": "export"},
            )
        return super().export(qs)

    def export_objects(self, qs: Any) -> Iterable[Any]:
        hidden = not selectors.figures_visible(self.request.user)
        for plan in qs.iterator(chunk_size=500):
            if hidden:
                # A scope without confidential figures exports the plans without their figures.
                for name in GrowthPlan.CONFIDENTIAL_FIELDS:
                    setattr(plan, name, None)
            yield plan

    def extra_context_data(self) -> dict[str, Any]:
        return {
            "can_see_figures": selectors.figures_visible(self.request.user),
            "measure_import": self.can_edit(),
        }


class PlanDetailView(ObjectDetailView):
    model = GrowthPlan
    template_name = "growth/plan_detail.html"

    def get_queryset(self) -> Any:
        return selectors.with_progress(self.scoped(), self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self) -> HttpResponse:
        plan = self.get_object()
        if not selectors.figures_visible(self.request.user):
            return HttpResponse(_("Your role may not see these figures."), status=403)
        refused = confidential_refusal(self.request)
        if refused is not None:
            return refused
        header, rows = selectors.progress_table(plan)
        _audit_figures(
            self.request,
            object_type="growth.growthplan",
            object_id=plan.pk,
            detail={"view": "progress export"},
        )
        audit.record(
            actor=self.request.user,
            event_type="export",
            obj=plan,
            detail={"rows": len(rows), "view": "plan progress"},
        )
        title = f"{plan.enterprise.name} {plan.base_year}-{plan.target_year}"
        return excel.xlsx_response(
            excel.export_workbook([(str(_("Plan progress")), header, rows)]), f"{title}.xlsx"
        )

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        plan = self.object
        visible = selectors.figures_visible(user)
        limited = False
        if visible and confidential_read(self.request) is not None:
            # Over the hourly limit of confidential reads, pages and API together (SECURITY.md IN5).
            visible, limited = False, True
        if visible:
            _audit_figures(
                self.request, object_type="growth.growthplan", object_id=plan.pk, detail={}
            )
        progress = plan.progress()
        # The firm's projects and the investment they completed per year (the project scheduling's reports,
        # through the registry's hooks: growth does not import projects), beside the plan's own investment.
        projects = registry_hooks.enterprise_panels["projects"](plan.enterprise, user)
        completed = registry_hooks.firm_project_investment(plan.enterprise, user)
        typed = {y.year: y.investment_actual_wan for y in plan.visible_years} if visible else {}
        investment_rows = [
            (year, typed.get(year), completed[year] * 10000 if year in completed else None)
            for year in range(plan.base_year, plan.target_year + 1)
            if year in completed or typed.get(year) is not None
        ]
        return {
            "projects": projects,
            "investment_rows": investment_rows,
            "can_see_figures": visible,
            "figures_limited": confidential_limit_message() if limited else "",
            "progress": progress if visible else None,
            "chart": charts.progress_chart(progress) if visible else None,
            "progress_rows": selectors.progress_rows(progress) if visible else [],
            "tolerance": selectors.tolerance_percent(),
            "years": plan.visible_years if visible else [],
            "measures": Measure.objects.for_user(user)
            .filter(plan=plan)
            .select_related("responsible_unit"),
            "may_edit": self.can_edit() and visible,
        }


class PlanEditView(ObjectEditView):
    model = GrowthPlan
    form_class = GrowthPlanForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.plan_update(
                plan=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.plan_create(actor=self.request.user, data=data)


class PlanDeleteView(ObjectDeleteView):
    model = GrowthPlan
    success_url_name = "growth:plan_list"


class PlanHistoryView(ObjectHistoryView):
    model = GrowthPlan


class PlanYearEditView(ChildEditView):
    model = PlanYear
    form_class = PlanYearForm
    parent_model = GrowthPlan
    parent_field = "plan"

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        services.plan_year_save(
            plan=self.parent,
            actor=self.request.user,
            data=data,
            instance=self.object if self.object.pk else None,
            expected_version=form.cleaned_data.get("version"),
        )
        return self.parent


class PlanYearDeleteView(ChildDeleteView):
    model = PlanYear
    parent_model = GrowthPlan
    parent_field = "plan"


class MeasureEditView(ChildEditView):
    model = Measure
    form_class = MeasureForm
    parent_model = GrowthPlan
    parent_field = "plan"

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        services.measure_save(
            plan=self.parent,
            actor=self.request.user,
            data=data,
            instance=self.object if self.object.pk else None,
            expected_version=form.cleaned_data.get("version"),
        )
        return self.parent


class MeasureDeleteView(ChildDeleteView):
    model = Measure
    parent_model = GrowthPlan
    parent_field = "plan"


class MeasureDoneView(ScopedMixin, View):
    """Mark a measure done (POST from the plan's page)."""

    model = Measure
    write = True

    def post(self, request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        measure = get_object_or_404(self.scoped().filter(plan_id=plan_pk), pk=pk)
        try:
            services.measure_mark_done(measure=measure, actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Measure marked done."))
        return redirect(measure.plan)


class PlanImportView(ObjectImportView):
    model = GrowthPlan
    columns = importers.PLAN_COLUMNS
    examples = importers.PLAN_EXAMPLES
    import_service = services.plans_import
    list_url_name = "growth:plan_list"


class MeasureImportView(ObjectImportView):
    model = Measure
    columns = importers.MEASURE_COLUMNS
    examples = importers.MEASURE_EXAMPLES
    import_service = services.measures_import
    list_url_name = "growth:plan_list"


class EchelonView(ScopedMixin, View):
    """梯队: firms in the 30 / 50 / 100亿 echelons of a year by revenue, and who moved up or down since the
    year before. All of it is confidential figures: refused (429) over the hourly limit, audited."""

    model = GrowthPlan

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        visible = selectors.figures_visible(user)
        years = selectors.figure_years(user) if visible else []
        year_text = request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() and int(year_text) in years else None
        if year is None and years:
            year = years[0]
        table = None
        if visible and year is not None:
            refused = confidential_refusal(request)
            if refused is not None:
                return refused
            table = selectors.echelon_table(user, year)
            _audit_figures(
                request,
                object_type="enterprises.yearfigure",
                object_id="",
                detail={"year": year, "count": len(table.rows), "view": "echelons"},
            )
            if request.GET.get("export") == "xlsx":
                header, rows = selectors.echelon_export(table)
                audit.record(
                    actor=user,
                    event_type="export",
                    object_type="enterprises.yearfigure",
                    detail={"rows": len(rows), "view": "echelons", "year": year},
                )
                title = _("Echelons %(year)s") % {"year": year}
                return excel.xlsx_response(
                    excel.export_workbook([(title, header, rows)]), f"{title}.xlsx"
                )
        return render(
            request,
            "growth/echelons.html",
            {
                "can_see_figures": visible,
                "years": years,
                "year": year,
                "table": table,
                "levels": engine.ECHELONS,
                "sections": [(level, table.in_echelon(level)) for level in engine.ECHELONS]
                if table
                else [],
            },
        )
