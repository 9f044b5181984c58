"""The audit administrator's page (审计管理): search and export the audit log; both are audited too (TP2)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import audit, excel
from .audit_labels import detail_text, event_label, object_label
from .models import AuditEvent

EXPORT_LIMIT = 50_000


class AuditSearchForm(forms.Form):
    event_type = forms.CharField(label=_("event type"), required=False, max_length=64)
    username = forms.CharField(label=_("username"), required=False, max_length=150)
    object_type = forms.CharField(label=_("object type"), required=False, max_length=100)
    outcome = forms.ChoiceField(
        label=_("outcome"), required=False, choices=[("", _("All")), *AuditEvent.Outcome.choices]
    )
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def apply(self, qs: QuerySet) -> QuerySet:
        data = self.cleaned_data
        for name in ("event_type", "username", "object_type", "outcome"):
            if data.get(name):
                qs = qs.filter(**{name: data[name]})
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            qs = qs.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data.get("date_to"):
            qs = qs.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
        return qs


class AuditLogView(LoginRequiredMixin, View):
    """Only the audit administrator reads the log; every search and export writes its own row."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            request.user.is_authenticated
            and getattr(request.user, "role", "") != settings.CHAINLEADER_AUDIT_ROLE
        ):
            raise PermissionDenied
        # The auditor only reads: every write method is refused, on this page as everywhere (TP2).
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditSearchForm(request.GET or None)
        qs = AuditEvent.objects.order_by("-id")
        if form.is_bound and form.is_valid():
            qs = form.apply(qs)
        query = {k: v for k, v in request.GET.items() if k not in ("page", "export")}
        if request.GET.get("export") == "xlsx":
            rows = list(
                qs[:EXPORT_LIMIT].values_list(
                    "id",
                    "created_at",
                    "username",
                    "source_ip",
                    "event_type",
                    "object_type",
                    "object_id",
                    "outcome",
                    "detail",
                    "row_hash",
                )
            )
            audit.record(
                actor=request.user,
                event_type="audit_export",
                object_type="core.auditevent",
                detail={"query": query, "rows": len(rows)},
            )
            headers = [
                str(h)
                for h in (
                    _("id"),
                    _("time"),
                    _("username"),
                    _("source IP"),
                    _("event type"),
                    _("object type"),
                    _("object id"),
                    _("outcome"),
                    _("detail"),
                    _("row hash"),
                )
            ]
            outcomes = dict(AuditEvent.Outcome.choices)
            data = [
                [
                    r[0],
                    timezone.localtime(r[1]).strftime("%Y-%m-%d %H:%M:%S"),
                    r[2],
                    r[3],
                    event_label(r[4]),
                    object_label(r[5]),
                    r[6],
                    str(outcomes.get(r[7], r[7])),
                    detail_text(r[5], r[8]),
                    r[9],
                ]
                for r in rows
            ]
            return excel.xlsx_response(
                excel.export_workbook([(str(_("audit log")), headers, data)]), "audit-log.xlsx"
            )
        audit.record(
            actor=request.user,
            event_type="audit_search",
            object_type="core.auditevent",
            detail={"query": query},
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        for e in page.object_list:
            e.event_label = event_label(e.event_type)
            e.object_label = object_label(e.object_type)
            e.detail_text = detail_text(e.object_type, e.detail)
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "core/audit_log.html",
            {"form": form, "page_obj": page, "query": params.urlencode()},
        )
