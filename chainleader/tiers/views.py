"""Pages of the tier pipeline (梯度培育): the pipeline list, a candidate's criteria check, finding candidates, a
firm's check against every tier, the counts against the targets, the targets, the import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.policy import is_editor
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import download
from chainleader.core.import_views import ObjectImportView
from chainleader.core.throttles import confidential_limit_message, confidential_read
from chainleader.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
    WorkflowStepView,
)
from chainleader.engines import tier_criteria as engine
from chainleader.enterprises.models import Enterprise

from . import importers, selectors, services
from .filters import CandidateFilter, TargetFilter
from .forms import CandidateForm, FindForm, StepForm, TargetForm
from .models import TierCandidate, TierTarget
from .tables import CANDIDATE_COLUMNS_SHOWN, CANDIDATE_EXPORT_COLUMNS, TARGET_COLUMNS


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _checks_shown(request: HttpRequest, firm: Enterprise, years: list[int]) -> tuple[bool, str]:
    """Whether the page may show confidential figures in its checks (the hourly limit, SECURITY.md IN5), with
    the audit row of the read (AU1) when it shows them."""
    if not selectors.figures_visible(request.user):
        return False, ""
    if confidential_read(request) is not None:
        return False, confidential_limit_message()
    audit.record(
        actor=request.user,
        event_type="view_confidential",
        obj=firm,
        detail={"view": "tier criteria", "years": years},
    )
    return True, ""


class CandidateListView(ObjectListView):
    """梯度培育库: firms in the pipeline of each tier, by year, status and district."""

    model = TierCandidate
    template_name = "tiers/candidate_list.html"
    filterset_class = CandidateFilter
    columns = CANDIDATE_COLUMNS_SHOWN
    export_columns = CANDIDATE_EXPORT_COLUMNS
    select_related = ("enterprise__region",)
    default_sort = "-year"
    secondary_sort = ("tier", "enterprise__name_sort")
    add_url_name = "tiers:candidate_add"
    import_url_name = "tiers:candidate_import"


class CandidateDetailView(ObjectDetailView):
    """A candidate's criteria check: each criterion with the value found, the threshold and the result."""

    model = TierCandidate
    template_name = "tiers/candidate_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("enterprise__region", "enterprise__industry", "owner")

    def extra_context_data(self) -> dict[str, Any]:
        cand = self.object
        shown, limited = _checks_shown(
            self.request,
            cand.enterprise,
            list(range(cand.year - selectors.FIGURE_YEARS, cand.year)),
        )
        verdict = selectors.verdict_for(self.request.user, cand, figures=shown)
        may = is_editor(self.request.user) and self.scoped_write_has(cand)
        open_ = cand.status in (TierCandidate.Status.CANDIDATE, TierCandidate.Status.APPLIED)
        return {
            "verdict": verdict,
            "figures_limited": limited,
            "may_edit": may,
            "may_step": may and open_,
        }

    def scoped_write_has(self, cand: TierCandidate) -> bool:
        return (
            TierCandidate.objects.for_user(self.request.user, write=True)
            .filter(pk=cand.pk)
            .exists()
        )


