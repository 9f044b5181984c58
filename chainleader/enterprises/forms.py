from __future__ import annotations

from typing import Any

from django import forms

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
        ]
        widgets = {
            "former_names": forms.Textarea(attrs={"rows": 2}),
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
