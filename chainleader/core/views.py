"""Generic views: every one starts from Model.objects.for_user(request.user); out of scope is 404.

App views are short declarations on these (NetBox's generic views): list (search, filters, sorting,
pagination, xlsx export, htmx partial from the same queryset), detail, create, edit, delete, history, import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import audit, excel, services
from .exceptions import ServiceError, StaleEdit
from .policy import is_editor
from .sorting import sort_key_path
from .tables import Column

logger = logging.getLogger(__name__)


def style_form(form: Any) -> None:
    """Tabler classes on a form's widgets (filter forms are built by django-filter, not by our ModelForms)."""
    from django import forms as dj_forms

    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, dj_forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(
            widget, dj_forms.Select | dj_forms.SelectMultiple | dj_forms.NullBooleanSelect
        ):
            widget.attrs.setdefault("class", "form-select")
            if isinstance(widget, dj_forms.NullBooleanSelect):
                # A yes/no filter starts at "all", not at Django's "unknown" (which also means: no filter).
                widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
        else:
            widget.attrs.setdefault("class", "form-control")


class ScopedMixin(LoginRequiredMixin):
    """The one choke point: the queryset is always the user's scoped set."""

    model: type[models.Model]
    request: HttpRequest

    write = False  # edit, delete and import views work on the user's writable scope

    def scoped(self) -> models.QuerySet:
        return self.model.objects.for_user(self.request.user, write=self.write)  # type: ignore[attr-defined]

    def get_queryset(self) -> models.QuerySet:
        return self.scoped()

    def get_object(self) -> Any:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def meta(self) -> dict[str, Any]:
        opts = self.model._meta
        return {
            "verbose_name": opts.verbose_name,
            "verbose_name_plural": opts.verbose_name_plural,
            "app_label": opts.app_label,
            "model_name": opts.model_name,
        }

    def can_edit(self) -> bool:
        """Writers: the editor roles (core.policy). Read-only roles get 403 on write routes; which records an
        editor changes is the writable scope (``write = True`` views)."""
        return is_editor(self.request.user)

    def require_editor(self) -> None:
        if not self.can_edit():
            raise PermissionDenied


class ObjectListView(ScopedMixin, TemplateView):
    """A list page: search (?q=), filters (FilterSet), sorting (?sort=), pagination, ?export=xlsx."""

    template_name = "core/object_list.html"
    partial_template_name = "core/_object_table.html"
    filterset_class: Any = None
    columns: list[Column] = []
    export_columns: list[Column] | None = None
    paginate_by = 50
    default_sort = ""
    secondary_sort: tuple[
        Any, ...
    ] = ()  # ties of the chosen sort, before the pk (e.g. rank within a group)
    select_related: tuple[str, ...] = ()
    add_url_name = ""  # e.g. "chains:chain_add"; empty = no add button on the list
    import_url_name = ""  # e.g. "chains:chain_import"

    def filtered(self) -> tuple[models.QuerySet, Any]:
        qs = self.get_queryset()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                self.request.GET or None, queryset=qs, request=self.request
            )
            style_form(filterset.form)
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
        return qs, filterset

    def sort_key(self) -> str:
        allowed = {c.order_by for c in self.columns if c.order_by}
        sort = self.request.GET.get("sort", "")
        if sort.lstrip("-") not in allowed:
            # A link from before the pinyin keys (?sort=name) still sorts by the name, now by its key.
            sort = sort_key_path(self.model, sort[:100]) if sort else sort
        return sort if sort.lstrip("-") in allowed else self.default_sort

    def ordered_queryset(self) -> models.QuerySet:
        """The list's rows as the page shows them: scope, search, filters and sort (the export's rows too)."""
        qs, self._filterset = self.filtered()
        sort = self.sort_key()
        if sort:
            qs = qs.order_by(sort, *self.secondary_sort, "pk")
        return qs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        qs = self.ordered_queryset()
        filterset, sort = self._filterset, self.sort_key()
        if request.GET.get("export") == "xlsx":
            if qs.count() > settings.CHAINLEADER_EXPORT_ASYNC_ROWS:
                return self.export_later()
            return self.export(qs)
        page = Paginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        context = {
            **self.meta(),
            "columns": self.columns,
            "page_obj": page,
            "rows": [(obj, [(c, c.value(obj)) for c in self.columns]) for obj in page.object_list],
            "filter": filterset,
            "sort": sort,
            "query": params.urlencode(),
            "sort_query": sort_params.urlencode(),
            "can_edit": self.can_edit(),
            "add_url_name": self.add_url_name,
            "import_url_name": self.import_url_name,
        }
        context.update(self.extra_context_data())
        template = (
            self.partial_template_name if getattr(request, "htmx", False) else self.template_name
        )
        return render(request, template, context)

    def extra_context_data(self) -> dict[str, Any]:
        return {}

    def export_objects(self, qs: models.QuerySet) -> Iterable[Any]:
        """The objects of an export, in the order the file should have them (a list's own order by default)."""
        return qs.iterator(chunk_size=2000)

    def export_later(self) -> HttpResponse:
        """A large export runs in a task worker (core.tasks.export_task); the user watches its job page."""
        from .jobs import job_create
        from .tasks import export_task

        job = job_create(kind="export", actor=self.request.user)
        cls = type(self)
        args = (
            f"{cls.__module__}.{cls.__qualname__}",
            self.request.path,
            self.request.GET.urlencode(),
            dict(self.kwargs),
            self.request.user.pk,
            job.pk,
        )
        transaction.on_commit(lambda: export_task.enqueue(*args))
        return redirect("core:job_page", job.pk)

    def export(self, qs: models.QuerySet) -> HttpResponse:
        cols = self.export_columns or self.columns
        rows = ([c.export_value(obj) for c in cols] for obj in self.export_objects(qs))
        content = excel.export_workbook(
            [(str(self.meta()["verbose_name_plural"]), [str(c.label) for c in cols], rows)]
        )
        count = qs.count()
        audit.record(
            actor=self.request.user,
            event_type="export",
            object_type=self.model._meta.label_lower,
            detail={"rows": count, "query": self.request.GET.urlencode()},
        )
        return excel.xlsx_response(content, f"{self.meta()['verbose_name_plural']}.xlsx")


