"""Early warnings: indicator rules and chain risks raised by run_warnings() (hand-worked figures), owners
notified, a confirmed warning becomes a key task on the chain's list, a dismissed one keeps its reason; the
daily command; scopes and sealed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.indicators import services
from chainleader.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    RelocationFlag,
    Warning,
)
from chainleader.projects.models import Notification
from chainleader.worklists.models import WorkItem
from tests.factories import (
    EnterpriseFactory,
    PlacementFactory,
    SegmentFactory,
    YearFigureFactory,
    region,
)
from tests.projects.factories import ProjectFactory, ReportFactory

TODAY = date(2024, 3, 1)


@pytest.fixture
def behind(db, team_chain):
    """The team's chain: output 0 (2020) → 500 (2025); 2023 expects 300; actual 240 is 20 % behind
    (60 / 300); 2022 was 250, so 240 is also a 4 % fall year on year (10 / 250)."""
    ind = Indicator.objects.create(
        code="W1", name="产值", unit="亿元", tolerance_pct=3, threshold=Decimal("245")
    )
    IndicatorTarget.objects.create(
        indicator=ind,
        chain=team_chain,
        base_year=2020,
        base_value=0,
        target_year=2025,
        target_value=500,
    )
    IndicatorValue.objects.create(indicator=ind, chain=team_chain, year=2022, value=250)
    IndicatorValue.objects.create(indicator=ind, chain=team_chain, year=2023, value=240)
    return ind


def test_indicator_rules_raise_warnings_once(behind, team_chain, chain_team_user, office_user):
    counts = services.run_warnings(today=TODAY)
    assert counts == {"pace": 1, "yoy_fall": 1, "threshold": 1}
    pace = Warning.objects.get(kind="pace")
    assert pace.chain == team_chain and pace.level == "red"  # 20 % behind
    assert "应达300亿元" in pace.message and "落后20%" in pace.message
    yoy = Warning.objects.get(kind="yoy_fall")
    assert "差4%" in yoy.message and yoy.level == "yellow"
    assert "低于预警线245亿元" in Warning.objects.get(kind="threshold").message
    # The chain's team and the office are told.
    assert Notification.objects.filter(user=chain_team_user, text__contains="落后20%").exists()
    assert Notification.objects.filter(user=office_user).count() == 3
    # The next day's run raises nothing new and tells nobody again.
    assert services.run_warnings(today=TODAY) == {}
    assert Notification.objects.count() == 6


def test_within_tolerance_no_warning(db, team_chain):
    # 0 → 500; 2023 expects 300; 295 is 1.67 % behind, within 5 %; 2022 was 290: a rise.
    ind = Indicator.objects.create(code="W2", name="产值", tolerance_pct=5)
    IndicatorTarget.objects.create(
        indicator=ind,
        chain=team_chain,
        base_year=2020,
        base_value=0,
        target_year=2025,
        target_value=500,
    )
    IndicatorValue.objects.create(indicator=ind, chain=team_chain, year=2022, value=290)
    IndicatorValue.objects.create(indicator=ind, chain=team_chain, year=2023, value=295)
    assert services.run_warnings(today=TODAY) == {}


def test_a_whole_year_figure_of_a_year_not_over_is_not_compared(db, team_chain):
    """2024's whole-year figure on 1 March 2024 is two months of the year: against 2023's whole year (300) or
    the pace of a whole year it would read as a fall; nothing is raised until the year is over."""
    ind = Indicator.objects.create(code="W3", name="完成投资", unit="亿元", tolerance_pct=3)
    IndicatorTarget.objects.create(
        indicator=ind,
        chain=team_chain,
        base_year=2020,
        base_value=0,
        target_year=2025,
        target_value=500,
    )
    IndicatorValue.objects.create(indicator=ind, chain=team_chain, year=2023, value=300)
    IndicatorValue.objects.create(indicator=ind, chain=team_chain, year=2024, value=50)
    assert services.run_warnings(today=TODAY) == {}
    # A year later 2024 is over: 50 against 2023's 300 is a fall of 83.33 %, and 2024 expects 400 (0 → 500).
    assert services.run_warnings(today=date(2025, 3, 1)) == {"pace": 1, "yoy_fall": 1}


def test_confirm_makes_a_key_task_on_the_chains_list(
    behind, team_chain, chain_team_user, department_unit
):
    services.run_warnings(today=TODAY)
    w = Warning.objects.get(kind="pace")
    done = services.warning_confirm(
        warning=w, actor=chain_team_user, deadline=date(2024, 6, 30), owner_unit=department_unit
    )
    assert done.status == "confirmed"
    item = done.work_item
    assert item.kind == WorkItem.Kind.TASK and item.chain == team_chain
    assert item.title == w.message[:200] and item.owner_unit == department_unit
    assert reverse("indicators:warning_detail", args=[w.pk]) in item.description
    with pytest.raises(WorkflowConflict):
        services.warning_dismiss(warning=w, actor=chain_team_user, reason="重复")


def test_dismiss_needs_a_reason_and_a_writer(behind, chain_team_user, firm_user, district_b_user):
    services.run_warnings(today=TODAY)
    w = Warning.objects.get(kind="yoy_fall")
    with pytest.raises(ServiceError):
        services.warning_dismiss(warning=w, actor=chain_team_user, reason=" ")
    with pytest.raises(WorkflowForbidden):
        services.warning_dismiss(warning=w, actor=firm_user, reason="不相关")
    with pytest.raises(WorkflowForbidden):  # another district does not see the team's chain
        services.warning_dismiss(warning=w, actor=district_b_user, reason="不相关")
    w = services.warning_dismiss(warning=w, actor=chain_team_user, reason="统计口径调整")
    assert (w.status, w.reason) == ("dismissed", "统计口径调整")


def test_chain_risks(db, team_chain, district_a_user, department_user):
    team_chain.lead_department = department_user.org_unit
    team_chain.save()
    # Supply concentration: a leaf with outputs 60, 30, 10 (2023) → HHI 3600 + 900 + 100 = 4600 > 2500.
    leaf = SegmentFactory(chain=team_chain, name="压缩机")
    firms = []
    for output in (60, 30, 10):
        firm = EnterpriseFactory(region=region("370211"))
        PlacementFactory(segment=leaf, enterprise=firm)
        YearFigureFactory(enterprise=firm, year=2023, output_wan=output, revenue_wan=100)
        firms.append(firm)
    # A chain master whose revenue fell: 2022 100 → 2023 100? use the first firm: 2022 120 → 2023 100.
    YearFigureFactory(enterprise=firms[0], year=2022, output_wan=50, revenue_wan=120)
    team_chain.masters.add(firms[0])
    # A relocation flag.
    RelocationFlag.objects.create(
        enterprise=firms[1], note="拟迁往外省", flagged_by=district_a_user
    )
    # A big project (25亿) whose reports show 2, 0, 0, 0: stalled over the last three.
    big = ProjectFactory(chain=team_chain, total_investment_yi=Decimal("25"), stage="building")
    for month, done in ((1, "2"), (2, "0"), (3, "0"), (4, "0")):
        ReportFactory(project=big, month=date(2024, month, 1), completed_yi=Decimal(done))
    small = ProjectFactory(chain=team_chain, total_investment_yi=Decimal("5"), stage="building")
    for month in (1, 2, 3, 4):
        ReportFactory(project=small, month=date(2024, month, 1), completed_yi=Decimal(0))
    counts = services.run_warnings(today=TODAY)
    assert counts == {"concentration": 1, "master_fall": 1, "relocation": 1, "stalled": 1}
    hhi = Warning.objects.get(kind="concentration")
    assert "HHI为4600" in hhi.message and hhi.owner_unit == department_user.org_unit
    master = Warning.objects.get(kind="master_fall")
    assert master.confidential and "120" not in master.message  # no sealed figure in the text
    assert Warning.objects.get(kind="stalled").project == big
    reloc = Warning.objects.get(kind="relocation")
    assert reloc.region == region("370211") and reloc.enterprise == firms[1]
    # The department leads the chain but is not granted sealed figures: it sees the warnings, not the master's.
    seen = set(Warning.objects.for_user(department_user).values_list("kind", flat=True))
    assert "master_fall" not in seen and "concentration" in seen
    assert not Notification.objects.filter(user=department_user, text__contains="链主").exists()
    assert set(Warning.objects.for_user(district_a_user).values_list("kind", flat=True)) >= {
        "relocation",
        "master_fall",
    }


def test_the_daily_command_and_the_pages(
    client, behind, chain_team_user, firm_user, department_unit
):
    out = StringIO()
    call_command("run_warnings", stdout=out)
    assert "新预警 3 条" in out.getvalue()
    w = Warning.objects.get(kind="pace")
    client.force_login(chain_team_user)
    resp = client.get(reverse("indicators:warning_list"), {"kind": "pace"})
    assert resp.status_code == 200 and w.message in resp.content.decode()
    assert client.get(reverse("indicators:warning_list"), {"export": "xlsx"}).status_code == 200
    assert client.get(reverse("indicators:warning_detail", args=[w.pk])).status_code == 200
    assert client.get(reverse("indicators:warning_confirm", args=[w.pk])).status_code == 200
    url = reverse("indicators:warning_confirm", args=[w.pk])
    # No owner unit: the warning has none, the chain leads from no department, the team member has no unit.
    refused = client.post(url, {"deadline": "2026-06-30"})
    assert refused.status_code == 200 and "owner_unit" in refused.context["form"].errors
    resp = client.post(url, {"deadline": "2026-06-30", "owner_unit": department_unit.pk})
    assert resp.status_code == 302
    w.refresh_from_db()
    assert w.work_item is not None
    other = Warning.objects.get(kind="yoy_fall")
    assert client.get(reverse("indicators:warning_dismiss", args=[other.pk])).status_code == 200
    assert (
        client.post(
            reverse("indicators:warning_dismiss", args=[other.pk]), {"reason": "口径"}
        ).status_code
        == 302
    )
    client.force_login(firm_user)
    assert w.message not in client.get(reverse("indicators:warning_list")).content.decode()
    assert client.get(reverse("indicators:warning_detail", args=[w.pk])).status_code == 404


def test_load_indicators_command(db):
    out = StringIO()
    call_command("load_indicators", stdout=out)
    assert "新增指标" in out.getvalue()
    call_command("load_indicators", stdout=out)
    assert Indicator.objects.filter(code="P14").count() == 1
