"""FilterSet of the list pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.chains.filters import scoped_chains

from .models import ChainMeeting, MeetingDecision, WorkItem


def owner_units(request: Any) -> QuerySet:
    return OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)


class WorkItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("List"), choices=WorkItem.Kind.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=WorkItem.Status.choices, empty_label=_("All")
    )
    owner_unit = django_filters.ModelChoiceFilter(
        label=_("Owner unit"), queryset=owner_units, empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("My items"), method="filter_mine")

    class Meta:
        model = WorkItem
        fields = ["q", "kind", "chain", "status", "owner_unit", "year", "overdue", "mine"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else qs
        )

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        overdue = ~Q(status=WorkItem.Status.CLOSED) & Q(deadline__lt=timezone.localdate())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_mine(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        user = getattr(self.request, "user", None)
        return qs.mine(user) if value and user is not None else qs


class ChainMeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="held_on", lookup_expr="year", min_value=1, max_value=9999
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ChainMeeting.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = ChainMeeting
        fields = ["q", "chain", "year", "status"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(title__icontains=value)
            | Q(place__icontains=value)
            | Q(chair_name__icontains=value)
            | Q(attendees__icontains=value)
            | Q(minutes__icontains=value)
        )


class MeetingDecisionFilter(django_filters.FilterSet):
    meeting = django_filters.NumberFilter(
        label=_("Chain meeting"), field_name="meeting", min_value=1, max_value=2**63 - 1
    )
    chain = django_filters.NumberFilter(
        label=_("Chain"), field_name="meeting__chain", min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = MeetingDecision
        fields = ["meeting", "chain"]
