"""OpenAPI: the schema validates, the docs page uses local assets only, and responses match the schema
(Zulip's validate_against_openapi_schema)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from openapi_schema_validator import OAS30Validator, validate
from openapi_spec_validator import validate as validate_spec

from .conftest import ALL_ENDPOINTS

pytestmark = pytest.mark.django_db

COMPONENT = {
    "regions": "Region",
    "industries": "Industry",
    "enterprises": "Enterprise",
    "parks": "Park",
    "land-zones": "LandZone",
    "chains": "Chain",
    "segments": "Segment",
    "chain-targets": "ChainTarget",
    "placements": "Placement",
    "enterprise-tiers": "EnterpriseTier",
    "year-figures": "YearFigure",
}


@pytest.fixture
def spec(api, office_user):
    resp = api(office_user).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert resp.status_code == 200
    return resp.json()


def check(spec: dict, component: str, body: object) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": spec["components"]}
    validate(body, schema, cls=OAS30Validator)


def test_schema_is_valid_openapi(spec, api, office_user):
    validate_spec(spec)
    assert {f"/api/{e}/" for e in ALL_ENDPOINTS} <= set(spec["paths"])
    as_json = api(office_user).get("/api/schema/", {"format": "json"})
    assert as_json.status_code == 200
    validate_spec(as_json.json())


def test_schema_command_passes_with_warnings_as_errors(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_schema_keeps_figures_and_stamps_out_of_enterprise_writes(spec):
    schemas = spec["components"]["schemas"]
    enterprise = schemas["Enterprise"]["properties"]
    assert not set(enterprise) & {"tax_wan", "revenue_wan", "figures", "contacts"}
    writable = schemas["PatchedEnterpriseRequest"]["properties"]
    assert not set(writable) & {"id", "is_synthetic", "created_at", "updated_at"}


def test_docs_page_uses_local_assets_only(api, office_user):
    resp = api(office_user).get("/api/docs/")
    assert resp.status_code == 200
    html = resp.content.decode()
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert refs
    for ref in refs:
        assert not re.match(r"(?i)^(https?:)?//", ref), ref
    assert "http://" not in html
    assert "https://" not in html


def test_docs_page_has_no_inline_script(api, office_user):
    html = api(office_user).get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_every_response_matches_the_schema(spec, api, office_user, world):
    client = api(office_user)
    for endpoint in ALL_ENDPOINTS:
        component = COMPONENT[endpoint]
        resp = client.get(f"/api/{endpoint}/", {"page_size": 20})
        assert resp.status_code == 200
        check(spec, f"Paginated{component}List", resp.json())
        first = resp.json()["results"][0]["id"]
        check(spec, component, client.get(f"/api/{endpoint}/{first}/").json())
    created = client.post(
        "/api/chains/",
        {"name": "新链", "level": "city", "region": "3702", "masters": [world.ent_a.pk]},
        format="json",
    )
    assert created.status_code == 201
    check(spec, "Chain", created.json())
    for resp in (
        client.get("/api/enterprises/99999999/"),
        client.patch(f"/api/chains/{created.json()['id']}/", {"name": "x"}, format="json"),
    ):
        assert resp.status_code in (404, 428)
        check(spec, "Error", resp.json())


def test_docs_page_allows_inline_styles_only(api, office_user):
    policy = api(office_user).get("/api/docs/")["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}
    assert "'unsafe-inline'" in directives["style-src"]  # Swagger UI styles itself from its script
    assert "'unsafe-inline'" not in directives.get("script-src", directives.get("default-src", []))