class ObjectDetailView(ScopedMixin, TemplateView):
    template_name = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        context = {**self.meta(), "object": self.object, "can_edit": self.can_edit()}
        context.update(self.extra_context_data())
        return render(request, self.template_name, context)

    def extra_context_data(self) -> dict[str, Any]:
        return {}


class ObjectEditView(ScopedMixin, View):
    """Create (no pk) or edit (pk): the form checks shape, the service writes (version check, audit)."""

    form_class: Any = None
    template_name = "core/object_form.html"
    write = True

    def get_form(self, data: Any = None) -> Any:
        return self.form_class(data=data, instance=self.object, user=self.request.user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # The role decides before any lookup: a read-only role gets 403 whatever the id (TP2), and the answer
        # never depends on whether an object exists (AC1).
        self.require_editor()
        self.object = self.get_object() if "pk" in kwargs else self.model()
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: Any) -> HttpResponse:
        return render(
            self.request, self.template_name, {**self.meta(), "form": form, "object": self.object}
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            obj = self.save(form)
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            return self.render_form(form)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        except Exception as exc:
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
            return self.render_form(form)
        messages.success(request, _("Saved."))
        return redirect(obj)

    def save(self, form: Any) -> Any:
        data, m2m = form.data_for_service()
        if self.object.pk:
            return services.object_update(
                instance=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
                m2m=m2m,
            )
        return services.object_create(model=self.model, actor=self.request.user, data=data, m2m=m2m)


class ObjectDeleteView(ScopedMixin, View):
    template_name = "core/object_confirm_delete.html"
    success_url_name = ""
    write = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name, {**self.meta(), "object": self.object})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.object_delete(instance=self.object, actor=request.user)
        except ServiceError as exc:
            return render(
                request,
                self.template_name,
                {**self.meta(), "object": self.object, "error": exc.message},
            )
        messages.success(request, _("Deleted."))
        return HttpResponseRedirect(reverse(self.success_url_name))


class ObjectHistoryView(ScopedMixin, TemplateView):
    """The change-history tab (django-simple-history): who changed which fields, when."""

    template_name = "core/object_history.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        hidden = set(getattr(self.model, "CONFIDENTIAL_FIELDS", ())) | {
            "version",
            "updated_at",
            "created_at",
        }
        records = list(
            obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
                :200
            ]
        )
        entries = []
        for rec in records:
            prev = rec.prev_record
            changes = []
            if prev is not None:
                delta = rec.diff_against(prev)
                changes = [
                    (self.model._meta.get_field(c.field).verbose_name, c.old, c.new)
                    for c in delta.changes
                    if c.field not in hidden
                ]
            entries.append({"record": rec, "changes": changes})
        return render(
            request, self.template_name, {**self.meta(), "object": obj, "entries": entries}
        )


class HomeView(LoginRequiredMixin, TemplateView):
    """Home page: the chains in the user's scope with their counts."""

    template_name = "core/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The three administrators see no business data: their home is their administration page.
        from django.conf import settings

        home = getattr(settings, "CHAINLEADER_ADMIN_HOMES", {}).get(
            getattr(request.user, "role", "")
        )
        if home:
            return redirect(home)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from django.conf import settings
        from django.utils.module_loading import import_string

        context = super().get_context_data(**kwargs)
        context.update(import_string(settings.CHAINLEADER_HOME_SELECTOR)(self.request.user))
        return context


