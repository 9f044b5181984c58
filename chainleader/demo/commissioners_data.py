"""Demo: service commissioners (企业服务专员 / 包抓) for the chain masters, the tiered firms and some 规下 firms
under 包抓, with their visits (synthetic).

Real (seeds): the mechanism — 千名干部联系服务万户企业, a 企业服务专员 for each leading firm ("做企业贴心人"), small
firms under 包抓 to grow above the threshold. Synthetic: the cadres (invented names of the kind a city's cadres
have, in real bureaus and districts), who serves which firm, the dates, the visits and their notes; every
assignment and visit is flagged ``is_synthetic`` and the coverage page says so. Offsets come from one seeded
generator and are counted back from the day of loading (a visit is never in the future), so about a third of the
firms show an overdue visit whatever the day. Idempotent: nothing is written when demo assignments exist (the
cadre accounts are upserted).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.chains.models import Placement
from chainleader.commissioners import services
from chainleader.commissioners.models import Assignment
from chainleader.enterprises.models import Enterprise, EnterpriseTier

from . import chains_data as cd

SEED = 20260105
# (username, name, role, unit kind, unit name): cadres of the bureaus and districts that serve firms.
CADRES: tuple[tuple[str, str, str, str, str], ...] = (
    ("cadre_wangjg", "王建国", Role.DEPARTMENT, OrgUnit.Kind.DEPARTMENT, "市工业和信息化局"),
    ("cadre_chenzq", "陈志强", Role.DEPARTMENT, OrgUnit.Kind.DEPARTMENT, "市发展和改革委员会"),
    ("cadre_zhaom", "赵敏", Role.DEPARTMENT, OrgUnit.Kind.DEPARTMENT, "市商务局"),
    ("cadre_sunlf", "孙丽芳", Role.DEPARTMENT, OrgUnit.Kind.DEPARTMENT, "市科学技术局"),
    ("cadre_lixh", "李晓红", Role.DISTRICT, OrgUnit.Kind.DISTRICT, cd.WEST_COAST_DISTRICT),
    ("cadre_liuhy", "刘海燕", Role.DISTRICT, OrgUnit.Kind.DISTRICT, "崂山区"),
    ("cadre_zhoujf", "周建峰", Role.DISTRICT, OrgUnit.Kind.DISTRICT, "城阳区"),
    ("cadre_xuwj", "徐文静", Role.DISTRICT, OrgUnit.Kind.DISTRICT, "即墨区"),
)
TIERED = 40  # tiered firms served (小巨人, 单项冠军 first, then 专精特新)
SMALL = 20  # 规下 firms under 包抓
NOTES = (
    "实地查看生产线，了解订单与产能情况。",
    "企业反映用地指标紧张，已记录并转交相关部门。",
    "座谈了解融资需求，介绍了政策性贷款产品。",
    "电话回访上次诉求办理情况，企业表示满意。",
    "了解研发投入与专精特新申报准备情况。",
    "企业提出人才公寓需求，已告知申请渠道。",
    "线上沟通出口订单变化及物流成本。",
    "走访车间，了解技改项目进度。",
)


def _cadres(loader: Any) -> list[User]:
    users = []
    now = timezone.now()
    for username, name, role, kind, unit_name in CADRES:
        unit = (
            loader.units.get((kind, unit_name))
            or OrgUnit.objects.filter(kind=kind, name=unit_name).first()
        )
        user = User.objects.filter(username=username).first()
        pw = "kept"
        if user is None:
            pw = "new"
            user = User(
                username=username,
                full_name=name,
                role=role,
                org_unit=unit,
                is_active=True,
                must_change_password=False,
            )
            validate_password(loader.password, user)
            user.set_password(loader.password)
            user.password_changed_at = now
            user.save()
            loader.out.created["User"] += 1
        users.append(user)
        loader.out.accounts.append((username, role, unit.name if unit else "", pw))
    return users


def _firms() -> list[tuple[Enterprise, str]]:
    masters = list(
        Enterprise.objects.filter(
            pk__in=Placement.objects.filter(role=Placement.Role.MASTER).values("enterprise_id")
        ).order_by("uscc")
    )
    seen = {f.pk for f in masters}
    order = ["little_giant", "single_champion", "specialised", "gazelle", "unicorn"]
    tiered: list[Enterprise] = []
    for tier in order:
        for firm in Enterprise.objects.filter(
            pk__in=EnterpriseTier.objects.filter(tier=tier).values("enterprise_id")
        ).order_by("uscc"):
            if firm.pk not in seen and len(tiered) < TIERED:
                tiered.append(firm)
                seen.add(firm.pk)
    small = list(
        Enterprise.objects.filter(above_size=False, is_synthetic=True)
        .exclude(pk__in=seen)
        .exclude(pk__in=EnterpriseTier.objects.values("enterprise_id"))
        .order_by("uscc")[:SMALL]
    )
    return (
        [(f, Assignment.Kind.KEY) for f in masters]
        + [(f, Assignment.Kind.TIERED) for f in tiered]
        + [(f, Assignment.Kind.SMALL) for f in small]
    )


def load_commissioners(loader: Any) -> None:
    cadres = _cadres(loader)
    if Assignment.objects.filter(is_synthetic=True).exists():
        return
    office = User.objects.filter(username="office").first()
    if office is None:
        return
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    today = timezone.localdate()
    by_district: dict[str, list[User]] = {}
    for user, spec in zip(cadres, CADRES, strict=True):
        if spec[3] == OrgUnit.Kind.DISTRICT and user.org_unit and user.org_unit.region_id:
            by_district.setdefault(user.org_unit.region.code, []).append(user)
    departments = [
        u for u, spec in zip(cadres, CADRES, strict=True) if spec[3] == OrgUnit.Kind.DEPARTMENT
    ]
    for firm, kind in _firms():
        # A district's own cadre serves its small and most tiered firms; bureau cadres the chain masters.
        local = by_district.get(firm.region.code if firm.region_id else "", [])
        if kind == Assignment.Kind.KEY or not local:
            cadre = rng.choice(departments)
        else:
            cadre = rng.choice(local)
        interval = 60 if kind == Assignment.Kind.KEY else 90
        since = today - timedelta(days=rng.randint(150, 330))
        assignment = services.assign(
            actor=office,
            enterprise=firm,
            commissioner=cadre,
            kind=kind,
            since=since,
            visit_interval_days=interval,
            notes="演示数据（虚构）",
            is_synthetic=True,
        )
        loader.out.created["Assignment"] += 1
        # Visits every interval or so; the last one sometimes long ago (overdue), sometimes never.
        on = since + timedelta(days=rng.randint(5, 30))
        late = rng.random() < 0.35
        horizon = today - timedelta(days=interval + rng.randint(10, 60)) if late else today
        while on <= horizon:
            services.visit_log(
                actor=cadre,
                assignment=assignment,
                on=on,
                form=rng.choice(["on_site", "on_site", "phone", "online"]),
                notes=rng.choice(NOTES),
                is_synthetic=True,
            )
            loader.out.created["Visit"] += 1
            on += timedelta(days=rng.randint(interval // 2, interval - 5))