class CandidateEditView(ObjectEditView):
    model = TierCandidate
    form_class = CandidateForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.candidate_update(
                candidate=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        tier, level = selectors.split_rule(form.cleaned_data["rule"])
        enterprise = data.pop("enterprise")
        year = data.pop("year")
        return services.candidate_create(
            actor=self.request.user,
            enterprise=enterprise,
            tier=tier,
            level=level,
            year=year,
            data=data,
        )


class CandidateHistoryView(ObjectHistoryView):
    model = TierCandidate


class CandidateStepView(WorkflowStepView):
    model = TierCandidate
    form_class = StepForm
    template_name = "projects/workflow_step.html"
    title = gettext_lazy("Next step in the pipeline")

    def form_kwargs(self) -> dict[str, Any]:
        return {"candidate": self.object}

    def allowed(self) -> bool:
        return is_editor(self.request.user) and self.object.status in (
            TierCandidate.Status.CANDIDATE,
            TierCandidate.Status.APPLIED,
        )

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        try:
            return services.candidate_step(
                candidate=self.object,
                actor=self.request.user,
                to_status=d["to_status"],
                on=d["on"],
                note=d.get("note") or "",
                attachment=d.get("attachment"),
                expected_version=d.get("version"),
            )
        except (WorkflowForbidden, WorkflowConflict) as exc:
            raise ServiceError(str(exc)) from exc


class CandidateFileView(ScopedMixin, View):
    """Download a candidate's evidence file (found through the candidate's scope)."""

    model = TierCandidate

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        cand = get_object_or_404(
            TierCandidate.objects.for_user(request.user).select_related("enterprise"), pk=pk
        )
        return download(
            cand.evidence, f"{cand.enterprise.name}-{cand.get_tier_display()}-{cand.year}"
        )


class CandidateRecheckView(ScopedMixin, View):
    """Work a candidate's verdict out again (after new figures came in)."""

    model = TierCandidate

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cand = get_object_or_404(TierCandidate.objects.for_user(request.user), pk=pk)
        try:
            cand = services.candidate_recheck(candidate=cand, actor=request.user)
        except WorkflowForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(
            request, _("Checked again: %(verdict)s.") % {"verdict": cand.get_verdict_display()}
        )
        return HttpResponseRedirect(cand.get_absolute_url())


class CandidateImportView(ObjectImportView):
    model = TierCandidate
    columns = importers.CANDIDATE_COLUMNS
    examples = importers.CANDIDATE_EXAMPLES
    import_service = services.candidates_import
    list_url_name = "tiers:candidate_list"


class FindView(ScopedMixin, View):
    """找候选: run the criteria over the firms in scope and list those passing (with reasons); the office adds the
    ones it chooses as candidates."""

    model = Enterprise
    limit = 200

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        districts = selectors.districts_for(request.user)
        form = FindForm(request.GET or None, districts=districts)
        context: dict[str, Any] = {"form": form, "may_add": is_editor(request.user)}
        if form.is_bound and form.is_valid():
            d = form.cleaned_data
            shown = selectors.figures_visible(request.user)
            if shown and confidential_read(request) is not None:
                messages.warning(request, confidential_limit_message())
                return render(request, "tiers/find.html", context)
            found, checked = selectors.find_candidates(
                request.user,
                d["rule"],
                d["year"],
                district=d.get("district"),
                include_possible=d.get("include_possible") or False,
                limit=self.limit,
            )
            if shown and checked:
                audit.record(
                    actor=request.user,
                    event_type="view_confidential",
                    object_type="enterprises.enterprise",
                    detail={"view": "tier candidates", "rule": d["rule"], "firms": checked},
                )
            context.update(
                {
                    "found": found,
                    "checked": checked,
                    "rule": d["rule"],
                    "year": d["year"],
                    "figures_hidden": not shown,
                    "limit": self.limit,
                }
            )
        return render(request, "tiers/find.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        rule = request.POST.get("rule", "")
        year = request.POST.get("year", "")
        ids = [int(i) for i in request.POST.getlist("enterprise") if i.isdigit()]
        if rule not in dict(selectors.rule_choices()) or not year.isdigit():
            messages.error(request, _("Choose a tier and a year."))
            return HttpResponseRedirect(reverse("tiers:find"))
        try:
            added = services.candidates_add(
                actor=request.user, key=rule, year=int(year), enterprise_ids=ids
            )
        except WorkflowForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("tiers:find"))
        messages.success(request, _("%(n)s firms added as candidates.") % {"n": len(added)})
        tier, level = selectors.split_rule(rule)
        return HttpResponseRedirect(
            reverse("tiers:candidate_list") + f"?tier={tier}&level={level}&year={year}"
        )


class EnterpriseCheckView(ObjectDetailView):
    """A firm against every tier's criteria (the firm page links here)."""

    model = Enterprise
    template_name = "tiers/enterprise_check.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("industry", "region")

    def extra_context_data(self) -> dict[str, Any]:
        firm = self.object
        year = _year(self.request)
        shown, limited = _checks_shown(
            self.request, firm, list(range(year - selectors.FIGURE_YEARS, year))
        )
        facts = selectors.facts_for(self.request.user, [firm], year, figures=shown)[firm.pk]
        verdicts = [engine.evaluate(key, facts) for key, _label in selectors.rule_choices()]
        return {
            "year": year,
            "verdicts": verdicts,
            "figures_limited": limited,
            "candidates": TierCandidate.objects.for_user(self.request.user).filter(enterprise=firm),
        }


class ProgressView(ScopedMixin, View):
    """计划完成情况: per tier, the year's target against the firms holding the title (or recognised in the year),
    and the pipeline; per district in scope."""

    model = TierTarget

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        year = _year(request) if request.GET.get("year") else selectors.working_year(request.user)
        districts = selectors.districts_for(request.user)
        district = None
        raw = request.GET.get("district", "")
        if raw.isdigit():
            district = get_object_or_404(districts, pk=int(raw))
        rows = selectors.progress(request.user, year, district)
        if request.GET.get("export") == "xlsx":
            header, lines = selectors.progress_table(rows, year)
            audit.record(
                actor=request.user,
                event_type="export",
                object_type="tiers.tiertarget",
                detail={"rows": len(lines), "query": request.GET.urlencode(), "view": "progress"},
            )
            title = str(_("Tier targets"))
            return excel.xlsx_response(
                excel.export_workbook([(title, header, lines)]), f"{title}-{year}.xlsx"
            )
        return render(
            request,
            "tiers/progress.html",
            {
                "rows": rows,
                "year": year,
                "years": list(range(timezone.localdate().year + 1, 2019, -1)),
                "district": district,
                "districts": districts,
                "by_district": selectors.progress_by_district(request.user, year)
                if district is None
                else [],
                "tiers": [r.label for r in rows],
                "can_edit": is_editor(request.user),
            },
        )


class TargetListView(ObjectListView):
    model = TierTarget
    filterset_class = TargetFilter
    columns = TARGET_COLUMNS
    select_related = ("region",)
    default_sort = "-year"
    secondary_sort = ("tier",)
    add_url_name = "tiers:target_add"


class TargetEditView(ObjectEditView):
    model = TierTarget
    form_class = TargetForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        try:
            if self.object.pk:
                return services.target_update(
                    target=self.object,
                    actor=self.request.user,
                    data=data,
                    expected_version=form.cleaned_data.get("version"),
                )
            return services.target_create(actor=self.request.user, data=data)
        except WorkflowForbidden as exc:
            raise ServiceError(str(exc)) from exc


class TargetDeleteView(ObjectDeleteView):
    model = TierTarget
    success_url_name = "tiers:target_list"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.target_delete(target=self.object, actor=request.user)
        except (ServiceError, WorkflowForbidden) as exc:
            return render(
                request,
                self.template_name,
                {**self.meta(), "object": self.object, "error": str(exc)},
            )
        messages.success(request, _("Deleted."))
        return HttpResponseRedirect(reverse(self.success_url_name))
