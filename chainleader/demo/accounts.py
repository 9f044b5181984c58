"""Demo accounts: one per role. Full names are role titles, never invented personal names."""

from __future__ import annotations

from dataclasses import dataclass

from chainleader.accounts.models import OrgUnit, Role

from .chains_data import CITY, CITY_OFFICE, DISTRICT, WEST_COAST_DISTRICT
from .masters import HAIER

# The documented demo default (README: `DEMO_PASSWORD=... make demo`); printed when the variable is unset.
DEFAULT_PASSWORD = "Chainleader-Demo-2026"  # noqa: S105
PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 — the name of the environment variable

ROLE_ZH = {
    Role.OFFICE: "链长办",
    Role.GENERAL_LEADER: "总链长",
    Role.CHAIN_LEADER: "链长",
    Role.TEAM_MEMBER: "专班成员",
    Role.DISTRICT: "区（市）用户",
    Role.DEPARTMENT: "部门用户",
    Role.ENTERPRISE: "企业用户",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    unit: tuple[str, str] | None = None  # (OrgUnit kind, name)
    chains: tuple[tuple[str, str], ...] = ()  # (level, chain name)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("office", Role.OFFICE, "链长办演示账号", (OrgUnit.Kind.OFFICE, CITY_OFFICE)),
    DemoAccount(
        "general_leader", Role.GENERAL_LEADER, "总链长演示账号", (OrgUnit.Kind.OFFICE, CITY_OFFICE)
    ),
    DemoAccount(
        "chain_leader", Role.CHAIN_LEADER, "链长演示账号（智能家电）", None, ((CITY, "智能家电"),)
    ),
    DemoAccount(
        "team",
        Role.TEAM_MEMBER,
        "专班成员演示账号（智能家电）",
        (OrgUnit.Kind.TEAM, "智能家电产业专班"),
        ((CITY, "智能家电"), (DISTRICT, "智能家电")),
    ),
    DemoAccount(
        "district",
        Role.DISTRICT,
        "区（市）用户演示账号（西海岸新区）",
        (OrgUnit.Kind.DISTRICT, WEST_COAST_DISTRICT),
    ),
    DemoAccount(
        "district2",
        Role.DISTRICT,
        "区（市）用户演示账号（崂山区）",
        (OrgUnit.Kind.DISTRICT, "崂山区"),
    ),
    DemoAccount(
        "department",
        Role.DEPARTMENT,
        "部门用户演示账号（市工业和信息化局）",
        (OrgUnit.Kind.DEPARTMENT, "市工业和信息化局"),
    ),
    DemoAccount(
        "firm", Role.ENTERPRISE, "企业用户演示账号（海尔智家）", (OrgUnit.Kind.ENTERPRISE, HAIER)
    ),
    DemoAccount("sysadmin", Role.SYSTEM_ADMIN, "系统管理员演示账号"),
    DemoAccount("secadmin", Role.SECURITY_ADMIN, "安全管理员演示账号"),
    DemoAccount("auditor", Role.AUDIT_ADMIN, "审计管理员演示账号"),
)
