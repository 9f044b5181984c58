"""FilterSets of the indicator library and the warnings (pages and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainleader.enterprises.filters import home_districts, scoped_chains

from .models import Indicator, IndicatorValue, Kind, Level, RelocationFlag, Source, Warning


def _groups(request: Any) -> list[tuple[str, str]]:
    names = Indicator.objects.order_by("group").values_list("group", flat=True).distinct()
    return [(g, g) for g in names if g]


class IndicatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    group = django_filters.ChoiceFilter(label=_("Group"), choices=[], empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("All"))
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("All")
    )

    class Meta:
        model = Indicator
        fields = ["q", "group", "kind", "level", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["group"].extra["choices"] = _groups(None)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else qs


class WarningFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Warning.Kind.choices, empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Warning.Level.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Warning.Status.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_districts, empty_label=_("All")
    )

    class Meta:
        model = Warning
        fields = ["q", "kind", "level", "status", "chain", "region"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        return qs.filter(message__icontains=value) if value else qs


class RelocationFlagFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RelocationFlag.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = RelocationFlag
        fields = ["q", "status"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        return qs.filter(enterprise__name__icontains=value) if value else qs


class ValueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    region = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_districts, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("All")
    )

    class Meta:
        model = IndicatorValue
        fields = ["q", "year", "region", "chain", "source"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(Q(indicator__code__icontains=value) | Q(indicator__name__icontains=value))
