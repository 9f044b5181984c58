"""Who sees which results: a district its firms, the firm itself, the chain team its chains' firms, the
department and the administrators nothing; drafts only the office. Pages, API and chart totals agree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.evaluation import selectors
from chainleader.evaluation.models import Appeal, EvaluationResult, EvaluationRun

from .conftest import compute

pytestmark = pytest.mark.django_db

A_FIRMS = {"黄岛甲规上有限公司", "黄岛乙规上有限公司", "黄岛丙规下有限公司", "黄岛丁规下有限公司"}


def visible_names(user, run):
    return set(
        EvaluationResult.objects.for_user(user)
        .filter(run=run)
        .values_list("enterprise__name", flat=True)
    )


def test_district_a_sees_only_its_firms_results_on_pages_api_and_charts(
    client, api, world, district_a_user, reviewing_2024
):
    run = reviewing_2024
    assert visible_names(district_a_user, run) == A_FIRMS

    client.force_login(district_a_user)
    rows = client.get(reverse("evaluation:result_list", args=[run.pk])).context["rows"]
    assert {obj.enterprise.name for obj, _cells in rows} == A_FIRMS
    other = run.results.get(enterprise=world.b1)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluation:result_appeal", args=[other.pk])).status_code == 404

    # Chart totals are sums over the district's own firms.
    page = client.get(run.get_absolute_url())
    assert [d["name"] for d in page.context["districts"]] == ["黄岛区"]
    assert page.context["districts"][0]["total"] == 3  # the 2-mu firm is not graded
    assert page.context["graded"] == 3 and page.context["ungraded"] == 1
    tax = page.context["tax"]
    assert [d["name"] for d in tax["districts"]] == ["黄岛区"]
    mine = run.results.filter(enterprise__region__code="370211", group="规上", graded=True)
    assert tax["districts"][0]["tax_wan"] == pytest.approx(sum(r.tax_wan for r in mine))
    assert tax["city"] == pytest.approx(run.benchmarks["规上"]["tax_per_mu"])  # the one city figure

    body = api(district_a_user).get("/api/evaluation-results/").json()
    assert {r["enterprise_name"] for r in body["results"]} == A_FIRMS
    assert api(district_a_user).get(f"/api/evaluation-results/{other.pk}/").status_code == 404


def test_the_firm_sees_only_itself(client, api, world, firm_user, reviewing_2024):
    assert visible_names(firm_user, reviewing_2024) == {world.own.name}
    client.force_login(firm_user)
    own = reviewing_2024.results.get(enterprise=world.own)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert (
        client.get(reviewing_2024.results.get(enterprise=world.b1).get_absolute_url()).status_code
        == 404
    )
    page = client.get(reviewing_2024.get_absolute_url())
    assert page.context["graded"] + page.context["ungraded"] == 1
    assert {r["id"] for r in api(firm_user).get("/api/evaluation-results/").json()["results"]} == {
        own.pk
    }


def test_the_chain_team_sees_the_firms_of_its_chains(world, chain_team_user, reviewing_2024):
    assert visible_names(chain_team_user, reviewing_2024) == {
        "黄岛甲规上有限公司",
        "崂山甲规上有限公司",
    }
    chains = selectors.grades_by_chain(reviewing_2024, chain_team_user)
    assert [c["name"] for c in chains] == ["智能家电"] and chains[0]["total"] == 2


@pytest.mark.parametrize("persona", ["department_user", "system_admin"])
def test_department_and_admins_see_nothing(request, client, api, world, reviewing_2024, persona):
    user = request.getfixturevalue(persona)
    run = reviewing_2024
    assert not EvaluationRun.objects.for_user(user).exists()
    assert not EvaluationResult.objects.for_user(user).exists()
    assert not Appeal.objects.for_user(user).exists()
    client.force_login(user)
    assert client.get(run.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluation:result_list", args=[run.pk])).status_code == 404
    assert client.get(run.results.first().get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluation:run_export", args=[run.pk])).status_code == 404
    for endpoint in ("evaluation-runs", "evaluation-results", "evaluation-appeals"):
        assert api(user).get(f"/api/{endpoint}/").json()["count"] == 0


def test_a_draft_run_is_the_office_s_only(client, world, office_user, district_a_user, firm_user):
    run = compute(2024, office_user)
    assert EvaluationRun.objects.for_user(office_user).filter(pk=run.pk).exists()
    for user in (district_a_user, firm_user):
        assert not EvaluationRun.objects.for_user(user).exists()
        assert not EvaluationResult.objects.for_user(user).exists()
        client.force_login(user)
        assert client.get(run.get_absolute_url()).status_code == 404


def test_the_workbook_of_a_district_holds_only_its_firms(
    client, world, district_a_user, reviewing_2024
):
    import io

    import openpyxl

    client.force_login(district_a_user)
    resp = client.get(reverse("evaluation:run_export", args=[reviewing_2024.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    names = {
        row[1]
        for ws in wb.worksheets[:5]
        for row in ws.iter_rows(min_row=2, values_only=True)
        if row and row[1]
    }
    assert names == A_FIRMS
