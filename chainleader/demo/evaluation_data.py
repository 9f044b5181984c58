"""Demo per-mu yield evaluation (亩产效益评价) over the synthetic firms' figures. Everything here is synthetic.

What it writes, through the evaluation services (so the audit log and the results are as in real use):

- the default scheme as version 1;
- the 2022 and 2023 evaluations, computed, reviewed and **published** (final classes, all four present;
  2023 against 2022 shows the movement between classes);
- the 2024 evaluation, computed and **in review**, with two appeals in progress: one by the demo firm
  account (海尔智家, submitted) and one by the West Coast district account for one of its firms, already
  checked by the district (district_checked). The office account can decide them and then publish 2024.
  (2024 is not published: publication waits until every appeal is decided, see
  docs/decisions/0009-mu-evaluation.md.)

The seeds say the West Coast's above-size per-mu tax is 30 % above the city average (source 000:
"规上工业亩均税收效益高于全市平均30%"). The synthetic figures do not give that by themselves, so before the
first evaluation this module rescales the land (亩) of the West Coast's (370211) above-size firms, year by
year, until Σ tax / Σ land of its graded above-size firms is 1.30 × the city's. This is a documented,
synthetic adjustment of synthetic figures (flagged ``is_synthetic`` like all of them); the chart then shows
the claim as a figure instead of faking it.

Deterministic (no randomness: the appealed firms are chosen by rank and credit code) and idempotent (the
demo runs carry DEMO_NOTE; when they exist nothing is done, so a second load writes nothing).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile

from chainleader.accounts.models import User
from chainleader.engines import mu_yield
from chainleader.enterprises.models import Enterprise, YearFigure
from chainleader.evaluation import selectors, services
from chainleader.evaluation.models import EvaluationRun

DEMO_NOTE = "演示数据（合成）"
PUBLISHED_YEARS = (2022, 2023)
REVIEW_YEAR = 2024
CLAIM_REGION = "370211"
CLAIM_RATIO = 1.30
CLAIM_TOLERANCE = 0.005
ABOVE_SIZE = "规上"
# A one-page PDF (ASCII only): the demo's stand-in for a tax certificate.
EVIDENCE = (
    b"%PDF-1.4\n% chainleader demo: synthetic evidence, not a real document\n"
    b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def load_evaluation(loader: Any) -> None:
    """Write the demo evaluation once; the loader's Outcome counts what was written (printed)."""
    out = loader.out
    if EvaluationRun.objects.filter(note=DEMO_NOTE).exists():
        return
    office = User.objects.filter(username="office").first()
    district = User.objects.filter(username="district").first()
    firm_user = User.objects.filter(username="firm").first()
    if office is None or district is None or firm_user is None:
        return
    years = [*PUBLISHED_YEARS, REVIEW_YEAR]
    if not all(YearFigure.objects.filter(year=y).exists() for y in years):
        return
    scheme = services.scheme_current()
    changed = 0
    for year in years:
        changed += calibrate_claim(year, scheme.scheme())
    if changed:
        out.updated["YearFigure"] += changed

    results = 0
    runs: dict[int, EvaluationRun] = {}
    for year in years:
        run = services.evaluation_run_create(year=year, scheme=scheme, actor=office, note=DEMO_NOTE)
        run = services.evaluation_run_compute(run=run, actor=office)
        run = services.run_review_open(run=run, actor=office)
        if year in PUBLISHED_YEARS:
            run = services.run_publish(run=run, actor=office)
        runs[year] = run
        results += run.results.count()
    out.created["亩产效益评价批次"] += len(runs)
    out.created["亩产效益评价结果"] += results
    out.created["亩产效益申诉"] += _appeals(runs[REVIEW_YEAR], office, district, firm_user)


