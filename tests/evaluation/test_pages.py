"""The evaluation pages: runs with the progress bar and charts, result lists and details, the appeal steps,
measures, scheme versions, and the enterprise page's partial."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from docx import Document

from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import YearFigure
from chainleader.evaluation import selectors, services
from chainleader.evaluation.models import Appeal, ClassMeasure, EvaluationRun, SchemeVersion

from .conftest import compute, pdf
from .test_services import edited_scheme_json

pytestmark = pytest.mark.django_db


def chart(resp, element_id):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        resp.content.decode(),
        re.S,
    )
    assert match, f"no chart data {element_id}"
    return json.loads(match.group(1))


def test_the_office_starts_a_run_and_follows_its_progress(
    client, world, office_user, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    page = client.get(reverse("evaluation:run_list"))
    assert page.status_code == 200 and 'action="/evaluation/runs/start/"' in page.content.decode()
    scheme = SchemeVersion.objects.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("evaluation:run_start"), {"year": 2024, "scheme": scheme.pk})
    run = EvaluationRun.objects.get()
    assert (
        resp.status_code == 302 and resp["Location"] == f"{run.get_absolute_url()}?job={run.job_id}"
    )
    detail = client.get(resp["Location"])
    body = detail.content.decode()
    assert f"/jobs/{run.job_id}/" in body or reverse("core:job_progress", args=[run.job_id]) in body
    progress = client.get(reverse("core:job_progress", args=[run.job_id]))
    assert 'data-progress="100"' in progress.content.decode()


def test_only_the_office_sees_the_start_form_and_may_post_it(client, world, district_a_user):
    client.force_login(district_a_user)
    assert "run_start" not in client.get(reverse("evaluation:run_list")).content.decode()
    assert (
        'action="/evaluation/runs/start/"'
        not in client.get(reverse("evaluation:run_list")).content.decode()
    )
    resp = client.post(reverse("evaluation:run_start"), {"year": 2024})
    assert resp.status_code == 403
    assert not EvaluationRun.objects.exists()


def test_the_run_page_has_every_chart(client, world, office_user, published_2023):
    run = compute(2024, office_user, EvaluationRun.Status.REVIEWING)
    client.force_login(office_user)
    resp = client.get(run.get_absolute_url())
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "echarts.min.js" in body and "<script>" not in body  # CSP: data only, no inline code
    districts = chart(resp, "chart-districts")
    assert districts["xAxis"]["data"] == ["黄岛区", "崂山区", "城阳区"]
    assert sum(sum(s["data"]) for s in districts["series"]) == run.counts["graded"]
    scores = chart(resp, "chart-scores")
    assert sum(sum(v) for v in (s["data"] for s in scores["series"])) == run.counts["graded"]
    tax = chart(resp, "chart-tax")
    assert tax["series"][0]["markLine"]["data"][0]["yAxis"] == pytest.approx(
        run.benchmarks["规上"]["tax_per_mu"], rel=1e-3
    )
    movement = chart(resp, "chart-movement")
    assert sum(n for _x, _y, n in movement["series"][0]["data"]) == 9
    chains = chart(resp, "chart-chains")
    assert chains["yAxis"]["data"] == ["智能家电"]
    assert AuditEvent.objects.filter(
        event_type="view_confidential", object_type="evaluation.evaluationrun"
    ).exists()


def test_result_lists_filter_by_class_district_park_chain_and_group(
    client, world, office_user, reviewing_2024
):
    client.force_login(office_user)
    url = reverse("evaluation:result_list", args=[reviewing_2024.pk])

    def names(params):
        resp = client.get(url, params)
        assert resp.status_code == 200
        return {obj.enterprise.name for obj, _cells in resp.context["rows"]}

    assert len(names({})) == 9
    grade_a = set(
        reviewing_2024.results.filter(grade="A").values_list("enterprise__name", flat=True)
    )
    assert names({"grade": "A"}) == grade_a
    assert names({"grade": "none"}) == {"黄岛丁规下有限公司"}
    a = world.a1.region
    assert names({"district": a.pk}) == {
        "黄岛甲规上有限公司",
        "黄岛乙规上有限公司",
        "黄岛丙规下有限公司",
        "黄岛丁规下有限公司",
    }
    assert names({"park": world.park_a.pk}) == {"黄岛甲规上有限公司"}
    assert names({"chain": world.chain.pk}) == {"黄岛甲规上有限公司", "崂山甲规上有限公司"}
    assert len(names({"group": "规上"})) == 5
    partial = client.get(url, {"grade": "A"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_the_result_page_shows_contributions_and_the_change_from_last_year(
    client, world, office_user, published_2023, reviewing_2024
):
    result = reviewing_2024.results.get(enterprise=world.a1)
    client.force_login(office_user)
    resp = client.get(result.get_absolute_url())
    assert resp.status_code == 200
    parts = chart(resp, "chart-parts")
    assert parts["yAxis"]["data"][0] == "亩均税收"
    assert sum(v for v in parts["series"][0]["data"]) == pytest.approx(result.score, abs=0.05)
    before = published_2023.results.get(enterprise=world.a1)
    assert resp.context["before"] == before
    assert resp.context["score_change"] == pytest.approx(result.score - before.score)
    assert resp.context["measure"] == ClassMeasure.objects.get(grade=result.grade)


def test_the_appeal_journey_through_the_pages(
    client, world, office_user, district_a_user, reviewing_2024
):
    result = reviewing_2024.results.get(enterprise=world.a2)
    client.force_login(district_a_user)
    page = client.get(result.get_absolute_url())
    assert reverse("evaluation:result_appeal", args=[result.pk]) in page.content.decode()
    resp = client.post(
        reverse("evaluation:result_appeal", args=[result.pk]),
        {"field": "tax_wan", "claimed_value": "1500", "note": "完税证明", "evidence": pdf()},
    )
    appeal = Appeal.objects.get()
    assert resp.status_code == 302 and resp["Location"] == appeal.get_absolute_url()
    evidence = client.get(reverse("evaluation:appeal_evidence", args=[appeal.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content).startswith(b"%PDF")
    assert "attachment" in evidence["Content-Disposition"]
    resp = client.post(
        reverse("evaluation:appeal_check", args=[appeal.pk]),
        {"supports": "1", "note": "已核实", "version": 1},
    )
    assert resp.status_code == 302
    client.force_login(office_user)
    resp = client.post(
        reverse("evaluation:appeal_decide", args=[appeal.pk]),
        {"accepted": "1", "note": "采纳", "version": 2},
    )
    assert resp.status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "accepted"
    assert YearFigure.objects.get(enterprise=world.a2, year=2024).tax_wan == 1500
    record = client.get(reverse("evaluation:appeal_record", args=[appeal.pk]))
    assert record.status_code == 200
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(record.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert world.a2.name in text and "已核实" in text and "采纳" in text


def test_a_refused_step_comes_back_as_a_form_error_with_nothing_changed(
    client, world, office_user, district_a_user, reviewing_2024
):
    result = reviewing_2024.results.get(enterprise=world.a2)
    appeal = services.appeal_submit(
        result=result, actor=district_a_user, field="tax_wan", claimed_value=1500, evidence=pdf()
    )
    client.force_login(office_user)
    page = client.get(reverse("evaluation:appeal_decide", args=[appeal.pk]))
    assert page.status_code == 200 and not page.context["allowed"]
    resp = client.post(
        reverse("evaluation:appeal_decide", args=[appeal.pk]), {"accepted": "1", "note": "x"}
    )
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SUBMITTED


def test_the_evidence_upload_rejects_a_renamed_exe(client, world, district_a_user, reviewing_2024):
    result = reviewing_2024.results.get(enterprise=world.a2)
    client.force_login(district_a_user)
    resp = client.post(
        reverse("evaluation:result_appeal", args=[result.pk]),
        {
            "field": "tax_wan",
            "claimed_value": "1500",
            "note": "x",
            "evidence": pdf("完税证明.pdf", b"MZ\x90\x00\x03\x00\x00\x00PE program"),
        },
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["evidence"]
    assert not Appeal.objects.exists()


def test_review_and_publish_through_the_pages(client, world, office_user):
    run = compute(2024, office_user)
    client.force_login(office_user)
    assert client.get(reverse("evaluation:run_review", args=[run.pk])).context["allowed"]
    client.post(reverse("evaluation:run_review", args=[run.pk]), {"version": run.version})
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.REVIEWING
    client.post(reverse("evaluation:run_publish", args=[run.pk]), {"version": run.version})
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.PUBLISHED


def test_a_stale_confirmation_is_refused(client, world, office_user):
    run = compute(2024, office_user)
    client.force_login(office_user)
    resp = client.post(
        reverse("evaluation:run_review", args=[run.pk]), {"version": run.version - 1}
    )
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.DRAFT


def test_measures_are_edited_by_the_office_only(client, world, office_user, district_a_user):
    measure = ClassMeasure.objects.get(grade="A")
    client.force_login(district_a_user)
    assert client.get(reverse("evaluation:measure_list")).status_code == 200
    assert client.get(reverse("evaluation:measure_edit", args=[measure.pk])).status_code == 403
    client.force_login(office_user)
    resp = client.post(
        reverse("evaluation:measure_edit", args=[measure.pk]),
        {
            "land": "优先供地",
            "power_water_gas": measure.power_water_gas,
            "support": measure.support,
            "version": 1,
        },
    )
    assert resp.status_code == 302
    measure.refresh_from_db()
    assert measure.land == "优先供地"
    history = client.get(reverse("evaluation:measure_history", args=[measure.pk]))
    assert history.status_code == 200 and "优先供地" in history.content.decode()


def test_a_new_scheme_version_through_the_form(client, world, office_user, district_a_user):
    client.force_login(office_user)
    assert client.get(reverse("evaluation:scheme_list")).status_code == 200
    assert SchemeVersion.objects.count() == 1  # version 1 appears when first needed
    form = client.get(reverse("evaluation:scheme_add"))
    assert '"default-2025.1"' in form.content.decode() or "default-2025.1" in form.content.decode()
    bad = client.post(
        reverse("evaluation:scheme_add"), {"scheme_json": '{"version": "x", "groups": []}'}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["scheme_json"]
    assert SchemeVersion.objects.count() == 1
    good = client.post(
        reverse("evaluation:scheme_add"), {"scheme_json": edited_scheme_json(), "note": "调整权重"}
    )
    v2 = SchemeVersion.objects.get(number=2)
    assert good.status_code == 302 and good["Location"] == v2.get_absolute_url()
    assert client.get(v2.get_absolute_url()).status_code == 200
    client.force_login(district_a_user)
    assert client.get(reverse("evaluation:scheme_add")).status_code == 403
    assert client.get(v2.get_absolute_url()).status_code == 200  # schemes are public policy


def test_the_results_list_export_is_audited(client, world, office_user, reviewing_2024):
    client.force_login(office_user)
    resp = client.get(
        reverse("evaluation:result_list", args=[reviewing_2024.pk]), {"export": "xlsx"}
    )
    assert resp.status_code == 200
    assert AuditEvent.objects.filter(event_type="export", detail__rows=9).exists()
    import openpyxl

    rows = list(
        openpyxl.load_workbook(io.BytesIO(resp.content)).worksheets[0].iter_rows(values_only=True)
    )
    scores = [r[6] for r in rows[1:] if r[6] is not None]
    assert scores and all(isinstance(v, float) for v in scores)


def test_exports_are_limited_to_20_an_hour(client, world, office_user, reviewing_2024, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"confidential_export": "2/hour"},
    }
    client.force_login(office_user)
    url = reverse("evaluation:run_export", args=[reviewing_2024.pk])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_enterprise_page_partial_shows_the_latest_visible_result(
    rf, world, office_user, district_a_user, department_user, published_2023
):
    reviewing = compute(2024, office_user, EvaluationRun.Status.REVIEWING)
    latest = selectors.latest_result_for(world.a1, district_a_user)
    assert latest.run == reviewing
    html = render_to_string("evaluation/_enterprise_result.html", {"mu_result": latest})
    assert (
        "2024" in html and latest.get_absolute_url() in html and latest.get_grade_display() in html
    )
    assert selectors.latest_result_for(world.a1, office_user).run == reviewing  # newest year
    assert selectors.latest_result_for(world.a1, department_user) is None
    assert render_to_string("evaluation/_enterprise_result.html", {"mu_result": None}).strip() == ""


def test_results_are_listed_by_group_then_rank(client, world, office_user, reviewing_2024):
    client.force_login(office_user)
    resp = client.get(reverse("evaluation:result_list", args=[reviewing_2024.pk]))
    rows = [(obj.group, obj.rank) for obj, _cells in resp.context["rows"]]
    expected = sorted(rows, key=lambda r: (r[0], r[1] is None, r[1] or 0))
    assert rows == expected and len({g for g, _r in rows}) >= 2
