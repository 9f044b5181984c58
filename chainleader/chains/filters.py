"""FilterSets shared by the chain and segment pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Chain, Segment


def scoped_chains(request: Any) -> QuerySet:
    return Chain.objects.for_user(getattr(request, "user", None)).select_related("region")


class ChainFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Chain.Level.choices, empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Chain.Category.choices, empty_label=_("All")
    )
    region = django_filters.CharFilter(
        label=_("Region code"), field_name="region__code", lookup_expr="startswith"
    )

    class Meta:
        model = Chain
        fields = ["q", "level", "category", "region"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(Q(name__icontains=value) | Q(description__icontains=value)) if value else qs
        )


class SegmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    position = django_filters.ChoiceFilter(
        label=_("Position"), choices=Segment.Position.choices, empty_label=_("All")
    )

    class Meta:
        model = Segment
        fields = ["q", "chain", "position"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value)
            | Q(key_products__icontains=value)
            | Q(key_technologies__icontains=value)
        )
