"""FilterSets of the policy lists (pages and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import EligibilityResult, EligibilityRun, MeasureRule, Payment, Policy


class PolicyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    issuer = django_filters.CharFilter(label=_("Issuer"), lookup_expr="icontains")
    area = django_filters.CharFilter(label=_("Area"), field_name="areas", lookup_expr="icontains")
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="issued_on", lookup_expr="year", min_value=1, max_value=9999
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Policy.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Policy
        fields = ["q", "issuer", "area", "year", "status"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(title__icontains=value)
            | Q(doc_number__icontains=value)
            | Q(summary__icontains=value)
            | Q(items__title__icontains=value)
        ).distinct()


class RunFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    policy = django_filters.NumberFilter(
        label=_("Policy"), field_name="item__policy_id", min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = EligibilityRun
        fields = ["year", "policy"]


class ResultFilter(django_filters.FilterSet):
    eligible = django_filters.BooleanFilter(label=_("Eligible"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EligibilityResult.Status.choices, empty_label=_("All")
    )
    run = django_filters.NumberFilter(
        label=_("Run"), field_name="run_id", min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = EligibilityResult
        fields = ["eligible", "status", "run"]


class PaymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="paid_on", lookup_expr="year", min_value=1, max_value=9999
    )

    class Meta:
        model = Payment
        fields = ["q", "year"]

    def search(self, qs: Any, name: str, value: str) -> Any:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(enterprise__name__icontains=value)
            | Q(voucher_no__icontains=value)
            | Q(result__run__item__policy__title__icontains=value)
        )


class MeasureRuleFilter(django_filters.FilterSet):
    grade = django_filters.ChoiceFilter(
        label=_("Class"), choices=MeasureRule._meta.get_field("grade").choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Measure kind"), choices=MeasureRule.Kind.choices, empty_label=_("All")
    )

    class Meta:
        model = MeasureRule
        fields = ["grade", "kind"]
