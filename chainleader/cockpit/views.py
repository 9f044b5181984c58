"""Cockpit (领导驾驶舱), a chain's cockpit with the chain leader's record (B8), and the 摘星夺旗 assessment pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.models import Role
from chainleader.accounts.policy import is_office
from chainleader.chains.models import Chain
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError
from chainleader.core.tables import Column
from chainleader.core.views import ObjectDetailView, ObjectListView, ScopedMixin

from . import exports, metrics, selectors
from .forms import AdjustmentForm, SchemeForm
from .models import AssessmentRun, AssessmentScheme
from .querysets import READERS, is_reader
from .services import assessment as services

# The roles the cockpit refuses outright (403 before any lookup).
REFUSED = tuple(r for r in Role.values if r not in READERS)


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return min(max(int(raw), 2000), 2100) if raw.isdigit() else timezone.localdate().year


class ReaderMixin(LoginRequiredMixin):
    refused_roles = REFUSED

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_reader(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class CockpitView(ReaderMixin, View):
    """The chief chain leader's cockpit: chains and districts ranked, stages, problems, attainment, 亩均 classes,
    the map, the trend and the published rankings; a district sees its own figures and the city's rankings."""

    def get(self, request: HttpRequest) -> HttpResponse:
        year = year_of(request)
        data = selectors.summary(request.user, year)
        return render(
            request,
            "cockpit/cockpit.html",
            {"d": data, "year": year, "years": range(year - 3, year + 2), "map_name": "qingdao"},
        )


class ChainCockpitView(ReaderMixin, ObjectDetailView):
    """One chain: its figures and the chain leader's record (链长履职, B8) for the year."""

    model = Chain
    template_name = "cockpit/chain.html"

    def extra_context_data(self) -> dict[str, Any]:
        year = year_of(self.request)
        return {
            "year": year,
            "c": selectors.chain_summary(self.request.user, self.object, year),
            "record": selectors.record(self.request.user, self.object, year),
        }


class ChainRecordExportView(ReaderMixin, ScopedMixin, View):
    """The record as a workbook (the evidence an assessment asks for)."""

    model = Chain
    fmt = "xlsx"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chain = get_object_or_404(Chain.objects.for_user(request.user), pk=pk)
        year = year_of(request)
        rec = selectors.record(request.user, chain, year)
        audit.record(
            actor=request.user,
            event_type="export",
            obj=chain,
            detail={"view": "chain_record", "year": year, "format": self.fmt},
        )
        title = _("Chain leader's record %(chain)s %(year)s") % {"chain": chain.name, "year": year}
        if self.fmt == "docx":
            return exports.docx_response(exports.record_docx(chain, rec), f"{title}.docx")
        return excel.xlsx_response(exports.record_workbook(chain, rec), f"{title}.xlsx")


class ChainRecordWordView(ChainRecordExportView):
    fmt = "docx"


# --------------------------------------------------------------------------------------------- assessment


class OfficeOnlyMixin:
    request: HttpRequest

    def can_edit(self) -> bool:
        return is_office(self.request.user)


SCHEME_COLUMNS = [
    Column("name", gettext_lazy("name"), order_by="name", link=True),
    Column("year", gettext_lazy("year"), order_by="year"),
    Column("get_period_display", gettext_lazy("period"), order_by="period"),
    Column("get_subject_kind_display", gettext_lazy("subjects"), order_by="subject_kind"),
    Column("awards", gettext_lazy("awards"), order_by="awards", numeric=True),
]


class SchemeListView(ReaderMixin, OfficeOnlyMixin, ObjectListView):
    model = AssessmentScheme
    columns = SCHEME_COLUMNS
    default_sort = "-year"
    add_url_name = "cockpit:scheme_add"


class SchemeDetailView(ReaderMixin, OfficeOnlyMixin, ObjectDetailView):
    model = AssessmentScheme
    template_name = "cockpit/scheme_detail.html"

    def extra_context_data(self) -> dict[str, Any]:
        scheme, user = self.object, self.request.user
        office = is_office(user)
        return {
            "items": [
                {
                    **i,
                    "label": metrics.METRICS[i["metric"]].label
                    if i["metric"] in metrics.METRICS
                    else i["metric"],
                }
                for i in scheme.items
            ],
            "adjustments": scheme.adjustments.select_related("chain", "region").order_by("pk"),
            "runs": AssessmentRun.objects.for_user(user)
            .filter(scheme=scheme)
            .order_by("-computed_at", "-pk"),
            "adjustment_form": AdjustmentForm(scheme=scheme) if office else None,
            "office": office,
        }


