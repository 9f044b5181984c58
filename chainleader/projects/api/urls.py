"""The project and four-list endpoints, for chainleader/api_urls.py to register on its router."""

from __future__ import annotations

from typing import Any

from chainleader.worklists.api.views import WorkItemViewSet

from .views import MonthlyReportViewSet, ProblemViewSet, ProjectViewSet

ENDPOINTS = (
    ("projects", ProjectViewSet),
    ("monthly-reports", MonthlyReportViewSet),
    ("problems", ProblemViewSet),
    ("work-items", WorkItemViewSet),
)


def register(router: Any) -> None:
    """router.register() each endpoint (skipping any the router already has)."""
    have = {prefix for prefix, *_rest in router.registry}
    for prefix, viewset in ENDPOINTS:
        if prefix not in have:
            router.register(prefix, viewset)
