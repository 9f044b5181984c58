from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainleader.core.forms import VersionedModelForm
from chainleader.parks.models import Park
from chainleader.reference.models import Industry, Region

from .models import Contact, Enterprise, EnterpriseTier, YearFigure


class EnterpriseForm(VersionedModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "former_names",
            "region",
            "park",
            "industry",
            "registered_capital_wan",
            "founded_on",
            "above_size",
            "ticker",
            "address",
            "business_scope",
        ]
        widgets = {
            "former_names": forms.Textarea(attrs={"rows": 2}),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "founded_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_choices(park=Park)
        self.fields["region"].queryset = Region.objects.filter(level__gte=Region.Level.PREFECTURE)
        self.fields["industry"].queryset = Industry.objects.filter(level=Industry.Level.CLASS)

    def clean_uscc(self) -> str:
        return (self.cleaned_data.get("uscc") or "").strip().upper()


class YearFigureForm(VersionedModelForm):
    class Meta:
        model = YearFigure
        fields = [
            "year",
            "revenue_wan",
            "tax_wan",
            "output_wan",
            "value_added_wan",
            "employees",
            "land_mu",
            "energy_tce",
            "emissions_t",
            "rd_wan",
        ]


class TierForm(VersionedModelForm):
    class Meta:
        model = EnterpriseTier
        fields = ["tier", "level", "year"]


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email"]


class EnterpriseProductForm(forms.Form):
    """Add a product a firm makes, by name (a product of the graph or a new one)."""

    product = forms.CharField(label=_("product"), max_length=200)
    revenue_share = forms.DecimalField(
        label=_("revenue share"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=4,
        help_text=_("Share of revenue, 0 to 1; leave empty if unknown."),
    )

    def __init__(self, *args: Any, user: Any = None, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["product"].widget.attrs["list"] = "product-suggestions"

    def data_for_service(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return {
            "product": self.cleaned_data["product"].strip(),
            "revenue_share": self.cleaned_data["revenue_share"],
        }, {}
