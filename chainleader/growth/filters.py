"""FilterSet of the growth plan list (page and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainleader.enterprises.filters import home_districts
from chainleader.reference.models import Region

from . import selectors
from .models import GrowthPlan


class GrowthPlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_districts, method="in_region", empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=GrowthPlan.Kind.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=GrowthPlan.Status.choices, empty_label=_("All")
    )
    lagging = django_filters.BooleanFilter(label=_("Lagging"), method="filter_lagging")
    # Set by the firm page's link (one firm's plans), not typed: a hidden field.
    enterprise = django_filters.NumberFilter(
        label=_("enterprise"), field_name="enterprise_id", widget=forms.HiddenInput
    )

    class Meta:
        model = GrowthPlan
        fields = ["q", "region", "kind", "status", "lagging", "enterprise"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc__iexact=value)
            | Q(notes__icontains=value)
        )

    def in_region(self, qs: QuerySet, name: str, value: Region) -> QuerySet:
        return qs.filter(enterprise__region__code__startswith=value.code)

    def filter_lagging(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        # Judged in Python over the reader's visible figures (encrypted at rest: no SQL comparison).
        user: Any = getattr(self.request, "user", None)
        return qs.filter(pk__in=selectors.lagging_ids(qs, user, value))
