"""The evaluation services: the run end to end, scheme versions, the appeal workflow, publication, measures."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest
from django.db import IntegrityError

from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent, Job
from chainleader.engines import mu_yield
from chainleader.enterprises.models import YearFigure
from chainleader.evaluation import selectors, services
from chainleader.evaluation.models import (
    Appeal,
    ClassMeasure,
    EvaluationResult,
    EvaluationRun,
    SchemeVersion,
)

from .conftest import compute, pdf

pytestmark = pytest.mark.django_db

S = EvaluationRun.Status


def events(kind):
    return AuditEvent.objects.filter(event_type=kind)


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def test_a_started_run_is_computed_by_the_task_and_matches_the_engine(
    world, office_user, django_capture_on_commit_callbacks
):
    scheme = services.scheme_current()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.evaluation_run_start(year=2024, scheme=scheme, actor=office_user)
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == Job.Status.DONE and job.progress == 100
    assert job.result_url == run.get_absolute_url()
    assert run.computed and run.status == S.DRAFT

    data = selectors.figure_columns(year=2024)
    expected = mu_yield.evaluate(data.columns, scheme.scheme()).to_rows()
    results = {r.enterprise.uscc: r for r in run.results.select_related("enterprise")}
    assert len(results) == len(expected) == 9
    for row in expected:
        got = results[row["uscc"]]
        assert got.grade == row["class"]
        assert got.rank == row["rank"]
        assert got.reason == row["reason"]
        if row["score"] is None:
            assert got.score is None
        else:
            assert math.isclose(got.score, row["score"], rel_tol=1e-12)
        for key, part in got.indicators.items():  # the JSON written column by column
            for name, suffix in (("value", ""), ("ratio", "_ratio"), ("score", "_score")):
                want = row[f"{key}{suffix}"]
                assert part[name] == (pytest.approx(want, rel=1e-12) if want is not None else None)
    assert run.counts["firms"] == 9
    assert {run.counts[g] for g in "ABCD"} != {0}
    assert run.benchmarks["规上"]["tax_per_mu"] > 0
    assert events("evaluation_run_start").count() == 1
    assert events("evaluation_run_compute").count() == 1


def test_the_result_keeps_the_figures_it_was_computed_from(world, office_user):
    run = compute(2024, office_user)
    result = run.results.get(enterprise=world.a1)
    assert result.inputs["land_mu"] == 100.0
    assert result.inputs["tax_wan"] == 900.0
    assert result.inputs["above_size"] == 1
    assert result.inputs["production_start_year"] == 2010  # the founding year stands in
    assert set(result.indicators) == {
        "tax_per_mu",
        "value_added_per_mu",
        "value_added_per_energy",
        "value_added_per_emissions",
        "labour_productivity",
        "rd_intensity",
    }
    assert result.indicators["tax_per_mu"]["value"] == pytest.approx(9.0)
    small = run.results.get(enterprise__name="黄岛丁规下有限公司")
    assert not small.graded and small.grade == "" and "不足3亩" in small.reason


def test_only_the_office_starts_a_run(world, district_a_user):
    with pytest.raises(WorkflowForbidden):
        services.evaluation_run_start(
            year=2024, scheme=services.scheme_current(), actor=district_a_user
        )
    assert not EvaluationRun.objects.exists()
    assert not Job.objects.exists()


def test_a_year_without_figures_is_refused(world, office_user):
    with pytest.raises(ServiceError) as exc:
        services.evaluation_run_create(
            year=2019, scheme=services.scheme_current(), actor=office_user
        )
    assert exc.value.field == "year"


def test_a_failed_computation_writes_nothing_and_fails_the_job(
    world, office_user, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(columns, scheme):
        raise RuntimeError("engine down")

    monkeypatch.setattr(mu_yield, "evaluate", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the task fails; the backend records it
        services.evaluation_run_start(
            year=2024, scheme=services.scheme_current(), actor=office_user
        )
    run = EvaluationRun.objects.get()
    assert not run.computed
    assert not EvaluationResult.objects.exists()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == Job.Status.FAILED and "engine down" in job.message


def test_a_computed_run_is_not_computed_twice(world, office_user):
    run = compute(2024, office_user)
    with pytest.raises(WorkflowConflict):
        services.evaluation_run_compute(run=run, actor=office_user)
    assert run.results.count() == 9


# ---------------------------------------------------------------------------------------------
# Scheme versions
# ---------------------------------------------------------------------------------------------


def edited_scheme_json(label="office-2025.2", tax_weight=60):
    data = json.loads(mu_yield.default_scheme().to_json())
    data = {**data, "version": label}
    groups = []
    for group in data["groups"]:
        indicators = [
            {**ind, "weight": tax_weight}
            if ind["key"] == "tax_per_mu" and group["key"] == "above_size"
            else ind
            for ind in group["indicators"]
        ]
        groups.append({**group, "indicators": indicators})
    data["groups"] = groups
    return json.dumps(data, ensure_ascii=False)


def test_a_scheme_edit_makes_a_new_version_and_old_results_keep_theirs(world, office_user):
    v1 = services.scheme_current()
    old_run = compute(2024, office_user)
    old = {r.enterprise_id: (r.score, r.grade) for r in old_run.results.all()}

    v2 = services.scheme_version_create(
        actor=office_user, scheme_json=edited_scheme_json(), note="亩均税收权重提高"
    )
    assert (v1.number, v2.number) == (1, 2)
    assert SchemeVersion.objects.count() == 2
    assert services.scheme_current() == v2
    v1.refresh_from_db()
    assert mu_yield.Scheme.from_json(v1.scheme_json).version == mu_yield.default_scheme().version

    new_run = compute(2024, office_user, scheme=v2)
    old_run.refresh_from_db()
    assert old_run.scheme == v1 and new_run.scheme == v2
    assert {r.enterprise_id: (r.score, r.grade) for r in old_run.results.all()} == old
    new_scores = {r.enterprise_id: r.score for r in new_run.results.all()}
    assert new_scores[world.a1.pk] != old[world.a1.pk][0]  # the new weights give other scores
    assert events("create").filter(object_type="evaluation.schemeversion").count() == 2


def test_a_bad_scheme_writes_no_version(world, office_user):
    services.scheme_current()
    for text in (
        "{not json",
        '{"version": "x"}',
        edited_scheme_json(label="office-3", tax_weight=-1),
    ):
        with pytest.raises(ServiceError) as exc:
            services.scheme_version_create(actor=office_user, scheme_json=text)
        assert exc.value.field == "scheme_json"
    assert SchemeVersion.objects.count() == 1


def test_a_repeated_label_and_a_non_office_author_are_refused(world, office_user, district_a_user):
    with pytest.raises(ServiceError):
        services.scheme_version_create(
            actor=office_user, scheme_json=services.scheme_current().scheme_json
        )
    with pytest.raises(WorkflowForbidden):
        services.scheme_version_create(actor=district_a_user, scheme_json=edited_scheme_json())
    assert SchemeVersion.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The appeal workflow
# ---------------------------------------------------------------------------------------------


def submit(result, actor, field="tax_wan", value="1500", evidence=None):
    return services.appeal_submit(
        result=result,
        actor=actor,
        field=field,
        claimed_value=Decimal(value),
        evidence=evidence or pdf(),
        note="税务部门出具的完税证明显示实缴税额更高",
    )


def test_an_appeal_through_every_step_changes_the_figure_rescores_and_is_audited(
    world, office_user, district_a_user, reviewing_2024
):
    run = reviewing_2024
    a2 = run.results.get(enterprise=world.a2)
    before = {r.enterprise_id: (r.score, r.grade, r.rank) for r in run.results.all()}
    figure = YearFigure.objects.get(enterprise=world.a2, year=2024)
    assert figure.tax_wan == Decimal("120.00")

    appeal = submit(a2, district_a_user, value="1500")
    assert appeal.status == Appeal.Status.SUBMITTED
    assert appeal.current_value == Decimal("120.00") and appeal.grade_before == a2.grade
    appeal = services.appeal_district_check(
        appeal=appeal, actor=district_a_user, supports=True, note="已核实完税证明"
    )
    assert appeal.status == Appeal.Status.DISTRICT_CHECKED
    appeal = services.appeal_decide(
        appeal=appeal, actor=office_user, accepted=True, note="证据充分，予以采纳"
    )

    figure.refresh_from_db()
    assert figure.tax_wan == Decimal("1500.00") and figure.version == 2
    assert figure.history.count() == 2  # the figure's own change history
    # The whole year is re-scored: the engine on the changed figures gives exactly the stored results.
    data = selectors.figure_columns(year=2024)
    expected = {
        r["uscc"]: r for r in mu_yield.evaluate(data.columns, run.scheme.scheme()).to_rows()
    }
    after = {r.enterprise_id: r for r in run.results.select_related("enterprise")}
    for result in after.values():
        row = expected[result.enterprise.uscc]
        assert result.grade == row["class"] and result.rank == row["rank"]
    a2.refresh_from_db()
    assert a2.score > before[world.a2.pk][0]
    assert a2.grade < before[world.a2.pk][1]  # a better class ("A" < "B" < "C" < "D")
    # Another firm of the group moved too: the benchmark changed for all of them.
    assert after[world.a1.pk].score < before[world.a1.pk][0]
    assert (appeal.outcome, appeal.grade_before, appeal.grade_after) == (
        "accepted",
        before[world.a2.pk][1],
        a2.grade,
    )
    assert a2.inputs["tax_wan"] == 1500.0

    assert events("appeal_submit").count() == 1
    assert events("appeal_check").count() == 1
    assert events("appeal_decide").get().detail["outcome"] == "accepted"
    rescore = events("evaluation_run_rescore").get()
    assert rescore.detail["appeal"] == appeal.pk and rescore.detail["class_changes"] >= 1
    assert events("update").filter(object_type="enterprises.yearfigure").count() == 1
    # No confidential value in the appeal's own audit rows.
    for kind in ("appeal_submit", "appeal_check", "appeal_decide", "evaluation_run_rescore"):
        assert "1500" not in str(events(kind).get().detail)


def test_a_rejected_appeal_changes_nothing(world, office_user, district_a_user, reviewing_2024):
    a2 = reviewing_2024.results.get(enterprise=world.a2)
    appeal = submit(a2, district_a_user)
    services.appeal_district_check(
        appeal=appeal, actor=district_a_user, supports=False, note="不符"
    )
    appeal = services.appeal_decide(
        appeal=appeal, actor=office_user, accepted=False, note="证据不足"
    )
    assert appeal.outcome == "rejected"
    assert YearFigure.objects.get(enterprise=world.a2, year=2024).tax_wan == Decimal("120.00")
    assert not events("evaluation_run_rescore").exists()
    assert appeal.grade_after == appeal.grade_before


def test_the_firm_appeals_its_own_result_only(world, firm_user, reviewing_2024):
    own = reviewing_2024.results.get(enterprise=world.own)
    appeal = submit(own, firm_user, field="land_mu", value="25")
    assert appeal.submitted_by == firm_user
    other = reviewing_2024.results.get(enterprise=world.b1)
    with pytest.raises(WorkflowForbidden):
        submit(other, firm_user)
    assert Appeal.objects.count() == 1


def test_wrong_roles_are_refused_at_each_step(
    world, office_user, district_a_user, district_b_user, chain_team_user, reviewing_2024
):
    a2 = reviewing_2024.results.get(enterprise=world.a2)
    with pytest.raises(WorkflowForbidden):
        submit(a2, office_user)  # the office decides; it does not appeal
    with pytest.raises(WorkflowForbidden):
        submit(a2, district_b_user)  # another district's firm: not even in scope
    with pytest.raises(WorkflowForbidden):
        submit(reviewing_2024.results.get(enterprise=world.a1), chain_team_user)
    appeal = submit(a2, district_a_user)
    with pytest.raises(WorkflowForbidden):
        services.appeal_district_check(appeal=appeal, actor=office_user, supports=True, note="x")
    with pytest.raises(WorkflowForbidden):
        services.appeal_decide(appeal=appeal, actor=district_a_user, accepted=True, note="x")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SUBMITTED and appeal.version == 1


def test_wrong_states_are_refused(world, office_user, district_a_user, reviewing_2024):
    a2 = reviewing_2024.results.get(enterprise=world.a2)
    appeal = submit(a2, district_a_user)
    with pytest.raises(WorkflowConflict):
        services.appeal_decide(appeal=appeal, actor=office_user, accepted=True, note="先裁定")
    with pytest.raises(WorkflowConflict):
        submit(a2, district_a_user)  # one open appeal per figure
    services.appeal_district_check(appeal=appeal, actor=district_a_user, supports=True, note="ok")
    with pytest.raises(WorkflowConflict):
        services.appeal_district_check(
            appeal=appeal, actor=district_a_user, supports=True, note="again"
        )
    assert YearFigure.objects.get(enterprise=world.a2, year=2024).version == 1


def test_no_appeal_on_a_draft_run(world, office_user, district_a_user):
    run = compute(2024, office_user)
    with pytest.raises(WorkflowForbidden):  # a draft is the office's: the district does not see it
        submit(run.results.get(enterprise=world.a2), district_a_user)


def test_bad_evidence_or_value_is_refused_and_nothing_is_stored(
    world, district_a_user, reviewing_2024, settings
):
    a2 = reviewing_2024.results.get(enterprise=world.a2)
    exe = pdf("证明.pdf", b"MZ\x90\x00\x03 this is a program")
    with pytest.raises(ServiceError) as exc:
        submit(a2, district_a_user, evidence=exe)
    assert exc.value.field == "evidence"
    with pytest.raises(ServiceError) as exc:
        submit(a2, district_a_user, field="employees", value="12.5")
    assert exc.value.field == "claimed_value"
    with pytest.raises(ServiceError):
        submit(a2, district_a_user, field="land_mu", value="-3")
    with pytest.raises(ServiceError):
        submit(a2, district_a_user, field="tax_wan", value="120")  # the value already used
    assert not Appeal.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_publishing_waits_for_open_appeals_then_decisions_are_refused(
    world, office_user, district_a_user, reviewing_2024
):
    a2 = reviewing_2024.results.get(enterprise=world.a2)
    appeal = submit(a2, district_a_user)
    with pytest.raises(WorkflowConflict):
        services.run_publish(run=reviewing_2024, actor=office_user)
    services.appeal_district_check(appeal=appeal, actor=district_a_user, supports=True, note="ok")
    services.appeal_decide(appeal=appeal, actor=office_user, accepted=False, note="不予采纳")
    run = services.run_publish(run=reviewing_2024, actor=office_user)
    assert run.status == S.PUBLISHED and events("evaluation_run_publish").count() == 1

    # Published: classes are final; no new appeal, no decision, no second publication.
    with pytest.raises(WorkflowConflict):
        submit(a2, district_a_user, field="land_mu", value="40")
    late = Appeal.objects.create(  # as if it had slipped in: the decision is still refused
        result=a2,
        enterprise=world.a2,
        field="land_mu",
        claimed_value=Decimal("40"),
        evidence="evaluation/evidence/x.pdf",
        status=Appeal.Status.DISTRICT_CHECKED,
        submitted_at=appeal.submitted_at,
    )
    with pytest.raises(WorkflowConflict, match="已发布"):
        services.appeal_decide(appeal=late, actor=office_user, accepted=True, note="too late")
    assert YearFigure.objects.get(enterprise=world.a2, year=2024).land_mu == Decimal("50")
    with pytest.raises(WorkflowConflict):
        services.run_publish(run=run, actor=office_user)


def test_review_and_publish_are_the_office_s_and_follow_the_order(
    world, office_user, district_a_user
):
    run = compute(2024, office_user)
    with pytest.raises(WorkflowConflict):
        services.run_publish(run=run, actor=office_user)  # not in review yet
    with pytest.raises(WorkflowForbidden):
        services.run_review_open(run=run, actor=district_a_user)
    services.run_review_open(run=run, actor=office_user)
    with pytest.raises(WorkflowConflict):
        services.evaluation_run_create(
            year=2024, scheme=services.scheme_current(), actor=office_user
        )


def test_one_published_run_per_year_in_the_database(world, office_user):
    run = compute(2023, office_user, S.PUBLISHED)
    other = compute(2024, office_user)
    other.year, other.status = 2023, S.PUBLISHED
    with pytest.raises(IntegrityError):
        other.save()
    assert run.status == S.PUBLISHED


# ---------------------------------------------------------------------------------------------
# What the policy features read
# ---------------------------------------------------------------------------------------------


def test_classes_for_counts_consecutive_years_in_the_same_class(world, office_user):
    compute(2023, office_user, S.PUBLISHED)
    run24 = compute(2024, office_user, S.PUBLISHED)
    ids = list(run24.results.values_list("enterprise_id", flat=True))
    got = selectors.classes_for(ids, 2024)
    r23 = dict(
        EvaluationResult.objects.filter(run__year=2023).values_list("enterprise_id", "grade")
    )
    for result in run24.results.exclude(grade=""):
        grade, years = got[result.enterprise_id]
        assert grade == result.grade
        assert years == (2 if r23.get(result.enterprise_id) == result.grade else 1)
    assert any(years == 2 for _g, years in got.values())
    assert world.firms["黄岛丁规下有限公司"].pk not in got  # not graded: no class
    assert selectors.classes_for(ids, 2022) == {}


def test_the_measures_are_the_office_s_and_keep_their_history(world, office_user, district_a_user):
    measure = ClassMeasure.objects.get(grade="D")
    assert "竞买" in measure.land
    with pytest.raises(WorkflowForbidden):
        services.class_measure_update(
            measure=measure, actor=district_a_user, data={"support": "x"}, expected_version=1
        )
    services.class_measure_update(
        measure=measure, actor=office_user, data={"support": "不得享受任何奖励"}, expected_version=1
    )
    measure.refresh_from_db()
    assert measure.support == "不得享受任何奖励" and measure.version == 2
    assert measure.history.count() >= 1
    assert events("update").filter(object_type="evaluation.classmeasure").count() == 1
