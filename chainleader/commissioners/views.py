"""Pages of service commissioners: the assignment list, an assignment with its visits, assign / change / end,
log a visit, "my firms", the coverage figures, and the two imports (decision 0023)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.models import ADMIN_ROLES, Role
from chainleader.accounts.policy import is_editor
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError
from chainleader.core.files import download
from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import (
    ObjectDetailView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
    WorkflowStepView,
)
from chainleader.enterprises.models import Enterprise
from chainleader.projects.models import Problem

from . import importers, selectors, services
from .filters import AssignmentFilter
from .forms import AssignForm, AssignmentEditForm, UnassignForm, VisitForm
from .models import Assignment, Visit
from .tables import ASSIGNMENT_COLUMNS_LIST, ASSIGNMENT_EXPORT_COLUMNS


def is_firm(user: Any) -> bool:
    return getattr(user, "role", "") == Role.ENTERPRISE


class AssignmentListView(ObjectListView):
    """服务专员: who serves which firm, since when, and when the next visit is due (overdue first on request)."""

    model = Assignment
    filterset_class = AssignmentFilter
    columns = ASSIGNMENT_COLUMNS_LIST
    export_columns = ASSIGNMENT_EXPORT_COLUMNS
    select_related = ("enterprise__region", "commissioner__org_unit")
    default_sort = "enterprise__name_sort"
    add_url_name = "commissioners:assignment_add"
    import_url_name = "commissioners:assignment_import"
    template_name = "commissioners/assignment_list.html"

    def extra_context_data(self) -> dict[str, Any]:
        qs = Assignment.objects.for_user(self.request.user).current()
        return {
            "current_count": qs.count(),
            "overdue_count": qs.overdue().count(),
            "may_import_visits": is_editor(self.request.user),
        }


class AssignmentDetailView(ObjectDetailView):
    model = Assignment
    template_name = "commissioners/assignment_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("enterprise__region", "commissioner__org_unit")

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        a = self.object
        visits = (
            Visit.objects.for_user(user)
            .filter(assignment=a)
            .select_related("visitor")
            .prefetch_related("requests")
        )
        firm = is_firm(user)
        return {
            "visits": visits,
            "is_firm": firm,
            "overdue": a.is_overdue(),
            "may_visit": not firm and services.may_log_visit(user, a),
            "may_change": a.until is None and is_editor(user) and self.can_edit(),
            "open_requests": [] if firm else selectors.open_requests([a.enterprise_id]),
            "visible_requests": set(
                Problem.objects.for_user(user)
                .filter(source=Problem.Source.FIRM, enterprise_id=a.enterprise_id)
                .values_list("pk", flat=True)
            ),
        }


class AssignmentHistoryView(ObjectHistoryView):
    model = Assignment
    refused_roles = (Role.ENTERPRISE,)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_firm(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)


class AssignView(ScopedMixin, View):
    """指定服务专员: name a firm's commissioner (``?enterprise=<id>`` from the firm's page)."""

    model = Assignment
    write = True
    template_name = "commissioners/assign.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def _enterprise(self) -> Any:
        raw = self.request.GET.get("enterprise", "")
        if not raw.isdigit():
            return None
        return (
            Enterprise.objects.for_user(self.request.user, write=True).filter(pk=int(raw)).first()
        )

    def render_form(self, form: Any) -> HttpResponse:
        return render(self.request, self.template_name, {**self.meta(), "form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(AssignForm(user=request.user, enterprise=self._enterprise()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AssignForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_form(form)
        d = form.cleaned_data
        try:
            assignment = services.assign(
                actor=request.user,
                enterprise=d["enterprise"],
                commissioner=d["commissioner"],
                kind=d["kind"],
                since=d["since"],
                visit_interval_days=d["visit_interval_days"],
                notes=d.get("notes") or "",
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        from django.contrib import messages

        messages.success(request, _("Saved."))
        return redirect(assignment)


class _EditorStepView(WorkflowStepView):
    """A change only editors make, on the writable scope: other roles get 403 before any lookup (TP2)."""

    model = Assignment
    write = True
    template_name = "projects/workflow_step.html"

    def refuse(self, request: HttpRequest) -> None:
        if not is_editor(request.user):
            raise PermissionDenied

    def allowed(self) -> bool:
        return self.object.until is None


class AssignmentEditView(_EditorStepView):
    form_class = AssignmentEditForm
    title = gettext_lazy("Change the assignment")

    def form_kwargs(self) -> dict[str, Any]:
        return {"assignment": self.object}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.assignment_update(
            actor=self.request.user,
            assignment=self.object,
            data={
                "kind": d["kind"],
                "visit_interval_days": d["visit_interval_days"],
                "notes": d.get("notes") or "",
            },
            expected_version=d.get("version"),
        )


class AssignmentEndView(_EditorStepView):
    form_class = UnassignForm
    title = gettext_lazy("End the assignment")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.unassign(
            actor=self.request.user,
            assignment=self.object,
            until=d["until"],
            reason=d.get("reason") or "",
            expected_version=d.get("version"),
        )


class VisitLogView(WorkflowStepView):
    """记录走访: the firm's commissioner (whatever their role) or an editor logs a visit to the firm."""

    model = Assignment
    form_class = VisitForm
    template_name = "projects/workflow_step.html"
    title = gettext_lazy("Log a visit")
    success_message = gettext_lazy("Visit logged.")
    refused_roles = (Role.ENTERPRISE,)

    def refuse(self, request: HttpRequest) -> None:
        if is_firm(request.user):
            raise PermissionDenied

    def allowed(self) -> bool:
        return services.may_log_visit(self.request.user, self.object)

    def form_kwargs(self) -> dict[str, Any]:
        return {"assignment": self.object, "user": self.request.user}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        services.visit_log(
            actor=self.request.user,
            assignment=self.object,
            on=d["on"],
            form=d["form"],
            notes=d.get("notes") or "",
            requests=list(d.get("requests") or []),
            attachment=d.get("attachment"),
        )
        return self.object


