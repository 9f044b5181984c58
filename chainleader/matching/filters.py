"""FilterSets of the matching lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainleader.chains.filters import scoped_chains

from .models import Match, Need, Offer


def _search(qs: QuerySet, value: str, prefix: str = "") -> QuerySet:
    value = value.strip()
    if not value:
        return qs
    return qs.filter(
        Q(**{f"{prefix}product__icontains": value})
        | Q(**{f"{prefix}spec__icontains": value})
        | Q(**{f"{prefix}enterprise__name__icontains": value})
    )


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    is_open = django_filters.BooleanFilter(label=_("Open"))

    class Meta:
        model = Need
        fields = ["q", "chain", "is_open"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return _search(qs, value)


class OfferFilter(NeedFilter):
    class Meta:
        model = Offer
        fields = ["q", "chain", "is_open"]


class MatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), field_name="need__chain", queryset=scoped_chains, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Match.Status.choices, empty_label=_("All")
    )
    # Set by the firm page's link (the matches it needs or offers in), not typed: a hidden field.
    enterprise = django_filters.NumberFilter(
        label=_("enterprise"), method="filter_enterprise", widget=forms.HiddenInput
    )

    class Meta:
        model = Match
        fields = ["q", "chain", "status", "enterprise"]

    def filter_enterprise(self, qs: QuerySet, name: str, value: int | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(Q(need__enterprise_id=value) | Q(offer__enterprise_id=value))

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return qs
        return _search(qs, value, "need__") | _search(qs, value, "offer__")
