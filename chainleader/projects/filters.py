"""FilterSets shared by the project pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.chains.filters import scoped_chains
from chainleader.reference.models import Region

from .models import MonthlyReport, Problem, Project, Stage
from .querysets import overdue_q
from .selectors import Band


def home_counties(request: Any) -> QuerySet:
    """The districts of the platform's own city (CHAINLEADER_HOME_REGION), not a hard-coded Qingdao."""
    from django.conf import settings

    return Region.objects.filter(
        level=Region.Level.COUNTY, code__startswith=settings.CHAINLEADER_HOME_REGION
    )


def scoped_projects(request: Any) -> QuerySet:
    return Project.objects.for_user(getattr(request, "user", None))


def departments(request: Any) -> QuerySet:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_counties, empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("All")
    )
    band = django_filters.ChoiceFilter(
        label=_("Investment band"), choices=Band.choices, method="filter_band", empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Project.Kind.choices, empty_label=_("All")
    )
    lagging = django_filters.BooleanFilter(label=_("Lagging"), field_name="is_lagging")
    signed_year = django_filters.NumberFilter(
        label=_("Signed in year"), field_name="signed_on__year", min_value=1, max_value=9999
    )
    # Set by the firm page's link (the projects it invests in), not typed: a hidden field.
    investor = django_filters.NumberFilter(
        label=_("investor"), field_name="investor_id", widget=forms.HiddenInput
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "chain",
            "district",
            "stage",
            "band",
            "kind",
            "lagging",
            "signed_year",
            "investor",
        ]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else qs

    def filter_band(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Band.q(value)) if value else qs


class MonthlyReportFilter(django_filters.FilterSet):
    # A number, not a select: a select would list every project in scope on every page load.
    project = django_filters.NumberFilter(label=_("Project id"), field_name="project")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, field_name="project__chain", empty_label=_("All")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=home_counties,
        field_name="project__district",
        empty_label=_("All"),
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="month__year", min_value=1, max_value=9999
    )
    month = django_filters.DateFilter(label=_("Month"), field_name="month")

    class Meta:
        model = MonthlyReport
        fields = ["project", "chain", "district", "year", "month"]


class ProblemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Problem.Status.choices, empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=departments, empty_label=_("All")
    )
    project = django_filters.NumberFilter(label=_("Project id"), field_name="project")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    escalated = django_filters.BooleanFilter(label=_("Escalated"), method="filter_escalated")

    class Meta:
        model = Problem
        fields = ["q", "chain", "status", "department", "project", "overdue", "escalated"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else qs
        )

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        overdue = overdue_q(timezone.localdate())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_escalated(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        escalated = Q(escalated_at__isnull=False) & ~Q(status=Problem.Status.CLOSED)
        return qs.filter(escalated) if value else qs.exclude(escalated)


class RequestFilter(ProblemFilter):
    """Firm requests (企业诉求): the ledger's filters plus the category."""

    category = django_filters.ChoiceFilter(
        label=_("category"), choices=Problem.Category.choices, empty_label=_("All")
    )
    # Set by the firm page's link (one firm's requests), not typed: a hidden field.
    enterprise = django_filters.NumberFilter(
        label=_("enterprise"), field_name="enterprise_id", widget=forms.HiddenInput
    )

    class Meta(ProblemFilter.Meta):
        fields = [*ProblemFilter.Meta.fields, "category", "enterprise"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(enterprise__name__icontains=value)
        )
