"""FilterSets shared by the enterprise list page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.parks.models import Park
from chainleader.reference.models import Region

from .models import Enterprise, EnterpriseTier


def _request_user(request: Any) -> Any:
    return getattr(request, "user", None)


def home_districts(request: Any) -> QuerySet:
    return Region.objects.filter(
        code__startswith=settings.CHAINLEADER_HOME_REGION, level=Region.Level.COUNTY
    )


def scoped_chains(request: Any) -> QuerySet:
    return Chain.objects.for_user(_request_user(request)).select_related("region")


def scoped_parks(request: Any) -> QuerySet:
    return Park.objects.for_user(_request_user(request))


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=home_districts, method="in_region", empty_label=_("All")
    )
    park = django_filters.ModelChoiceFilter(
        label=_("Park"), queryset=scoped_parks, empty_label=_("All")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=scoped_chains, method="in_chain", empty_label=_("All")
    )
    above_size = django_filters.BooleanFilter(label=_("Above designated size"))
    tier = django_filters.ChoiceFilter(
        label=_("Tier"),
        choices=EnterpriseTier.Tier.choices,
        field_name="tiers__tier",
        distinct=True,
        empty_label=_("All"),
    )
    industry = django_filters.CharFilter(label=_("Industry code"), method="in_industry")

    class Meta:
        model = Enterprise
        fields = ["q", "region", "park", "chain", "above_size", "tier", "industry"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return (
            qs.filter(
                Q(name__icontains=value) | Q(uscc__iexact=value) | Q(former_names__icontains=value)
            )
            if value
            else qs
        )

    def in_region(self, qs: QuerySet, name: str, value: Region) -> QuerySet:
        return qs.filter(region__code__startswith=value.code)

    def in_chain(self, qs: QuerySet, name: str, value: Chain) -> QuerySet:
        return qs.filter(
            pk__in=Enterprise.objects.filter(placements__segment__chain=value).values("pk")
        )

    def in_industry(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # "C" is a section (门类); "C39", "3951" or "C3951" are code prefixes.
        code = value.strip().upper()
        if len(code) == 1 and code.isalpha():
            return qs.filter(industry__section=code)
        if code[:1].isalpha():
            code = code[1:]
        return qs.filter(industry__code__startswith=code) if code else qs
