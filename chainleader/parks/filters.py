from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainleader.enterprises.filters import home_districts, scoped_chains

from .models import LandZone, Park


class ParkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_districts, method="in_region", empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Park.Kind.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, field_name="chains", empty_label=_("All")
    )

    class Meta:
        model = Park
        fields = ["q", "region", "kind", "chain"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(Q(name__icontains=value) | Q(leading_industry__icontains=value))
            if value
            else qs
        )

    def in_region(self, qs: QuerySet, name: str, value: object) -> QuerySet:
        return qs.filter(region__code__startswith=value.code)  # type: ignore[attr-defined]


class LandZoneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=LandZone.Kind.choices, empty_label=_("All")
    )

    class Meta:
        model = LandZone
        fields = ["q", "kind"]
