"""Brief downloads (one click, .docx) and the user's in-app reminders (我的提醒)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from chainleader.chains.models import Chain
from chainleader.core.exceptions import ServiceError
from chainleader.core.querysets import scope_for
from chainleader.core.views import ScopedMixin

from .. import hooks, services
from ..forms import BriefForm
from ..models import Notification

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str) -> HttpResponse:
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\"]+', "_", filename)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"brief.docx\"; filename*=UTF-8''{quote(cleaned)}"
    )
    response["Content-Length"] = str(len(content))
    add_never_cache_headers(response)
    return response


class BriefMixin:
    template_name = "projects/brief_form.html"
    request: HttpRequest

    def chain(self) -> Chain | None:
        return None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The three administrators and role-less accounts see no business data (TP1): no brief either.
        if request.user.is_authenticated and scope_for(request.user).nothing:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def context(self, form: Any) -> dict[str, Any]:
        chain = self.chain()
        # A chain's brief reports what became of the last chain meeting's decisions (worklists, by the hook).
        meeting = (
            hooks.meeting_outcomes(self.request.user, chain=chain) if chain is not None else None
        )
        return {"form": form, "chain": chain, "meeting": meeting}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name, self.context(BriefForm()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BriefForm(request.POST)
        if form.is_valid():
            try:
                content, name = services.brief_generate(
                    actor=request.user,
                    chain=self.chain(),
                    start=form.cleaned_data["period_start"],
                    end=form.cleaned_data["period_end"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                return docx_response(content, name)
        return render(request, self.template_name, self.context(form))


class ChainBriefView(BriefMixin, ScopedMixin, View):
    """A chain's brief: GET shows the period form, POST downloads the .docx."""

    model = Chain

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if scope_for(request.user).nothing:  # administrators: 403 before any lookup (TP2)
            raise PermissionDenied
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def chain(self) -> Chain | None:
        return self.object


class AllChainsBriefView(BriefMixin, LoginRequiredMixin, View):
    """All chains together, for the general chain leader (the figures are the user's scope)."""


class NotificationListView(LoginRequiredMixin, View):
    """我的提醒: the user's own reminders, unread first; POST marks one or all of them read."""

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = Notification.objects.for_user(request.user).order_by("read_at", "-created_at", "-id")
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "projects/notification_list.html",
            {
                "page_obj": page,
                "unread": Notification.objects.for_user(request.user).unread().count(),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("id", "")
        ids = [int(raw)] if raw.isdigit() else None
        count = services.notifications_mark_read(user=request.user, ids=ids)
        messages.success(request, _("%(n)s reminders marked read.") % {"n": count})
        return redirect("projects:notification_list")
