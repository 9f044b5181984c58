"""Rate limits on reads of confidential figures (SECURITY.md IN5, ASVS V2.4.1): anti-exfiltration.

A user who may see confidential figures (tax, revenue, energy ...) reads them at most 20 times an hour
through the API; the 21st request gets 429 with Retry-After. Counts live in Django's default cache, which
production sets to a file cache under var/cache so every gunicorn worker shares them
(docs/decisions/0007-security-tests.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
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
