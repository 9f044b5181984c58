"""Request id, the current request for audit rows, and no-store caching on pages (SECURITY.md DP3, AU2)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

_local = threading.local()


def current_request() -> HttpRequest | None:
    return getattr(_local, "request", None)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = str(uuid.uuid4())  # type: ignore[attr-defined]
        request.audit_ip = request.META.get("REMOTE_ADDR", "")  # type: ignore[attr-defined]
        _local.request = request
        try:
            response = self.get_response(request)
        finally:
            _local.request = None
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class NoStoreMiddleware:
    """Signed-in pages may hold confidential figures: never cache them in the browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose English with the switch (language cookie); the browser's
    Accept-Language is ignored, so an office PC with an English browser still gets the Chinese UI."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
