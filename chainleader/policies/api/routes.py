"""The app's API routes, registered on the one router in chainleader/api_urls.py."""

from typing import Any


def register(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    from .views import (
        EligibilityResultViewSet,
        EligibilityRunViewSet,
        MeasureRuleViewSet,
        PaymentViewSet,
        PolicyItemViewSet,
        PolicyViewSet,
    )

    router.register("policies", PolicyViewSet)
    router.register("policy-items", PolicyItemViewSet)
    router.register("eligibility-runs", EligibilityRunViewSet)
    router.register("eligibility-results", EligibilityResultViewSet)
    router.register("policy-payments", PaymentViewSet)
    router.register("measure-rules", MeasureRuleViewSet)
