"""The DRF settings hooks (pagination, ordering by pinyin, exception handler), kept apart from core.api.

DRF's settings import these while rest_framework.generics is still loading; this module imports nothing that
imports generics, so core.api can define its viewsets as ordinary classes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from .sorting import sort_key_path


class CappedPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PinyinOrderingFilter(OrderingFilter):
    """`?ordering=name` sorts Chinese names by pinyin (core.sorting), as the list pages do; the parameter and
    the allowed fields stay the names clients know."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        return [
            sort_key_path(queryset.model, term) if isinstance(term, str) else term
            for term in ordering
        ]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services' refusals as responses, never a 500: a stale version or a wrong state is 409, a role that may not
    take the step 403 (SECURITY.md AC5), any other business rule 400 (under its field when it names one)."""
    if isinstance(exc, StaleEdit | WorkflowConflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, WorkflowForbidden):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ServiceError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        if "__all__" in body:  # model-level errors (unique constraints) under DRF's usual key
            body[api_settings.NON_FIELD_ERRORS_KEY] = body.pop("__all__")
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
