"""Enterprise pages: declarations on core's generic views; every queryset is for_user()."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError
from chainleader.core.import_views import ObjectImportView
from chainleader.core.querysets import scope_for
from chainleader.core.throttles import confidential_limit_message, confidential_read
from chainleader.core.views import (
    ChildDeleteView,
    ChildEditView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
)

from . import hooks, importers, selectors, services, tasks
from .filters import EnterpriseFilter
from .forms import ContactForm, EnterpriseForm, EnterpriseProductForm, TierForm, YearFigureForm
from .models import (
    Contact,
    Enterprise,
    EnterpriseProduct,
    EnterpriseTier,
    ProductSuggestion,
    YearFigure,
)
from .tables import ENTERPRISE_COLUMNS, ENTERPRISE_EXPORT_COLUMNS


class EnterpriseListView(ObjectListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    columns = ENTERPRISE_COLUMNS
    export_columns = ENTERPRISE_EXPORT_COLUMNS
    select_related = ("region", "park", "industry")
    default_sort = "name_sort"
    add_url_name = "enterprises:enterprise_add"
    import_url_name = "enterprises:enterprise_import"


class EnterpriseDetailView(ObjectDetailView):
    model = Enterprise
    template_name = "enterprises/enterprise_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("region", "park", "industry")

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        ent = self.object
        figures = list(YearFigure.objects.for_user(user).filter(enterprise=ent).order_by("-year"))
        limited = False
        if figures and confidential_read(self.request) is not None:
            # Over the hourly limit of confidential reads, pages and API together (SECURITY.md IN5).
            figures, limited = [], True
        if figures:
            # Every view of confidential figures is audited (SECURITY.md AU1).
            audit.record(
                actor=user,
                event_type="view_confidential",
                obj=ent,
                detail={"years": [f.year for f in figures]},
            )
        scope = scope_for(user)
        placements = ent.placements.for_user(user).order_by("segment__chain_id", "segment_id")
        return {
            "figures": figures,
            "figures_limited": confidential_limit_message() if limited else "",
            "can_see_figures": scope.confidential,
            "show_phone": scope.confidential,
            "tiers": EnterpriseTier.objects.for_user(user).filter(enterprise=ent),
            "contacts": Contact.objects.for_user(user).filter(enterprise=ent),
            "products": ent.products.select_related("product").order_by("-revenue_share")[:50],
            "placements": placements.select_related("segment__chain__region")[: hooks.PANEL_ROWS],
            "placement_count": placements.count(),
            # The sections the apps above the registry add (enterprises/hooks.py), in the page's order.
            "panels": {p.key: p for p in hooks.panels_for(ent, user)},
            "section_keys": hooks.PANEL_ORDER,
            "mu_result": hooks.latest_evaluation(ent, user),
            "commissioner": hooks.service_commissioner(ent, user),
            "pending_suggestions": ProductSuggestion.objects.for_user(user)
            .filter(enterprise=ent, status=ProductSuggestion.Status.PENDING)
            .count(),
        }


class EnterpriseEditView(ObjectEditView):
    model = Enterprise
    form_class = EnterpriseForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.enterprise_update(
                enterprise=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.enterprise_create(actor=self.request.user, data=data)


class EnterpriseDeleteView(ObjectDeleteView):
    model = Enterprise
    success_url_name = "enterprises:enterprise_list"


class EnterpriseHistoryView(ObjectHistoryView):
    model = Enterprise


class EnterpriseImportView(ObjectImportView):
    model = Enterprise
    columns = importers.ENTERPRISE_COLUMNS
    examples = importers.ENTERPRISE_EXAMPLES
    import_service = services.enterprise_import
    list_url_name = "enterprises:enterprise_list"


class FigureImportView(ObjectImportView):
    model = YearFigure
    columns = importers.FIGURE_COLUMNS
    import_service = services.figures_import
    list_url_name = "enterprises:enterprise_list"


class FigureEditView(ChildEditView):
    model = YearFigure
    form_class = YearFigureForm
    parent_model = Enterprise
    parent_field = "enterprise"


class TierEditView(ChildEditView):
    model = EnterpriseTier
    form_class = TierForm
    parent_model = Enterprise
    parent_field = "enterprise"


class TierDeleteView(ChildDeleteView):
    model = EnterpriseTier
    parent_model = Enterprise
    parent_field = "enterprise"


class EnterpriseProductAddView(ChildEditView):
    model = EnterpriseProduct
    form_class = EnterpriseProductForm
    parent_model = Enterprise
    parent_field = "enterprise"

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        services.enterprise_product_add(enterprise=self.parent, actor=self.request.user, **data)
        return self.parent


class EnterpriseProductDeleteView(ChildDeleteView):
    model = EnterpriseProduct
    parent_model = Enterprise
    parent_field = "enterprise"


class ContactEditView(ChildEditView):
    model = Contact
    form_class = ContactForm
    parent_model = Enterprise
    parent_field = "enterprise"


class ContactDeleteView(ChildDeleteView):
    model = Contact
    parent_model = Enterprise
    parent_field = "enterprise"


class ProductSuggestionReviewView(ScopedMixin, View):
    """产品推荐审核: firms with suggested products to review, each with its top 20; confirm or reject a row, or
    confirm the selected rows. Everyone in scope reads; only the editor roles decide, on their writable firms."""

    model = ProductSuggestion
    firms_per_page = 20

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        pending = self.get_queryset().filter(status=ProductSuggestion.Status.PENDING)
        firms = (
            Enterprise.objects.for_user(user)
            .filter(pk__in=pending.values("enterprise_id"))
            .select_related("region", "industry")
            .order_by("name_sort", "pk")
        )
        page = Paginator(firms, self.firms_per_page).get_page(request.GET.get("page"))
        rows: dict[int, list[ProductSuggestion]] = {}
        for s in pending.filter(enterprise__in=list(page.object_list)).select_related("product"):
            rows.setdefault(s.enterprise_id, []).append(s)
        without = selectors.firms_without_products(Enterprise.objects.for_user(user))
        return render(
            request,
            "enterprises/suggestion_review.html",
            {
                "page_obj": page,
                "firms": [(f, rows.get(f.pk, [])) for f in page.object_list],
                "without_products": without.count(),
                "without_suggestions": without.exclude(
                    pk__in=pending.values("enterprise_id")
                ).count(),
                "can_edit": self.can_edit(),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require_editor()
        back = reverse("enterprises:suggestion_review")
        page = request.POST.get("page", "")
        if page.isdigit():
            back += f"?page={page}"
        if request.POST.get("action") == "derive":
            if not selectors.suggestion_graph_ready():
                messages.error(request, _("The product graph is empty: import it first."))
                return redirect(back)
            tasks.suggestions_derive_task.enqueue(None, request.user.pk)
            messages.success(request, _("Suggestions are being derived in the background."))
            return redirect(back)
        decision = request.POST.get("decide", "")
        if decision:
            verdict, _sep, pk = decision.partition(":")
            accept, pks = verdict == "confirm", [pk]
        else:
            accept, pks = True, request.POST.getlist("selected")
        ids = [int(p) for p in pks if p.isdigit()]
        if not ids:
            messages.error(request, _("Select at least one suggestion."))
            return redirect(back)
        suggestions = self.model.objects.for_user(request.user, write=True).filter(pk__in=ids)
        if len(suggestions) != len(set(ids)):
            raise Http404
        try:
            n = services.suggestions_decide(
                suggestions=suggestions, actor=request.user, accept=accept
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)s suggestions decided.") % {"count": n})
        return redirect(back)
