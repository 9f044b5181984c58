"""The tier pipeline (梯度培育): candidates with their stored verdict and steps (a recognised title goes into the
registry), the city's targets and the counts against them, the scope (a district sees its own firms), the pages,
the import of applications and results (all-or-nothing, every bad cell named), the export read back, the API."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import EnterpriseTier
from chainleader.tiers import selectors, services
from chainleader.tiers.models import TierCandidate, TierTarget
from tests.factories import EnterpriseFactory, TierFactory, YearFigureFactory, make_uscc, region
from tests.imports import import_file

pytestmark = pytest.mark.django_db

Y = 2026


@pytest.fixture
def gazelle_a(db):
    """A firm in district A that meets the gazelle criteria: founded 2018, revenue 2000 → 3200 万元 (26.5 %)."""
    firm = EnterpriseFactory(
        name="甲瞪羚科技有限公司",
        uscc=make_uscc(710001),
        region=region("370211"),
        founded_on=date(2018, 9, 1),
    )
    for year, revenue in ((2023, 2000), (2024, 2600), (2025, 3200)):
        YearFigureFactory(enterprise=firm, year=year, revenue_wan=revenue, rd_wan=revenue // 20)
    return firm


@pytest.fixture
def slow_b(db):
    """A firm in district B growing 10 % a year: not a gazelle."""
    firm = EnterpriseFactory(
        name="乙慢增长有限公司",
        uscc=make_uscc(710002, "370212"),
        region=region("370212"),
        founded_on=date(2018, 9, 1),
    )
    for year, revenue in ((2023, 2000), (2024, 2200), (2025, 2420)):
        YearFigureFactory(enterprise=firm, year=year, revenue_wan=revenue)
    return firm


def add(user, firm, rule="gazelle:provincial", **data):
    tier, level = rule.split(":")
    return services.candidate_create(
        actor=user, enterprise=firm, tier=tier, level=level, year=Y, data=data
    )


# ---------------------------------------------------------------------------------------------- services


def test_a_candidate_stores_the_engines_verdict_and_an_audit_row(office_user, gazelle_a, slow_b):
    good = add(office_user, gazelle_a)
    assert good.verdict == TierCandidate.Verdict.ELIGIBLE
    assert good.status == TierCandidate.Status.CANDIDATE
    bad = add(office_user, slow_b)
    assert bad.verdict == TierCandidate.Verdict.INELIGIBLE
    assert "近 3 年营业收入年均复合增长率不低于 20%" in bad.verdict_summary
    assert (
        AuditEvent.objects.filter(event_type="create", object_type="tiers.tiercandidate").count()
        == 2
    )
    with pytest.raises(ServiceError):
        add(office_user, gazelle_a)  # the same tier and year twice


def test_the_stored_verdict_does_not_depend_on_who_added_the_firm(
    department_user, office_user, gazelle_a
):
    # The department may not see figures; the stored verdict is still worked out on every figure.
    cand = add(office_user, gazelle_a)
    assert selectors.verdict_for(department_user, cand).outcome == "possible"
    assert cand.verdict == "eligible"


def test_steps_apply_recognise_and_record_the_title(office_user, gazelle_a):
    cand = add(office_user, gazelle_a)
    cand = services.candidate_step(
        candidate=cand, actor=office_user, to_status="applied", on=date(Y, 3, 1)
    )
    assert cand.applied_on == date(Y, 3, 1)
    with pytest.raises(ServiceError):
        services.candidate_step(
            candidate=cand, actor=office_user, to_status="recognised", on=date(Y, 2, 1)
        )
    cand = services.candidate_step(
        candidate=cand, actor=office_user, to_status="recognised", on=date(Y, 6, 1)
    )
    assert cand.status == "recognised" and cand.decided_on == date(Y, 6, 1)
    title = EnterpriseTier.objects.get(enterprise=gazelle_a)
    assert (title.tier, title.level, title.year) == ("gazelle", "provincial", Y)
    assert AuditEvent.objects.filter(event_type="tier_step").count() == 2
    with pytest.raises(WorkflowConflict):
        services.candidate_step(candidate=cand, actor=office_user, to_status="applied")


def test_upgrade_to_above_size_sets_the_registry_flag(office_user):
    firm = EnterpriseFactory(region=region("370211"), above_size=False)
    cand = services.candidate_create(
        actor=office_user, enterprise=firm, tier="above_size", level="city", year=Y
    )
    services.candidate_step(candidate=cand, actor=office_user, to_status="applied")
    services.candidate_step(candidate=cand, actor=office_user, to_status="recognised")
    firm.refresh_from_db()
    assert firm.above_size is True


def test_a_rejection_or_withdrawal_needs_a_reason(office_user, gazelle_a):
    cand = add(office_user, gazelle_a)
    with pytest.raises(ServiceError):
        services.candidate_step(candidate=cand, actor=office_user, to_status="withdrawn")
    cand = services.candidate_step(
        candidate=cand, actor=office_user, to_status="withdrawn", note="企业放弃申报"
    )
    assert "企业放弃申报" in cand.note


def test_a_district_writes_only_its_own_firms(district_a_user, gazelle_a, slow_b):
    assert add(district_a_user, gazelle_a).pk
    with pytest.raises(ServiceError):
        add(district_a_user, slow_b)


def test_read_only_roles_may_not_write(department_user, office_user, gazelle_a):
    with pytest.raises(WorkflowForbidden):
        add(department_user, gazelle_a)
    cand = add(office_user, gazelle_a)
    with pytest.raises(WorkflowForbidden):
        services.candidate_step(candidate=cand, actor=department_user, to_status="applied")


def test_declared_facts_change_the_verdict(office_user):
    firm = EnterpriseFactory(region=region("370211"), founded_on=date(2019, 1, 1), ticker="")
    cand = services.candidate_create(
        actor=office_user, enterprise=firm, tier="unicorn", level="provincial", year=Y
    )
    assert cand.verdict == "possible"  # valuation unknown
    cand = services.candidate_update(
        candidate=cand,
        actor=office_user,
        data={"valuation_usd_yi": 15},
        expected_version=cand.version,
    )
    assert cand.verdict == "eligible"
    with pytest.raises(ServiceError):
        services.candidate_update(
            candidate=cand, actor=office_user, data={"status": "recognised"}, expected_version=None
        )


def test_find_candidates_lists_the_passing_firms_in_scope(
    district_a_user, office_user, gazelle_a, slow_b
):
    found, checked = selectors.find_candidates(office_user, "gazelle:provincial", Y)
    assert [f.enterprise for f in found] == [gazelle_a]
    assert checked == 2
    # District B's user sees neither the firm nor its figures.
    found, checked = selectors.find_candidates(district_a_user, "gazelle:provincial", Y)
    assert checked == 1
    add(office_user, gazelle_a)
    found, _ = selectors.find_candidates(office_user, "gazelle:provincial", Y)
    assert found == []  # already in the pipeline


def test_targets_city_by_the_office_only(office_user, district_a_user, chain_team_user):
    t = services.target_create(
        actor=office_user,
        data={"tier": "specialised", "level": "provincial", "year": 2025, "value": 600},
    )
    with pytest.raises(WorkflowForbidden):
        services.target_create(
            actor=district_a_user,
            data={"tier": "gazelle", "level": "provincial", "year": 2025, "value": 10},
        )
    with pytest.raises(WorkflowForbidden):
        services.target_update(
            target=t, actor=chain_team_user, data={"value": 1}, expected_version=None
        )
    own = services.target_create(
        actor=district_a_user,
        data={
            "tier": "gazelle",
            "level": "provincial",
            "year": 2025,
            "value": 10,
            "region": region("370211"),
        },
    )
    assert own.pk


def test_progress_counts_titles_and_the_pipeline_against_the_target(
    office_user, district_b_user, gazelle_a, slow_b
):
    TierTarget.objects.create(
        tier="specialised", level="provincial", year=Y, value=4, cumulative=True
    )
    TierTarget.objects.create(tier="gazelle", level="provincial", year=Y, value=2, cumulative=False)
    TierFactory(enterprise=gazelle_a, tier="specialised", level="provincial", year=2024)
    TierFactory(
        enterprise=slow_b, tier="little_giant", level="national", year=2025
    )  # counts as 专精特新
    TierFactory(enterprise=slow_b, tier="specialised", level="city", year=2025)  # below the level
    cand = add(office_user, gazelle_a)
    services.candidate_step(candidate=cand, actor=office_user, to_status="applied")
    services.candidate_step(candidate=cand, actor=office_user, to_status="recognised")
    add(office_user, slow_b)
    rows = {r.tier: r for r in selectors.progress(office_user, Y)}
    assert (rows["specialised"].achieved, rows["specialised"].percent, rows["specialised"].gap) == (
        2,
        50,
        2,
    )
    assert (rows["gazelle"].achieved, rows["gazelle"].recognised, rows["gazelle"].candidates) == (
        1,
        1,
        1,
    )
    assert rows["gazelle"].eligible == 0  # the remaining candidate fails the growth criterion
    assert rows["gazelle"].known_ok == 0
    # District B counts its own firms only.
    rows_b = {r.tier: r for r in selectors.progress(district_b_user, Y)}
    assert rows_b["specialised"].achieved == 1
    assert rows_b["gazelle"].achieved == 0
    by_district = {d["code"]: d for d in selectors.progress_by_district(office_user, Y)}
    assert set(by_district) == {"370211", "370212"}


# ------------------------------------------------------------------------------------------------ scope


def test_a_district_sees_only_its_firms_candidates(
    client, office_user, district_b_user, gazelle_a, slow_b
):
    a = add(office_user, gazelle_a)
    b = add(office_user, slow_b)
    assert set(TierCandidate.objects.for_user(district_b_user)) == {b}
    client.force_login(district_b_user)
    assert client.get(reverse("tiers:candidate_detail", args=[a.pk])).status_code == 404
    assert client.get(reverse("tiers:candidate_detail", args=[b.pk])).status_code == 200
    resp = client.get(reverse("tiers:candidate_list"))
    assert gazelle_a.name not in resp.content.decode()


def test_a_firm_account_sees_no_pipeline(firm_user, firm, office_user):
    add(office_user, firm, rule="above_size:city")
    assert not TierCandidate.objects.for_user(firm_user).exists()
    assert not TierTarget.objects.for_user(firm_user).exists()


# ------------------------------------------------------------------------------------------------ pages


def test_pages_answer(client, office_user, gazelle_a, slow_b):
    cand = add(office_user, gazelle_a)
    target = TierTarget.objects.create(tier="gazelle", level="provincial", year=Y, value=2)
    client.force_login(office_user)
    for name, args in [
        ("tiers:candidate_list", []),
        ("tiers:candidate_add", []),
        ("tiers:candidate_import", []),
        ("tiers:find", []),
        ("tiers:progress", []),
        ("tiers:target_list", []),
        ("tiers:target_add", []),
        ("tiers:candidate_detail", [cand.pk]),
        ("tiers:candidate_edit", [cand.pk]),
        ("tiers:candidate_history", [cand.pk]),
        ("tiers:candidate_step", [cand.pk]),
        ("tiers:enterprise_check", [gazelle_a.pk]),
        ("tiers:target_edit", [target.pk]),
        ("tiers:target_delete", [target.pk]),
    ]:
        resp = client.get(reverse(name, args=args))
        assert resp.status_code == 200, name
    resp = client.get(reverse("tiers:candidate_detail", args=[cand.pk]))
    body = resp.content.decode()
    assert "3,200 万元（2025 年）" in body  # the value found
    assert "≥ 1,000 万元" in body  # the threshold
    assert AuditEvent.objects.filter(
        event_type="view_confidential", object_id=str(gazelle_a.pk)
    ).exists()
    resp = client.get(reverse("tiers:enterprise_check", args=[gazelle_a.pk]), {"year": Y})
    assert 'data-testid="verdict-gazelle:provincial"' in resp.content.decode()
    resp = client.get(reverse("tiers:progress"), {"year": Y})
    assert 'data-tier="gazelle"' in resp.content.decode()
    assert (
        client.get(reverse("enterprises:enterprise_detail", args=[gazelle_a.pk])).status_code == 200
    )


def test_find_page_lists_and_adds(client, office_user, gazelle_a, slow_b):
    client.force_login(office_user)
    resp = client.get(reverse("tiers:find"), {"rule": "gazelle:provincial", "year": Y})
    assert resp.status_code == 200
    assert [f.enterprise for f in resp.context["found"]] == [gazelle_a]
    resp = client.post(
        reverse("tiers:find"),
        {"rule": "gazelle:provincial", "year": Y, "enterprise": [gazelle_a.pk, slow_b.pk]},
    )
    assert resp.status_code == 302
    # Both ticked firms are added (the office decides); each with its own verdict.
    verdicts = dict(TierCandidate.objects.values_list("enterprise_id", "verdict"))
    assert verdicts == {gazelle_a.pk: "eligible", slow_b.pk: "ineligible"}


def test_step_and_recheck_pages(client, office_user, gazelle_a):
    cand = add(office_user, gazelle_a)
    client.force_login(office_user)
    resp = client.post(
        reverse("tiers:candidate_step", args=[cand.pk]),
        {"to_status": "applied", "on": f"{Y}-04-01", "version": cand.version},
    )
    assert resp.status_code == 302
    cand.refresh_from_db()
    assert cand.status == "applied"
    resp = client.post(reverse("tiers:candidate_recheck", args=[cand.pk]))
    assert resp.status_code == 302
    assert AuditEvent.objects.filter(event_type="tier_recheck").count() == 1


def test_add_and_edit_pages(client, office_user, gazelle_a):
    client.force_login(office_user)
    resp = client.post(
        reverse("tiers:candidate_add"),
        {"enterprise": gazelle_a.pk, "rule": "gazelle:provincial", "year": Y, "note": "x"},
    )
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    cand = TierCandidate.objects.get()
    resp = client.post(
        reverse("tiers:candidate_edit", args=[cand.pk]),
        {"ip_count": 3, "note": "y", "version": cand.version},
    )
    assert resp.status_code == 302
    cand.refresh_from_db()
    assert cand.ip_count == 3
    resp = client.post(
        reverse("tiers:target_add"),
        {"tier": "gazelle", "level": "provincial", "year": Y, "value": 5, "cumulative": "on"},
    )
    assert resp.status_code == 302
    target = TierTarget.objects.get()
    resp = client.post(reverse("tiers:target_delete", args=[target.pk]))
    assert resp.status_code == 302
    assert not TierTarget.objects.exists()


def test_progress_export_reads_back(client, office_user, gazelle_a):
    TierTarget.objects.create(
        tier="specialised", level="provincial", year=2025, value=600, source="十四五规划"
    )
    client.force_login(office_user)
    resp = client.get(reverse("tiers:progress"), {"year": 2025, "export": "xlsx"})
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("称号", "年度", "目标级别", "目标（家）")
    first = rows[1]
    assert first[1] == 2025 and first[3] == 600 and first[-1] == "十四五规划"


# ----------------------------------------------------------------------------------------------- import

HEADERS = [
    "统一社会信用代码",
    "称号",
    "级别",
    "年度",
    "状态",
    "申报日期",
    "认定日期",
    "I类知识产权(项)",
]


def workbook(*rows: list[object]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("申报结果.xlsx", buf.getvalue())


def test_import_creates_updates_and_records_titles(client, office_user, gazelle_a, slow_b):
    existing = add(office_user, slow_b)
    client.force_login(office_user)
    resp = import_file(
        client,
        reverse("tiers:candidate_import"),
        workbook(
            [gazelle_a.uscc, "瞪羚企业", "省级", Y, "已认定", f"{Y}-03-01", f"{Y}-06-30", 2],
            [slow_b.uscc, "瞪羚", "省级", Y, "已申报", f"{Y}-03-02", None, None],
        ),
    )
    assert resp.status_code == 302
    new = TierCandidate.objects.get(enterprise=gazelle_a)
    assert (new.status, new.decided_on, new.ip_count, new.verdict) == (
        "recognised",
        date(Y, 6, 30),
        2,
        "eligible",
    )
    assert EnterpriseTier.objects.filter(enterprise=gazelle_a, tier="gazelle", year=Y).exists()
    existing.refresh_from_db()
    assert existing.status == "applied" and existing.applied_on == date(Y, 3, 2)
    row = AuditEvent.objects.get(event_type="import", object_type="tiers.tiercandidate")
    assert row.detail["created"] == 1 and row.detail["updated"] == 1


def test_import_is_all_or_nothing_with_every_bad_cell_named(client, office_user, gazelle_a, slow_b):
    client.force_login(office_user)
    resp = import_file(
        client,
        reverse("tiers:candidate_import"),
        workbook(
            [gazelle_a.uscc, "瞪羚企业", "省级", Y, "已申报", f"{Y}-03-01", None, None],
            [gazelle_a.uscc, "瞪羚企业", "省级", Y, "已申报", f"{Y}-03-01", None, None],
            [slow_b.uscc, "火箭企业", "省级", Y, "", None, None, None],
            [slow_b.uscc, "独角兽", "国家级", Y, "", None, None, None],
            [slow_b.uscc, "瞪羚企业", "省级", Y, "已认定", None, None, None],
            [make_uscc(799999), "瞪羚企业", "省级", Y, "", None, None, None],
        ),
    )
    assert resp.status_code == 200
    errors = {(e["row"], e["column"]) for e in resp.context["errors"]}
    assert (3, "统一社会信用代码") in errors  # the same firm, tier, level and year as row 2
    assert (4, "称号") in errors  # an unknown tier
    assert (5, "级别") in errors  # no criteria for a national unicorn
    assert (6, "认定日期") in errors  # recognised without a date
    assert (7, "统一社会信用代码") in errors  # an unknown firm
    assert not TierCandidate.objects.exists()


def test_import_refuses_another_districts_firm(client, district_a_user, slow_b):
    client.force_login(district_a_user)
    resp = import_file(
        client,
        reverse("tiers:candidate_import"),
        workbook([slow_b.uscc, "瞪羚企业", "省级", Y, "", None, None, None]),
    )
    assert resp.status_code == 200
    assert [(e["row"], e["column"]) for e in resp.context["errors"]] == [(2, "统一社会信用代码")]
    assert not TierCandidate.objects.exists()


def test_the_export_reads_back_with_openpyxl_and_imports_unchanged(client, office_user, gazelle_a):
    add(office_user, gazelle_a, ip_count=4)
    client.force_login(office_user)
    resp = client.get(reverse("tiers:candidate_list"), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    line = dict(zip(header, rows[1], strict=False))
    assert line["统一社会信用代码"] == gazelle_a.uscc
    assert (line["称号"], line["级别"], line["年度"], line["状态"]) == (
        "瞪羚企业",
        "省级",
        Y,
        "候选",
    )
    assert line["I类知识产权(项)"] == 4


# -------------------------------------------------------------------------------------------------- API


def test_api_create_step_criteria_find_and_progress(client, office_user, gazelle_a, slow_b):
    client.force_login(office_user)
    resp = client.post(
        "/api/tier-candidates/",
        {"enterprise": gazelle_a.pk, "tier": "gazelle", "level": "provincial", "year": Y},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["verdict"] == "eligible"
    pk = body["id"]
    resp = client.post(
        f"/api/tier-candidates/{pk}/move/",
        {"to_status": "applied", "version": body["version"]},
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["status"] == "applied"
    resp = client.post(
        f"/api/tier-candidates/{pk}/move/",
        {"to_status": "applied"},
        content_type="application/json",
    )
    assert resp.status_code == 409
    resp = client.get(f"/api/tier-candidates/{pk}/criteria/")
    assert resp.status_code == 200
    assert AuditEvent.objects.filter(
        event_type="view_confidential", object_id=str(gazelle_a.pk)
    ).exists()
    checks = {c["key"]: c for c in resp.json()["checks"]}
    assert checks["cagr"]["outcome"] == "pass" and checks["cagr"]["value"] == "26.5%"
    resp = client.post(f"/api/tier-candidates/{pk}/recheck/")
    assert resp.status_code == 200
    resp = client.get(
        "/api/tier-candidates/find/", {"rule": "gazelle:provincial", "year": Y, "possible": "1"}
    )
    assert resp.status_code == 200
    assert resp.json() == []  # the one passing firm is in the pipeline; the other fails
    assert client.get("/api/tier-candidates/find/", {"rule": "nope"}).status_code == 400
    resp = client.post(
        "/api/tier-targets/",
        {"tier": "gazelle", "level": "provincial", "year": Y, "value": 3, "cumulative": False},
        content_type="application/json",
    )
    assert resp.status_code == 201
    resp = client.get("/api/tier-targets/progress/", {"year": Y})
    gazelle = next(r for r in resp.json() if r["tier"] == "gazelle")
    assert (gazelle["target"], gazelle["applied"]) == (3, 1)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/tier-candidates/{id}/criteria/" in schema
    assert "/api/tier-targets/progress/" in schema


def test_api_scope_and_read_only(client, district_b_user, department_user, office_user, gazelle_a):
    cand = add(office_user, gazelle_a)
    client.force_login(district_b_user)
    assert client.get(f"/api/tier-candidates/{cand.pk}/").status_code == 404
    assert client.get("/api/tier-candidates/").json()["count"] == 0
    client.force_login(department_user)
    resp = client.post(
        "/api/tier-candidates/",
        {"enterprise": gazelle_a.pk, "tier": "unicorn", "level": "provincial", "year": Y},
        content_type="application/json",
    )
    assert resp.status_code == 403


def test_round_trip_the_export_imports_back_unchanged(client, office_user, gazelle_a, slow_b):
    from tests.imports import counts, exported, preview

    add(office_user, gazelle_a, ip_count=4, main_business_pct="80")
    cand = add(office_user, slow_b)
    services.candidate_step(
        candidate=cand, actor=office_user, to_status="applied", on=date(Y, 3, 1)
    )
    client.force_login(office_user)
    content = exported(client, reverse("tiers:candidate_list"))
    resp = preview(client, reverse("tiers:candidate_import"), content)
    assert counts(resp.context["plan"]) == (0, 0, 2)


def test_a_step_carries_its_evidence_file_served_through_the_candidates_scope(
    client, settings, tmp_path, office_user, district_b_user, gazelle_a
):
    settings.MEDIA_ROOT = tmp_path
    cand = add(office_user, gazelle_a)
    client.force_login(office_user)
    pdf = SimpleUploadedFile("申报书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    resp = client.post(
        reverse("tiers:candidate_step", args=[cand.pk]),
        {"to_status": "applied", "on": f"{Y}-04-01", "version": cand.version, "attachment": pdf},
    )
    assert resp.status_code == 302
    cand.refresh_from_db()
    assert cand.evidence.name.startswith("tiers/evidence/")
    resp = client.get(reverse("tiers:candidate_file", args=[cand.pk]))
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(event_type="download").exists()
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    resp = client.post(
        reverse("tiers:candidate_step", args=[cand.pk]),
        {"to_status": "recognised", "on": f"{Y}-06-01", "version": cand.version, "attachment": bad},
    )
    assert resp.status_code == 200  # the form's error; nothing changes
    cand.refresh_from_db()
    assert cand.status == "applied"
    client.force_login(district_b_user)
    assert client.get(reverse("tiers:candidate_file", args=[cand.pk])).status_code == 404


def test_the_counts_page_opens_on_the_latest_year_with_a_pipeline(client, office_user, gazelle_a):
    """Opened without a year, the page shows the latest year the user's candidates or targets have (not an empty
    current year in January); with none, this year."""
    client.force_login(office_user)
    this = timezone.localdate().year
    assert client.get(reverse("tiers:progress")).context["year"] == this
    TierCandidate.objects.create(
        enterprise=gazelle_a, tier="gazelle", level="provincial", year=this - 1
    )
    assert client.get(reverse("tiers:progress")).context["year"] == this - 1
    assert (
        client.get(reverse("tiers:progress"), {"year": this}).context["year"] == this
    )  # asked: kept