class VisitFileView(ScopedMixin, View):
    """Download a visit's record file (found through the assignment's scope): the visited firm reads it too, as
    it reads the visit without the cadre's notes."""

    model = Visit
    parent_model = Assignment
    parent_field = "assignment"

    def get(self, request: HttpRequest, parent_pk: int, pk: int) -> HttpResponse:
        assignment = get_object_or_404(Assignment.objects.for_user(request.user), pk=parent_pk)
        visit = get_object_or_404(self.scoped().filter(assignment=assignment), pk=pk)
        return download(visit.attachment, f"visit-{assignment.pk}-{visit.on:%Y%m%d}")


class MyFirmsView(LoginRequiredMixin, View):
    """我的包抓企业: the logged-in commissioner's firms, overdue visits first, and their open requests."""

    def get(self, request: HttpRequest) -> HttpResponse:
        role = getattr(request.user, "role", "")
        if role == Role.ENTERPRISE or role in ADMIN_ROLES:
            raise PermissionDenied
        return render(request, "commissioners/my_firms.html", selectors.my_firms(request.user))


class CoverageView(LoginRequiredMixin, View):
    """包抓覆盖: per district and per unit, key firms, assigned, coverage, visits in the year, overdue;
    ``?export=xlsx`` writes both tables. Firm accounts and administrators see no coverage (403)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        role = getattr(request.user, "role", "")
        if role == Role.ENTERPRISE or role in ADMIN_ROLES:
            raise PermissionDenied
        today = timezone.localdate()
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year
        districts = selectors.coverage_by_district(request.user, year, today)
        units = selectors.coverage_by_unit(request.user, year, today)
        d_total = selectors.totals(districts, ("key_firms", "assigned", "visits", "overdue"))
        d_total["coverage"] = selectors._ratio(d_total["assigned"], d_total["key_firms"])
        if request.GET.get("export") == "xlsx":
            return self.export(districts, units, year)
        return render(
            request,
            "commissioners/coverage.html",
            {
                "year": year,
                "years": list(range(today.year, today.year - 5, -1)),
                "districts": districts,
                "units": units,
                "total": d_total,
                "synthetic": Assignment.objects.for_user(request.user)
                .filter(is_synthetic=True)
                .exists(),
            },
        )

    def export(
        self, districts: list[dict[str, Any]], units: list[dict[str, Any]], year: int
    ) -> HttpResponse:
        d_header = [
            _("District"),
            _("key firms"),
            _("with a commissioner"),
            _("coverage (%)"),
            _("visits in the year"),
            _("overdue visits"),
        ]
        d_rows = [
            [
                str(r["region"] or ""),
                r["key_firms"],
                r["assigned"],
                r["coverage"],
                r["visits"],
                r["overdue"],
            ]
            for r in districts
        ]
        u_header = [
            _("unit"),
            _("commissioners"),
            _("firms assigned"),
            _("firms visited in the year"),
            _("visited (%)"),
            _("visits in the year"),
            _("overdue visits"),
        ]
        u_rows = [
            [
                r["unit_name"],
                r["commissioners"],
                r["firms"],
                r["visited"],
                r["visited_share"],
                r["visits"],
                r["overdue"],
            ]
            for r in units
        ]
        title = _("Commissioner coverage %(year)s") % {"year": year}
        content = excel.export_workbook(
            [
                (str(_("By district")), [str(h) for h in d_header], d_rows),
                (str(_("By unit")), [str(h) for h in u_header], u_rows),
            ]
        )
        audit.record(
            actor=self.request.user,
            event_type="export",
            object_type="commissioners.assignment",
            detail={"view": "coverage", "year": year, "rows": len(d_rows) + len(u_rows)},
        )
        return excel.xlsx_response(content, f"{title}.xlsx")


class AssignmentImportView(ObjectImportView):
    model = Assignment
    columns = importers.ASSIGNMENT_COLUMNS
    examples = importers.ASSIGNMENT_EXAMPLES
    import_service = importers.assignment_import
    list_url_name = "commissioners:assignment_list"


class VisitImportView(ObjectImportView):
    model = Visit
    columns = importers.VISIT_COLUMNS
    examples = importers.VISIT_EXAMPLES
    import_service = importers.visit_import
    list_url_name = "commissioners:assignment_list"