class ChildEditView(ObjectEditView):
    """Create or edit a record that belongs to a parent (a firm's yearly figures, a chain's segment ...).

    The parent comes from the URL through the parent model's for_user(); the child's own queryset is scoped too.
    """

    parent_model: type[models.Model]
    parent_field = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        self.parent = get_object_or_404(
            self.parent_model.objects.for_user(request.user, write=True),  # type: ignore[attr-defined]
            pk=kwargs["parent_pk"],
        )
        if "pk" in kwargs:
            self.object = get_object_or_404(
                self.scoped().filter(**{self.parent_field: self.parent}), pk=kwargs["pk"]
            )
        else:
            self.object = self.model(**{self.parent_field: self.parent})
        return View.dispatch(self, request, *args, **kwargs)

    def render_form(self, form: Any) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                **self.meta(),
                "form": form,
                "object": self.object,
                "parent": self.parent,
                "parent_label": self.parent_model._meta.verbose_name,
            },
        )

    def save(self, form: Any) -> Any:
        data, m2m = form.data_for_service()
        if self.object.pk:
            services.object_update(
                instance=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
                m2m=m2m,
            )
        else:
            services.object_create(
                model=self.model,
                actor=self.request.user,
                data={self.parent_field: self.parent, **data},
                m2m=m2m,
            )
        return self.parent


class ChildDeleteView(ObjectDeleteView):
    parent_model: type[models.Model]
    parent_field = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        self.parent = get_object_or_404(
            self.parent_model.objects.for_user(request.user, write=True),  # type: ignore[attr-defined]
            pk=kwargs["parent_pk"],
        )
        self.object = get_object_or_404(
            self.scoped().filter(**{self.parent_field: self.parent}), pk=kwargs["pk"]
        )
        self.require_editor()
        return View.dispatch(self, request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.object_delete(instance=self.object, actor=request.user)
        except ServiceError as exc:
            return render(
                request,
                self.template_name,
                {**self.meta(), "object": self.object, "error": exc.message},
            )
        messages.success(request, _("Deleted."))
        return redirect(self.parent)


class JobProgressView(LoginRequiredMixin, TemplateView):
    """The progress bar of a background job; polled by htmx every 2 s while it runs."""

    template_name = "core/_job_progress.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from .jobs import fail_stale_jobs
        from .models import Job

        job = get_object_or_404(Job.objects.for_user(self.request.user), pk=self.kwargs["pk"])
        if job.status == Job.Status.RUNNING and fail_stale_jobs(pk=job.pk):
            job.refresh_from_db()  # its worker is gone: say so, instead of "running 20 %" forever
        return {**super().get_context_data(**kwargs), "job": job}


class JobPageView(LoginRequiredMixin, TemplateView):
    """A background job on a page of its own (a large export): its progress bar, then its result."""

    template_name = "core/job_page.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from .models import Job

        job = get_object_or_404(Job.objects.for_user(self.request.user), pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "job": job}


class JobFileView(LoginRequiredMixin, View):
    """The file a job made (a large export), for the user who started the job only; audited as a download."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.core.files.storage import default_storage

        from .models import Job

        job = get_object_or_404(
            Job.objects.for_user(request.user).exclude(result_file=""),
            pk=kwargs["pk"],
            status=Job.Status.DONE,
        )
        if not default_storage.exists(job.result_file):
            raise Http404
        audit.record(
            actor=request.user,
            event_type="download",
            object_type="core.job",
            object_id=job.pk,
            detail={"kind": job.kind, "file": job.result_name},
        )
        content = default_storage.open(job.result_file).read()
        return excel.xlsx_response(content, job.result_name or "export.xlsx")


class WorkflowStepView(ScopedMixin, View):
    """A workflow step page (交办, 答复, 销号, 申诉裁定 ...): GET shows the step's form, POST calls one service.

    The record is found through the user's scoped queryset first (out of scope: 404). Whether the user may take
    the step is the service's rule; a refusal (wrong state, wrong role, stale version) comes back as a form error,
    with 200, since htmx 2 swaps no 4xx (STYLE.md 3.1). Subclasses set model, form_class, template_name, title and
    perform(); refuse() may reject a request before any lookup (TP2).
    """

    form_class: Any = None
    template_name = ""
    title: Any = ""
    success_message: Any = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.refuse(request)
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, request: HttpRequest) -> None:
        """Raise PermissionDenied for a request refused whatever the record (default: none)."""

    def allowed(self) -> bool:
        """Whether the page offers the form; the service decides again on POST."""
        return True

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form = self.form_class(data=data, files=files, **self.form_kwargs())
        if data is None and "version" in form.fields:
            form.initial.setdefault("version", getattr(self.object, "version", None))
        return form

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def extra_context(self) -> dict[str, Any]:
        return {}

    def render_form(self, form: Any) -> HttpResponse:
        context = {
            **self.meta(),
            "object": self.object,
            "form": form,
            "title": self.title,
            "allowed": self.allowed(),
            **self.extra_context(),
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            result = self.perform(form)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(form)
        messages.success(request, self.success_message or _("Saved."))
        return redirect(result or self.object)
