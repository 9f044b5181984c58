"""Token authentication: `manage.py drf_create_token USER` gives a working API token."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_drf_create_token_authenticates_the_api(api, office_user, team_chain):
    call_command("drf_create_token", "office")
    token = Token.objects.get(user=office_user)
    client = api()
    resp = client.get("/api/chains/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert resp.status_code == 200
    assert resp.json()["count"] == 1
    assert client.get("/api/chains/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401
    # A token is just another way in: the role's limits still hold.
    resp = client.post(
        "/api/chains/",
        {"name": "新链", "level": "city", "region": "3702"},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert resp.status_code == 201


def test_token_of_a_read_only_role_cannot_write(api, firm_user):
    call_command("drf_create_token", "firm")
    token = Token.objects.get(user=firm_user)
    resp = api().post("/api/chains/", {}, format="json", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert resp.status_code == 403


def test_token_of_a_deactivated_user_is_refused(api, office_user):
    call_command("drf_create_token", "office")
    token = Token.objects.get(user=office_user)
    office_user.is_active = False
    office_user.save()
    assert api().get("/api/chains/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401


def test_token_responses_are_not_cached(api, office_user, team_chain):
    """DP3: a token-authenticated response is no-store too (DRF sets the user on the Django request)."""
    call_command("drf_create_token", "office")
    token = Token.objects.get(user=office_user)
    resp = api().get("/api/year-figures/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert resp.status_code == 200
    assert resp["Cache-Control"] == "no-store"
