"""Pages of investment attraction: target lists (招商名录), the opportunity view, leads (招商线索)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.models import Role
from chainleader.accounts.policy import is_editor
from chainleader.chains.models import Chain
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError, WorkflowForbidden
from chainleader.core.files import download
from chainleader.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
    WorkflowStepView,
)

from . import catalogue, selectors, services
from .filters import LeadFilter, TargetFilter
from .forms import AdvanceForm, CloseForm, LeadForm
from .models import Lead, LeadStep, Target
from .tables import LEAD_COLUMNS, TARGET_COLUMNS, TARGET_EXPORT_COLUMNS

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TargetListView(ObjectListView):
    """招商名录: outside firms for the chains' gap segments, best first within each segment, with reasons."""

    model = Target
    template_name = "investment/target_list.html"
    partial_template_name = "investment/_target_table.html"
    filterset_class = TargetFilter
    columns = TARGET_COLUMNS
    export_columns = TARGET_EXPORT_COLUMNS
    select_related = ("chain__region", "segment", "company")
    default_sort = "chain__name_sort"
    secondary_sort = ("priority", "segment__order", "segment_id", "rank")

    def extra_context_data(self) -> dict[str, Any]:
        return {"may_lead": is_editor(self.request.user)}


class TargetLeadView(ScopedMixin, View):
    """转为线索: a target-list row becomes a lead (or opens the open lead made from it)."""

    model = Target

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = get_object_or_404(Target.objects.for_user(request.user), pk=pk)
        try:
            lead = services.lead_from_target(actor=request.user, target=target)
        except WorkflowForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, _("Lead %(firm)s opened.") % {"firm": lead.firm_name})
        return HttpResponseRedirect(lead.get_absolute_url())


class OpportunityView(ObjectDetailView):
    """The Atlas feasibility chart of a chain: each segment by distance and complexity, a strategy to rank."""

    model = Chain
    template_name = "investment/opportunity.html"

    def extra_context_data(self) -> dict[str, Any]:
        strategy = self.request.GET.get("strategy", "balanced")
        if strategy not in selectors.STRATEGIES:
            strategy = "balanced"
        points = selectors.opportunity_points(self.request.user, self.object, strategy)
        labels = {str(p["status"]): p["status_label"] for p in points}
        return {
            "points": points,
            "chart": selectors.opportunity_chart(points, labels),
            "strategy": strategy,
            "strategies": [
                ("low_hanging", _("low-hanging fruit")),
                ("balanced", _("balanced")),
                ("long_jump", _("long jump")),
            ],
            "leads": selectors.lead_counts(self.request.user, self.object),
        }


class CatalogueView(ScopedMixin, View):
    """投资导向目录: a chain's published catalogue of gap segments and target firms, Word (default) or Excel.

    A handout for fairs and the chain leader, so any government role that sees the chain may download it; it
    holds the target list's public figures only. Firm accounts see no target list (the office's working paper,
    querysets.TargetQuerySet), so they get no catalogue either: 403 before any lookup (the same for every id,
    TP2), not an empty catalogue."""

    model = Chain
    max_top = 50
    refused_roles = (Role.ENTERPRISE,)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request.user, "role", "") in self.refused_roles:
            raise PermissionDenied
        chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "docx"
        raw = request.GET.get("top", "")
        top = min(max(int(raw), 1), self.max_top) if raw.isdigit() else selectors.CATALOGUE_TOP
        data = selectors.catalogue_data(request.user, chain, top=top)
        content = catalogue.render_xlsx(data) if fmt == "xlsx" else catalogue.render_docx(data)
        audit.record(
            actor=request.user,
            event_type="export",
            obj=chain,
            detail={
                "view": "investment catalogue",
                "format": fmt,
                "rows": sum(len(s["targets"]) for s in data["segments"]),
                "top": top,
            },
        )
        response = excel.xlsx_response(content, catalogue.filename(data, fmt))
        if fmt == "docx":  # the same safe download headers, a Word body
            response["Content-Type"] = DOCX_CONTENT_TYPE
        return response


