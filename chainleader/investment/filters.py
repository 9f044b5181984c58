"""FilterSets of the target list and the lead list (pages and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chainleader.chains.filters import scoped_chains

from .models import Lead, Target

BOARDS = [(b, b) for b in ("主板", "创业板", "科创板", "B股")]


class TargetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    # Set by the opportunity view's links (one segment's targets), not typed: a hidden field.
    segment = django_filters.NumberFilter(
        label=_("Segment"), field_name="segment_id", widget=forms.HiddenInput
    )
    board = django_filters.ChoiceFilter(
        label=_("Listing board"), choices=BOARDS, empty_label=_("All")
    )
    buyer = django_filters.BooleanFilter(
        label=_("Supplies the chain masters"), method="filter_buyer"
    )

    class Meta:
        model = Target
        fields = ["q", "chain", "segment", "board", "buyer"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(company__name__icontains=value)
            | Q(company__fullname__icontains=value)
            | Q(segment__name__icontains=value)
            | Q(products__icontains=value)
        )

    def filter_buyer(self, qs: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return qs
        return qs.filter(buyer__gt=0) if value else qs.filter(buyer=0)


class LeadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Lead.Stage.choices, empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Lead.Source.choices, empty_label=_("All")
    )

    class Meta:
        model = Lead
        fields = ["q", "chain", "stage", "source"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        value = value.strip()[:100]
        return qs.filter(firm_name__icontains=value) if value else qs
