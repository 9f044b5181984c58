"""The site's error handlers (urls.handler400/403/404/500): under /api/ a JSON body `{"detail": ...}` as DRF's own
errors, so a client of the API (and the schema's documented content type) never gets an HTML page; elsewhere
Django's pages (templates/400.html ... 500.html).

A path the API router does not match (an id with a dot or a slash in it, a misspelt route) is answered here, not
by DRF: found by the API fuzzing (docs/decisions/0022-api-fuzzing.md).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(detail: Any, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json(exceptions.ParseError.default_detail, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json(exceptions.PermissionDenied.default_detail, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json(exceptions.NotFound.default_detail, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return _json(exceptions.APIException.default_detail, 500)
    return defaults.server_error(request)