class SchemeEditView(ReaderMixin, OfficeOnlyMixin, ScopedMixin, View):
    """Create a scheme (no pk) or change one without a published run (office)."""

    model = AssessmentScheme
    write = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not self.can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def instance(self) -> AssessmentScheme | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(self.scoped(), pk=pk) if pk else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        scheme = self.instance()
        return self.render_form(SchemeForm(instance=scheme), scheme)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        scheme = self.instance()
        form = SchemeForm(request.POST, instance=scheme)
        if form.is_valid():
            try:
                saved = services.scheme_save(
                    actor=request.user,
                    data=form.data_for_service(),
                    scheme=scheme,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(saved.get_absolute_url())
        return self.render_form(form, scheme, status=400)

    def render_form(self, form: SchemeForm, scheme: Any, status: int = 200) -> HttpResponse:
        return render(
            request=self.request,
            template_name="cockpit/scheme_form.html",
            context={"form": form, "object": scheme},
            status=status,
        )


class AdjustmentAddView(ReaderMixin, OfficeOnlyMixin, ScopedMixin, View):
    """A bonus or deduction item for one subject of the scheme (office)."""

    model = AssessmentScheme
    parent_model = AssessmentScheme  # the URL names the scheme (scheme_pk)
    write = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not self.can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, scheme_pk: int) -> HttpResponse:
        scheme = get_object_or_404(self.scoped(), pk=scheme_pk)
        return render(
            request,
            "cockpit/adjustment_form.html",
            {"form": AdjustmentForm(scheme=scheme), "object": scheme},
        )

    def post(self, request: HttpRequest, scheme_pk: int) -> HttpResponse:
        scheme = get_object_or_404(self.scoped(), pk=scheme_pk)
        form = AdjustmentForm(request.POST, request.FILES, scheme=scheme)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.adjustment_add(
                    actor=request.user,
                    scheme=scheme,
                    points=d["points"],
                    reason=d["reason"],
                    chain=d.get("chain"),
                    region=d.get("region"),
                    evidence=d.get("evidence") or "",
                    evidence_file=d.get("evidence_file"),
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(scheme.get_absolute_url())
        return render(
            request, "cockpit/adjustment_form.html", {"form": form, "object": scheme}, status=400
        )


class RunComputeView(ReaderMixin, OfficeOnlyMixin, ScopedMixin, View):
    """Compute a new draft run of the scheme (office; POST only)."""

    model = AssessmentScheme
    parent_model = AssessmentScheme  # the URL names the scheme (scheme_pk)
    write = True

    def post(self, request: HttpRequest, scheme_pk: int) -> HttpResponse:
        if not self.can_edit():
            raise PermissionDenied
        scheme = get_object_or_404(self.scoped(), pk=scheme_pk)
        try:
            run = services.run_compute(
                actor=request.user, scheme=scheme, note=request.POST.get("note", "")[:500]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect(scheme.get_absolute_url())
        messages.success(request, _("The run is computed: review it, then publish."))
        return redirect(run.get_absolute_url())


class RunDetailView(ReaderMixin, OfficeOnlyMixin, ObjectDetailView):
    model = AssessmentRun
    template_name = "cockpit/run_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("scheme")

    def extra_context_data(self) -> dict[str, Any]:
        run = self.object
        scores = list(run.scores.select_related("chain", "region").order_by("rank", "label"))
        labels = {k: m.label for k, m in metrics.METRICS.items()}
        for s in scores:
            s.lines = [
                {**line, "label": labels.get(line["metric"], line["metric"])}
                for line in s.breakdown.get("items", [])
            ]
            s.adjust = s.breakdown.get("adjustments", [])
        return {
            "scores": scores,
            "items": [
                {**i, "label": labels.get(i["metric"], i["metric"])}
                for i in run.scheme_json.get("items", [])
            ],
            "office": is_office(self.request.user),
        }


class RunExportView(ReaderMixin, ScopedMixin, View):
    model = AssessmentRun

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(self.scoped().select_related("scheme"), pk=pk)
        audit.record(
            actor=request.user, event_type="export", obj=run, detail={"view": "assessment_run"}
        )
        return excel.xlsx_response(exports.run_workbook(run), f"{run.scheme.name}-{run.pk}.xlsx")


class RunStepView(ReaderMixin, OfficeOnlyMixin, ScopedMixin, View):
    """Review, publish or discard a run (office; POST only)."""

    model = AssessmentRun
    write = True
    step = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.can_edit():
            raise PermissionDenied
        run = get_object_or_404(self.scoped(), pk=pk)
        try:
            if self.step == "review":
                services.run_review_open(actor=request.user, run=run)
                messages.success(request, _("The run is in review."))
            elif self.step == "publish":
                services.run_publish(actor=request.user, run=run)
                messages.success(request, _("The run is published."))
            else:
                scheme_url = run.scheme.get_absolute_url()
                services.run_discard(actor=request.user, run=run)
                messages.success(request, _("The run is discarded."))
                return redirect(scheme_url)
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect(run.get_absolute_url())
