"""Forms of growth plans: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms

from chainleader.accounts.models import OrgUnit
from chainleader.core.forms import DATE, VersionedModelForm
from chainleader.enterprises.models import Enterprise

from .models import GrowthPlan, Measure, PlanYear


class GrowthPlanForm(VersionedModelForm):
    class Meta:
        model = GrowthPlan
        fields = [
            "enterprise",
            "kind",
            "base_year",
            "target_year",
            "base_revenue_wan",
            "target_revenue_wan",
            "base_tax_wan",
            "target_tax_wan",
            "base_investment_wan",
            "target_investment_wan",
            "status",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["enterprise"]
            del self.fields["base_year"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(
                self.user, write=True
            ).order_by("name_sort")


class PlanYearForm(VersionedModelForm):
    class Meta:
        model = PlanYear
        fields = ["year", "revenue_wan", "tax_wan", "investment_wan", "investment_actual_wan"]


class MeasureForm(VersionedModelForm):
    class Meta:
        model = Measure
        fields = ["text", "responsible_unit", "deadline", "done", "done_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "deadline": DATE,
            "done_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = OrgUnit.objects.exclude(
            kind=OrgUnit.Kind.ENTERPRISE
        ).order_by("kind", "name_sort")
