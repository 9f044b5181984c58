"""The app's API routes, registered on the one router in chainleader/api_urls.py."""

from typing import Any


def register(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    from .views import (
        ApplicationViewSet,
        ChallengeViewSet,
        DiagnosisViewSet,
        DigitalTitleViewSet,
        LabViewSet,
        SceneApplicationViewSet,
        SceneViewSet,
    )

    router.register("challenges", ChallengeViewSet)
    router.register("challenge-applications", ApplicationViewSet)
    router.register("scenes", SceneViewSet)
    router.register("scene-applications", SceneApplicationViewSet)
    router.register("labs", LabViewSet)
    router.register("diagnoses", DiagnosisViewSet)
    router.register("digital-titles", DigitalTitleViewSet)
