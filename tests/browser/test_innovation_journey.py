"""In a real browser: a 揭榜挂帅 challenge from its publication through a firm's application, scoring and
selection, a milestone the solver reports, to acceptance with its evidence; and a digital diagnosis whose
recommendation becomes an upgrade project, the project page linking back to the diagnosis."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chainleader.accounts.models import OrgUnit, Role
from chainleader.enterprises.models import EnterpriseProduct, Product
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    OrgUnitFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    region,
)

from .test_project_journey import log_in, log_out

PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def world(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    seg = SegmentFactory(chain=chain, name="整机制造")
    master = EnterpriseFactory(name="海尔智家", region=region("370211"))
    solver = EnterpriseFactory(name="青岛声学科技有限公司", region=region("370211"))
    for firm in (master, solver):
        PlacementFactory(segment=seg, enterprise=firm)
    EnterpriseProduct.objects.create(
        enterprise=solver, product=Product.objects.create(name="降噪模组")
    )
    UserFactory(username="office", role=Role.OFFICE)
    unit = OrgUnitFactory(name=solver.name, kind=OrgUnit.Kind.ENTERPRISE, enterprise=solver)
    UserFactory(username="firm", role=Role.ENTERPRISE, org_unit=unit)
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(PDF)
    return {"chain": chain, "seg": seg, "master": master, "solver": solver, "pdf": str(evidence)}


def _button(page: Page, pattern: str) -> None:
    page.locator("form.card").get_by_role("button", name=re.compile(pattern)).click()


def test_a_challenge_from_publication_to_acceptance(page: Page, live_server, world):
    base = live_server.url
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    today = timezone.localdate().isoformat()
    log_in(page, base, "office")
    page.get_by_test_id("nav-innovation").click()
    page.get_by_role("link", name=re.compile("^(新增|Add)$")).click()
    page.get_by_label(re.compile("榜单名称|challenge title", re.I)).fill("变频压缩机噪声控制")
    page.get_by_label(re.compile("发榜企业|publishing firm", re.I)).select_option(
        value=str(world["master"].pk)
    )
    page.get_by_label(re.compile("^(产业链|chain)$", re.I)).select_option(
        value=str(world["chain"].pk)
    )
    page.get_by_label(re.compile("^(需求|need)$", re.I)).fill("整机噪声降到 38 分贝以下")
    page.get_by_label(re.compile("预算|榜单金额|budget", re.I)).fill("300")
    page.get_by_label(re.compile("截止|deadline", re.I)).fill(deadline)
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("草稿|draft"))
    page.get_by_test_id("step").click()
    page.get_by_label(re.compile("流程步骤|workflow step", re.I)).select_option("publish")
    _button(page, "Next step|下一步")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("已发布|published"))
    url = page.url
    log_out(page)

    # The firm finds it and applies (揭榜).
    log_in(page, base, "firm")
    page.goto(url)
    page.get_by_test_id("apply").click()
    page.get_by_label(re.compile("方案|proposal", re.I)).fill("主动降噪算法与声学包")
    page.get_by_label(re.compile("申请金额|amount asked", re.I)).fill("280")
    _button(page, "揭榜|Apply")
    expect(page.get_by_test_id("applications")).to_contain_text("青岛声学科技")
    log_out(page)

    # The office closes the applications, scores, selects and sets a milestone.
    log_in(page, base, "office")
    page.goto(url)
    page.get_by_test_id("step").click()
    page.get_by_label(re.compile("流程步骤|workflow step", re.I)).select_option("close")
    _button(page, "Next step|下一步")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("遴选|selecting"))
    page.get_by_test_id("applications").get_by_role("link", name="青岛声学科技有限公司").click()
    page.get_by_test_id("score").click()
    for pattern, value in (
        ("technical solution|技术方案", "36"),
        ("team|团队", "20"),
        ("^price|^报价", "15"),
        ("schedule|进度", "12"),
    ):
        page.get_by_label(re.compile(pattern, re.I)).fill(value)
    _button(page, "Score|评分")
    expect(page.get_by_test_id("score-value")).to_have_text("83.00")
    page.get_by_role("link", name="变频压缩机噪声控制").first.click()
    page.get_by_test_id("select").click()
    page.get_by_label(re.compile("合同金额|contract amount", re.I)).fill("270")
    page.get_by_label(re.compile("选定|selected application", re.I)).select_option(index=1)
    _button(page, "Select|选定")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("攻关|being solved"))
    expect(page.get_by_test_id("solver")).to_have_text("青岛声学科技有限公司")
    page.get_by_test_id("milestone-add").click()
    page.get_by_label(re.compile("里程碑名称|milestone name", re.I)).fill("样机")
    page.get_by_label(re.compile("到期|计划完成|due on", re.I)).fill(deadline)
    _button(page, "milestone|里程碑")
    expect(page.get_by_test_id("milestones")).to_contain_text("样机")
    log_out(page)

    # The solver reports the milestone with its evidence.
    log_in(page, base, "firm")
    page.goto(url)
    page.get_by_test_id("milestone-done").click()
    page.get_by_label(re.compile("完成日期|done on", re.I)).fill(today)
    page.get_by_label(re.compile("佐证文件|evidence file", re.I)).set_input_files(world["pdf"])
    _button(page, "reached|完成")
    expect(page.get_by_test_id("milestones")).to_contain_text(today)
    log_out(page)

    # 验收 with its evidence.
    log_in(page, base, "office")
    page.goto(url)
    page.get_by_test_id("accept").click()
    page.get_by_label(re.compile("验收日期|accepted on", re.I)).fill(today)
    page.get_by_label(re.compile("结论|verdict", re.I)).select_option("passed")
    page.get_by_label(re.compile("佐证文件|evidence file", re.I)).set_input_files(world["pdf"])
    _button(page, "Acceptance|验收")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("已验收|acceptance passed"))
    expect(page.get_by_test_id("acceptance")).to_contain_text(today)
    page.goto(f"{base}/innovation/challenges/summary/")
    expect(page.get_by_test_id("summary")).to_contain_text("智能家电")


def test_a_diagnosis_recommendation_becomes_an_upgrade_project(page: Page, live_server, world):
    base = live_server.url
    log_in(page, base, "office")
    page.goto(f"{base}/innovation/diagnoses/add/")
    page.get_by_label(re.compile("^(企业|enterprise)$", re.I)).select_option(
        value=str(world["solver"].pk)
    )
    page.get_by_label(re.compile("诊断机构|provider", re.I)).fill("卡奥斯赋能中心")
    page.get_by_label(re.compile("诊断日期|diagnosed on", re.I)).fill(
        timezone.localdate().isoformat()
    )
    for name, value in (
        ("strategy", "3"),
        ("equipment", "2"),
        ("production", "2"),
        ("management", "3"),
        ("products", "2"),
        ("data", "1"),
    ):
        page.locator(f"select[name={name}]").select_option(value)
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    expect(page.get_by_test_id("level")).to_have_text("2.2")
    page.get_by_test_id("recommend").click()
    page.get_by_label(re.compile("^(建议|recommendation)$", re.I)).fill("建设数字化车间")
    page.get_by_label(re.compile("估算投资|estimated investment", re.I)).fill("1500")
    _button(page, "recommendation|建议")
    page.get_by_test_id("convert").click()
    page.get_by_label(re.compile("^(产业链|chain)$", re.I)).select_option(
        value=str(world["chain"].pk)
    )
    _button(page, "upgrade project|改造项目")
    # The project page: a technical upgrade, linking back to the diagnosis.
    expect(page.get_by_test_id("project-origin")).to_contain_text("建设数字化车间")
    page.get_by_test_id("project-origin").click()
    expect(page.get_by_test_id("level")).to_have_text("2.2")
    expect(page.get_by_test_id("project-link")).to_be_visible()
