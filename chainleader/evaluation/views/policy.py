"""The measures per class and the scheme versions (office edits; everyone with a scope reads)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainleader.accounts.policy import is_office
from chainleader.core.exceptions import ServiceError
from chainleader.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)

from .. import services
from ..forms import (
    ClassMeasureForm,
    SchemeVersionForm,
)
from ..models import ClassMeasure, EvaluationRun, SchemeVersion
from ..tables import (
    MEASURE_COLUMNS,
    SCHEME_COLUMNS,
)


class MeasureListView(ObjectListView):
    model = ClassMeasure
    template_name = "evaluation/measure_list.html"
    columns = MEASURE_COLUMNS
    default_sort = "grade"

    def can_edit(self) -> bool:
        return is_office(self.request.user)


class MeasureEditView(ObjectEditView):
    model = ClassMeasure
    form_class = ClassMeasureForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Only the office edits measures: other roles are refused before any lookup (403).
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        return services.class_measure_update(
            measure=self.object,
            actor=self.request.user,
            data=data,
            expected_version=form.cleaned_data.get("version"),
        )


class MeasureHistoryView(ObjectHistoryView):
    model = ClassMeasure


class SchemeListView(ObjectListView):
    model = SchemeVersion
    columns = SCHEME_COLUMNS
    default_sort = "-number"
    add_url_name = "evaluation:scheme_add"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_office(request.user):
            services.scheme_current()  # version 1, the shipped default, appears for the office
        return super().get(request, *args, **kwargs)

    def can_edit(self) -> bool:
        return is_office(self.request.user)


class SchemeDetailView(ObjectDetailView):
    model = SchemeVersion
    template_name = "evaluation/scheme_detail.html"

    def extra_context_data(self) -> dict[str, Any]:
        scheme = self.object.scheme()
        return {
            "scheme": scheme,
            "runs": EvaluationRun.objects.for_user(self.request.user).filter(scheme=self.object),
            "can_add": is_office(self.request.user),
        }


class SchemeAddView(LoginRequiredMixin, View):
    """A new scheme version (office): the JSON of the newest version, edited; checked by the engine."""

    template_name = "evaluation/scheme_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        current = services.scheme_current()
        return self.render_form(SchemeVersionForm(initial={"scheme_json": current.scheme_json}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SchemeVersionForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            version = services.scheme_version_create(
                actor=request.user,
                scheme_json=form.cleaned_data["scheme_json"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
        return redirect(version)