def west_coast_ratio(year: int, scheme: mu_yield.Scheme) -> tuple[float, dict[str, float]]:
    """(370211's 规上 per-mu tax / the city's, the sums) over the graded 规上 firms of ``year``."""
    data = selectors.figure_columns(year=year)
    result = mu_yield.evaluate(data.columns, scheme)
    above = result.graded & (result.group == ABOVE_SIZE)
    codes = dict(
        Enterprise.objects.filter(pk__in=data.enterprise_ids.tolist()).values_list(
            "pk", "region__code"
        )
    )
    west = np.array([codes[int(e)].startswith(CLAIM_REGION) for e in data.enterprise_ids])
    tax = np.nan_to_num(data.columns["tax_wan"])
    land = data.columns["land_mu"]
    sums = {
        "tax_west": float(tax[above & west].sum()),
        "land_west": float(land[above & west].sum()),
        "tax_other": float(tax[above & ~west].sum()),
        "land_other": float(land[above & ~west].sum()),
    }
    if not sums["land_west"] or not sums["land_other"]:
        return 0.0, sums
    west_per_mu = sums["tax_west"] / sums["land_west"]
    city = (sums["tax_west"] + sums["tax_other"]) / (sums["land_west"] + sums["land_other"])
    return west_per_mu / city, sums


def calibrate_claim(year: int, scheme: mu_yield.Scheme) -> int:
    """Rescale the land of 370211's 规上 firms in ``year`` so the claim holds; the rows changed.

    With x the West Coast's new land total: T_w / x = R (T_w + T_o) / (x + L_o), so
    x = T_w L_o / (R T_o + (R − 1) T_w); each firm's land is multiplied by x / L_w (rounded to 0.01 亩).
    """
    ratio, s = west_coast_ratio(year, scheme)
    if not ratio or abs(ratio - CLAIM_RATIO) <= CLAIM_TOLERANCE:
        return 0
    r = CLAIM_RATIO
    target = s["tax_west"] * s["land_other"] / (r * s["tax_other"] + (r - 1) * s["tax_west"])
    factor = Decimal(str(target / s["land_west"]))
    rows = [  # land is sealed at rest (DP2): compared here, not in SQL
        row
        for row in YearFigure.objects.filter(
            year=year,
            is_synthetic=True,
            enterprise__region__code__startswith=CLAIM_REGION,
            enterprise__above_size=True,
            land_mu__isnull=False,
        )
        if row.land_mu > 0
    ]
    for row in rows:
        row.land_mu = max((row.land_mu * factor).quantize(Decimal("0.01")), Decimal("0.01"))
    # Demo data: a bulk update without history rows, as the loader's bulk inserts.
    YearFigure.objects.bulk_update(rows, ["land_mu"], batch_size=500)
    return len(rows)


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EVIDENCE, content_type="application/pdf")


def _appeals(run: EvaluationRun, office: User, district: User, firm_user: User) -> int:
    made = 0
    firm_id = getattr(firm_user.org_unit, "enterprise_id", None)
    own = run.results.filter(enterprise_id=firm_id).first()
    if own is not None and own.tax_wan:
        services.appeal_submit(
            result=own,
            actor=firm_user,
            field="tax_wan",
            claimed_value=Decimal(str(round(own.tax_wan * 1.08, 2))),
            evidence=_evidence("完税证明（演示）.pdf"),
            note="（演示）年度汇算清缴后补缴税款未计入，申请按完税证明更正评价税收。",
        )
        made += 1
    # A West Coast 规上 firm just below the B/C boundary: an accepted appeal would lift it.
    candidate = (
        run.results.filter(
            graded=True,
            group=ABOVE_SIZE,
            grade="C",
            enterprise__region__code__startswith=CLAIM_REGION,
        )
        .order_by("rank", "enterprise__uscc")
        .first()
    )
    if candidate is not None and candidate.land_mu:
        appeal = services.appeal_submit(
            result=candidate,
            actor=district,
            field="land_mu",
            claimed_value=Decimal(str(round(candidate.land_mu * 0.8, 2))),
            evidence=_evidence("厂房租赁合同及用地核实说明（演示）.pdf"),
            note="（演示）部分厂房已出租给其他企业，实际自用工业用地面积小于登记面积。",
        )
        services.appeal_district_check(
            appeal=appeal,
            actor=district,
            supports=True,
            note="（演示）经现场核实，出租部分约占登记用地的五分之一，情况属实。",
        )
        made += 1
    return made
