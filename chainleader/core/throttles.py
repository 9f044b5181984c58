"""Rate limits on reads of confidential figures (SECURITY.md IN5, ASVS V2.4.1): anti-exfiltration.

A user who may see confidential figures (tax, revenue, energy ...) reads them at most 20 times an hour,
through the API and the pages together (one counter): the 21st API request gets 429 with Retry-After, a page
leaves the figures out and says why (``confidential_read``), or answers 429 when the figures are all it shows
(``confidential_refusal``). Counts live in Django's default cache, which
production sets to a file cache under var/cache so every gunicorn worker shares them
(docs/decisions/0007-security-tests.md).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from .querysets import scope_for

DEFAULT_CONFIDENTIAL_RATE = "20/hour"


class ConfidentialFiguresThrottle(SimpleRateThrottle):
    """Per user, per hour: reads (GET, HEAD) of an endpoint that returns confidential figures."""

    scope = "confidential"

    def get_rate(self) -> str:
        # Read at request time (not at import, as DRF's THROTTLE_RATES is) so settings can change it.
        rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES") or {}
        return str(rates.get(self.scope) or DEFAULT_CONFIDENTIAL_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS:
            return None  # writes return no more than was sent; the editor roles and RL1 govern them
        if user is None or not getattr(user, "is_authenticated", False):
            return None  # refused by authentication anyway
        if not scope_for(user).confidential:
            return None  # this user's queryset is empty: nothing to exfiltrate, nothing to count
        # The account's creation time beside its id: a reused id (ids come back when the transaction that
        # created an account rolls back, as in every test) never inherits another account's count.
        ident = f"{user.pk}.{int(user.date_joined.timestamp() * 1_000_000)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def confidential_read(request: HttpRequest) -> ConfidentialFiguresThrottle | None:
    """Count one page read of confidential figures against the user's hourly limit, the API's own counter.

    None when the read may go on (it is counted); else the throttle, whose ``wait()`` says for how long the
    figures stay hidden. Pages call this only when they have figures to show (issue 13 item 7: pages were
    not limited at all)."""
    throttle = ConfidentialFiguresThrottle()
    if throttle.allow_request(request, None):  # type: ignore[arg-type]  # reads .method and .user only
        return None
    return throttle


def confidential_limit_message() -> str:
    return _(
        "You have reached the hourly limit for viewing confidential figures: they are hidden for now. "
        "Try again later."
    )


def confidential_refusal(request: HttpRequest) -> HttpResponse | None:
    """For a page that is all confidential figures: None when the read may go on (counted), else a 429 with
    Retry-After, as the API answers."""
    throttle = confidential_read(request)
    if throttle is None:
        return None
    response = HttpResponse(confidential_limit_message(), status=429)
    wait = throttle.wait()
    if wait:
        response["Retry-After"] = str(math.ceil(wait))
    return response
