"""IN5: reads of confidential figures are limited to 20 per hour per user; the 21st gets 429 with
Retry-After (SECURITY.md IN5, ASVS V2.4.1). Counts are per user and expire after the hour."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import YearFigureFactory


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Each test its own in-process cache, so no count comes from another test or the file cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_21st_read_in_an_hour_gets_429_with_retry_after(office_user):
    figure = YearFigureFactory()
    client = signed_in(office_user)
    for i in range(20):
        url = "/api/year-figures/" if i % 2 else f"/api/year-figures/{figure.pk}/"
        assert client.get(url).status_code == 200, i
    resp = client.get("/api/year-figures/")
    assert resp.status_code == 429
    assert 0 < int(resp["Retry-After"]) <= 3600


def test_the_limit_is_per_user(office_user, district_a_user):
    YearFigureFactory()
    first = signed_in(office_user)
    for _ in range(21):
        first.get("/api/year-figures/")
    assert first.get("/api/year-figures/").status_code == 429
    assert signed_in(district_a_user).get("/api/year-figures/").status_code == 200


def test_the_count_expires_after_an_hour(office_user):
    YearFigureFactory()
    client = signed_in(office_user)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(20):
            client.get("/api/year-figures/")
        assert client.get("/api/year-figures/").status_code == 429
        # Refused requests are not counted; asking every 20 minutes keeps the session (S1) alive.
        for _ in range(2):
            clock.shift(20 * 60)
            assert client.get("/api/year-figures/").status_code == 429
        clock.shift(20 * 60 + 1)
        assert client.get("/api/year-figures/").status_code == 200


def test_roles_without_the_grant_are_not_counted(department_user):
    """Their figure queryset is empty: nothing to exfiltrate, so their requests are not throttled."""
    client = signed_in(department_user)
    for _ in range(25):
        assert client.get("/api/year-figures/").status_code == 200


def test_the_production_settings_share_counts_across_workers():
    from chainleader.settings import base

    assert base.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["confidential"] == "20/hour"
