"""A firm's result and appeal pages and the result list count against the hourly limit of confidential
reads shared with the API (SECURITY.md IN5; issue 13 item 7): past it, 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_an_hour(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"confidential": "2/hour"},
    }
    cache.clear()
    yield
    cache.clear()


def test_result_pages_past_the_limit_get_429(client, world, district_a_user, reviewing_2024):
    result = reviewing_2024.results.get(enterprise=world.a2)
    client.force_login(district_a_user)
    assert client.get(result.get_absolute_url()).status_code == 200
    listing = reverse("evaluation:result_list", args=[reviewing_2024.pk])
    assert client.get(listing).status_code == 200
    refused = client.get(result.get_absolute_url())
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert client.get(listing).status_code == 429
