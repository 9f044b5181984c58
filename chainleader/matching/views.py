"""Pages of 卡位入链 matching: needs and offers (lists, details with their ranked matches, publish forms, Excel
import), matches followed 已推送 → 已联系 → 已报价 → 已成交 (or closed), the office's matching run, and the
per-chain summary. Every record comes from the models' ``for_user``; every write goes through ``services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from chainleader.accounts.policy import firm_of, is_editor, is_editor_or_firm
from chainleader.core.exceptions import ServiceError
from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    WorkflowStepView,
)
from chainleader.engines.matching import COMPONENTS

from . import importers, selectors, services
from .filters import MatchFilter, NeedFilter, OfferFilter
from .forms import CloseForm, DealForm, NeedForm, OfferForm, StepForm
from .models import Match, Need, Offer
from .tables import (
    MATCH_COLUMNS,
    MATCH_EXPORT_COLUMNS,
    NEED_EXPORT_COLUMNS,
    NEED_LIST_COLUMNS,
    OFFER_EXPORT_COLUMNS,
    OFFER_LIST_COLUMNS,
)

COMPONENT_LABELS = {
    "text": gettext_lazy("product text"),
    "leaf": gettext_lazy("chain segment"),
    "industry": gettext_lazy("industry code"),
    "distance": gettext_lazy("distance"),
    "tier": gettext_lazy("tier"),
}


def components(match: Match) -> list[dict[str, Any]]:
    """Each score component of a match: its label, value in [0, 1], weight and share of the score."""
    out = []
    for name in COMPONENTS:
        part = (match.components or {}).get(name) or {}
        value, weight = float(part.get("value", 0.0)), float(part.get("weight", 0.0))
        out.append(
            {
                "name": name,
                "label": COMPONENT_LABELS[name],
                "value": value,
                "weight": weight,
                "points": value * weight,
            }
        )
    return out


class _ListingListView(ObjectListView):
    select_related = ("enterprise", "chain__region", "segment")
    default_sort = "-created_at"
    tab = ""

    def can_edit(self) -> bool:
        return is_editor_or_firm(self.request.user)

    @property
    def import_url_name(self) -> str:  # type: ignore[override]
        # Editors import for the firms in scope, a firm account its own listings (NeedImportView).
        return (
            f"matching:{self.tab}_import"
            if _ListingImportView.may_import(self.request.user)
            else ""
        )

    def extra_context_data(self) -> dict[str, Any]:
        return {
            "tab": self.tab,
            "may_run": is_editor(self.request.user),
            "job_id": _job_id(self.request),
        }


class NeedListView(_ListingListView):
    """需求: what chain masters buy."""

    model = Need
    template_name = "matching/listing_list.html"
    filterset_class = NeedFilter
    columns = NEED_LIST_COLUMNS
    export_columns = NEED_EXPORT_COLUMNS
    add_url_name = "matching:need_add"
    tab = "need"


class OfferListView(_ListingListView):
    """供给: what local firms make."""

    model = Offer
    template_name = "matching/listing_list.html"
    filterset_class = OfferFilter
    columns = OFFER_LIST_COLUMNS
    export_columns = OFFER_EXPORT_COLUMNS
    add_url_name = "matching:offer_add"
    tab = "offer"


class MatchListView(ObjectListView):
    """对接: every match in scope (a firm: those of its own needs and offers)."""

    model = Match
    template_name = "matching/match_list.html"
    filterset_class = MatchFilter
    columns = MATCH_COLUMNS
    export_columns = MATCH_EXPORT_COLUMNS
    select_related = ("need__enterprise", "need__chain__region", "offer__enterprise")
    default_sort = "-score"

    def extra_context_data(self) -> dict[str, Any]:
        return {
            "tab": "match",
            "may_run": is_editor(self.request.user),
            "job_id": _job_id(self.request),
        }


class _ListingDetailView(ObjectDetailView):
    template_name = "matching/listing_detail.html"
    side = ""  # "need" or "offer": the side this listing is on
    tab = ""

    def get_queryset(self) -> Any:
        return self.scoped().select_related("enterprise", "chain", "segment")

    def can_edit(self) -> bool:
        return is_editor_or_firm(self.request.user)

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        other = "offer" if self.side == "need" else "need"
        matches = (
            Match.objects.for_user(user)
            .filter(**{self.side: self.object})
            .select_related(f"{other}__enterprise", f"{other}__chain")
            .order_by("-score", "rank", "pk")
        )
        rows = [
            {
                "match": m,
                "other": getattr(m, other),
                "components": components(m),
                "steps": services.allowed_steps(m, user),
            }
            for m in matches[:200]
        ]
        writable = (
            type(self.object).objects.for_user(user, write=True).filter(pk=self.object.pk).exists()
        )
        return {
            "tab": self.tab,
            "side": self.side,
            "rows": rows,
            "component_labels": [COMPONENT_LABELS[n] for n in COMPONENTS],
            "may_run": self.side == "need" and is_editor(user) and self.object.is_open,
            "may_change": writable and is_editor_or_firm(user),
        }


class NeedDetailView(_ListingDetailView):
    """A need and its ranked offers, every score component shown."""

    model = Need
    side = "need"
    tab = "need"


class OfferDetailView(_ListingDetailView):
    """An offer and the needs it was matched with."""

    model = Offer
    side = "offer"
    tab = "offer"


class _ListingEditView(ObjectEditView):
    """Publish (no pk) or change (pk) a listing through the matching services."""

    def can_edit(self) -> bool:
        return is_editor_or_firm(self.request.user)

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.listing_update(
                listing=cast(Need | Offer, self.object),
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        own = firm_of(self.request.user)
        if own is not None:
            from chainleader.enterprises.models import Enterprise

            data["enterprise"] = Enterprise.objects.for_user(self.request.user).get(pk=own)
        return self.publish(data)

    def publish(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError


class NeedEditView(_ListingEditView):
    model = Need
    form_class = NeedForm

    def publish(self, data: dict[str, Any]) -> Any:
        return services.need_publish(actor=self.request.user, data=data)


class OfferEditView(_ListingEditView):
    model = Offer
    form_class = OfferForm

    def publish(self, data: dict[str, Any]) -> Any:
        return services.offer_publish(actor=self.request.user, data=data)


class NeedHistoryView(ObjectHistoryView):
    model = Need


class OfferHistoryView(ObjectHistoryView):
    model = Offer


class _ListingImportView(ObjectImportView):
    """Editors import listings for the firms in scope; a firm account its own (the service checks each row)."""

    listing_examples: list[list[Any]] = []

    @classmethod
    def may_import(cls, user: Any) -> bool:
        # A firm account without its firm (no org unit linked to an enterprise) has nothing to import for.
        return is_editor_or_firm(user) and services.may_import(user)

    def can_edit(self) -> bool:
        return self.may_import(self.request.user)

    @property
    def examples(self) -> list[list[Any]]:  # type: ignore[override]
        # A firm account's example leaves the firm columns empty: the row is its own.
        rows = self.listing_examples
        if firm_of(self.request.user) is None:
            return rows
        return [["", "", "", *row[3:]] for row in rows]


class NeedImportView(_ListingImportView):
    model = Need
    columns = importers.NEED_COLUMNS
    listing_examples = importers.NEED_EXAMPLES
    import_service = importers.need_import
    list_url_name = "matching:need_list"


class OfferImportView(_ListingImportView):
    model = Offer
    columns = importers.OFFER_COLUMNS
    listing_examples = importers.OFFER_EXAMPLES
    import_service = importers.offer_import
    list_url_name = "matching:offer_list"


class MatchDetailView(ObjectDetailView):
    """A match: the need, the offer, every score component, where it stands and the next steps."""

    model = Match
    template_name = "matching/match_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "need__enterprise", "need__chain", "offer__enterprise", "offer__chain"
        )

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "tab": "match",
            "components": components(self.object),
            "steps": services.allowed_steps(self.object, self.request.user),
            # a firm sees the match, not necessarily the other side's listing: link only what opens
            "need_visible": Need.objects.for_user(user).filter(pk=self.object.need_id).exists(),
            "offer_visible": Offer.objects.for_user(user).filter(pk=self.object.offer_id).exists(),
        }


class MatchStepView(WorkflowStepView):
    """One step of a match (已联系, 已报价, 已成交 with the amount, 已关闭 with the reason) through match_advance."""

    model = Match
    template_name = "projects/workflow_step.html"
    form_class = StepForm
    step = ""

    def allowed(self) -> bool:
        return self.step in services.allowed_steps(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.match_advance(
            match=self.object,
            actor=self.request.user,
            step=self.step,
            expected_version=d.get("version"),
            reason=d.get("reason") or "",
            deal_amount_wan=d.get("deal_amount_wan"),
        )


class MatchContactedView(MatchStepView):
    step = "contacted"
    title = gettext_lazy("Mark as contacted")
    success_message = gettext_lazy("The match is marked as contacted.")


class MatchQuotedView(MatchStepView):
    step = "quoted"
    title = gettext_lazy("Mark as quoted")
    success_message = gettext_lazy("The match is marked as quoted.")


class MatchDealtView(MatchStepView):
    step = "dealt"
    form_class = DealForm
    title = gettext_lazy("Record the deal")
    success_message = gettext_lazy("The deal is recorded.")


class MatchClosedView(MatchStepView):
    step = "closed"
    form_class = CloseForm
    title = gettext_lazy("Close the match")
    success_message = gettext_lazy("The match is closed.")


class MatchRunView(LoginRequiredMixin, View):
    """运行匹配: the office (or an editor) matches the open needs in scope against the open offers.

    The full run is a background job: the page it came from shows its progress bar (``?job=``). One need
    (``need``) is matched at once, in the request."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if not is_editor(request.user):
            raise PermissionDenied
        need = request.POST.get("need", "")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("matching:match_list")
        if not need.isdigit():
            try:
                job = services.match_run_enqueue(actor=request.user)
            except ServiceError as exc:
                messages.error(request, exc.message)
                return HttpResponseRedirect(target)
            return HttpResponseRedirect(_with_job(target, job))
        try:
            new = services.match_run(actor=request.user, need_ids=[int(need)])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Matching done: %(new)s new matches pushed.") % {"new": new}
            )
        return HttpResponseRedirect(target)


def _job_id(request: HttpRequest) -> int | None:
    """The background job whose progress a list page shows (``?job=``; the progress view checks its owner)."""
    raw = request.GET.get("job", "")
    return int(raw) if raw.isdigit() else None


def _with_job(url: str, job: int) -> str:
    """``url`` with its ``job`` query parameter set to ``job`` (any other parameter kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "job"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("job", str(job))])))


class SummaryView(LoginRequiredMixin, TemplateView):
    """Per chain: needs published, 已对接需求 N 项, deals and their amount (万元), in the user's scope."""

    template_name = "matching/summary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = selectors.chain_summary(self.request.user)
        totals = {
            "needs": sum(r["needs"] for r in rows),
            "matched": sum(r["matched"] for r in rows),
            "deals": sum(r["deals"] for r in rows),
            "amount_wan": sum((r["amount_wan"] for r in rows), Decimal("0")),
        }
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "totals": totals,
            "tab": "summary",
        }
