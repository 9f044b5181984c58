"""Indicator pages: the library (list, detail with targets, values and attainment), value and target entry,
the value import, the warnings (list, detail, confirm, dismiss) and the relocation flags. Every queryset is
for_user(); writes go through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.policy import is_editor, is_office
from chainleader.chains.models import Chain
from chainleader.core.exceptions import ServiceError
from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
    WorkflowStepView,
)

from . import charts, importers, selectors, services
from .filters import IndicatorFilter, RelocationFlagFilter, ValueFilter, WarningFilter
from .forms import (
    IndicatorForm,
    RelocationFlagForm,
    TargetForm,
    ValueForm,
    WarningConfirmForm,
    WarningDismissForm,
)
from .models import Indicator, IndicatorTarget, IndicatorValue, RelocationFlag, Warning
from .tables import (
    INDICATOR_COLUMNS,
    INDICATOR_EXPORT_COLUMNS,
    RELOCATION_COLUMNS,
    VALUE_COLUMNS,
    VALUE_EXPORT_COLUMNS,
    WARNING_COLUMNS,
)


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else 0
    return year or timezone.localdate().year


class IndicatorListView(ObjectListView):
    model = Indicator
    template_name = "indicators/indicator_list.html"
    filterset_class = IndicatorFilter
    columns = INDICATOR_COLUMNS
    export_columns = INDICATOR_EXPORT_COLUMNS
    default_sort = "code"
    select_related = ("owner",)
    add_url_name = "indicators:indicator_add"

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def extra_context_data(self) -> dict[str, Any]:
        return {"may_enter": is_editor(self.request.user)}


class IndicatorDetailView(ObjectDetailView):
    model = Indicator
    template_name = "indicators/indicator_detail.html"

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def extra_context_data(self) -> dict[str, Any]:
        user, ind = self.request.user, self.object
        year = _year(self.request)
        targets = IndicatorTarget.objects.for_user(user).filter(indicator=ind)
        rows = selectors.target_rows(user, year, targets)
        values = list(
            IndicatorValue.objects.for_user(user)
            .filter(indicator=ind)
            .select_related("region", "chain__region")
            .order_by("-year", "-period", "region__code", "chain__name")[:300]
        )
        return {
            "year": year,
            "target_rows": rows,
            "values": values,
            "chart": charts.values_chart(ind, values),
            "may_enter": is_editor(user),
        }


class IndicatorEditView(ObjectEditView):
    model = Indicator
    form_class = IndicatorForm

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.indicator_update(
                indicator=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.indicator_create(actor=self.request.user, data=data)


class IndicatorDeleteView(ObjectDeleteView):
    model = Indicator
    success_url_name = "indicators:indicator_list"

    def can_edit(self) -> bool:
        return is_office(self.request.user)


class IndicatorHistoryView(ObjectHistoryView):
    model = Indicator


class TargetEditView(ObjectEditView):
    model = IndicatorTarget
    form_class = TargetForm

    def get_form(self, data: Any = None) -> Any:
        form = super().get_form(data)
        if data is None and not self.object.pk and self.request.GET.get("indicator", "").isdigit():
            form.initial["indicator"] = int(self.request.GET["indicator"])
        return form

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            for name in ("indicator", "region", "chain"):
                data.pop(name, None)
        return services.target_save(
            actor=self.request.user,
            data=data,
            instance=self.object if self.object.pk else None,
            expected_version=form.cleaned_data.get("version"),
        )


class TargetDeleteView(ObjectDeleteView):
    model = IndicatorTarget
    success_url_name = "indicators:indicator_list"


class ValueListView(ObjectListView):
    model = IndicatorValue
    template_name = "indicators/value_list.html"
    filterset_class = ValueFilter
    columns = VALUE_COLUMNS
    export_columns = VALUE_EXPORT_COLUMNS
    default_sort = "indicator__code"
    secondary_sort = ("-year", "-period")
    select_related = ("indicator", "region", "chain__region")
    add_url_name = "indicators:value_add"
    import_url_name = "indicators:value_import"


class ValueEditView(ObjectEditView):
    model = IndicatorValue
    form_class = ValueForm

    def get_form(self, data: Any = None) -> Any:
        form = super().get_form(data)
        if data is None and not self.object.pk and self.request.GET.get("indicator", "").isdigit():
            form.initial["indicator"] = int(self.request.GET["indicator"])
        return form

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        return services.value_save(
            actor=self.request.user,
            data=data,
            instance=self.object if self.object.pk else None,
            expected_version=form.cleaned_data.get("version"),
        )


class ValueDeleteView(ObjectDeleteView):
    model = IndicatorValue
    success_url_name = "indicators:indicator_list"


class ValueHistoryView(ObjectHistoryView):
    model = IndicatorValue


class ValueImportView(ObjectImportView):
    model = IndicatorValue
    columns = importers.VALUE_COLUMNS
    examples = importers.VALUE_EXAMPLES
    import_service = services.values_import
    list_url_name = "indicators:value_list"


class ChainTargetsView(ObjectDetailView):
    """A chain's targets (its chain targets' counterparts and any other target of the chain) with the year's
    actuals and attainment: the chain page links here (chains.hooks.chain_links)."""

    model = Chain
    template_name = "indicators/chain_targets.html"

    def extra_context_data(self) -> dict[str, Any]:
        user, chain = self.request.user, self.object
        year = _year(self.request)
        targets = IndicatorTarget.objects.for_user(user).filter(chain=chain)
        return {
            "chain": chain,
            "year": year,
            "target_rows": selectors.target_rows(user, year, targets),
        }


class WarningListView(ObjectListView):
    model = Warning
    template_name = "indicators/warning_list.html"
    filterset_class = WarningFilter
    columns = WARNING_COLUMNS
    default_sort = "-raised_on"
    select_related = ("chain__region", "region", "owner_unit")

    def can_edit(self) -> bool:
        return False  # warnings are raised by the daily run, not added by hand


class WarningDetailView(ObjectDetailView):
    model = Warning
    template_name = "indicators/warning_detail.html"

    def can_edit(self) -> bool:
        return is_editor(self.request.user)


class _WarningStep(WorkflowStepView):
    model = Warning
    template_name = "indicators/warning_step.html"
    write = True  # decided within the writable scope (services._decidable)

    def refuse(self, request: HttpRequest) -> None:
        if not is_editor(request.user):
            raise PermissionDenied

    def allowed(self) -> bool:
        return bool(self.object.status == Warning.Status.NEW)

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


class WarningConfirmView(_WarningStep):
    form_class = WarningConfirmForm
    title = gettext_lazy("Confirm the warning: a key task on the chain's list")
    success_message = gettext_lazy("Confirmed: the warning is now a key task on the chain's list.")

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.warning_confirm(
            warning=self.object,
            actor=self.request.user,
            deadline=d["deadline"],
            chain=d.get("chain"),
            owner_unit=d.get("owner_unit"),
            note=d.get("note") or "",
        )


class WarningDismissView(_WarningStep):
    form_class = WarningDismissForm
    title = gettext_lazy("Dismiss the warning")
    success_message = gettext_lazy("Dismissed.")

    def perform(self, form: Any) -> Any:
        return services.warning_dismiss(
            warning=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class RelocationListView(ObjectListView):
    model = RelocationFlag
    template_name = "indicators/relocation_list.html"
    filterset_class = RelocationFlagFilter
    columns = RELOCATION_COLUMNS
    default_sort = "-flagged_on"
    select_related = ("enterprise__region",)
    add_url_name = "indicators:relocation_add"


class RelocationAddView(ScopedMixin, View):
    model = RelocationFlag
    write = True

    def _render(self, form: Any) -> HttpResponse:
        from django.shortcuts import render

        return render(self.request, "indicators/relocation_form.html", {"form": form})

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(RelocationFlagForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RelocationFlagForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(form)
        try:
            services.relocation_flag_create(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data.get("evidence"),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self._render(form)
        messages.success(request, _("Saved."))
        return redirect("indicators:relocation_list")


class RelocationClearView(ScopedMixin, View):
    model = RelocationFlag
    write = True

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        flag = get_object_or_404(self.scoped(), pk=pk)
        try:
            services.relocation_flag_clear(flag=flag, actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Flag cleared."))
        return redirect("indicators:relocation_list")


class RelocationEvidenceView(ScopedMixin, View):
    model = RelocationFlag

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from chainleader.core import files

        if not request.user.is_authenticated:
            return self.handle_no_permission()
        flag = get_object_or_404(self.scoped(), pk=pk)
        return files.download(flag.evidence, flag.evidence_name)
