"""Target lists (招商名录) on the chain tree: outside makers of a gap segment's products, ranked with reasons;
the opportunity view; a row turned into a lead; scopes and the export."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse
from django.utils import translation

from chainleader.core.models import AuditEvent
from chainleader.investment.models import Lead, LeafOpportunity, Target


def test_a_gap_segment_lists_the_outside_makers_of_its_products_with_reasons(ranked):
    rows = list(Target.objects.select_related("segment", "company"))
    by_segment = {}
    for t in rows:
        by_segment.setdefault(t.segment.name, []).append(t)
    assert "压缩机" in by_segment, {k: [t.company.name for t in v] for k, v in by_segment.items()}
    target = by_segment["压缩机"][0]
    assert target.company.name == "海立股份"
    assert target.status in ("missing", "weak", "choke")
    # 压缩机 is a material of 空调, which the local chain master 海尔智家 makes
    assert target.buyer > 0
    assert "压缩机" in target.reason and "空调" in target.reason
    names = {t.company.name for t in rows}
    assert "海尔智家" not in names, "a local firm is never an investment target"
    assert "特锐德" not in names, "青岛特锐德 is registered in the home city: local, linked or not"
    assert AuditEvent.objects.filter(event_type="targets_derive").exists()
    assert LeafOpportunity.objects.filter(segment__chain=ranked).count() == 9


def test_the_target_page_exports_and_turns_a_row_into_one_lead(client, ranked, office_user):
    client.force_login(office_user)
    page = client.get(reverse("investment:target_list"), {"chain": ranked.pk})
    assert page.status_code == 200
    assert "海立股份" in page.content.decode()
    export = client.get(reverse("investment:target_list"), {"chain": ranked.pk, "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    header = [c.value for c in ws[1]]
    with translation.override("zh-hans"):
        firm, reason = translation.gettext("target firm"), translation.gettext("reason")
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    row = next(r for r in rows if r[firm] == "海立股份")
    assert "空调" in row[reason]
    target = Target.objects.get(company__name="海立股份")
    first = client.post(reverse("investment:target_lead", args=[target.pk]))
    again = client.post(reverse("investment:target_lead", args=[target.pk]))
    assert first.status_code == again.status_code == 302
    lead = Lead.objects.get()
    assert first["Location"] == again["Location"] == lead.get_absolute_url()
    assert (lead.source, lead.stage, lead.segment_id, lead.company_id) == (
        "target_list",
        "lead",
        target.segment_id,
        target.company_id,
    )
    assert lead.steps.get().note == target.reason


def test_firm_accounts_see_no_target_list_and_cannot_make_leads(client, ranked, firm_user):
    client.force_login(firm_user)
    page = client.get(reverse("investment:target_list"))
    assert "海立股份" not in page.content.decode()
    target = Target.objects.first()
    assert client.post(reverse("investment:target_lead", args=[target.pk])).status_code == 404
    api = client.get("/api/investment-targets/")
    assert api.status_code == 200 and api.json()["count"] == 0
    assert not Lead.objects.exists()


def test_a_reader_sees_the_list_but_makes_no_lead(client, ranked, department_user):
    client.force_login(department_user)
    target = Target.objects.first()
    resp = client.post(reverse("investment:target_lead", args=[target.pk]))
    assert resp.status_code in (403, 404)
    assert not Lead.objects.exists()


def test_the_opportunity_view_plots_every_segment_and_ranks_by_strategy(
    client, ranked, office_user
):
    client.force_login(office_user)
    statuses = [s.get("status") for s in ranked.derived_map.segments if s.get("is_leaf")]
    expected = sum(1 for s in statuses if s != "strong")
    for strategy in ("low_hanging", "balanced", "long_jump", "nonsense"):
        resp = client.get(
            reverse("investment:opportunity", args=[ranked.pk]), {"strategy": strategy}
        )
        assert resp.status_code == 200
        points = resp.context["points"]
        assert len(points) == expected > 0, "every segment the map does not judge strong"
        scores = [p["score"] for p in points]
        assert scores == sorted(scores, reverse=True)
    assert 'data-chart="chart-opportunity"' in resp.content.decode()
    near = client.get(
        reverse("investment:opportunity", args=[ranked.pk]), {"strategy": "low_hanging"}
    )
    distances = [p["distance"] for p in near.context["points"]]
    assert distances == sorted(distances)


def test_ranking_again_keeps_the_rows_a_lead_points_at(ranked, office_user):
    from chainleader.investment.services import lead_from_target, targets_derive

    target = Target.objects.get(company__name="海立股份")
    lead = lead_from_target(actor=office_user, target=target)
    before = set(Target.objects.values_list("pk", flat=True))
    targets_derive()
    assert set(Target.objects.values_list("pk", flat=True)) == before
    lead.refresh_from_db()
    assert lead.target_id == target.pk


def test_only_the_office_ranks_again_and_the_redirect_stays_on_the_site(
    client, ranked, office_user, district_a_user
):
    url = reverse("investment:targets_derive")
    client.force_login(district_a_user)
    assert client.post(url).status_code == 403
    client.force_login(office_user)
    before = AuditEvent.objects.filter(event_type="targets_derive").count()
    away = client.post(url, {"next": "https://evil.example.com/"})
    assert away.status_code == 302 and away["Location"] == reverse("investment:target_list")
    home = client.post(url, {"next": "/investment/?chain=1"})
    assert home["Location"] == "/investment/?chain=1"
    assert AuditEvent.objects.filter(event_type="targets_derive").count() == before + 2
