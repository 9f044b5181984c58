"""The app's API routes, registered on the one router in chainleader/api_urls.py."""

from typing import Any


def register(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    from .views import AssessmentRunViewSet, AssessmentSchemeViewSet, CockpitChainViewSet

    router.register("cockpit/chains", CockpitChainViewSet, basename="cockpit-chain")
    router.register("assessment-schemes", AssessmentSchemeViewSet, basename="assessment-scheme")
    router.register("assessment-runs", AssessmentRunViewSet, basename="assessment-run")
