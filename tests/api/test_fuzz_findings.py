"""What the API fuzzing found (tests/fuzz/, docs/decisions/0022-api-fuzzing.md), each kept as a plain test:
server errors on out-of-range years, HTML pages under /api/, and answers the schema did not describe."""

from __future__ import annotations

from datetime import date

import pytest
from openapi_schema_validator import OAS30Validator, validate

from chainleader.projects.models import Problem
from chainleader.projects.services import problems as problem_services

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def spec(api, office_user):
    resp = api(office_user).get("/api/schema/", {"format": "json"})
    assert resp.status_code == 200
    return resp.json()


def check(spec: dict, schema: dict, body: object) -> None:
    validate(body, {**schema, "components": spec["components"]}, cls=OAS30Validator)


def response_schema(spec: dict, path: str, method: str, status: str) -> dict:
    return spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/monthly-reports/", "year"),
        ("/api/projects/", "signed_year"),
        ("/api/evaluation-results/", "year"),
        ("/api/evaluation-appeals/", "year"),
        ("/api/commissioner-visits/", "year"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "0", "10000"])
def test_a_year_out_of_range_is_a_bad_filter_not_a_server_error(
    api, office_user, path, param, value
):
    resp = api(office_user).get(path, {param: value})
    assert resp.status_code == 400, resp.content
    assert param in resp.json()


def test_a_year_in_range_still_filters(api, office_user):
    assert api(office_user).get("/api/monthly-reports/", {"year": "2026"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/chains/1.5/", "/api/no-such-thing/", "/api/chains/1/x/y/"])
def test_a_path_the_api_does_not_have_answers_json_404(api, office_user, path):
    resp = api(office_user).get(path)
    assert resp.status_code == 404
    assert resp["Content-Type"].startswith("application/json")
    assert resp.json()["detail"]


def test_a_page_the_site_does_not_have_is_still_the_html_404(client, office_user):
    client.force_login(office_user)
    resp = client.get("/no-such-page/")
    assert resp.status_code == 404
    assert resp["Content-Type"].startswith("text/html")


def test_a_problem_without_chain_or_region_matches_its_schema(api, firm_user, office_user, spec):
    problem_services.request_raise(
        actor=firm_user, title="用地指标", description="需要协调用地指标", category="land"
    )
    problem = Problem.objects.get()
    assert problem.chain_id is None
    resp = api(office_user).get(f"/api/problems/{problem.pk}/")
    assert resp.status_code == 200
    assert resp.json()["chain"] is None
    check(spec, response_schema(spec, "/api/problems/{id}/", "get", "200"), resp.json())


def test_a_blank_read_only_choice_is_in_its_schema(spec):
    appeal = spec["components"]["schemas"]["Appeal"]["properties"]["outcome"]
    check(spec, appeal, "")
    check(spec, appeal, "accepted")
    with pytest.raises(Exception, match=r"is not valid|is not one of"):
        check(spec, appeal, "maybe")


def test_a_workflow_step_s_field_errors_match_the_documented_400(api, office_user, spec):
    from tests.projects.factories import ProblemFactory

    problem = ProblemFactory(deadline=date(2026, 12, 1))
    resp = api(office_user).post(f"/api/problems/{problem.pk}/assign/", {}, format="json")
    assert resp.status_code == 400
    assert "detail" not in resp.json()  # DRF's field errors
    check(spec, response_schema(spec, "/api/problems/{id}/assign/", "post", "400"), resp.json())


def test_the_promise_check_is_one_list_as_documented(api, office_user, spec):
    resp = api(office_user).get("/api/leads/promises/")
    assert resp.status_code == 200
    assert isinstance(resp.json(), list)
    schema = response_schema(spec, "/api/leads/promises/", "get", "200")
    assert schema["type"] == "array"
    check(spec, schema, resp.json())


@pytest.mark.parametrize("path", ["/api/tier-targets/progress/", "/api/growth-plans/echelons/"])
def test_the_other_unpaginated_lists_are_documented_as_lists(api, office_user, spec, path):
    resp = api(office_user).get(path)
    assert resp.status_code == 200
    schema = response_schema(spec, path, "get", "200")
    assert schema["type"] == "array"
    check(spec, schema, resp.json())


def test_the_confidential_figures_document_their_read_limit(spec):
    for path in ("/api/year-figures/", "/api/year-figures/{id}/"):
        assert "429" in spec["paths"][path]["get"]["responses"]


def test_the_import_documents_its_refusals(api, office_user, spec):
    responses = spec["paths"]["/api/imports/{kind}/"]["post"]["responses"]
    assert {"400", "401", "403", "404"} <= set(responses)
    missing = api(office_user).post("/api/imports/no-such-kind/", {}, format="multipart")
    assert missing.status_code == 404
    check(spec, response_schema(spec, "/api/imports/{kind}/", "post", "404"), missing.json())
    no_file = api(office_user).post("/api/imports/enterprises.enterprise/", {}, format="multipart")
    assert no_file.status_code == 400
    check(spec, response_schema(spec, "/api/imports/{kind}/", "post", "400"), no_file.json())
