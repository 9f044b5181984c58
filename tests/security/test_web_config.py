"""CF2/CF3/DP3 on the wire: error pages without tracebacks, CSRF on every POST, the security headers,
and no caching of pages that may carry confidential figures (SECURITY.md CF2, CF3, DP3).

The page_size cap (CF4) is tested in tests/api/test_scope.py::test_page_size_is_capped.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EnterpriseFactory, YearFigureFactory


@pytest.mark.urls("tests.security.urls_boom")
def test_an_exception_gives_a_500_page_without_a_traceback(office_user):
    client = Client(raise_request_exception=False)
    client.force_login(office_user)
    resp = client.get("/boom/")
    assert resp.status_code == 500
    body = resp.content.decode()
    for secret in ("Traceback", "RuntimeError", "secret-internal-detail", "987654321", "urls_boom"):
        assert secret not in body


def test_a_404_page_has_no_traceback_and_no_urlconf(client, office_user):
    client.force_login(office_user)
    resp = client.get("/no-such-page/")
    assert resp.status_code == 404
    body = resp.content.decode()
    assert "Traceback" not in body and "URLconf" not in body and "chainleader.urls" not in body


def test_debug_is_off():
    from django.conf import settings

    assert settings.DEBUG is False


def test_a_post_without_the_csrf_token_gets_403(office_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    data = {"uscc": "91370211MA3C8XYZ1X", "name": "无令牌企业", "region": 1}
    assert client.post(reverse("enterprises:enterprise_add"), data).status_code == 403
    # An htmx request with a wrong X-CSRFToken header is refused the same way.
    wrong = client.post(
        reverse("enterprises:enterprise_add"),
        data,
        headers={"HX-Request": "true", "X-CSRFToken": "x" * 32},
    )
    assert wrong.status_code == 403
    # The API's session authentication checks it too.
    api = client.post("/api/enterprises/", data, content_type="application/json")
    assert api.status_code == 403
    # With the token the same client gets through to the form (so the 403s above were the CSRF check).
    client.get(reverse("enterprises:enterprise_add"))
    token = client.cookies["csrftoken"].value
    ok = client.post(reverse("enterprises:enterprise_add"), {**data, "csrfmiddlewaretoken": token})
    assert ok.status_code in (200, 302)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/enterprises/", "/api/enterprises/", "/nope/"]
)
def test_every_response_carries_the_security_headers(client, office_user, path):
    if path != "/accounts/login/":
        client.force_login(office_user)
    resp = client.get(path)
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"
    csp = {
        d.strip().split(" ", 1)[0]: d.strip()
        for d in resp["Content-Security-Policy"].split(";")
        if d.strip()
    }
    assert csp["default-src"] == "default-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"


def test_the_enterprise_page_is_never_cached(client, office_user):
    firm = EnterpriseFactory()
    YearFigureFactory(enterprise=firm)
    client.force_login(office_user)
    resp = client.get(firm.get_absolute_url())
    assert resp.status_code == 200 and resp.context["figures"]
    assert "no-store" in resp["Cache-Control"]
    api = client.get("/api/year-figures/")
    assert "no-store" in api["Cache-Control"]
