"""FilterSets of the result and appeal lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.enterprises.filters import home_districts, scoped_chains, scoped_parks
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

from .models import APPEAL_FIELDS, Appeal, EvaluationResult, EvaluationRun, Grade

NOT_GRADED = "none"


def scoped_runs(request: Any) -> QuerySet:
    return EvaluationRun.objects.for_user(getattr(request, "user", None))


class ResultFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    grade = django_filters.ChoiceFilter(
        label=_("Class"),
        choices=[*Grade.choices, (NOT_GRADED, _("not graded"))],
        method="in_grade",
        empty_label=_("All"),
    )
    group = django_filters.ChoiceFilter(label=_("Group"), choices=(), empty_label=_("All"))
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_districts, method="in_district", empty_label=_("All")
    )
    park = django_filters.ModelChoiceFilter(
        label=_("Park"),
        queryset=scoped_parks,
        field_name="enterprise__park",
        empty_label=_("All"),
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, method="in_chain", empty_label=_("All")
    )

    class Meta:
        model = EvaluationResult
        fields = ["q", "grade", "group", "district", "park", "chain"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(self.filters.get("group"), django_filters.ChoiceFilter):
            return  # the API takes the group as text
        # The groups are the scheme's (规上 / 规下 by default), so they are read from the rows.
        groups = (
            EvaluationResult.objects.exclude(group="")
            .values_list("group", flat=True)
            .distinct()
            .order_by("group")
        )
        self.filters["group"].extra["choices"] = [(g, g) for g in groups]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__iexact=value))

    def in_grade(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(grade="") if value == NOT_GRADED else qs.filter(grade=value)

    def in_district(self, qs: QuerySet, name: str, value: Region) -> QuerySet:
        return qs.filter(enterprise__region__code__startswith=value.code)

    def in_chain(self, qs: QuerySet, name: str, value: Chain) -> QuerySet:
        firms = Enterprise.objects.filter(placements__segment__chain=value).values("pk")
        return qs.filter(enterprise__in=firms)


class ResultApiFilter(ResultFilter):
    run = django_filters.ModelChoiceFilter(label=_("Evaluation run"), queryset=scoped_runs)
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="run__year", min_value=1, max_value=9999
    )

    class Meta(ResultFilter.Meta):
        fields = ["run", "year", *ResultFilter.Meta.fields]


class AppealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Appeal.Status.choices, empty_label=_("All")
    )
    field = django_filters.ChoiceFilter(
        label=_("Figure"), choices=APPEAL_FIELDS, empty_label=_("All")
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="result__run__year", min_value=1, max_value=9999
    )

    class Meta:
        model = Appeal
        fields = ["q", "status", "field", "year"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__iexact=value))
