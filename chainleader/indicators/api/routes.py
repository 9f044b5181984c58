"""The app's API routes, registered on the one router in chainleader/api_urls.py."""

from typing import Any


def register(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    from .views import (
        IndicatorTargetViewSet,
        IndicatorValueViewSet,
        IndicatorViewSet,
        WarningViewSet,
    )

    router.register("indicators", IndicatorViewSet)
    router.register("indicator-targets", IndicatorTargetViewSet)
    router.register("indicator-values", IndicatorValueViewSet)
    router.register("warnings", WarningViewSet)
