"""FilterSets of the pipeline list and the target list (pages and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chainleader.reference.models import Region

from . import selectors
from .models import Level, Tier, TierCandidate, TierTarget


def districts(request: Any) -> Any:
    return selectors.districts_for(getattr(request, "user", None))


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices, empty_label=_("All"))
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=TierCandidate.Status.choices, empty_label=_("All")
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Criteria check"), choices=TierCandidate.Verdict.choices, empty_label=_("All")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=districts, method="filter_district", empty_label=_("All")
    )
    # Set by the firm page's link (one firm's rows), not typed: a hidden field.
    enterprise = django_filters.NumberFilter(
        label=_("Enterprise"), field_name="enterprise_id", widget=forms.HiddenInput
    )

    class Meta:
        model = TierCandidate
        fields = ["q", "tier", "level", "year", "status", "verdict", "district", "enterprise"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc__icontains=value)
            | Q(note__icontains=value)
        )

    def filter_district(self, qs: Any, name: str, value: Region | None) -> Any:
        return qs.filter(enterprise__region__code__startswith=value.code) if value else qs


class TargetFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices, empty_label=_("All"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = TierTarget
        fields = ["tier", "year"]
