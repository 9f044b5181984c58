"""Enterprise pages: declarations on core's generic views; every queryset is for_user()."""

from __future__ import annotations

from typing import Any

from chainleader.core import audit
from chainleader.core.import_views import ObjectImportView
from chainleader.core.querysets import scope_for
from chainleader.core.views import (
    ChildDeleteView,
    ChildEditView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from chainleader.evaluation.selectors import latest_result_for

from . import importers, services
from .filters import EnterpriseFilter
from .forms import ContactForm, EnterpriseForm, EnterpriseProductForm, TierForm, YearFigureForm
from .models import Contact, Enterprise, EnterpriseProduct, EnterpriseTier, YearFigure
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
        if figures:
            # Every view of confidential figures is audited (SECURITY.md AU1).
            audit.record(
                actor=user,
                event_type="view_confidential",
                obj=ent,
                detail={"years": [f.year for f in figures]},
            )
        scope = scope_for(user)
        return {
            "figures": figures,
            "can_see_figures": scope.confidential,
            "show_phone": scope.confidential,
            "tiers": EnterpriseTier.objects.for_user(user).filter(enterprise=ent),
            "contacts": Contact.objects.for_user(user).filter(enterprise=ent),
            "products": ent.products.select_related("product").order_by("-revenue_share")[:50],
            "placements": ent.placements.for_user(user).select_related("segment__chain__region"),
            "mu_result": latest_result_for(ent, user),
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
