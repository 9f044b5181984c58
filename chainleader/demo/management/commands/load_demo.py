"""`manage.py load_demo`: the deterministic, idempotent demo data (see chainleader/demo/README.md)."""

from __future__ import annotations

import os
import time
import unicodedata

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chainleader.accounts.models import Role
from chainleader.chains.models import Chain, Placement, Segment
from chainleader.core.jobs import refresh_planner_statistics
from chainleader.demo.accounts import DEFAULT_PASSWORD, PASSWORD_ENV, ROLE_ZH
from chainleader.demo.assessment_data import load_assessment_demo
from chainleader.demo.indicators_data import load_indicator_system
from chainleader.demo.loader import SEED, DemoLoader
from chainleader.enterprises.models import Enterprise, YearFigure
from chainleader.parks.models import LandZone, Park

MODEL_ZH = {
    "OrgUnit": "组织机构",
    "Chain": "产业链",
    "ChainTarget": "产业链目标",
    "Segment": "环节",
    "Park": "园区",
    "LandZone": "用地区块",
    "Enterprise": "企业",
    "EnterpriseTier": "企业称号",
    "YearFigure": "年度数据",
    "Contact": "联系人",
    "Placement": "企业落位",
    "User": "账号",
    "Project": "项目",
    "StageChange": "阶段变更",
    "MonthlyReport": "月度报表",
    "StartBatch": "集中开工批次",
    "Problem": "问题",
    "WorkItem": "清单事项",
    "ChainMeeting": "链长会议",
}
ORDER = list(MODEL_ZH)


def _counts(counter) -> str:
    items = sorted(
        counter.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER)
    )
    return "，".join(f"{MODEL_ZH.get(k, k)} {v}" for k, v in items)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = (
        "加载演示数据（确定性、可重复运行）：产业链、环节、链主与约2000家合成企业、园区、演示账号。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="把已存在的演示账号的密码也重置为 DEMO_PASSWORD（或默认密码）。",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        env_password = os.environ.get(PASSWORD_ENV)
        password = env_password or DEFAULT_PASSWORD
        try:
            out = DemoLoader(password, reset_passwords=options["reset_passwords"]).run()
            indicators = load_indicator_system()
            assessment = load_assessment_demo()
            refresh_planner_statistics()
        except ValidationError as exc:
            raise CommandError(f"{PASSWORD_ENV} 不符合密码规则：{'；'.join(exc.messages)}") from exc
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started

        w = self.stdout.write
        created = sum(out.created.values())
        w(f"演示数据加载完成（随机种子 {SEED}，用时 {elapsed:.1f} 秒）。")
        if created:
            w(f"本次新建：{_counts(out.created)}。")
        else:
            w("演示数据已存在，本次未新建任何记录（可重复运行，不会重复写入）。")
        if out.updated:
            w(f"本次更新：{_counts(out.updated)}。")

        chains = Chain.objects.all()
        w("")
        w("数据概况：")
        w(
            f"  产业链   {chains.count()} 条（市级 {chains.filter(level='city').count()} 条，"
            f"区级 {chains.filter(level='district').count()} 条）"
        )
        w(f"  环节     {Segment.objects.count()} 个；企业落位 {Placement.objects.count()} 条")
        w(
            f"  企业     {Enterprise.objects.count()} 家（其中合成 {Enterprise.objects.filter(is_synthetic=True).count()} 家，"
            f"规上 {Enterprise.objects.filter(above_size=True).count()} 家）；年度数据 {YearFigure.objects.count()} 条"
        )
        w(
            f"  指标体系 本次新增指标 {indicators['indicators']} 项、目标 {indicators['targets']} 条；"
            f"产业链目标对应 {indicators['chain_targets']} 条；计算值 {indicators['computed']} 条；"
            f"新预警 {indicators['warnings']} 条"
        )
        w(
            f"  摘星夺旗 本次新建演示方案 {assessment['schemes']} 个、发布考核结果 {assessment['runs']} 批"
        )
        w(
            f"  园区     {Park.objects.count()} 个；工业用地保护区与市级产业集聚区 {LandZone.objects.count()} 个"
        )

        if env_password:
            source = f"环境变量 {PASSWORD_ENV}"
        else:
            source = f"默认密码 {DEFAULT_PASSWORD}（未设置环境变量 {PASSWORD_ENV}）"
        w("")
        w("演示账号：")
        header = ("用户名", "角色", "所属单位", "密码")
        rows = []
        for username, role, unit, pw in out.accounts:
            pw_text = "已存在，密码未改动（--reset-passwords 可重置）" if pw == "kept" else source
            rows.append((username, ROLE_ZH[Role(role)], unit or "—", pw_text))
        widths = [max(_width(r[i]) for r in [header, *rows]) + 2 for i in range(3)]
        w("  " + "".join(_pad(h, widths[i]) for i, h in enumerate(header[:3])) + header[3])
        for r in rows:
            w("  " + "".join(_pad(r[i], widths[i]) for i in range(3)) + r[3])
        w("")
        w(
            "说明：合成企业（is_synthetic）的名称、统一社会信用代码、注册资本、成立日期、联系人及每一项年度数据"
            "（营收、税收、产值、增加值、用地、能耗、排放、研发投入）均为虚构的合成数据；链主企业的名称来自公开资料，"
            "但其信用代码、所在区和年度数据同样为合成数据。园区与用地区块的面积为合成数据。"
        )