class LeadListView(ObjectListView):
    model = Lead
    filterset_class = LeadFilter
    columns = LEAD_COLUMNS
    select_related = ("chain__region", "segment", "district", "owner", "project")
    add_url_name = "investment:lead_add"
    template_name = "investment/lead_list.html"

    def extra_context_data(self) -> dict[str, Any]:
        return {"counts": selectors.lead_counts(self.request.user)}


class LeadDetailView(ObjectDetailView):
    model = Lead
    template_name = "investment/lead_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "chain", "segment", "company", "district", "owner", "project", "target"
        )

    def extra_context_data(self) -> dict[str, Any]:
        lead = self.object
        open_ = lead.stage not in (Lead.Stage.LANDED, Lead.Stage.CLOSED)
        may = is_editor(self.request.user) and self.can_edit()
        return {
            "steps": LeadStep.objects.for_user(self.request.user)
            .filter(lead=lead)
            .select_related("actor"),
            "may_advance": may and open_,
            "may_close": may and open_,
            "advance_form": AdvanceForm(lead=lead, initial={"version": lead.version}),
        }


class LeadEditView(ObjectEditView):
    model = Lead
    form_class = LeadForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.lead_update(
                lead=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.lead_create(actor=self.request.user, data=data)


class LeadHistoryView(ObjectHistoryView):
    model = Lead


class LeadAdvanceView(WorkflowStepView):
    model = Lead
    form_class = AdvanceForm
    template_name = "projects/workflow_step.html"
    title = gettext_lazy("Move the lead on")

    def form_kwargs(self) -> dict[str, Any]:
        return {"lead": self.object}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.lead_advance(
            lead=self.object,
            actor=self.request.user,
            to_stage=d["to_stage"],
            on=d["on"],
            note=d.get("note") or "",
            attachment=d.get("attachment"),
            expected_version=d.get("version"),
        )


class LeadStepFileView(ScopedMixin, View):
    """Download the evidence file of one lead step (found through the lead's scope)."""

    model = LeadStep

    def get(self, request: HttpRequest, lead_pk: int, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        lead = get_object_or_404(Lead.objects.for_user(request.user), pk=lead_pk)
        step = get_object_or_404(LeadStep.objects.for_user(request.user).filter(lead=lead), pk=pk)
        return download(step.attachment, f"{lead.firm_name}-{step.get_stage_display()}-{step.on}")


class LeadCloseView(WorkflowStepView):
    model = Lead
    form_class = CloseForm
    template_name = "projects/workflow_step.html"
    title = gettext_lazy("Close the lead")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.lead_close(
            lead=self.object,
            actor=self.request.user,
            reason=d["reason"],
            expected_version=d.get("version"),
        )


class PromiseCheckView(ScopedMixin, View):
    """兑现核查: promises made at signing set against the producing projects' results, shortfalls flagged."""

    model = Lead

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        chain = None
        chain_id = request.GET.get("chain", "")
        if chain_id.isdigit():
            chain = get_object_or_404(Chain.objects.for_user(request.user), pk=int(chain_id))
        rows = selectors.promise_rows(request.user, chain)
        if request.GET.get("export") == "xlsx":
            header, lines = selectors.promise_table(rows)
            audit.record(
                actor=request.user,
                event_type="export",
                object_type="investment.lead",
                detail={"rows": len(lines), "query": request.GET.urlencode(), "view": "promises"},
            )
            title = str(_("Promise check"))
            return excel.xlsx_response(
                excel.export_workbook([(title, header, lines)]), f"{title}.xlsx"
            )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "investment/promises.html",
            {
                "rows": page.object_list,
                "page_obj": page,
                "count": len(rows),
                "labels": selectors.CHECK_LABELS,
                "chain": chain,
                "chains": Chain.objects.for_user(request.user).order_by("name_sort"),
                "short": sum(1 for r in rows if r["shortfalls"]),
            },
        )


class TargetsDeriveView(View):
    """The office re-ranks every target list after the chain maps changed (a few seconds)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or getattr(request.user, "role", "") != "office":
            raise PermissionDenied
        try:
            counts = services.targets_derive(actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Target lists ranked: %(targets)s firms for %(gaps)s gap segments.")
                % {"targets": counts["targets"], "gaps": counts["gap_leaves"]},
            )
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("investment:target_list")
        return HttpResponseRedirect(target)
