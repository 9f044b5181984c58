"""IN5 on the pages (issue 13 item 7): the hourly limit of confidential reads held on the API only; 80
enterprise pages with tax, revenue and energy read in seconds. Pages and API now share one counter: past it
a firm's page shows without its figures and says why, and only the reads that showed figures are audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.models import AuditEvent
from chainleader.core.throttles import confidential_limit_message
from tests.factories import YearFigureFactory

SENTINEL = "987654321.12"


@pytest.fixture(autouse=True)
def _three_an_hour(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"confidential": "3/hour"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def firm_page(db):
    figure = YearFigureFactory(tax_wan=Decimal("987654321.12"))
    return reverse("enterprises:enterprise_detail", args=[figure.enterprise_id])


def reads():
    return AuditEvent.objects.filter(event_type="view_confidential").count()


def test_past_the_limit_the_page_shows_without_the_figures_and_says_why(
    client, office_user, firm_page
):
    client.force_login(office_user)
    for i in range(3):
        page = client.get(firm_page)
        assert SENTINEL in page.content.decode(), i
    assert reads() == 3
    page = client.get(firm_page)
    assert page.status_code == 200
    body = page.content.decode()
    assert SENTINEL not in body
    assert page.context["figures_limited"] == confidential_limit_message()
    assert "data-limited" in body
    assert reads() == 3  # nothing shown, nothing logged


def test_pages_and_the_api_count_together(client, office_user, firm_page):
    api = APIClient()
    api.force_login(office_user)
    assert api.get("/api/year-figures/").status_code == 200
    assert api.get("/api/year-figures/").status_code == 200
    client.force_login(office_user)
    assert SENTINEL in client.get(firm_page).content.decode()
    assert SENTINEL not in client.get(firm_page).content.decode()
    assert api.get("/api/year-figures/").status_code == 429


def test_a_page_without_figures_is_not_counted(client, office_user, firm_page):
    from tests.factories import EnterpriseFactory

    bare = reverse("enterprises:enterprise_detail", args=[EnterpriseFactory().pk])
    client.force_login(office_user)
    for _ in range(5):
        assert client.get(bare).status_code == 200
    assert SENTINEL in client.get(firm_page).content.decode()
