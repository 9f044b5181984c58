"""Demo: target lists ranked on the real graph, and a few leads followed from them (synthetic).

The leads' stages, dates, figures and the project a signed lead creates are invented for the demo and flagged
``is_synthetic``; the target firms and the reasons are the ranking's, from the public graph.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from chainleader.investment.models import Lead, Target
from chainleader.investment.services import (
    lead_advance,
    lead_close,
    lead_from_target,
    lead_update,
    targets_derive,
)
from chainleader.reference.models import Region

# (chain name, target row to take on the chain's list, where the lead ends, figures)
DEMO_LEADS = [
    ("智能家电", 0, "signed", Decimal("12.5"), "370211"),
    ("智能家电", 5, "visit", Decimal("3.2"), "370214"),
    ("集成电路", 0, "negotiate", Decimal("30"), "370211"),
    ("新型显示", 2, "closed", None, ""),
]


def load_investment(*, stdout=None) -> int:
    """Rank every target list; open the demo leads once (re-runs leave them as they are)."""
    counts = targets_derive()
    if stdout:
        stdout.write(
            f"招商名录：{counts['gap_leaves']} 个短板环节，{counts['targets']} 家目标企业。\n"
        )
    if Lead.objects.filter(is_synthetic=True).exists():
        return 0
    office = get_user_model().objects.filter(username="office").first()
    if office is None:
        return 0
    made = 0
    for chain_name, nth, end, amount, district in DEMO_LEADS:
        rows = list(
            Target.objects.filter(chain__name=chain_name, chain__level="city").order_by(
                "priority", "segment_id", "rank"
            )[: nth + 1]
        )
        if len(rows) <= nth:
            continue
        lead = lead_from_target(actor=office, target=rows[nth])
        data: dict = {"is_synthetic": True}
        if amount is not None:
            data |= {
                "expected_investment_yi": amount,
                "land_need_mu": Decimal("80"),
                "promised_intensity_wan_per_mu": Decimal("500"),
                "promised_tax_wan_per_mu": Decimal("40"),
                "promised_jobs": 300,
            }
        if district:
            data["district"] = Region.objects.get(code=district)
        lead = lead_update(lead=lead, actor=office, data=data, expected_version=lead.version)
        if end == "closed":
            lead_close(
                lead=lead, actor=office, reason="企业已在长三角完成同类产能布局，暂无新增投资计划"
            )
        else:
            for stage in ("contact", "visit", "negotiate", "signed"):
                lead = lead_advance(
                    lead=lead, actor=office, to_stage=stage, note="演示数据：虚构的招商进展"
                )
                if stage == end:
                    break
            if lead.project_id:
                lead.project.__class__.objects.filter(pk=lead.project_id).update(is_synthetic=True)
        made += 1
    _producing_demo(office)
    return made


def _producing_demo(office) -> None:
    """Let the signed 智能家电 lead's project produce (a synthetic local firm as its investor, with its published
    per-mu result) so the promise check has a row to show: invented, like every lead figure here."""
    from datetime import timedelta

    from django.utils import timezone

    from chainleader.evaluation.models import EvaluationResult
    from chainleader.projects.models import MonthlyReport, Project

    lead = (
        Lead.objects.filter(is_synthetic=True, stage=Lead.Stage.SIGNED, project__isnull=False)
        .order_by("pk")
        .first()
    )
    result = next(  # land and tax are sealed at rest (DP2): compared here, not in SQL
        (
            r
            for r in EvaluationResult.objects.filter(
                run__status="published",
                enterprise__is_synthetic=True,
                enterprise__region__code__startswith="370211",
                land_mu__isnull=False,
                tax_wan__isnull=False,
            ).order_by("enterprise_id")
            if 50 <= r.land_mu <= 150 and r.tax_wan > 0
        ),
        None,
    )
    if lead is None or result is None:
        return
    today = timezone.localdate()
    Project.objects.filter(pk=lead.project_id).update(
        investor=result.enterprise,
        stage="producing",
        registered_on=today - timedelta(days=20),
        started_on=today - timedelta(days=15),
        building_on=today - timedelta(days=12),
        completed_on=today - timedelta(days=5),
        producing_on=today - timedelta(days=2),
        is_synthetic=True,
    )
    MonthlyReport.objects.get_or_create(
        project_id=lead.project_id,
        month=today.replace(day=1),
        defaults={
            "planned_yi": Decimal("12.5"),
            "completed_yi": Decimal("9"),
            "is_synthetic": True,
        },
    )
