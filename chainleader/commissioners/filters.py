"""FilterSets of the assignment list and the visit log (pages and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import User
from chainleader.projects.filters import home_counties

from .models import Assignment, Visit


def scoped_commissioners(request: Any) -> Any:
    """The commissioners of the assignments the user sees (a filter offers no name from another district)."""
    user = getattr(request, "user", None)
    ids = Assignment.objects.for_user(user).values("commissioner_id")
    return User.objects.filter(pk__in=ids).order_by("username")


class AssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=home_counties,
        method="filter_district",
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("kind of firm"), choices=Assignment.Kind.choices, empty_label=_("All")
    )
    commissioner = django_filters.ModelChoiceFilter(
        label=_("service commissioner"), queryset=scoped_commissioners, empty_label=_("All")
    )
    current = django_filters.BooleanFilter(label=_("current"), method="filter_current")
    overdue = django_filters.BooleanFilter(label=_("visit overdue"), method="filter_overdue")

    class Meta:
        model = Assignment
        fields = ["q", "district", "kind", "commissioner", "current", "overdue"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc__icontains=value)
            | Q(commissioner__full_name__icontains=value)
            | Q(commissioner__username__icontains=value)
        )

    def filter_district(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(enterprise__region__code__startswith=value.code) if value else qs

    def filter_current(self, qs: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return qs
        return qs.filter(until__isnull=value)

    def filter_overdue(self, qs: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return qs
        overdue = Assignment.objects.overdue(timezone.localdate()).values("pk")
        return qs.filter(pk__in=overdue) if value else qs.exclude(pk__in=overdue)


class VisitFilter(django_filters.FilterSet):
    assignment = django_filters.NumberFilter(label=_("assignment"), field_name="assignment_id")
    enterprise = django_filters.NumberFilter(
        label=_("enterprise"), field_name="assignment__enterprise_id"
    )
    form = django_filters.ChoiceFilter(
        label=_("form of visit"), choices=Visit.Form.choices, empty_label=_("All")
    )
    year = django_filters.NumberFilter(
        label=_("year"), field_name="on", lookup_expr="year", min_value=1, max_value=9999
    )

    class Meta:
        model = Visit
        fields = ["assignment", "enterprise", "form", "year"]
