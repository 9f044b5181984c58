from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Industry, Region


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Region.Level.choices, empty_label=_("All")
    )
    parent = django_filters.CharFilter(label=_("Parent code"), field_name="parent__code")

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(
                Q(name__icontains=value) | Q(alias__icontains=value) | Q(code__startswith=value)
            )
            if value
            else qs
        )


class IndustryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Industry.Level.choices, empty_label=_("All")
    )
    section = django_filters.CharFilter(
        label=_("Section letter"), field_name="section", lookup_expr="iexact"
    )

    class Meta:
        model = Industry
        fields = ["q", "level", "section"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(
                Q(name__icontains=value) | Q(code__startswith=value) | Q(full_code__iexact=value)
            )
            if value
            else qs
        )
