"""FilterSets of the lists (pages and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.reference.models import Region

from .models import (
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Scene,
    SceneApplication,
)


def chains(request: Any) -> Any:
    return (
        Chain.objects.for_user(getattr(request, "user", None))
        .select_related("region")
        .order_by("name")
    )


def districts(request: Any) -> Any:
    return Region.objects.filter(
        level=Region.Level.COUNTY, code__startswith=settings.CHAINLEADER_HOME_REGION
    ).order_by("code")


def _search(qs: Any, value: str, *fields: str) -> Any:
    value = value.strip()[:100]
    if not value:
        return qs
    q = Q(pk__in=[])
    for f in fields:
        q |= Q(**{f"{f}__icontains": value})
    return qs.filter(q)


class ChallengeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Challenge.Status.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=chains, empty_label=_("All")
    )

    class Meta:
        model = Challenge
        fields = ["q", "status", "chain"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        return _search(qs, value, "title", "need", "publisher_firm__name", "publisher_unit__name")


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ChallengeApplication.Status.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=chains, field_name="challenge__chain", empty_label=_("All")
    )

    class Meta:
        model = ChallengeApplication
        fields = ["q", "status", "chain"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        return _search(qs, value, "challenge__title", "solver_firm__name", "solver_name")


class SceneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Scene.Status.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=chains, empty_label=_("All")
    )

    class Meta:
        model = Scene
        fields = ["q", "status", "chain"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        return _search(qs, value, "title", "sought", "publisher_firm__name")


class SceneApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SceneApplication.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = SceneApplication
        fields = ["status", "scene"]


class LabFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Lab.Kind.choices, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=chains, field_name="segment__chain", empty_label=_("All")
    )

    class Meta:
        model = Lab
        fields = ["q", "kind", "chain"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        return _search(qs, value, "name", "host__name", "results")


class DiagnosisFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=districts, method="filter_district", empty_label=_("All")
    )
    converted = django_filters.BooleanFilter(
        label=_("Has an upgrade project"), method="filter_converted"
    )

    class Meta:
        model = Diagnosis
        fields = ["q", "district", "converted", "enterprise"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        return _search(qs, value, "enterprise__name", "enterprise__uscc", "provider")

    def filter_district(self, qs: Any, name: str, value: Region | None) -> Any:
        return qs.filter(enterprise__region__code__startswith=value.code) if value else qs

    def filter_converted(self, qs: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return qs
        with_project = qs.filter(recommendations__project__isnull=False).values("pk")
        return qs.filter(pk__in=with_project) if value else qs.exclude(pk__in=with_project)


class TitleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DigitalTitle.Kind.choices, empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=DigitalTitle.Level.choices, empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)

    class Meta:
        model = DigitalTitle
        fields = ["q", "kind", "level", "year"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        return _search(qs, value, "enterprise__name")
